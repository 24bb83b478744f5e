// Reading requests: one request as an actor may see it, the lists, a request's detail (history,
// onward transfers, the requests that follow it), its JSON shape, and the forms' look-ups.

import type { z } from "@hono/zod-openapi";
import { and, desc, eq, getTableColumns, inArray, lt, lte, notInArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type Db, type Millis, perConnection, rowsBy, stored, storedColumns } from "../db";
import { jsonArray } from "../db/dialect";
import {
  apiTokens,
  institutions,
  onwardTransfers,
  requests,
  requestTransactions,
  responses,
  suspects,
  users,
} from "../db/schema";
import { type Actor, institutionScope } from "../domain/access";
import { normalizeIdentifier } from "../domain/identifiers";
import {
  allowedActions,
  isInForce,
  onwardExceeds,
  type Party,
  type RejectCode,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
  returnableFen,
  trafficLight,
  UNSENT_STATUSES,
} from "../domain/requests";
import { iso } from "../domain/time";
import type { Deps } from "../http/context";
import { notFound } from "../http/errors";
import { instructionJson, instructionsJsonOf } from "./documents";
import type { RequestDetailJson, RequestJson } from "./schemas";
import { type TransactionRow, transactionsOf } from "./transactions";

type Suspect = typeof suspects.$inferSelect;
type Institution = typeof institutions.$inferSelect;

/**
 * A request as the services and views read it: its row (instants as stored milliseconds), its
 * suspect and institution, and what was traced and signed for it. One description, from the
 * table: REQUEST_FIELDS reads exactly this, and the JSON (requestJson) is made from it.
 */
export type RequestView = Millis<Omit<typeof requests.$inferSelect, "updatedAt">> & {
  suspectKind: Suspect["kind"];
  suspectValue: Suspect["value"];
  suspectStatus: Suspect["status"];
  instCode: Institution["code"];
  instKind: Institution["kind"];
  instZh: Institution["nameZh"];
  instEn: Institution["nameEn"];
  /** the transactions traced, as a JSON array (one read with the request) */
  transactionsJson: string;
  /** the numbered, signed instructions sent for it (documents.ts) */
  instructionsJson: string | null;
};

const { updatedAt: _updatedAt, includesInterest, ...columns } = getTableColumns(requests);
const REQUEST_FIELDS = {
  ...storedColumns(columns),
  includesInterest, // read through drizzle: a boolean, not SQLite's 0/1
  suspectKind: suspects.kind,
  suspectValue: suspects.value,
  suspectStatus: suspects.status,
  instCode: institutions.code,
  instKind: institutions.kind,
  instZh: institutions.nameZh,
  instEn: institutions.nameEn,
  transactionsJson: sql<string>`coalesce(${jsonArray(
    {
      at: "at",
      amountFen: "amount_fen",
      payerAccount: "payer_account",
      payerName: "payer_name",
      serialNo: "serial_no",
    },
    sql`select * from ${requestTransactions} where ${requestTransactions.requestId} = ${requests.id} order by ${requestTransactions.at}, ${requestTransactions.id}`,
  )}, '[]')`,
  instructionsJson: instructionsJsonOf(requests.id),
};

/** Requests with their suspect and institution: add the where, order and limit. */
export function selectRequests(db: Db) {
  return db
    .select(REQUEST_FIELDS)
    .from(requests)
    .innerJoin(suspects, eq(suspects.id, requests.suspectId))
    .innerJoin(institutions, eq(institutions.id, requests.institutionId));
}

// rows read by a hot path (the desk's queue) keyed without drizzle's per-field mapping (db/index.ts:
// rowsBy); the one field drizzle would map, includesInterest, is SQLite's 0/1 there
const keyed = rowsBy(REQUEST_FIELDS as unknown as Record<keyof typeof REQUEST_FIELDS, SQL<unknown>>);
/** Requests from a query on selectRequests, read with `.values()`. */
export function asRequests(values: unknown[][]): RequestView[] {
  const rows = keyed(values) as unknown as RequestView[];
  for (const r of rows) if (r.includesInterest != null) r.includesInterest = Boolean(r.includesInterest);
  return rows;
}

/** Waiting for the institution: sent, or acknowledged and not answered yet. */
export const IS_OPEN = inArray(requests.status, ["sent", "acknowledged"]);
/** Answered and holding (a stop-payment, freeze or suspension in force). */
export const IS_IN_FORCE = inArray(requests.status, ["completed", "partially_completed"]);

const nextRequest = alias(requests, "n");
// the hot paths (a request's page, its children) on queries prepared once per connection
const statements = perConnection((db: Db) => ({
  byId: selectRequests(db)
    .where(eq(requests.id, sql.placeholder("id")))
    .prepare(),
  children: selectRequests(db)
    .where(eq(requests.parentRequestId, sql.placeholder("id")))
    .orderBy(requests.id)
    .prepare(),
  // a request's timeline: who (a user, else a token) did what, in order
  history: db
    .select({
      action: responses.action,
      // the columns hold a status as text (no enum in the schema)
      fromStatus: sql<RequestStatus>`${responses.fromStatus}`,
      toStatus: sql<RequestStatus>`${responses.toStatus}`,
      amountFen: responses.amountFen,
      balanceFen: responses.balanceFen,
      reason: responses.reason,
      reasonCode: responses.reasonCode,
      by: sql<string | null>`coalesce(${users.displayName}, ${apiTokens.name})`,
      at: stored(responses.at),
    })
    .from(responses)
    .leftJoin(users, eq(users.id, responses.userId))
    .leftJoin(apiTokens, eq(apiTokens.id, responses.tokenId))
    .where(eq(responses.requestId, sql.placeholder("id")))
    .orderBy(responses.at, responses.id)
    .prepare(),
  // where the money moved on to, and the request that followed it there
  onward: db
    .select({
      suspectId: onwardTransfers.suspectId,
      account: suspects.value,
      bank: onwardTransfers.bank,
      amountFen: onwardTransfers.amountFen,
      at: stored(onwardTransfers.at),
      holderName: onwardTransfers.holderName,
      serialNo: onwardTransfers.serialNo,
      // typed: PostgreSQL returns a bare parameter as text
      level: sql<number>`cast(${sql.placeholder("level")} as integer)`,
      nextRequestId: onwardTransfers.nextRequestId,
      nextStatus: nextRequest.status,
    })
    .from(onwardTransfers)
    .innerJoin(suspects, eq(suspects.id, onwardTransfers.suspectId))
    .leftJoin(nextRequest, eq(nextRequest.id, onwardTransfers.nextRequestId))
    .where(eq(onwardTransfers.requestId, sql.placeholder("id")))
    .orderBy(onwardTransfers.id)
    .prepare(),
}));

export async function loadRequest(db: Db, id: number): Promise<RequestView | null> {
  return (await statements(db).byId.get({ id })) ?? null;
}

/** Bank and carrier staff see what was sent to their institution; never drafts (kept or discarded), never another's. */
function visibleTo(actor: Pick<Actor, "role" | "institutionId">, r: RequestView): boolean {
  const scope = institutionScope(actor);
  return scope === null || (r.institutionId === scope && !(UNSENT_STATUSES as readonly string[]).includes(r.status));
}

/** One request as this actor may see it; another institution's request is a 404. */
export async function getRequest(db: Db, actor: Actor, id: number): Promise<RequestView> {
  const r = await loadRequest(db, id);
  if (!r || !visibleTo(actor, r)) throw notFound("request");
  return r;
}

export type ListFilter = {
  status?: RequestStatus;
  kind?: RequestKind;
  caseId?: number;
  institution?: string;
  overdue?: boolean;
  expiring?: boolean;
  before?: number;
  limit: number;
};

/** Newest first, scoped to the actor's institution, filtered. */
export async function listRequests(
  db: Db,
  actor: Actor,
  f: ListFilter,
  now: number,
  cfg: Deps["config"],
): Promise<RequestView[]> {
  const scope = institutionScope(actor);
  const where: SQL[] = [];
  if (scope !== null) where.push(eq(requests.institutionId, scope), notInArray(requests.status, [...UNSENT_STATUSES]));
  if (f.status) where.push(eq(requests.status, f.status));
  if (f.kind) where.push(eq(requests.kind, f.kind));
  if (f.caseId) where.push(eq(requests.caseId, f.caseId));
  if (f.institution) where.push(eq(institutions.code, f.institution));
  if (f.overdue) where.push(IS_OPEN, lte(requests.deadlineAt, new Date(now)));
  if (f.expiring) {
    const horizon = Math.max(...cfg.requestReminderMs.freeze, ...cfg.requestReminderMs.stop_payment);
    where.push(IS_IN_FORCE, lte(requests.expiresAt, new Date(now + horizon)));
  }
  if (f.before) where.push(lt(requests.id, f.before));
  return await selectRequests(db)
    .where(and(...where))
    .orderBy(desc(requests.id))
    .limit(f.limit)
    .all();
}

export type HistoryRow = {
  action: RequestAction;
  fromStatus: RequestStatus;
  toStatus: RequestStatus;
  amountFen: number | null;
  balanceFen: number | null;
  reason: string | null;
  reasonCode: RejectCode | null;
  by: string | null;
  at: number;
};
type OnwardRow = {
  suspectId: number;
  account: string;
  bank: string | null;
  amountFen: number;
  at: number;
  holderName: string | null;
  serialNo: string | null;
  level: number;
  nextRequestId: number | null;
  nextStatus: RequestStatus | null;
};

export type RequestDetail = {
  request: RequestView;
  history: HistoryRow[];
  onward: OnwardRow[];
  /** requests that follow this one: freezes, returns, restores, onward stop-payments */
  children: RequestView[];
  parent: RequestView | null;
  /** for a freeze in force: how much can still be returned */
  returnableFen: number | null;
  transactions: TransactionRow[];
  /** the center is warned: more moved on from the account than it received */
  warnings: "onward_exceeds_received"[];
};

export async function requestDetail(db: Db, actor: Actor, id: number): Promise<RequestDetail> {
  const request = await getRequest(db, actor, id);
  const history = await statements(db).history.all({ id });
  // the accounts the money went on to are one level down the flow
  const onward = await statements(db).onward.all({ id, level: request.level + 1 });
  const scoped = (rows: RequestView[]) => rows.filter((r) => visibleTo(actor, r));
  const children = scoped(await statements(db).children.all({ id }));
  const parentRow = request.parentRequestId ? await loadRequest(db, request.parentRequestId) : null;
  const parent = parentRow && visibleTo(actor, parentRow) ? parentRow : null;
  const returnable =
    request.kind === "freeze" && isInForce(request.status) ? await freezeReturnable(db, request) : null;
  const transactions = await transactionsOf(db, id);
  const warnings = onwardExceeds(
    receivedBy(request, transactions),
    onward.map((o) => o.amountFen),
  )
    ? (["onward_exceeds_received"] as const)
    : [];
  return {
    request,
    history,
    onward,
    children,
    parent,
    returnableFen: returnable,
    transactions,
    warnings: [...warnings],
  };
}

/** What the account received: the transactions traced into it, else the amount asked. */
function receivedBy(r: Pick<RequestView, "amountFen">, transactions: readonly TransactionRow[]): number | null {
  return transactions.length ? transactions.reduce((s, x) => s + x.amountFen, 0) : r.amountFen;
}

function parseTransactions(json: string): TransactionRow[] {
  return JSON.parse(json) as TransactionRow[];
}

async function returnsOf(db: Db, freezeId: number, except?: number) {
  return (
    await db
      .select({
        id: requests.id,
        status: requests.status,
        amountFen: requests.amountFen,
        doneAmountFen: requests.doneAmountFen,
      })
      .from(requests)
      .where(and(eq(requests.parentRequestId, freezeId), eq(requests.kind, "return")))
      .all()
  ).filter((r) => r.id !== except);
}

/** Returned from a freeze so far: answered returns only. */
export async function returnedFrom(db: Db, freezeId: number): Promise<number> {
  return (await returnsOf(db, freezeId))
    .filter((x) => isInForce(x.status))
    .reduce((s, x) => s + (x.doneAmountFen ?? 0), 0);
}

export async function freezeReturnable(
  db: Db,
  freeze: Pick<RequestView, "id" | "doneAmountFen">,
  except?: number,
): Promise<number> {
  return returnableFen(freeze.doneAmountFen ?? 0, await returnsOf(db, freeze.id, except));
}

// ---------------------------------------------------------------------------------------------
// The JSON shape (API answers)

/** The API's JSON of a request: the compiler holds it to the schema the OpenAPI document shows (schemas.ts). */
export function requestJson(
  r: RequestView,
  actor: Pick<Actor, "role" | "institutionId">,
  now: number,
  cfg: Deps["config"],
): z.infer<typeof RequestJson> {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    level: r.level,
    // bank and carrier staff get what they need to act, not the case behind it
    caseId: institutionScope(actor) === null ? r.caseId : null,
    parentRequestId: r.parentRequestId,
    suspect: { id: r.suspectId, kind: r.suspectKind, value: r.suspectValue },
    institution: { code: r.instCode, name: r.instZh },
    amount: r.amountFen,
    doneAmount: r.doneAmountFen,
    balance: r.balanceFen,
    note: r.note,
    renewals: r.renewals,
    holderName: r.holderName,
    transactions: parseTransactions(r.transactionsJson).map((x) => ({
      at: iso(x.at),
      amount: x.amountFen,
      payerAccount: x.payerAccount,
      payerName: x.payerName,
      serialNo: x.serialNo,
    })),
    term: r.term ?? (r.kind === "freeze" ? "6m" : null),
    approval:
      r.approvalBy != null && r.approvalAt != null && r.approvalRef != null
        ? { by: r.approvalBy, at: iso(r.approvalAt), ref: r.approvalRef }
        : null,
    scope: r.scope ?? (r.kind === "freeze" ? "amount" : null),
    includesInterest: r.includesInterest == null ? (r.kind === "freeze" ? false : null) : !!r.includesInterest,
    light: trafficLight(r, now, cfg),
    createdAt: iso(r.createdAt),
    sentAt: iso(r.sentAt),
    acknowledgedAt: iso(r.acknowledgedAt),
    respondedAt: iso(r.respondedAt),
    effectiveAt: iso(r.effectiveAt),
    expiresAt: iso(r.expiresAt),
    deadlineAt: iso(r.deadlineAt),
    escalatedAt: iso(r.escalatedAt),
    ...instructionJson(r.instructionsJson),
  };
}

export function requestDetailJson(
  d: RequestDetail,
  actor: Actor,
  now: number,
  cfg: Deps["config"],
): z.infer<typeof RequestDetailJson> {
  return {
    ...requestJson(d.request, actor, now, cfg),
    responses: d.history.map((h) => ({
      action: h.action,
      from: h.fromStatus,
      to: h.toStatus,
      amount: h.amountFen,
      balance: h.balanceFen,
      reason: h.reason,
      reasonCode: h.reasonCode,
      by: h.by,
      at: iso(h.at),
    })),
    // the next request went to another institution: its number is the center's business
    onwardTransfers: d.onward.map((o) => ({
      account: o.account,
      bank: o.bank,
      amount: o.amountFen,
      at: iso(o.at),
      level: o.level,
      nextRequestId: institutionScope(actor) === null ? o.nextRequestId : null,
      holderName: o.holderName,
      serialNo: o.serialNo,
    })),
    warnings: d.warnings,
  };
}

/** The actions this actor could take on the request now (the buttons on its screen). */
export function actionsFor(r: RequestView, actor: Actor, now: number): RequestAction[] {
  return allowedActions(r, partyOf(actor), now);
}

function partyOf(actor: Actor | null): Party {
  return actor && institutionScope(actor) !== null ? "institution" : "center";
}

// ---------------------------------------------------------------------------------------------
// Forms' helpers

export type InstitutionOption = { id: number; code: string; kind: "bank" | "carrier"; nameZh: string; nameEn: string };

export async function institutionOptions(db: Db): Promise<InstitutionOption[]> {
  return await db
    .select({
      id: institutions.id,
      code: institutions.code,
      kind: institutions.kind,
      nameZh: institutions.nameZh,
      nameEn: institutions.nameEn,
    })
    .from(institutions)
    .orderBy(institutions.id)
    .all();
}

/** The institution a typed value points to (the form preselects it), or why it is not a value. */
export function inferInstitution(
  input: string,
): { ok: true; code: string | null; kind: "phone" | "bank_account"; display: string } | { ok: false; reason: string } {
  const idf = normalizeIdentifier(input);
  if (!idf.ok) return idf;
  return { ok: true, code: idf.institution?.code ?? null, kind: idf.kind, display: idf.display };
}

export type SuspectBrief = Pick<Suspect, "id" | "kind" | "value" | "status"> & {
  institutionCode: Institution["code"] | null;
};

export async function suspectBrief(db: Db, id: number): Promise<SuspectBrief | null> {
  return (
    (await db
      .select({
        id: suspects.id,
        kind: suspects.kind,
        value: suspects.value,
        institutionCode: institutions.code,
        status: suspects.status,
      })
      .from(suspects)
      .leftJoin(institutions, eq(institutions.id, suspects.institutionId))
      .where(eq(suspects.id, id))
      .get()) ?? null
  );
}
