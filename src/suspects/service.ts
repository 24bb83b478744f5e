// Suspects (涉诈号码/账户): record a sighting (insert or merge), change status, look up, search,
// and the reads behind the suspect screens.
import { and, desc, eq, gte, inArray, like, lt, ne, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { type Conn, type Db, inOrder, perConnection, rowsBy, stored, storedColumns, transaction } from "../db";
import { forUpdate } from "../db/dialect";
import { type IdempotencyKey, once } from "../db/idempotency";
import { auditLog, caseSuspects, cases, institutions, requests, suspectSources, suspects } from "../db/schema";
import { type Identifier, normalizeIdentifier, type SuspectKind, toHalfWidth } from "../domain/identifiers";
import { type Refusal, refuse } from "../domain/reasons";
import {
  checkStatusChange,
  firstSighting,
  isFlagged,
  mergeSighting,
  type RiskLevel,
  reasonFor,
  requestNamedIn,
  type Sighting,
  type SuspectState,
  type SuspectStatus,
  splitPasted,
} from "../domain/suspects";
import { invalid, notFound, refusalIssue, refused } from "../http/errors";

export type { Conn };

export type SuspectRecord = {
  id: number;
  kind: SuspectKind;
  value: string;
  display: string;
  institution: { code: string; nameZh: string; nameEn: string; inferred: boolean } | null;
  riskLevel: RiskLevel;
  status: SuspectStatus;
  statusReason: string | null;
  warnings: string[];
  firstSeenAt: number;
  lastSeenAt: number;
  sightings: number;
  note: string | null;
  /** bank accounts: the holder's name (户名) and the opening branch, when known */
  holderName: string | null;
  branch: string | null;
};

// One column list for every read, so every screen and API answer has the same record. The
// institution comes from correlated subqueries: on the lookup path they cost half what a LEFT JOIN
// of the same tiny table does (measured: ~10 µs against ~20 µs per lookup at 1M suspects).
// (drizzle writes a one-table selection's columns unqualified: institution_id is no column of
// institutions, so it names the suspect's.)
const inst = <K extends "code" | "nameZh" | "nameEn">(k: K) =>
  sql<
    string | null
  >`(select ${institutions[k]} from ${institutions} where ${institutions.id} = ${suspects.institutionId})`;
const COLUMNS = [
  "id",
  "kind",
  "value",
  "riskLevel",
  "status",
  "statusReason",
  "firstSeenAt",
  "lastSeenAt",
  "sightings",
  "note",
  "holderName",
  "branch",
] as const;
const FIELDS = {
  ...storedColumns(
    Object.fromEntries(COLUMNS.map((k) => [k, suspects[k]])) as Pick<typeof suspects, (typeof COLUMNS)[number]>,
  ),
  instInferred: sql<number>`${suspects.institutionInferred}`,
  instCode: inst("code"),
  instZh: inst("nameZh"),
  instEn: inst("nameEn"),
};
const toRows = rowsBy(FIELDS);
type Row = ReturnType<typeof toRows>[number];

const statements = perConnection((db: Db) => {
  const select = () => db.select(FIELDS).from(suspects);
  return {
    // on the unique index (value, kind): the lookup's one read
    byValue: select()
      .where(and(eq(suspects.value, sql.placeholder("value")), eq(suspects.kind, sql.placeholder("kind"))))
      .prepare(),
    byId: select()
      .where(eq(suspects.id, sql.placeholder("id")))
      .prepare(),
    requestInstitution: db
      .select({ institutionId: requests.institutionId })
      .from(requests)
      .where(eq(requests.id, sql.placeholder("id")))
      .prepare(),
    institutionNames: db
      .select({ nameZh: institutions.nameZh, nameEn: institutions.nameEn })
      .from(institutions)
      .where(eq(institutions.code, sql.placeholder("code")))
      .prepare(),
  };
});

/** The stored value is already normal: normalising it again gives its display form and warnings. */
function toRecord(r: Row, id?: Identifier): SuspectRecord {
  const n = id ?? normalizeIdentifier(r.value, r.kind);
  return {
    id: r.id,
    kind: r.kind,
    value: r.value,
    display: n.ok ? n.display : r.value,
    institution: r.instCode
      ? { code: r.instCode, nameZh: r.instZh!, nameEn: r.instEn!, inferred: !!r.instInferred }
      : null,
    riskLevel: r.riskLevel,
    status: r.status,
    statusReason: r.statusReason,
    warnings: n.ok ? n.warnings : [],
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    sightings: r.sightings,
    note: r.note,
    holderName: r.holderName,
    branch: r.branch,
  };
}

async function readById(tx: Conn, id: number, identifier?: Identifier): Promise<SuspectRecord | null> {
  const r = await tx.select(FIELDS).from(suspects).where(eq(suspects.id, id)).get();
  return r ? toRecord(r, identifier) : null;
}

/** The suspects a case names, with their fund-flow level. */
export async function suspectsOfCase(tx: Conn, caseId: number): Promise<(SuspectRecord & { level: number })[]> {
  return (
    await tx
      .select({ ...FIELDS, level: caseSuspects.level })
      .from(suspects)
      .innerJoin(caseSuspects, eq(caseSuspects.suspectId, suspects.id))
      .where(eq(caseSuspects.caseId, caseId))
      .orderBy(caseSuspects.level, caseSuspects.createdAt, suspects.id)
      .all()
  ).map((r) => ({ ...toRecord(r), level: r.level }));
}

// ---------------------------------------------------------------------------------------------
// Recording a sighting

export type SightingInput = {
  riskLevel?: RiskLevel;
  /** "manual", "case:<id>", "import:<file>", "api:<token>" … one suspect_sources row per distinct source. */
  source: string;
  caseId?: number | null;
  note?: string | null;
  /** a bank account's holder (户名) and opening branch as this report names them; the latest named wins */
  holderName?: string | null;
  branch?: string | null;
  at: number;
};

export type Recorded = { suspect: SuspectRecord; created: boolean; reopened: boolean };

const columnsOf = (s: SuspectState) => ({
  riskLevel: s.riskLevel,
  status: s.status,
  statusReason: s.statusReason,
  firstSeenAt: new Date(s.firstSeenAt),
  lastSeenAt: new Date(s.lastSeenAt),
  sightings: s.sightings,
  institutionId: s.institutionId,
  institutionInferred: s.institutionInferred,
  note: s.note,
});

/**
 * Records one sighting of an already normalised identifier: a new suspect, or a merge into the
 * one with the same kind and value (rules in domain/suspects.ts). Run it inside a transaction;
 * the caller audits. The one merge the API, the case form, the paste box and single-row imports share.
 */
async function mergeSuspect(tx: Conn, id: Identifier, o: SightingInput): Promise<Recorded> {
  const inferredInstitutionId = id.institution
    ? ((
        await tx
          .select({ id: institutions.id })
          .from(institutions)
          .where(eq(institutions.code, id.institution.code))
          .get()
      )?.id ?? null)
    : null;
  const sighting: Sighting = { at: o.at, riskLevel: o.riskLevel, inferredInstitutionId, note: o.note };
  const cur = await forUpdate(
    tx
      .select()
      .from(suspects)
      .where(and(eq(suspects.value, id.value), eq(suspects.kind, id.kind))),
  ).get();
  let suspectId: number;
  let reopened = false;
  if (cur) {
    const state = mergeSighting(
      { ...cur, firstSeenAt: cur.firstSeenAt.getTime(), lastSeenAt: cur.lastSeenAt.getTime() },
      sighting,
    );
    reopened = cur.status !== state.status;
    await tx.update(suspects).set(columnsOf(state)).where(eq(suspects.id, cur.id)).run();
    suspectId = cur.id;
  } else {
    const made = await tx
      .insert(suspects)
      .values({ kind: id.kind, value: id.value, ...columnsOf(firstSighting(sighting)) })
      .onConflictDoNothing()
      .returning({ id: suspects.id })
      .get();
    // On PostgreSQL a concurrent transaction may have made it since the read: merge into that one
    if (!made) return await mergeSuspect(tx, id, o);
    suspectId = made.id;
  }
  if (id.kind === "bank_account" && (o.holderName || o.branch)) {
    await tx
      .update(suspects)
      .set({ ...(o.holderName && { holderName: o.holderName }), ...(o.branch && { branch: o.branch }) })
      .where(eq(suspects.id, suspectId))
      .run();
  }
  await tx
    .insert(suspectSources)
    .values({ suspectId, source: o.source, firstAt: new Date(o.at) })
    .onConflictDoNothing()
    .run();
  if (o.caseId != null)
    await tx
      .insert(caseSuspects)
      .values({ caseId: o.caseId, suspectId, createdAt: new Date(o.at) })
      .onConflictDoNothing()
      .run();
  return { suspect: (await readById(tx, suspectId, id))!, created: !cur, reopened };
}

export type RecordInput = SightingInput & { kind?: SuspectKind; value: string };

async function ensureCase(tx: Conn, caseId: number): Promise<void> {
  if (!(await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId)).get())) {
    throw invalid([{ path: "caseId", message: `no case ${caseId}` }]);
  }
}

/** Normalises a written value and records the sighting; an unparseable value is a 400 naming why. */
async function recordSuspect(tx: Conn, input: RecordInput): Promise<Recorded> {
  const id = normalizeIdentifier(input.value, input.kind);
  if (!id.ok) throw invalid([refusalIssue("value", id)]);
  if (input.caseId != null) await ensureCase(tx, input.caseId);
  return await mergeSuspect(tx, id, input);
}

async function auditSighting(tx: Conn, who: AuditWho, rec: Recorded, o: SightingInput): Promise<void> {
  await recordAudit(tx, who, {
    action: rec.created ? "create" : "merge",
    entity: "suspect",
    entityId: rec.suspect.id,
    detail: {
      source: o.source,
      caseId: o.caseId ?? undefined,
      riskLevel: o.riskLevel,
      reopened: rec.reopened || undefined,
    },
  });
}

/** A sighting with its audit entry (the suspect's history): what the paste box and case form use. */
export async function reportSuspect(
  tx: Conn,
  who: AuditWho,
  input: { identifier: Identifier } & SightingInput,
): Promise<Recorded> {
  const rec = await mergeSuspect(tx, input.identifier, input);
  await auditSighting(tx, who, rec, input);
  return rec;
}

/** POST /api/v1/suspects: one value, normalised, recorded and audited in one transaction. */
export async function createSuspect(db: Db, who: AuditWho, input: Omit<RecordInput, "at">): Promise<Recorded> {
  return await transaction(db, async (tx) => {
    const full = { ...input, at: who.at };
    const rec = await recordSuspect(tx, full);
    await auditSighting(tx, who, rec, full);
    return rec;
  });
}

// ---------------------------------------------------------------------------------------------
// Status

/**
 * Moves a suspect along its lifecycle (rules in domain/suspects.ts), audited as "status" — the
 * status history on the suspect's page. Same status again is a no-op. Runs in the caller's transaction.
 */
export async function setSuspectStatus(
  tx: Conn,
  who: AuditWho,
  change: { suspectId: number; status: SuspectStatus; reason?: string | null },
): Promise<SuspectRecord> {
  const cur = await tx
    .select({ status: suspects.status })
    .from(suspects)
    .where(eq(suspects.id, change.suspectId))
    .get();
  if (!cur) throw notFound("suspect");
  const reason = change.reason?.trim() || null;
  const check = checkStatusChange(cur.status, change.status, reason);
  if (!check.ok) throw invalid([refusalIssue("status", check)], check.reason);
  if (check.changed) {
    await tx
      .update(suspects)
      .set({ status: change.status, statusReason: reason })
      .where(eq(suspects.id, change.suspectId))
      .run();
    await recordAudit(tx, who, {
      action: "status",
      entity: "suspect",
      entityId: change.suspectId,
      detail: { from: cur.status, to: change.status, reason },
    });
  }
  return (await readById(tx, change.suspectId))!;
}

// ---------------------------------------------------------------------------------------------
// Lookup: the hot path (bank payment systems ask before money moves; 10M suspects)

export type LookupResult = { value: string; kind: SuspectKind; flagged: boolean; suspect?: SuspectRecord };

/**
 * "Is this flagged?" for any written form of a number or account. Not audited, deliberately:
 * a lookup is a view of an indicator (is this account fraud-linked), not of anyone's personal
 * data, and a write per lookup would cap the rate payment systems need.
 */
export async function lookup(
  db: Db,
  input: string,
  scope: number | null = null,
): Promise<LookupResult | { ok: false; reason: string }> {
  const id = normalizeIdentifier(input);
  if (!id.ok) return id;
  const s = statements(db);
  const [row] = toRows(await s.byValue.values({ value: id.value, kind: id.kind }));
  if (!row) return { value: id.value, kind: id.kind, flagged: false };
  const suspect = toRecord(row, id);
  // the request a bank's reason names is read only when a bank asks
  const named = scope === null ? null : requestNamedIn(suspect.statusReason);
  const namedAt = named === null ? null : ((await s.requestInstitution.get({ id: named }))?.institutionId ?? null);
  suspect.statusReason = reasonFor(scope, suspect.statusReason, () => namedAt);
  return { value: id.value, kind: id.kind, flagged: isFlagged(row.status), suspect };
}

async function getSuspect(db: Db, id: number): Promise<SuspectRecord | null> {
  const r = await statements(db).byId.get({ id });
  return r ? toRecord(r) : null;
}

// ---------------------------------------------------------------------------------------------
// Search as you type

const SEARCH_LIMIT = 50;
export type SearchMode = "recent" | "match" | "too_short";

/**
 * Prefix ranges on the unique index (value, kind) for the digits typed, in each written form they
 * could be a start of: an account; a Chinese national number (+86…); a number with its country
 * code (+…); 00-international and 0-trunk prefixes dropped.
 */
function prefixRanges(typed: string, digits: string): [string, SuspectKind][] {
  const out: [string, SuspectKind][] = [];
  if (!typed.startsWith("+")) out.push([digits, "bank_account"]);
  if (typed.startsWith("+") || digits.startsWith("86")) out.push([`+${digits}`, "phone"]);
  if (digits.startsWith("00")) out.push([`+${digits.slice(2)}`, "phone"]);
  else if (digits.startsWith("0")) out.push([`+86${digits.slice(1)}`, "phone"]);
  else if (!typed.startsWith("+")) out.push([`+86${digits}`, "phone"]);
  return out;
}

/**
 * Suspects matching what was typed, best first, at most 50:
 * 1. the exact number, if the text is a complete identifier (unique index, one probe);
 * 2. values starting with the typed digits (index range scans, `value >= p and value < p || ':'`,
 *    ':' sorting right after '9'), each stopping after 50 rows;
 * 3. only if fewer than 50 so far, at least 4 digits were typed and the text is not a number on
 *    file: values containing the digits anywhere (`like '%…%'`). That is a scan of the covering
 *    index (value, kind), stopping at 50 hits: fast while the digits are common (~20 ms at 1M
 *    suspects), a full index scan when they are rare (~90 ms per million suspects measured here,
 *    so ~1 s at 10M). The 200 ms typing delay and hx-sync keep it to one scan per pause.
 *    Prefix searches stay under 1 ms at any size.
 */
export async function searchSuspects(db: Db, q: string): Promise<{ mode: SearchMode; rows: SuspectRecord[] }> {
  const typed = toHalfWidth(q).trim();
  const select = () => db.select(FIELDS).from(suspects);
  if (!typed)
    return {
      mode: "recent",
      rows: (await select().orderBy(desc(suspects.id)).limit(SEARCH_LIMIT).all()).map((r) => toRecord(r)),
    };
  const found = new Map<number, Row>();
  const add = (rows: Row[]) => {
    for (const r of rows) if (found.size < SEARCH_LIMIT) found.set(r.id, r);
  };
  const exact = normalizeIdentifier(typed);
  if (exact.ok) add(await statements(db).byValue.all({ value: exact.value, kind: exact.kind }));
  const digits = typed.replace(/\D/g, "");
  if (digits.length < 3)
    return { mode: found.size ? "match" : "too_short", rows: [...found.values()].map((r) => toRecord(r)) };
  const range = async (p: string, kind: SuspectKind) =>
    await select()
      .where(and(gte(suspects.value, p), lt(suspects.value, p + ":"), eq(suspects.kind, kind)))
      .orderBy(suspects.value)
      .limit(SEARCH_LIMIT)
      .all();
  for (const [p, kind] of prefixRanges(typed, digits)) if (found.size < SEARCH_LIMIT) add(await range(p, kind));
  // a complete number that is on file needs no scan for numbers merely containing it
  if (found.size < SEARCH_LIMIT && digits.length >= 4 && !(exact.ok && found.size > 0)) {
    // the subquery reads only the covering index; the outer query fetches at most 50 rows
    const containing = db
      .select({ id: suspects.id })
      .from(suspects)
      .where(like(suspects.value, `%${digits}%`))
      .limit(SEARCH_LIMIT * 2);
    add(await select().where(inArray(suspects.id, containing)).orderBy(desc(suspects.id)).all());
  }
  return { mode: "match", rows: [...found.values()].map((r) => toRecord(r)) };
}

// ---------------------------------------------------------------------------------------------
// The suspect page

export async function suspectDetail(db: Db, id: number) {
  const suspect = await getSuspect(db, id);
  if (!suspect) return null;
  const sources = await db
    .select({ source: suspectSources.source, firstAt: stored(suspectSources.firstAt) })
    .from(suspectSources)
    .where(eq(suspectSources.suspectId, id))
    .orderBy(suspectSources.firstAt, suspectSources.source)
    .all();
  const linkedCases = await db
    .select({
      ...storedColumns({
        id: cases.id,
        receivedAt: cases.receivedAt,
        district: cases.district,
        fraudType: cases.fraudType,
        status: cases.status,
        lossFen: cases.lossFen,
      }),
      level: caseSuspects.level,
    })
    .from(caseSuspects)
    .innerJoin(cases, eq(cases.id, caseSuspects.caseId))
    .where(eq(caseSuspects.suspectId, id))
    .orderBy(desc(cases.receivedAt))
    .limit(200)
    .all();
  const requestRows = await db
    .select({
      ...storedColumns({
        id: requests.id,
        kind: requests.kind,
        status: requests.status,
        createdAt: requests.createdAt,
        amountFen: requests.amountFen,
        doneAmountFen: requests.doneAmountFen,
        expiresAt: requests.expiresAt,
      }),
      institution: institutions.code,
    })
    .from(requests)
    .innerJoin(institutions, eq(institutions.id, requests.institutionId))
    .where(eq(requests.suspectId, id))
    .orderBy(desc(requests.createdAt))
    .limit(200)
    .all();
  // the audit trail is the history: created, merged (with source and case), status changes
  const history = (
    await db
      .select({ at: stored(auditLog.at), actor: auditLog.actor, action: auditLog.action, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entity, "suspect"), eq(auditLog.entityId, String(id)), ne(auditLog.action, "view")))
      .orderBy(desc(auditLog.id))
      .limit(200)
      .all()
  ).map((h) => ({ ...h, detail: h.detail ? (JSON.parse(h.detail) as Record<string, unknown>) : null }));
  return { suspect, sources, cases: linkedCases, requests: requestRows, history };
}

export type SuspectDetail = NonNullable<Awaited<ReturnType<typeof suspectDetail>>>;

// ---------------------------------------------------------------------------------------------
// The paste-many box

const PASTE_LIMIT = 1000;

export type PasteOutcome =
  | { line: number; input: string; outcome: "created" | "merged"; suspect: SuspectRecord }
  | { line: number; input: string; outcome: "duplicate"; ofLine: number; suspect: SuspectRecord }
  | { line: number; input: string; outcome: "rejected"; refusal: Refusal };

/** The values of a pasted text, one to PASTE_LIMIT of them; none or too many is refused. */
function pastedValues(text: string, kind?: SuspectKind) {
  const values = splitPasted(text, kind);
  if (values.length === 0) throw invalid([{ path: "text", message: "paste at least one number or account" }]);
  if (values.length > PASTE_LIMIT) {
    const r = refuse("paste.too_many", { n: values.length, max: PASTE_LIMIT });
    throw refused("too_many_values", r, [{ path: "text", message: `at most ${PASTE_LIMIT} values` }]);
  }
  return values;
}

export type CheckOutcome =
  | { line: number; input: string; outcome: "known"; flagged: boolean; suspect: SuspectRecord }
  | {
      line: number;
      input: string;
      outcome: "unknown";
      kind: SuspectKind;
      value: string;
      display: string;
      institution: SuspectRecord["institution"];
      warnings: string[];
    }
  | { line: number; input: string; outcome: "duplicate"; ofLine: number }
  | { line: number; input: string; outcome: "rejected"; refusal: Refusal };

/**
 * The paste box's check (核查): each pasted value looked up, on file or not, a repeat of an earlier
 * line, or not a number or account and why. Reads only: adding them is pasteMany, a separate action.
 * Not audited, like a lookup: it reads whether a value is flagged, not anyone's personal data.
 */
export async function checkPasted(db: Db, text: string, kind?: SuspectKind): Promise<CheckOutcome[]> {
  const values = pastedValues(text, kind);
  const s = statements(db);
  const seen = new Map<string, number>();
  return await inOrder(values, async ({ line, input }): Promise<CheckOutcome> => {
    const id = normalizeIdentifier(input, kind);
    if (!id.ok) return { line, input, outcome: "rejected", refusal: id };
    const key = `${id.kind}:${id.value}`;
    const ofLine = seen.get(key);
    if (ofLine !== undefined) return { line, input, outcome: "duplicate", ofLine };
    seen.set(key, line);
    const row = await s.byValue.get({ value: id.value, kind: id.kind });
    if (row) return { line, input, outcome: "known", flagged: isFlagged(row.status), suspect: toRecord(row, id) };
    const guess = id.institution && (await s.institutionNames.get({ code: id.institution.code }));
    return {
      line,
      input,
      outcome: "unknown",
      kind: id.kind,
      value: id.value,
      display: id.display,
      institution: guess ? { code: id.institution!.code, ...guess, inferred: true } : null,
      warnings: id.warnings,
    };
  });
}

/**
 * Every pasted value accounted for: created, merged, a repeat of an earlier line, or rejected with
 * why. With `idem` (the form's nonce), a repeat returns the first answer: a double submit adds no sighting.
 */
export async function pasteMany(
  db: Db,
  who: AuditWho,
  p: { text: string; kind?: SuspectKind; riskLevel?: RiskLevel; source: string; note?: string },
  idem?: IdempotencyKey,
): Promise<PasteOutcome[]> {
  const values = pastedValues(p.text, p.kind);
  return await transaction(
    db,
    async (tx) =>
      (
        await once(tx, idem, async () => {
          const seen = new Map<string, { line: number; suspect: SuspectRecord }>();
          const outcomes = await inOrder(values, async ({ line, input }): Promise<PasteOutcome> => {
            const id = normalizeIdentifier(input, p.kind);
            if (!id.ok) return { line, input, outcome: "rejected", refusal: id };
            const key = `${id.kind}:${id.value}`;
            const first = seen.get(key);
            if (first) return { line, input, outcome: "duplicate", ofLine: first.line, suspect: first.suspect };
            const rec = await reportSuspect(tx, who, {
              identifier: id,
              riskLevel: p.riskLevel,
              source: p.source,
              note: p.note,
              at: who.at,
            });
            seen.set(key, { line, suspect: rec.suspect });
            return { line, input, outcome: rec.created ? "created" : "merged", suspect: rec.suspect };
          });
          return outcomes;
        })
      ).value,
  );
}
