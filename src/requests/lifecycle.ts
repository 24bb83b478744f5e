// A request's lifecycle: create, send, the center's actions (discard, renew, release) and the
// institution's answers. Rules live in domain/requests.ts; every change runs in one transaction
// with its audit entry, and the live screens hear about it after the commit.
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db";
import { forUpdate, sameTextAs } from "../db/dialect";
import { type IdempotencyKey, once } from "../db/idempotency";
import { caseSuspects, cases, institutions, onwardTransfers, requests, responses, suspects } from "../db/schema";
import type { Actor } from "../domain/access";
import { normalizeIdentifier } from "../domain/identifiers";
import { formatFen } from "../domain/money";
import { refuse } from "../domain/reasons";
import {
  type Approval,
  checkConfirmedAmount,
  checkFreezeTerm,
  checkRenewalTerm,
  deadlineAfter,
  expiryAfter,
  FREEZE_INSTRUCTION_KINDS,
  type FreezeTerm,
  HOLD_KINDS,
  isInForce,
  KIND_TARGET,
  MONEY_KINDS,
  type Party,
  type RefusalCode,
  type RejectCode,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
  renewedExpiry,
  suspectStatusAfter,
  transition,
} from "../domain/requests";
import { checkStatusChange, requestReason } from "../domain/suspects";
import type { Deps } from "../http/context";
import { conflict, type Issue, invalid, refusalIssue, refused } from "../http/errors";
import { apiSource } from "../suspects/api";
import { type Conn, reportSuspect, setSuspectStatus } from "../suspects/service";
import { issueInstruction } from "./documents";
import { onwardSender } from "./onward";
import {
  freezeReturnable,
  getRequest,
  IS_IN_FORCE,
  IS_OPEN,
  loadRequest,
  type RequestView,
  returnedFrom,
  selectRequests,
} from "./read";
import type { ActionInput, CreateInput, OnwardInput, RespondInput } from "./schemas";
import {
  caseTransactionsInto,
  holderOf,
  noteHolder,
  recordTransactions,
  type TransactionInput,
  transactionsOf,
} from "./transactions";

export type Ctx = Pick<Deps, "db" | "config" | "events">;

/**
 * A transition the state machine does not allow (409): the API says the rule's English, a page
 * its reason in the reader's language; `status` is the status it was refused from.
 */
function refusedTransition(
  action: RequestAction,
  r: Pick<RequestView, "status" | "kind">,
  v: { code: RefusalCode; reason: string },
) {
  return refused("transition_refused", {
    ...refuse(`request.${v.code}`, { action, kind: r.kind, status: r.status }),
    reason: `Refused: ${v.reason}`,
  });
}

type Live = { channel: string; event: string; data: string };
export type Tx = { tx: Conn; db: Db; who: AuditWho; cfg: Deps["config"]; live: Live[] };

/** Who answered, as the responses row names them. */
function responderOf(who: AuditWho) {
  return {
    userId: who.actor?.kind === "user" ? who.actor.id : null,
    tokenId: who.actor?.kind === "token" ? who.actor.id : null,
  };
}

/**
 * Moves a request by one action (the state machine decides), records it in the request's
 * timeline and the audit log, and moves its suspect along. Returns the new status.
 */
export async function move(
  t: Tx,
  r: RequestView,
  action: RequestAction,
  party: Party,
  patch: Partial<typeof requests.$inferInsert> = {},
  answer: {
    amountFen?: number | null;
    balanceFen?: number | null;
    reason?: string | null;
    reasonCode?: RejectCode | null;
  } = {},
): Promise<{ to: RequestStatus; responseId: number }> {
  const now = t.who.at;
  const v = transition(r, action, party, now);
  if (!v.ok) throw refusedTransition(action, r, v);
  const done = await t.tx
    .update(requests)
    .set({ ...patch, status: v.to, updatedAt: new Date(now) })
    .where(and(eq(requests.id, r.id), eq(requests.status, r.status)))
    .returning({ id: requests.id })
    .all();
  if (done.length !== 1) throw conflict(refuse("request.stale"), "stale");
  const { id: responseId } = await t.tx
    .insert(responses)
    .values({
      requestId: r.id,
      action,
      fromStatus: r.status,
      toStatus: v.to,
      amountFen: answer.amountFen ?? null,
      balanceFen: answer.balanceFen ?? null,
      reason: answer.reason ?? null,
      reasonCode: answer.reasonCode ?? null,
      ...responderOf(t.who),
      at: new Date(now),
    })
    .returning({ id: responses.id })
    .get();
  await recordAudit(t.tx, t.who, {
    action,
    entity: "request",
    entityId: r.id,
    detail: { kind: r.kind, from: r.status, to: v.to, ...answer },
  });
  await followSuspect(t, r, v.to);
  t.live.push({ channel: "requests", event: "changed", data: String(r.id) });
  t.live.push({
    channel: `desk:${r.institutionId}`,
    event: action === "send" ? "arrived" : "changed",
    data: String(r.id),
  });
  // an institution's answer: the center's banner, tiles and title counter (home/live.tsx)
  if (party === "institution")
    t.live.push({ channel: "center", event: "answer", data: JSON.stringify({ requestId: r.id, action }) });
  return { to: v.to, responseId };
}

/** The suspect's status follows its requests; the suspect's own lifecycle has the last word. */
async function followSuspect(t: Tx, r: RequestView, to: RequestStatus): Promise<void> {
  const cur = await t.tx.select({ status: suspects.status }).from(suspects).where(eq(suspects.id, r.suspectId)).get();
  if (!cur) return;
  const next = suspectStatusAfter(r.kind, to, cur.status);
  const reason = requestReason(r.id, r.kind, to);
  if (next === cur.status || !checkStatusChange(cur.status, next, reason).ok) return;
  await setSuspectStatus(t.tx, t.who, { suspectId: r.suspectId, status: next, reason });
}

export async function inTransaction<T>(ctx: Ctx, who: AuditWho, fn: (t: Tx) => T): Promise<T> {
  const live: Live[] = [];
  const out = await transaction(ctx.db, async (tx) => fn({ tx, db: tx, who, cfg: ctx.config, live }));
  // after the commit: the desks and the center's screens hear of it
  for (const e of live) ctx.events.publish(e.channel, e.event, e.data);
  return out;
}

/**
 * The request as this change may see it, its row locked until the change commits: a concurrent change
 * (the desk's acknowledgement on open, a colleague's answer) is waited for, then read as it left it,
 * instead of turning this one into a stale 409 (PostgreSQL; SQLite runs one change at a time).
 */
async function lockedRequest(t: Tx, actor: Actor, id: number): Promise<RequestView> {
  await forUpdate(t.tx.select({ id: requests.id }).from(requests).where(eq(requests.id, id))).get();
  return await getRequest(t.db, actor, id);
}

async function reload(t: Tx, id: number): Promise<RequestView> {
  return (await loadRequest(t.db, id))!;
}

// ---------------------------------------------------------------------------------------------
// Creating

export type Created = { request: RequestView; replayed: boolean };

const fieldError = (path: string, message: string) => invalid([{ path, message }]);

/**
 * Creates a request to the institution of its suspect (or the one chosen), sent at once unless
 * it is a draft. With `idem`, a repeat of the key returns the first answer and creates nothing.
 */
export async function createRequest(
  ctx: Ctx,
  who: AuditWho,
  input: CreateInput,
  idem?: IdempotencyKey,
): Promise<Created> {
  return await inTransaction(ctx, who, async (t) => {
    const { value, replayed } = await once(t.tx, idem, async () => {
      const { tx } = t;
      if (
        input.caseId != null &&
        !(await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, input.caseId)).get())
      ) {
        throw fieldError("caseId", `no case ${input.caseId}`);
      }
      const suspect = await resolveSuspect(t, input);
      const targets = KIND_TARGET[input.kind];
      if (!targets.some((x) => x.suspect === suspect.kind)) {
        throw fieldError(
          input.suspectId ? "suspectId" : "value",
          `a ${input.kind} request needs a ${targets.map((x) => x.suspect).join(" or ")}, not a ${suspect.kind}`,
        );
      }
      const inst = await resolveInstitution(t, input.institution, suspect.institutionId);
      if (!inst) throw fieldError("institution", "cannot be inferred for this suspect; choose the bank or carrier");
      if (!targets.some((x) => x.suspect === suspect.kind && x.institution === inst.kind)) {
        throw fieldError(
          "institution",
          `${inst.code} is a ${inst.kind}; a ${input.kind} for a ${suspect.kind} goes to a ${targets.find((x) => x.suspect === suspect.kind)!.institution}`,
        );
      }
      const isMoney = (MONEY_KINDS as readonly string[]).includes(input.kind);
      if (input.amountFen != null && !isMoney)
        throw fieldError("amount", "only stop-payments, freezes and returns carry an amount");
      if (isMoney && input.amountFen === 0)
        throw fieldError("amount", `a ${input.kind} of ¥0 is refused: enter the amount`);
      const freezeTerms = checkFreezeFields(input);
      if (freezeTerms.length) throw invalid(freezeTerms, `${freezeTerms[0]!.path}: ${freezeTerms[0]!.message}`);
      if (
        input.kind === "freeze" &&
        (input.scope ?? "amount") === "amount" &&
        input.amountFen == null &&
        !input.transactions?.length
      ) {
        throw fieldError("amount", "a freeze of a sum needs the amount (or scope: account for the whole account)");
      }
      if ((input.holderName != null || input.transactions?.length) && suspect.kind !== "bank_account") {
        throw fieldError(
          input.holderName != null ? "holderName" : "transactions",
          "only a bank account has a holder and transactions",
        );
      }
      const parent = await resolveParent(t, input, suspect.id);
      if (input.kind === "return") {
        if (input.amountFen == null || input.amountFen <= 0) throw fieldError("amount", "enter the amount to return");
        const left = await freezeReturnable(t.db, parent!);
        if (input.amountFen > left) throw returnTooLarge(input.amountFen, left);
      }
      const level = (await caseLevel(t, input.caseId, suspect.id)) ?? parent?.level ?? 1;
      const traced = await tracedTransactions(t, input, suspect.id, level, parent);
      const holderName =
        input.holderName ?? (suspect.kind === "bank_account" ? await holderOf(t.db, suspect.id) : null);
      // a stop-payment or freeze of the money traced, when no amount was named
      const amountFen =
        input.amountFen ?? (input.kind === "stop_payment" || input.kind === "freeze" ? sumOrNull(traced) : null);
      const isFreeze = input.kind === "freeze";
      const { id } = await tx
        .insert(requests)
        .values({
          kind: input.kind,
          status: "draft",
          caseId: input.caseId ?? null,
          suspectId: suspect.id,
          institutionId: inst.id,
          level,
          parentRequestId: parent?.id ?? null,
          amountFen,
          note: input.note ?? null,
          holderName,
          term: isFreeze ? (input.term ?? "6m") : null,
          approvalBy: input.approval?.by ?? null,
          approvalAt: input.approval ? new Date(input.approval.at) : null,
          approvalRef: input.approval?.ref ?? null,
          scope: isFreeze ? (input.scope ?? "amount") : null,
          includesInterest: isFreeze ? (input.includesInterest ?? false) : null,
          ...creatorOf(who),
          createdAt: new Date(who.at),
          updatedAt: new Date(who.at),
        })
        .returning({ id: requests.id })
        .get();
      if (input.caseId != null) await linkToCase(t, input.caseId, suspect.id, level, null);
      await recordTransactions(tx, id, traced);
      await noteHolder(tx, suspect.id, input.holderName);
      await recordAudit(tx, who, {
        action: "create",
        entity: "request",
        entityId: id,
        detail: {
          kind: input.kind,
          institution: inst.code,
          suspectId: suspect.id,
          caseId: input.caseId,
          amountFen,
          draft: !!input.draft,
          transactions: traced.length,
          ...(isFreeze && { term: input.term ?? "6m", approvalRef: input.approval?.ref }),
        },
      });
      t.live.push({ channel: "requests", event: "changed", data: String(id) });
      if (!input.draft) await send(t, await reload(t, id));
      return { id };
    });
    return { request: await reload(t, value.id), replayed };
  });
}

/** Terms, approval, scope and interest belong to freezes; 12 months needs the approval. */
function checkFreezeFields(input: CreateInput): Issue[] {
  if (input.kind !== "freeze") {
    const stray = (["term", "approval", "scope", "includesInterest"] as const).find((k) => input[k] !== undefined);
    return stray ? [{ path: stray, message: `only a freeze has a ${stray}` }] : [];
  }
  return checkFreezeTerm(input.term ?? "6m", input.approval);
}

/**
 * The transactions a stop-payment or freeze traces: as given; else a freeze those of the
 * stop-payment it follows; else the case's transfers into the account (level 1), or the onward
 * transfer that revealed it (level n+1, recorded with its draft).
 */
async function tracedTransactions(
  t: Tx,
  input: CreateInput,
  suspectId: number,
  level: number,
  parent: RequestView | null,
): Promise<TransactionInput[]> {
  if (input.kind !== "stop_payment" && input.kind !== "freeze") return input.transactions ?? [];
  if (input.transactions?.length) return input.transactions;
  if (parent && parent.kind === "stop_payment") {
    const fromStop = await transactionsOf(t.db, parent.id);
    if (fromStop.length) return fromStop;
  }
  return input.caseId != null ? await caseTransactionsInto(t.db, input.caseId, suspectId, level) : [];
}

const sumOrNull = (rows: readonly TransactionInput[]) =>
  rows.length ? rows.reduce((s, x) => s + x.amountFen, 0) : null;

function creatorOf(who: AuditWho) {
  return {
    createdBy: who.actor?.kind === "user" ? who.actor.id : null,
    createdByToken: who.actor?.kind === "token" ? who.actor.id : null,
  };
}

type SuspectRow = Pick<typeof suspects.$inferSelect, "id" | "kind" | "institutionId">;
const suspectRow = async (t: Tx, id: number): Promise<SuspectRow | undefined> =>
  await t.tx
    .select({ id: suspects.id, kind: suspects.kind, institutionId: suspects.institutionId })
    .from(suspects)
    .where(eq(suspects.id, id))
    .get();

async function resolveSuspect(t: Tx, input: CreateInput): Promise<SuspectRow> {
  if (input.suspectId != null) {
    const s = await suspectRow(t, input.suspectId);
    if (!s) throw fieldError("suspectId", `no suspect ${input.suspectId}`);
    return s;
  }
  const idf = normalizeIdentifier(input.value ?? "");
  if (!idf.ok) throw invalid([refusalIssue("value", idf)]);
  const source = t.who.actor?.kind === "token" ? apiSource(t.who.actor) : "manual";
  const rec = await reportSuspect(t.tx, t.who, {
    identifier: idf,
    riskLevel: input.caseId != null ? "high" : undefined,
    source,
    caseId: input.caseId ?? null,
    at: t.who.at,
  });
  return (await suspectRow(t, rec.suspect.id))!;
}

type Inst = Pick<typeof institutions.$inferSelect, "id" | "code" | "kind">;
const INST = { id: institutions.id, code: institutions.code, kind: institutions.kind };

async function resolveInstitution(t: Tx, code: string | undefined, fallbackId: number | null): Promise<Inst | null> {
  if (code) {
    const i = await t.tx.select(INST).from(institutions).where(sameTextAs(institutions.code, code)).get();
    if (!i) throw fieldError("institution", `no institution ${code}`);
    return i;
  }
  return fallbackId == null
    ? null
    : ((await t.tx.select(INST).from(institutions).where(eq(institutions.id, fallbackId)).get()) ?? null);
}

/**
 * The request this one follows: a return draws on a freeze in force; a freeze takes over from a
 * stop-payment. Named, or inferred when the suspect has exactly one candidate.
 */
async function resolveParent(t: Tx, input: CreateInput, suspectId: number): Promise<RequestView | null> {
  const want: RequestKind | null =
    input.kind === "return"
      ? "freeze"
      : input.kind === "freeze"
        ? "stop_payment"
        : input.kind === "restore_number"
          ? "suspend_number"
          : null;
  if (input.parentRequestId != null) {
    const p = await loadRequest(t.db, input.parentRequestId);
    if (!p) throw fieldError("parentRequestId", `no request ${input.parentRequestId}`);
    if (p.kind !== want || p.suspectId !== suspectId)
      throw fieldError(
        "parentRequestId",
        `request ${p.id} is not a ${want ?? "request this one can follow"} on the same account`,
      );
    if (input.kind === "return" && !isInForce(p.status))
      throw fieldError("parentRequestId", `freeze ${p.id} is ${p.status}: nothing left to return`);
    return p;
  }
  if (!want) return null;
  const candidates = (
    await selectRequests(t.db)
      .where(and(eq(requests.suspectId, suspectId), eq(requests.kind, want), IS_IN_FORCE))
      .orderBy(requests.id)
      .all()
  ).filter((p) => input.caseId == null || p.caseId == null || p.caseId === input.caseId);
  if (candidates.length === 1) return candidates[0]!;
  if (input.kind === "return") {
    throw fieldError(
      "parentRequestId",
      candidates.length
        ? "this account has several freezes in force; name the one to return from"
        : "this account has no freeze in force to return from",
    );
  }
  return null;
}

/** An answer never confirms more than was asked: 409 naming both amounts (in fen, and as a page shows them). */
function amountAboveRequest(done: number, asked: number) {
  const r = refuse("request.amount_above_request", {
    done: formatFen(done),
    asked: formatFen(asked),
    doneFen: done,
    askedFen: asked,
  });
  return refused(
    "amount_exceeds_request",
    { ...r, reason: `Refused: ${done} fen confirmed is more than the ${asked} fen asked` },
    [{ path: "amount", message: `at most ${asked} fen` }],
  );
}

/** Never return more than was frozen: 409 naming what is left. */
function returnTooLarge(asked: number, left: number) {
  const r = refuse("request.return_too_large", { amount: formatFen(left), leftFen: left });
  return refused(
    "return_exceeds_frozen",
    { ...r, reason: `Refused: returning ${asked} fen is more than the ${left} fen still frozen` },
    [{ path: "amount", message: `at most ${left} fen` }],
  );
}

async function caseLevel(t: Tx, caseId: number | undefined, suspectId: number): Promise<number | null> {
  if (caseId == null) return null;
  return (
    (
      await t.tx
        .select({ level: caseSuspects.level })
        .from(caseSuspects)
        .where(and(eq(caseSuspects.caseId, caseId), eq(caseSuspects.suspectId, suspectId)))
        .get()
    )?.level ?? null
  );
}

async function linkToCase(
  t: Tx,
  caseId: number,
  suspectId: number,
  level: number,
  parentSuspectId: number | null,
): Promise<void> {
  await t.tx
    .insert(caseSuspects)
    .values({ caseId, suspectId, level, parentSuspectId, createdAt: new Date(t.who.at) })
    .onConflictDoNothing()
    .run();
}

async function send(t: Tx, r: RequestView): Promise<void> {
  const now = t.who.at;
  await move(t, r, "send", "center", {
    sentAt: new Date(now),
    deadlineAt: new Date(deadlineAfter(r.kind, "sent", now, t.cfg)!),
  });
  await issueInstruction(t, r.id, "send");
}

// ---------------------------------------------------------------------------------------------
// The center's actions on a request: send a draft or discard it (with the reason), renew a hold, release it

export type CenterAction = "send" | "discard" | "renew" | "release";

/** The request acted on, and for a freeze's renew or release the instruction sent to its bank. */
export type ActionOutcome = { request: RequestView; instruction: RequestView | null };

export async function centerAction(
  ctx: Ctx,
  who: AuditWho,
  id: number,
  action: CenterAction,
  opts: ActionInput = {},
): Promise<ActionOutcome> {
  const reason = opts.reason;
  return await inTransaction(ctx, who, async (t) => {
    const r = await lockedRequest(t, who.actor!, id);
    let instruction: RequestView | null = null;
    if (action === "send") await send(t, r);
    else if (action === "discard") await move(t, r, "discard", "center", {}, { reason: reason ?? null });
    // a freeze changes only when its bank confirms the instruction (继续冻结, 解除冻结)
    else if ((action === "renew" || action === "release") && r.kind === "freeze")
      instruction = await instructFreeze(t, r, action, opts);
    else if ((action === "renew" || action === "release") && (opts.term || opts.approval))
      throw fieldError(opts.term ? "term" : "approval", `only a freeze's renewal has a term`);
    else if (action === "renew") {
      const patch =
        r.expiresAt != null
          ? { renewals: r.renewals + 1, expiresAt: new Date(renewedExpiry(r.kind, r.expiresAt)) }
          : {};
      await move(t, r, "renew", "center", patch);
      await issueInstruction(t, id, "renew");
    } else {
      await move(t, r, "release", "center", { deadlineAt: null }, { reason: reason ?? null });
      await issueInstruction(t, id, "release");
    }
    return { request: await reload(t, id), instruction };
  });
}

/**
 * Renewing or lifting a freeze: a freeze_renewal / freeze_release instruction to its bank, sent at
 * once, one at a time. A renewal holds for at most the freeze's own term, counted from its expiry
 * when the bank confirms; a 12-month renewal carries the city-level approval (the freeze's unless
 * a new one is given).
 */
async function instructFreeze(
  t: Tx,
  freeze: RequestView,
  action: "renew" | "release",
  o: ActionInput,
): Promise<RequestView> {
  const v = transition(freeze, action, "center", t.who.at);
  if (!v.ok) throw refusedTransition(action, freeze, v);
  const open = await t.tx
    .select({ id: requests.id })
    .from(requests)
    .where(
      and(
        eq(requests.parentRequestId, freeze.id),
        inArray(requests.kind, [...FREEZE_INSTRUCTION_KINDS]),
        inArray(requests.status, ["draft", "sent", "acknowledged"]),
      ),
    )
    .limit(1)
    .get();
  if (open) throw conflict(refuse("request.instruction_open", { id: open.id }), "instruction_pending");
  const kind = action === "renew" ? "freeze_renewal" : "freeze_release";
  const freezeApproval: Approval | null =
    freeze.approvalBy != null && freeze.approvalAt != null && freeze.approvalRef != null
      ? { by: freeze.approvalBy, at: freeze.approvalAt, ref: freeze.approvalRef }
      : null;
  let term: FreezeTerm | null = null;
  let approval: Approval | null = null;
  if (kind === "freeze_renewal") {
    term = o.term ?? freeze.term ?? "6m";
    approval = term === "12m" ? (o.approval ?? freezeApproval) : null;
    const issues = checkRenewalTerm(freeze.term, term, approval);
    if (issues.length) throw invalid(issues, `${issues[0]!.path}: ${issues[0]!.message}`);
  } else if (o.term || o.approval) {
    throw fieldError(o.term ? "term" : "approval", "a release has no term");
  }
  const at = new Date(t.who.at);
  const { id } = await t.tx
    .insert(requests)
    .values({
      kind,
      status: "draft",
      caseId: freeze.caseId,
      suspectId: freeze.suspectId,
      institutionId: freeze.institutionId,
      level: freeze.level,
      parentRequestId: freeze.id,
      amountFen: freeze.doneAmountFen ?? freeze.amountFen,
      note: o.reason ?? null,
      holderName: freeze.holderName,
      term,
      approvalBy: approval?.by ?? null,
      approvalAt: approval ? new Date(approval.at) : null,
      approvalRef: approval?.ref ?? null,
      scope: freeze.scope,
      includesInterest: freeze.includesInterest == null ? null : !!freeze.includesInterest,
      ...creatorOf(t.who),
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: requests.id })
    .get();
  await recordAudit(t.tx, t.who, {
    action: "create",
    entity: "request",
    entityId: id,
    detail: { kind, of: freeze.id, term, approvalRef: approval?.ref, reason: o.reason },
  });
  t.live.push({ channel: "requests", event: "changed", data: String(freeze.id) });
  await send(t, await reload(t, id));
  return await reload(t, id);
}

// ---------------------------------------------------------------------------------------------
// The institution's answer

/** Checks an answer's fields before anything is written; every problem is named at once. */
function checkAnswer(r: RequestView, input: RespondInput): Issue[] {
  const issues: Issue[] = [];
  const money = (MONEY_KINDS as readonly string[]).includes(r.kind);
  if ((input.action === "confirm" || input.action === "partial") && money && input.amountFen == null) {
    issues.push({
      path: "amount",
      message: `enter the amount ${r.kind === "return" ? "returned" : r.kind === "freeze" ? "frozen" : "stopped"}`,
    });
  }
  // ¥0 is no stop, freeze or return — unless the money already moved on and the answer says where
  if (
    (input.action === "confirm" || input.action === "partial") &&
    money &&
    input.amountFen != null &&
    !input.onwardTransfers?.length
  ) {
    const zero = checkConfirmedAmount(null, input.amountFen);
    if (zero) issues.push({ path: "amount", message: zero.message });
  }
  // what a stop-payment holds is the balance it stopped on the account
  if (
    (input.action === "confirm" || input.action === "partial") &&
    r.kind === "stop_payment" &&
    input.balanceFen == null
  ) {
    issues.push({ path: "balance", message: "enter the balance stopped on the account" });
  }
  if (!money && (input.amountFen != null || input.balanceFen != null))
    issues.push({ path: "amount", message: `a ${r.kind} carries no amount` });
  const coded = input.action === "reject" && input.reasonCode != null && input.reasonCode !== "other";
  if ((input.action === "reject" || input.action === "fail" || input.action === "appeal") && !input.reason && !coded)
    issues.push({ path: "reason", message: "give the reason" });
  if (input.reasonCode != null && input.action !== "reject")
    issues.push({ path: "reasonCode", message: "a reason code comes with a rejection" });
  const onward = input.onwardTransfers ?? [];
  if (
    onward.length &&
    !((input.action === "confirm" || input.action === "partial") && (HOLD_KINDS as readonly string[]).includes(r.kind))
  ) {
    issues.push({
      path: "onwardTransfers",
      message: "onward transfers come with the answer to a stop-payment or freeze",
    });
  }
  onward.forEach((o, i) => {
    const idf = normalizeIdentifier(o.account, "bank_account");
    if (!idf.ok) issues.push(refusalIssue(`onwardTransfers.${i}.account`, idf));
  });
  return issues;
}

export async function respond(ctx: Ctx, who: AuditWho, id: number, input: RespondInput): Promise<RequestView> {
  return await inTransaction(ctx, who, async (t) => {
    const r = await lockedRequest(t, who.actor!, id);
    // the state machine first: answering twice is a 409, whatever the fields say
    const v = transition(r, input.action, "institution", who.at);
    if (!v.ok) throw refusedTransition(input.action, r, v);
    const issues = checkAnswer(r, input);
    if (issues.length) throw invalid(issues, `${issues[0]!.path}: ${issues[0]!.message}`);
    const now = who.at;
    const answer = {
      amountFen: input.amountFen ?? null,
      balanceFen: input.balanceFen ?? null,
      reason: input.reason ?? null,
      reasonCode: input.reasonCode ?? null,
    };
    switch (input.action) {
      case "acknowledge":
        await move(t, r, "acknowledge", "institution", {
          acknowledgedAt: new Date(now),
          deadlineAt: new Date(deadlineAfter(r.kind, "acknowledged", r.sentAt, t.cfg)!),
        });
        break;
      case "confirm":
      case "partial": {
        if (input.amountFen != null) {
          const above = checkConfirmedAmount(r.amountFen, input.amountFen);
          if (above?.asked != null) throw amountAboveRequest(above.done, above.asked);
        }
        if (r.kind === "return") {
          const parent = (await loadRequest(t.db, r.parentRequestId!))!;
          const left = await freezeReturnable(t.db, parent, r.id);
          if (input.amountFen! > left) throw returnTooLarge(input.amountFen!, left);
        }
        const expires = expiryAfter(r.kind, now, r.term);
        const { responseId } = await move(
          t,
          r,
          input.action,
          "institution",
          {
            acknowledgedAt: new Date(r.acknowledgedAt ?? now),
            respondedAt: new Date(now),
            deadlineAt: null,
            doneAmountFen: input.amountFen ?? null,
            balanceFen: input.balanceFen ?? null,
            effectiveAt: new Date(now),
            expiresAt: expires == null ? null : new Date(expires),
          },
          answer,
        );
        // the answer confirms which institution holds the account or number
        await t.tx
          .update(suspects)
          .set({ institutionId: r.institutionId, institutionInferred: false })
          .where(eq(suspects.id, r.suspectId))
          .run();
        await afterDone(t, await reload(t, r.id));
        await recordOnward(t, r, responseId, input.onwardTransfers ?? []);
        break;
      }
      case "reject":
      case "fail":
        await move(
          t,
          r,
          input.action,
          "institution",
          { acknowledgedAt: new Date(r.acknowledgedAt ?? now), respondedAt: new Date(now), deadlineAt: null },
          answer,
        );
        break;
      case "appeal": {
        await move(t, r, "appeal", "institution", {}, answer);
        // the center decides: a restore_number draft, sent by an agent if the appeal is upheld
        const { id: restoreId } = await t.tx
          .insert(requests)
          .values({
            kind: "restore_number",
            status: "draft",
            caseId: r.caseId,
            suspectId: r.suspectId,
            institutionId: r.institutionId,
            level: r.level,
            parentRequestId: r.id,
            note: input.reason ?? null,
            createdAt: new Date(now),
            updatedAt: new Date(now),
          })
          .returning({ id: requests.id })
          .get();
        await recordAudit(t.tx, who, {
          action: "create",
          entity: "request",
          entityId: restoreId,
          detail: { kind: "restore_number", appealOf: r.id, draft: true },
        });
        break;
      }
    }
    return await reload(t, id);
  });
}

/** What an answered request sets off: a freeze takes over from its stop-payment, a full return empties its freeze, a restore ends its suspension. */
async function afterDone(t: Tx, r: RequestView): Promise<void> {
  if (!r.parentRequestId) return;
  const parent = await loadRequest(t.db, r.parentRequestId);
  if (!parent) return;
  // the bank confirmed renewing or lifting its freeze: now it takes effect (or is refused, if the
  // freeze ran out meanwhile)
  if (r.kind === "freeze_renewal") {
    const expiresAt = parent.expiresAt == null ? null : new Date(renewedExpiry("freeze", parent.expiresAt, r.term));
    await move(
      t,
      parent,
      "renew",
      "system",
      { renewals: parent.renewals + 1, ...(expiresAt && { expiresAt }) },
      { reason: `request #${r.id} (freeze_renewal) confirmed` },
    );
    return;
  }
  if (r.kind === "freeze_release") {
    await move(
      t,
      parent,
      "release",
      "system",
      { deadlineAt: null },
      { reason: `request #${r.id} (freeze_release) confirmed` },
    );
    return;
  }
  if (!isInForce(parent.status)) return;
  const takesOver =
    (r.kind === "freeze" && parent.kind === "stop_payment") ||
    (r.kind === "restore_number" && parent.kind === "suspend_number") ||
    (r.kind === "return" &&
      parent.kind === "freeze" &&
      (await returnedFrom(t.db, parent.id)) >= (parent.doneAmountFen ?? 0));
  if (takesOver) {
    await move(
      t,
      parent,
      "release",
      "system",
      { deadlineAt: null },
      { reason: `request #${r.id} (${r.kind}) ${r.status}` },
    );
    if (parent.kind === "freeze")
      await withdrawInstructions(t, parent.id, `the freeze was released (request #${r.id})`);
  }
}

/** A renewal or release still open when its freeze left force is withdrawn: the bank has nothing left to act on. */
export async function withdrawInstructions(t: Tx, freezeId: number, why: string): Promise<void> {
  const open = await selectRequests(t.db)
    .where(and(eq(requests.parentRequestId, freezeId), inArray(requests.kind, [...FREEZE_INSTRUCTION_KINDS]), IS_OPEN))
    .all();
  for (const x of open)
    await move(t, x, "fail", "system", { respondedAt: new Date(t.who.at), deadlineAt: null }, { reason: why });
}

/**
 * "Already moved on to account X at bank Y": each becomes a level n+1 suspect on the case and,
 * when the bank has a desk here, a draft stop-payment to it for the agent to send in one click.
 */
async function recordOnward(t: Tx, r: RequestView, responseId: number, rows: OnwardInput[]): Promise<void> {
  for (const o of rows) {
    const idf = normalizeIdentifier(o.account, "bank_account");
    if (!idf.ok) continue; // checked in checkAnswer
    const rec = await reportSuspect(t.tx, t.who, {
      identifier: idf,
      riskLevel: "high",
      source: `request:${r.id}`,
      note: null,
      at: t.who.at,
    });
    // the bank the answer named; else the one the card number points to. A bank without a desk
    // here gets no draft: the transfer is kept, with the bank as written, for the agent.
    const inferred = rec.suspect.institution?.code;
    const bankId = o.bank
      ? ((await bankByName(t.db, o.bank))?.id ?? null)
      : inferred
        ? await bankIdByCode(t.db, inferred)
        : null;
    const level = r.level + 1;
    if (r.caseId != null) await linkToCase(t, r.caseId, rec.suspect.id, level, r.suspectId);
    await noteHolder(t.tx, rec.suspect.id, o.holderName);
    let nextRequestId: number | null = null;
    if (bankId != null) {
      nextRequestId = (
        await t.tx
          .insert(requests)
          .values({
            kind: "stop_payment",
            status: "draft",
            caseId: r.caseId,
            suspectId: rec.suspect.id,
            institutionId: bankId,
            level,
            parentRequestId: r.id,
            amountFen: o.amountFen,
            holderName: o.holderName ?? (await holderOf(t.db, rec.suspect.id)),
            // the officer of the request it follows drafts it (and signs it when it is sent at once)
            createdBy: r.createdBy,
            createdAt: new Date(t.who.at),
            updatedAt: new Date(t.who.at),
          })
          .returning({ id: requests.id })
          .get()
      ).id;
      // what the next bank checks: the onward transfer, paid from the account this bank holds
      await recordTransactions(t.tx, nextRequestId, [
        {
          at: o.at,
          amountFen: o.amountFen,
          payerAccount: r.suspectValue,
          payerName: r.holderName,
          serialNo: o.serialNo ?? null,
        },
      ]);
      await recordAudit(t.tx, t.who, {
        action: "create",
        entity: "request",
        entityId: nextRequestId,
        detail: { kind: "stop_payment", onwardFrom: r.id, level, draft: true },
      });
    }
    await t.tx
      .insert(onwardTransfers)
      .values({
        responseId,
        requestId: r.id,
        suspectId: rec.suspect.id,
        amountFen: o.amountFen,
        at: new Date(o.at),
        bank: o.bank ?? rec.suspect.institution?.code ?? null,
        holderName: o.holderName ?? null,
        serialNo: o.serialNo ?? null,
        nextRequestId,
      })
      .run();
    if (nextRequestId != null) {
      // ONWARD_AUTO_SEND: sent in this same transaction, by the system under the case's officers
      if (t.cfg.onwardAutoSend) await send({ ...t, who: onwardSender(t.who.at) }, await reload(t, nextRequestId));
      t.live.push({
        channel: "center",
        event: "onward",
        data: JSON.stringify({ requestId: nextRequestId, from: r.id, sent: t.cfg.onwardAutoSend }),
      });
    }
  }
}

/** A bank named by code or by name, as a desk or a bank's system writes it; only banks. */
async function bankByName(db: Db, name: string): Promise<{ id: number } | null> {
  const named = or(
    sameTextAs(institutions.code, name),
    eq(institutions.nameZh, name),
    sameTextAs(institutions.nameEn, name),
  );
  return (
    (await db
      .select({ id: institutions.id })
      .from(institutions)
      .where(and(eq(institutions.kind, "bank"), named))
      .get()) ?? null
  );
}

async function bankIdByCode(db: Db, code: string): Promise<number | null> {
  return (
    (
      await db
        .select({ id: institutions.id })
        .from(institutions)
        .where(and(eq(institutions.kind, "bank"), eq(institutions.code, code)))
        .get()
    )?.id ?? null
  );
}
