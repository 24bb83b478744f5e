// Targets (高危潜在受骗群众) and the agents' queue: intake with merging, "next" under a lease,
// claims, the queue page's reads, and a target's detail. Rules live in domain/queue.ts; every
// change runs in one transaction with its audit entry, and the live screens hear of it after
// the commit. Hot paths use prepared statements (one set per database).
import { districtIssue } from "../districts/service";
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { recordAudit, type AuditWho } from "../audit/service";
import { prepared, type Db } from "../db";
import type { TARGET_REASONS, TARGET_SOURCES } from "../domain/enums";
import type { Actor } from "../domain/access";
import { normalizeIdentifier, normalizePhone, type Identifier, type SuspectKind } from "../domain/identifiers";
import { dueAt, leaseHeld, mergeTarget, trafficLight, type Deadlines, type Grade, type Outcome, type TargetFacts } from "../domain/queue";
import type { Deps } from "../http/context";
import { AppError, conflict, notFound, validationError, type Issue, refusalIssue } from "../http/errors";
import { refuse } from "../domain/reasons";
import { reportSuspect, type Conn } from "../suspects/service";
import { TargetInput, type TargetInputBody } from "./schemas";

export type Ctx = Pick<Deps, "db" | "config" | "events">;

// ---------------------------------------------------------------------------------------------
// Prepared statements

/** Named parameters ($name in the SQL, `name` here: the database runs in strict mode). */
export type Named = Record<string, string | number | null>;

export { prepared };

// ---------------------------------------------------------------------------------------------
// Reading

export type TargetReason = (typeof TARGET_REASONS)[number];
export type TargetSource = (typeof TARGET_SOURCES)[number];

export type TargetView = {
  id: number;
  phone: string;
  name: string | null;
  district: string | null;
  age: number | null;
  reason: TargetReason;
  reasonNote: string | null;
  suspectId: number | null;
  suspectKind: SuspectKind | null;
  suspectValue: string | null;
  riskGrade: Grade;
  source: TargetSource;
  amountAtRiskFen: number | null;
  status: "open" | "closed";
  availableAt: number;
  dueAt: number;
  claimedBy: number | null;
  claimedByToken: number | null;
  claimerName: string | null;
  leaseExpiresAt: number | null;
  outcome: Outcome | null;
  closedAt: number | null;
  caseId: number | null;
  createdAt: number;
};

// The suspect and the claimer come from correlated subqueries: SQLite answers them by primary key
// at a fraction of what the same LEFT JOINs cost it on every claim (measured ~17 µs against ~6 µs).
const COLUMNS = `t.id, t.phone, t.name, t.district, t.age, t.reason, t.reason_note as reasonNote, t.suspect_id as suspectId,
  (select kind from suspects where id = t.suspect_id) as suspectKind, (select value from suspects where id = t.suspect_id) as suspectValue,
  t.risk_grade as riskGrade, t.source, t.amount_at_risk_fen as amountAtRiskFen,
  t.status, t.available_at as availableAt, t.due_at as dueAt, t.claimed_by as claimedBy, t.claimed_by_token as claimedByToken,
  coalesce((select display_name from users where id = t.claimed_by), 'token:' || (select name from api_tokens where id = t.claimed_by_token)) as claimerName,
  t.lease_expires_at as leaseExpiresAt, t.outcome, t.closed_at as closedAt, t.case_id as caseId, t.created_at as createdAt`;
// The queue is read in the order of its index; without statistics the planner would prefer (status, …).
const QUEUE_FROM = `from targets t indexed by targets_queue_free_idx`;
const QUEUE_WHERE = `t.status = 'open' and t.lease_expires_at is null`;
const QUEUE_ORDER = `order by t.queue_rank, t.available_at`;
// Held now: the lease index, live leases only (lapsed ones sort below now until swept).
const HELD_FROM = `from targets t indexed by targets_open_lease_idx`;
const HELD_WHERE = `t.status = 'open' and t.lease_expires_at is not null and t.lease_expires_at > $now`;

export function getTarget(db: Db, id: number): TargetView | null {
  return prepared<TargetView, [number]>(db, `select ${COLUMNS} from targets t where t.id = ?`).get(id);
}

export function requireTarget(db: Db, id: number): TargetView {
  const t = getTarget(db, id);
  if (!t) throw notFound("target");
  return t;
}

/** Whether this actor holds the target's claim right now. */
export function holds(t: Pick<TargetView, "claimedBy" | "claimedByToken" | "leaseExpiresAt">, actor: Pick<Actor, "kind" | "id">, now: number): boolean {
  if (!leaseHeld(t.leaseExpiresAt, now)) return false;
  return actor.kind === "user" ? t.claimedBy === actor.id && t.claimedByToken === null : t.claimedByToken === actor.id;
}

/** Someone else working this target is a 409: two agents never call the same person at once. */
export function assertFreeFor(t: TargetView, actor: Actor, now: number): void {
  if (leaseHeld(t.leaseExpiresAt, now) && !holds(t, actor, now)) {
    throw conflict(t.claimerName ? refuse("target.claimed", { id: t.id, who: t.claimerName }) : refuse("target.claimed_by_other", { id: t.id }), "claimed");
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API's Target. */
export function targetJson(t: TargetView, now: number, deadlines: Deadlines) {
  const held = leaseHeld(t.leaseExpiresAt, now);
  return {
    id: t.id,
    phone: t.phone,
    name: t.name,
    district: t.district,
    age: t.age,
    reason: t.reason,
    reasonNote: t.reasonNote,
    suspect: t.suspectId !== null ? { id: t.suspectId, kind: t.suspectKind!, value: t.suspectValue! } : null,
    riskGrade: t.riskGrade,
    source: t.source,
    amountAtRisk: t.amountAtRiskFen,
    status: t.status,
    outcome: t.outcome,
    light: trafficLight(t, now, deadlines),
    availableAt: iso(t.availableAt)!,
    dueAt: iso(t.dueAt)!,
    claimedBy: held ? t.claimerName : null,
    leaseExpiresAt: held ? iso(t.leaseExpiresAt) : null,
    closedAt: iso(t.closedAt),
    caseId: t.caseId,
    createdAt: iso(t.createdAt)!,
  };
}

// ---------------------------------------------------------------------------------------------
// Intake: a new target, or a merge into the open one for the same phone

export type NewTarget = {
  phone: string;
  riskGrade: Grade;
  name?: string | null;
  district?: string | null;
  age?: number | null;
  reason?: TargetReason | null;
  reasonNote?: string | null;
  suspectValue?: string | null;
  amountAtRiskFen?: number | null;
  source: TargetSource;
  /** where exactly it came from ("import:12"); the suspect's source and the audit say so */
  origin?: string;
};

export type Checked = { phone: string; suspect: Identifier | null; reason: TargetReason };

const invalid = (issues: Issue[]) => new AppError(400, "invalid_input", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);

const KIND_OF_REASON: Record<TargetReason, SuspectKind | undefined> = { contacted_by: "phone", paying_to: "bank_account", other: undefined };

/** The phone and the suspect behind the reason, normalised; every problem at once. */
export function checkTarget(input: Pick<NewTarget, "phone" | "reason" | "suspectValue">): { issues: Issue[]; checked: Checked } {
  const issues: Issue[] = [];
  const p = normalizePhone(input.phone);
  if (!p.ok) issues.push(refusalIssue("phone", p));
  let suspect: Identifier | null = null;
  if (input.suspectValue) {
    const id = normalizeIdentifier(input.suspectValue, KIND_OF_REASON[input.reason ?? "other"]);
    if (id.ok) suspect = id;
    else issues.push(refusalIssue("suspectValue", id));
  }
  // the suspect's kind says what the reason was when the sender did not
  const reason: TargetReason = input.reason ?? (suspect ? (suspect.kind === "phone" ? "contacted_by" : "paying_to") : "other");
  return { issues, checked: { phone: p.ok ? p.value : "", suspect, reason } };
}

type OpenRow = TargetFacts & { id: number; phone: string; status: "open" };
const FACT_COLUMNS = `id, phone, status, risk_grade as riskGrade, due_at as dueAt, name, district, age, reason, reason_note as reasonNote,
  suspect_id as suspectId, amount_at_risk_fen as amountAtRiskFen`;

const INSERT = `insert into targets (phone, name, district, age, reason, reason_note, suspect_id, risk_grade, source, amount_at_risk_fen,
  status, available_at, due_at, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?) returning id`;

/** Records one target inside the caller's transaction (API, batch, form and import share it); audited. */
export function addTargetIn(tx: Conn, db: Db | Database, who: AuditWho, input: NewTarget, deadlines: Deadlines): { id: number; merged: boolean } {
  const { issues, checked } = checkTarget(input);
  // only a district on the center's list (any while the list is empty)
  const unlisted = districtIssue(db, "district", input.district);
  if (unlisted) issues.push(unlisted);
  if (issues.length) throw invalid(issues);
  const now = who.at;
  const suspectId = checked.suspect ? reportSuspect(tx, who, { identifier: checked.suspect, source: input.origin ?? `target:${input.source}`, at: now }).suspect.id : null;
  const incoming = {
    riskGrade: input.riskGrade,
    name: input.name || null,
    district: input.district || null,
    age: input.age ?? null,
    reason: checked.reason,
    reasonNote: input.reasonNote || null,
    suspectId,
    amountAtRiskFen: input.amountAtRiskFen ?? null,
  };
  const open = prepared<OpenRow, [string]>(db, `select ${FACT_COLUMNS} from targets where phone = ? and status = 'open'`).get(checked.phone);
  if (open) {
    const patch = mergeTarget(open, incoming, now, deadlines);
    const changed = Object.keys(patch);
    if (changed.length) updateFacts(db, open.id, patch, now);
    recordAudit(tx, who, { action: "merge", entity: "target", entityId: open.id, detail: { source: input.origin ?? input.source, changed } });
    return { id: open.id, merged: true };
  }
  const { id } = prepared<{ id: number }>(db, INSERT).get(
    checked.phone,
    incoming.name,
    incoming.district,
    incoming.age,
    incoming.reason,
    incoming.reasonNote,
    suspectId,
    input.riskGrade,
    input.source,
    incoming.amountAtRiskFen,
    now,
    dueAt(input.riskGrade, now, deadlines),
    now,
    now,
  )!;
  recordAudit(tx, who, { action: "create", entity: "target", entityId: id, detail: { source: input.origin ?? input.source, riskGrade: input.riskGrade, suspectId } });
  return { id, merged: false };
}

const FACT_SQL: Record<keyof TargetFacts, string> = {
  riskGrade: "risk_grade",
  dueAt: "due_at",
  name: "name",
  district: "district",
  age: "age",
  reason: "reason",
  reasonNote: "reason_note",
  suspectId: "suspect_id",
  amountAtRiskFen: "amount_at_risk_fen",
};

function updateFacts(db: Db | Database, id: number, patch: Partial<TargetFacts>, now: number): void {
  const keys = Object.keys(patch) as (keyof TargetFacts)[];
  const sets = keys.map((k) => `${FACT_SQL[k]} = ?`).join(", ");
  prepared(db, `update targets set ${sets}, updated_at = ? where id = ?`).run(...keys.map((k) => patch[k] as SQLQueryBindings), now, id);
}

/** A form or API single target: its own transaction. */
export function addTarget(ctx: Ctx, who: AuditWho, input: NewTarget): { target: TargetView; merged: boolean } {
  const r = ctx.db.transaction((tx) => addTargetIn(tx, ctx.db, who, input, ctx.config.warningDeadlineMs));
  ctx.events.publish("queue", "changed");
  return { target: getTarget(ctx.db, r.id)!, merged: r.merged };
}

export const fromApi = (b: TargetInputBody, source: TargetSource): NewTarget => ({
  phone: b.phone,
  riskGrade: b.riskGrade,
  name: b.name,
  district: b.district,
  age: b.age,
  reason: b.reason,
  reasonNote: b.reasonNote,
  suspectValue: b.suspectValue,
  amountAtRiskFen: b.amountAtRisk,
  source: b.source ?? source,
});

export type BatchResult = { ok: true; target: TargetView; merged: boolean } | { ok: false; error: AppError };

/**
 * Up to 1000 targets in one transaction, each in its own savepoint: an invalid entry gets its
 * own error (paths relative to the entry) and the rest are recorded. Results in input order.
 */
export function addTargets(ctx: Ctx, who: AuditWho, raw: unknown[], source: TargetSource): BatchResult[] {
  const ids = ctx.db.transaction((tx) =>
    raw.map((entry): { id: number; merged: boolean } | AppError => {
      const parsed = TargetInput.safeParse(entry);
      if (!parsed.success) return validationError(parsed.error);
      try {
        return tx.transaction((sp) => addTargetIn(sp, ctx.db, who, fromApi(parsed.data, source), ctx.config.warningDeadlineMs));
      } catch (e) {
        if (e instanceof AppError) return e;
        throw e;
      }
    }),
  );
  ctx.events.publish("queue", "changed");
  return ids.map((r) => (r instanceof AppError ? { ok: false, error: r } : { ok: true, target: getTarget(ctx.db, r.id)!, merged: r.merged }));
}

// ---------------------------------------------------------------------------------------------
// The queue: "next", claims, release

const holder = (actor: Actor | null) => ({
  user: actor?.kind === "user" ? actor.id : null,
  token: actor?.kind === "token" ? actor.id : null,
});

// Leases that lapsed give their targets back: the row returns to the queue index at its old place.
const SWEEP = `update targets indexed by targets_open_lease_idx set claimed_by = null, claimed_by_token = null, lease_expires_at = null
  where status = 'open' and lease_expires_at is not null and lease_expires_at <= ?`;

/** Clears lapsed leases (a probe of the lease index when there are none); before reading or claiming from the queue. */
export function sweepLapsed(db: Db, now: number): void {
  prepared<unknown, [number]>(db, SWEEP).run(now);
}

// One statement picks and claims: SQLite runs it alone, so two agents can never get the same row.
export const CLAIM_NEXT = `update targets set claimed_by = $user, claimed_by_token = $token, lease_expires_at = $until, updated_at = $now
  where id = (select id from targets indexed by targets_queue_free_idx
              where status = 'open' and lease_expires_at is null and available_at <= $now
              order by queue_rank, available_at limit 1)
  returning id`;

/** Hands the caller the most urgent target nobody holds, claimed under a lease; null when none waits. */
export function claimNext(ctx: Ctx, who: AuditWho): TargetView | null {
  const now = who.at;
  const until = now + ctx.config.queueLeaseMs;
  const id = ctx.db.transaction((tx) => {
    sweepLapsed(ctx.db, now);
    const row = prepared<{ id: number }, [Named]>(ctx.db, CLAIM_NEXT).get({ ...holder(who.actor), until, now });
    if (row) recordAudit(tx, who, { action: "claim", entity: "target", entityId: row.id, detail: { next: true, until } });
    return row?.id ?? null;
  });
  if (id === null) return null;
  ctx.events.publish("queue", "changed");
  return getTarget(ctx.db, id);
}

// Claims a given open target for the caller, unless someone else's lease holds it.
const CLAIM_ONE = `update targets set claimed_by = $user, claimed_by_token = $token, lease_expires_at = $until, updated_at = $now
  where id = $id and status = 'open'
    and (lease_expires_at is null or lease_expires_at <= $now or (claimed_by is $user and claimed_by_token is $token))
  returning id`;

/** Claims (or renews the caller's claim on) one target inside a transaction; 409 if it is closed or held by another. */
export function claimIn(tx: Conn, db: Db, who: AuditWho, id: number, leaseMs: number): TargetView {
  const t = requireTarget(db, id);
  if (t.status !== "open") throw conflict(refuse("target.closed", { id }), "closed");
  assertFreeFor(t, who.actor!, who.at);
  const renewing = holds(t, who.actor!, who.at);
  prepared<{ id: number }, [Named]>(db, CLAIM_ONE).get({ ...holder(who.actor), until: who.at + leaseMs, now: who.at, id });
  if (!renewing) recordAudit(tx, who, { action: "claim", entity: "target", entityId: id, detail: { until: who.at + leaseMs } });
  return requireTarget(db, id);
}

export function claimTarget(ctx: Ctx, who: AuditWho, id: number): TargetView {
  const t = ctx.db.transaction((tx) => claimIn(tx, ctx.db, who, id, ctx.config.queueLeaseMs));
  ctx.events.publish("queue", "changed");
  return t;
}

/** Gives a held target back to the queue at its place. */
export function releaseTarget(ctx: Ctx, who: AuditWho, id: number): void {
  ctx.db.transaction((tx) => {
    const t = requireTarget(ctx.db, id);
    if (!holds(t, who.actor!, who.at)) throw conflict(refuse("target.not_claimed", { id }), "not_claimed");
    prepared(ctx.db, `update targets set claimed_by = null, claimed_by_token = null, lease_expires_at = null, updated_at = ? where id = ?`).run(who.at, id);
    recordAudit(tx, who, { action: "release", entity: "target", entityId: id });
  });
  ctx.events.publish("queue", "changed");
}

// ---------------------------------------------------------------------------------------------
// The queue page

export const QUEUE_PAGE_SIZE = 50;

export type QueueCounts = { open: Record<Grade, number>; held: number; overdue: number };

/**
 * The queue's tiles. Each is a count over a range of one index, never a scan of every open
 * target: waiting per grade (the queue index) plus held per grade (the few live leases).
 */
export function queueCounts(db: Db, now: number): QueueCounts {
  const waiting = prepared<{ n: number }, [number]>(db, `select count(*) as n from targets indexed by targets_queue_free_idx where status = 'open' and lease_expires_at is null and queue_rank = ?`);
  const open = { high: waiting.get(0)!.n, medium: waiting.get(1)!.n, low: waiting.get(2)!.n };
  let held = 0;
  const heldRows = prepared<{ riskGrade: Grade; n: number }, [Named]>(db, `select t.risk_grade as riskGrade, count(*) as n from targets t indexed by targets_open_lease_idx where ${HELD_WHERE} group by t.risk_grade`).all({ now });
  for (const r of heldRows) {
    open[r.riskGrade] += r.n;
    held += r.n;
  }
  const overdue = prepared<{ n: number }, [number]>(db, `select count(*) as n from targets indexed by targets_open_due_idx where status = 'open' and due_at < ?`).get(now)!.n;
  return { open, held, overdue };
}

/**
 * One page of the queue (waiting, in queue order), or of every open target past its deadline,
 * most overdue first, whoever holds it.
 */
export function queuePage(db: Db, f: { grade?: Grade; overdue: boolean; page: number }, now: number): { rows: TargetView[]; more: boolean } {
  const offset = (f.page - 1) * QUEUE_PAGE_SIZE;
  const grade = f.grade ? ` and t.risk_grade = '${f.grade}'` : ""; // an enum value, never user text
  const rows = f.overdue
    ? prepared<TargetView>(db, `select ${COLUMNS} from targets t indexed by targets_open_due_idx where t.status = 'open' and t.due_at < ?${grade} order by t.due_at limit ? offset ?`).all(
        now,
        QUEUE_PAGE_SIZE + 1,
        offset,
      )
    : prepared<TargetView>(db, `select ${COLUMNS} ${QUEUE_FROM} where ${QUEUE_WHERE}${grade} ${QUEUE_ORDER} limit ? offset ?`).all(QUEUE_PAGE_SIZE + 1, offset);
  return { rows: rows.slice(0, QUEUE_PAGE_SIZE), more: rows.length > QUEUE_PAGE_SIZE };
}

/** Targets being worked right now (soonest lease end first), with who holds them; the caller's own when `actor` is given. */
export function heldNow(db: Db, now: number, actor?: Actor): TargetView[] {
  if (actor) {
    return prepared<TargetView, [Named]>(db, `select ${COLUMNS} ${HELD_FROM} where ${HELD_WHERE} and t.claimed_by is $user and t.claimed_by_token is $token ${QUEUE_ORDER}`).all({
      now,
      ...holder(actor),
    });
  }
  return prepared<TargetView, [Named]>(db, `select ${COLUMNS} ${HELD_FROM} where ${HELD_WHERE} order by t.lease_expires_at limit 30`).all({ now });
}

/** A target's detail page: every view is audited (the target's name and phone are personal data). */
export function viewTarget(db: Db, who: AuditWho, id: number): TargetView {
  const t = requireTarget(db, id);
  recordAudit(db, who, { action: "view", entity: "target", entityId: id });
  return t;
}

/** Merges into this target, oldest first, from the audit trail (they change no row of their own). */
export function mergesOf(db: Db, id: number): { at: number; actor: string; source: string | null }[] {
  return prepared<{ at: number; actor: string; detail: string | null }, [string]>(
    db,
    `select at, actor, detail from audit_log where entity = 'target' and entity_id = ? and action = 'merge' order by id`,
  )
    .all(String(id))
    .map((r) => ({ at: r.at, actor: r.actor, source: r.detail ? ((JSON.parse(r.detail) as { source?: string }).source ?? null) : null }));
}
