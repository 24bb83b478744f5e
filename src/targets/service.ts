// Targets (高危潜在受骗群众) and the agents' queue: intake with merging, "next" under a lease,
// claims, the queue page's reads, and a target's detail. Rules live in domain/queue.ts; every
// change runs in one transaction with its audit entry, and the live screens hear of it after
// the commit. Hot paths use drizzle prepared queries (one set per connection).

import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import {
  type Conn,
  type Db,
  inOrder,
  type Millis,
  perConnection,
  rowsBy,
  stored,
  storedColumns,
  transaction,
} from "../db";
import { anyOr, sameAs, skipLocked, throughIndex } from "../db/dialect";
import { apiTokens, auditLog, suspects, targets, users } from "../db/schema";
import { districtIssue } from "../districts/service";
import type { Actor } from "../domain/access";
import type { TARGET_REASONS, TARGET_SOURCES } from "../domain/enums";
import { type Identifier, normalizeIdentifier, normalizePhone, type SuspectKind } from "../domain/identifiers";
import {
  type Deadlines,
  dueAt,
  type Grade,
  gradeRank,
  leaseHeld,
  mergeTarget,
  type Outcome,
  type TargetFacts,
  trafficLight,
} from "../domain/queue";
import { refuse } from "../domain/reasons";
import { iso } from "../domain/time";
import type { Deps } from "../http/context";
import { AppError, conflict, type Issue, invalid, notFound, refusalIssue, validationError } from "../http/errors";
import { reportSuspect } from "../suspects/service";
import { TargetInput, type TargetInputBody } from "./schemas";

export type Ctx = Pick<Deps, "db" | "config" | "events">;

// ---------------------------------------------------------------------------------------------
// Reading

export type TargetReason = (typeof TARGET_REASONS)[number];
export type TargetSource = (typeof TARGET_SOURCES)[number];

type TargetRow = Millis<Omit<typeof targets.$inferSelect, "updatedAt" | "queueRank">>;
export type TargetView = TargetRow & {
  suspectKind: SuspectKind | null;
  suspectValue: string | null;
  claimerName: string | null;
};

// The suspect and the claimer come from correlated subqueries: SQLite answers them by primary key
// at a fraction of what the same LEFT JOINs cost it on every claim (measured ~17 µs against ~6 µs).
// (drizzle writes a one-table selection's columns unqualified: suspect_id, claimed_by and
// claimed_by_token are no column of the inner tables, so they name the target's.)
const { updatedAt: _u, queueRank: _r, ...columns } = getTableColumns(targets);
const TARGET_FIELDS = {
  ...storedColumns(columns),
  suspectKind: sql<SuspectKind | null>`(select ${suspects.kind} from ${suspects} where ${suspects.id} = ${targets.suspectId})`,
  suspectValue: sql<
    string | null
  >`(select ${suspects.value} from ${suspects} where ${suspects.id} = ${targets.suspectId})`,
  claimerName: sql<
    string | null
  >`coalesce((select ${users.displayName} from ${users} where ${users.id} = ${targets.claimedBy}),
    'token:' || (select ${apiTokens.name} from ${apiTokens} where ${apiTokens.id} = ${targets.claimedByToken}))`,
};

// rows read by the queue's hot paths, keyed without drizzle's generic mapping (db/index.ts: rowsBy)
const asTargets: (values: unknown[][]) => TargetView[] = rowsBy(TARGET_FIELDS);

const OPEN = sql`${targets.status} = 'open'`;
// Waiting: nobody holds it, or the holder's lease lapsed (the sweep job clears those; a reader
// must not wait for it). The queue index holds the rows nobody holds, in queue order.
const FREE = sql`${OPEN} and ${targets.leaseExpiresAt} is null`;
const LAPSED = (now: unknown) =>
  sql`${OPEN} and ${targets.leaseExpiresAt} is not null and ${targets.leaseExpiresAt} <= ${now}`;
// Held now: the lease index, live leases only (lapsed ones sort below now).
const HELD = (now: unknown) =>
  sql`${OPEN} and ${targets.leaseExpiresAt} is not null and ${targets.leaseExpiresAt} > ${now}`;
// Indexes are named: without statistics the planner would prefer (status, …).
const through = (index: string) => throughIndex(targets, index);
const QUEUE_ORDER = [targets.queueRank, targets.availableAt] as const;

const holderIs = sql`${sameAs(targets.claimedBy, sql.placeholder("user"))} and ${sameAs(targets.claimedByToken, sql.placeholder("token"))}`;
const gradeIs = anyOr(sql.placeholder("grade"), targets.riskGrade);

const statements = perConnection((db: Db) => {
  const now = sql.placeholder("now");
  const page = { limit: sql.placeholder("limit"), offset: sql.placeholder("offset") };
  const select = () => db.select(TARGET_FIELDS);
  return {
    byId: select()
      .from(targets)
      .where(eq(targets.id, sql.placeholder("id")))
      .prepare(),
    sweep: sweepQuery(db, now).prepare(),
    claimNext: claimNextQuery(db, {
      user: sql.placeholder("user"),
      token: sql.placeholder("token"),
      until: sql.placeholder("until"),
      now,
    }).prepare(),
    claimOne: db
      .update(targets)
      .set({
        claimedBy: sql`${sql.placeholder("user")}`,
        claimedByToken: sql`${sql.placeholder("token")}`,
        leaseExpiresAt: sql`${sql.placeholder("until")}`,
        updatedAt: sql`${now}`,
      })
      .where(
        and(
          eq(targets.id, sql.placeholder("id")),
          OPEN,
          sql`(${targets.leaseExpiresAt} is null or ${targets.leaseExpiresAt} <= ${now} or (${holderIs}))`,
        ),
      )
      .returning({ id: targets.id })
      .prepare(),
    release: db
      .update(targets)
      .set({ claimedBy: null, claimedByToken: null, leaseExpiresAt: null, updatedAt: sql`${now}` })
      .where(eq(targets.id, sql.placeholder("id")))
      .prepare(),
    waitingOfRank: db
      .select({ n: sql<number>`count(*)` })
      .from(through("targets_queue_free_idx"))
      .where(sql`${FREE} and ${targets.queueRank} = ${sql.placeholder("rank")}`)
      .prepare(),
    leasedByGrade: db
      .select({
        riskGrade: stored(targets.riskGrade),
        live: sql<number>`${targets.leaseExpiresAt} > ${now}`,
        n: sql<number>`count(*)`,
      })
      .from(through("targets_open_lease_idx"))
      .where(sql`${OPEN} and ${targets.leaseExpiresAt} is not null`)
      // By position: PostgreSQL takes the two `> $n` as different expressions.
      .groupBy(sql`1`, sql`2`)
      .prepare(),
    overdueCount: db
      .select({ n: sql<number>`count(*)` })
      .from(through("targets_open_due_idx"))
      .where(sql`${OPEN} and ${targets.dueAt} < ${now}`)
      .prepare(),
    waitingPage: select()
      .from(through("targets_queue_free_idx"))
      .where(sql`${FREE} and ${gradeIs}`)
      .orderBy(...QUEUE_ORDER)
      .limit(page.limit)
      .offset(page.offset)
      .prepare(),
    lapsed: select()
      .from(through("targets_open_lease_idx"))
      .where(sql`${LAPSED(now)} and ${gradeIs}`)
      .orderBy(...QUEUE_ORDER)
      .prepare(),
    overduePage: select()
      .from(through("targets_open_due_idx"))
      .where(sql`${OPEN} and ${targets.dueAt} < ${now} and ${gradeIs}`)
      .orderBy(targets.dueAt)
      .limit(page.limit)
      .offset(page.offset)
      .prepare(),
    heldBy: select()
      .from(through("targets_open_lease_idx"))
      .where(sql`${HELD(now)} and ${holderIs}`)
      .orderBy(...QUEUE_ORDER)
      .prepare(),
    held: select()
      .from(through("targets_open_lease_idx"))
      .where(HELD(now))
      .orderBy(targets.leaseExpiresAt)
      .limit(30)
      .prepare(),
  };
});

async function getTarget(db: Db, id: number): Promise<TargetView | null> {
  return asTargets(await statements(db).byId.values({ id }))[0] ?? null;
}

export async function requireTarget(db: Db, id: number): Promise<TargetView> {
  const t = await getTarget(db, id);
  if (!t) throw notFound("target");
  return t;
}

/** Whether this actor holds the target's claim right now. */
export function holds(
  t: Pick<TargetView, "claimedBy" | "claimedByToken" | "leaseExpiresAt">,
  actor: Pick<Actor, "kind" | "id">,
  now: number,
): boolean {
  if (!leaseHeld(t.leaseExpiresAt, now)) return false;
  return actor.kind === "user" ? t.claimedBy === actor.id && t.claimedByToken === null : t.claimedByToken === actor.id;
}

/** Someone else working this target is a 409: two agents never call the same person at once. */
export function assertFreeFor(t: TargetView, actor: Actor, now: number): void {
  if (leaseHeld(t.leaseExpiresAt, now) && !holds(t, actor, now)) {
    throw conflict(
      t.claimerName
        ? refuse("target.claimed", { id: t.id, who: t.claimerName })
        : refuse("target.claimed_by_other", { id: t.id }),
      "claimed",
    );
  }
}

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

const KIND_OF_REASON: Record<TargetReason, SuspectKind | undefined> = {
  contacted_by: "phone",
  paying_to: "bank_account",
  other: undefined,
};

/** The phone and the suspect behind the reason, normalised; every problem at once. */
export function checkTarget(input: Pick<NewTarget, "phone" | "reason" | "suspectValue">): {
  issues: Issue[];
  checked: Checked;
} {
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
  const reason: TargetReason =
    input.reason ?? (suspect ? (suspect.kind === "phone" ? "contacted_by" : "paying_to") : "other");
  return { issues, checked: { phone: p.ok ? p.value : "", suspect, reason } };
}

const FACTS = {
  id: targets.id,
  riskGrade: targets.riskGrade,
  dueAt: stored(targets.dueAt),
  name: targets.name,
  district: targets.district,
  age: targets.age,
  reason: targets.reason,
  reasonNote: targets.reasonNote,
  suspectId: targets.suspectId,
  amountAtRiskFen: targets.amountAtRiskFen,
};

/** Records one target inside the caller's transaction (API, batch, form and import share it); audited. */
export async function addTargetIn(
  tx: Conn,
  who: AuditWho,
  input: NewTarget,
  deadlines: Deadlines,
): Promise<{ id: number; merged: boolean }> {
  const { issues, checked } = checkTarget(input);
  // only a district on the center's list (any while the list is empty)
  const unlisted = await districtIssue(tx, "district", input.district);
  if (unlisted) issues.push(unlisted);
  if (issues.length) throw invalid(issues);
  const now = who.at;
  const suspectId = checked.suspect
    ? (
        await reportSuspect(tx, who, {
          identifier: checked.suspect,
          source: input.origin ?? `target:${input.source}`,
          at: now,
        })
      ).suspect.id
    : null;
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
  const open = await tx
    .select(FACTS)
    .from(targets)
    .where(and(eq(targets.phone, checked.phone), OPEN))
    .get();
  if (open) {
    const patch = mergeTarget(open, incoming, now, deadlines);
    const changed = Object.keys(patch);
    if (changed.length) {
      const { dueAt: due, ...facts } = patch;
      await tx
        .update(targets)
        .set({ ...facts, ...(due !== undefined && { dueAt: new Date(due) }), updatedAt: new Date(now) })
        .where(eq(targets.id, open.id))
        .run();
    }
    await recordAudit(tx, who, {
      action: "merge",
      entity: "target",
      entityId: open.id,
      detail: { source: input.origin ?? input.source, changed },
    });
    return { id: open.id, merged: true };
  }
  const at = new Date(now);
  const { id } = await tx
    .insert(targets)
    .values({
      phone: checked.phone,
      ...incoming,
      source: input.source,
      status: "open",
      availableAt: at,
      dueAt: new Date(dueAt(input.riskGrade, now, deadlines)),
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: targets.id })
    .get();
  await recordAudit(tx, who, {
    action: "create",
    entity: "target",
    entityId: id,
    detail: { source: input.origin ?? input.source, riskGrade: input.riskGrade, suspectId },
  });
  return { id, merged: false };
}

/** A form or API single target: its own transaction. */
export async function addTarget(
  ctx: Ctx,
  who: AuditWho,
  input: NewTarget,
): Promise<{ target: TargetView; merged: boolean }> {
  const r = await transaction(ctx.db, async (tx) => await addTargetIn(tx, who, input, ctx.config.warningDeadlineMs));
  ctx.events.publish("queue", "changed");
  return { target: (await getTarget(ctx.db, r.id))!, merged: r.merged };
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
export async function addTargets(
  ctx: Ctx,
  who: AuditWho,
  raw: unknown[],
  source: TargetSource,
): Promise<BatchResult[]> {
  const ids = await transaction(
    ctx.db,
    async (tx) =>
      await inOrder(raw, async (entry): Promise<{ id: number; merged: boolean } | AppError> => {
        const parsed = TargetInput.safeParse(entry);
        if (!parsed.success) return validationError(parsed.error);
        try {
          return await transaction(
            tx,
            async (sp) => await addTargetIn(sp, who, fromApi(parsed.data, source), ctx.config.warningDeadlineMs),
          );
        } catch (e) {
          if (e instanceof AppError) return e;
          throw e;
        }
      }),
  );
  ctx.events.publish("queue", "changed");
  return await inOrder(ids, async (r) =>
    r instanceof AppError
      ? { ok: false, error: r }
      : { ok: true, target: (await getTarget(ctx.db, r.id))!, merged: r.merged },
  );
}

// ---------------------------------------------------------------------------------------------
// The queue: "next", claims, release

const holder = (actor: Actor | null) => ({
  user: actor?.kind === "user" ? actor.id : null,
  token: actor?.kind === "token" ? actor.id : null,
});

// Leases that lapsed give their targets back: the row returns to the queue index at its old place.
const sweepQuery = (db: Db, now: unknown) =>
  db
    .update(targets)
    .set({ claimedBy: null, claimedByToken: null, leaseExpiresAt: null })
    .where(sql`${targets.id} in (select ${targets.id} from ${through("targets_open_lease_idx")} where ${LAPSED(now)})`);

/**
 * Clears lapsed leases (a probe of the lease index when there are none): the sweep job's work,
 * and the claim's before it picks. Readers count a lapsed lease as free without it.
 */
export async function sweepLapsed(db: Db, now: number): Promise<void> {
  await transaction(db, async (tx) => await statements(tx).sweep.run({ now }));
}

type ClaimValues = Record<"user" | "token" | "until" | "now", unknown>;

// One statement picks and claims: SQLite runs it alone, PostgreSQL skips the rows another claim
// has locked, so two agents can never get the same row.
const claimNextQuery = (db: Db, v: ClaimValues) =>
  db
    .update(targets)
    .set({
      claimedBy: sql`${v.user}`,
      claimedByToken: sql`${v.token}`,
      leaseExpiresAt: sql`${v.until}`,
      updatedAt: sql`${v.now}`,
    })
    .where(
      eq(
        targets.id,
        sql`(select ${targets.id} from ${through("targets_queue_free_idx")} where ${FREE} and ${targets.availableAt} <= ${v.now}
             order by ${targets.queueRank}, ${targets.availableAt} limit 1${skipLocked})`,
      ),
    )
    .returning({ id: targets.id });

/** The claim's SQL and parameters for an EXPLAIN (the tests and the queue bench check its plan). */
export const claimNextSql = (db: Db) => claimNextQuery(db, { user: null, token: null, until: 0, now: 0 }).toSQL();

/** Hands the caller the most urgent target nobody holds, claimed under a lease; null when none waits. */
export async function claimNext(ctx: Ctx, who: AuditWho): Promise<TargetView | null> {
  const now = who.at;
  const until = now + ctx.config.queueLeaseMs;
  const id = await transaction(ctx.db, async (tx) => {
    const s = statements(tx);
    await s.sweep.run({ now });
    const row = await s.claimNext.get({ ...holder(who.actor), until, now });
    if (row)
      await recordAudit(tx, who, {
        action: "claim",
        entity: "target",
        entityId: row.id,
        detail: { next: true, until },
      });
    return row?.id ?? null;
  });
  if (id === null) return null;
  ctx.events.publish("queue", "changed");
  return await getTarget(ctx.db, id);
}

/** Claims (or renews the caller's claim on) one target inside a transaction; 409 if it is closed or held by another. */
export async function claimIn(tx: Conn, who: AuditWho, id: number, leaseMs: number): Promise<TargetView> {
  const t = await requireTarget(tx, id);
  if (t.status !== "open") throw conflict(refuse("target.closed", { id }), "closed");
  assertFreeFor(t, who.actor!, who.at);
  const renewing = holds(t, who.actor!, who.at);
  // unless someone else's lease holds it
  await statements(tx).claimOne.get({ ...holder(who.actor), until: who.at + leaseMs, now: who.at, id });
  if (!renewing)
    await recordAudit(tx, who, {
      action: "claim",
      entity: "target",
      entityId: id,
      detail: { until: who.at + leaseMs },
    });
  return await requireTarget(tx, id);
}

export async function claimTarget(ctx: Ctx, who: AuditWho, id: number): Promise<TargetView> {
  const t = await transaction(ctx.db, async (tx) => await claimIn(tx, who, id, ctx.config.queueLeaseMs));
  ctx.events.publish("queue", "changed");
  return t;
}

/** Gives a held target back to the queue at its place. */
export async function releaseTarget(ctx: Ctx, who: AuditWho, id: number): Promise<void> {
  await transaction(ctx.db, async (tx) => {
    const t = await requireTarget(tx, id);
    if (!holds(t, who.actor!, who.at)) throw conflict(refuse("target.not_claimed", { id }), "not_claimed");
    await statements(tx).release.run({ id, now: who.at });
    await recordAudit(tx, who, { action: "release", entity: "target", entityId: id });
  });
  ctx.events.publish("queue", "changed");
}

// ---------------------------------------------------------------------------------------------
// The queue page

const QUEUE_PAGE_SIZE = 50;

export type QueueCounts = { open: Record<Grade, number>; held: number; overdue: number };

/**
 * The queue's tiles. Each is a count over a range of one index, never a scan of every open
 * target: waiting per grade (the queue index) plus the leased per grade (the few leases; a
 * lapsed one counts as waiting, a live one as held).
 */
export async function queueCounts(db: Db, now: number): Promise<QueueCounts> {
  const s = statements(db);
  const waiting = async (rank: number) => (await s.waitingOfRank.get({ rank }))!.n;
  const open = { high: await waiting(0), medium: await waiting(1), low: await waiting(2) };
  let held = 0;
  for (const r of await s.leasedByGrade.all({ now })) {
    open[r.riskGrade] += r.n;
    if (r.live) held += r.n;
  }
  return { open, held, overdue: (await s.overdueCount.get({ now }))!.n };
}

/**
 * One page of the queue (waiting, in queue order), or of every open target past its deadline,
 * most overdue first, whoever holds it.
 */
export async function queuePage(
  db: Db,
  f: { grade?: Grade; overdue: boolean; page: number },
  now: number,
): Promise<{ rows: TargetView[]; more: boolean }> {
  const offset = (f.page - 1) * QUEUE_PAGE_SIZE;
  const s = statements(db);
  const values = { now, grade: f.grade ?? null, limit: QUEUE_PAGE_SIZE + 1, offset };
  const rows = f.overdue ? asTargets(await s.overduePage.values(values)) : await waitingRows(s, values);
  return { rows: rows.slice(0, QUEUE_PAGE_SIZE), more: rows.length > QUEUE_PAGE_SIZE };
}

/** The queue's page: the queue index read in order, with any lapsed lease (the sweep job clears them) at its place. */
async function waitingRows(
  s: ReturnType<typeof statements>,
  v: { now: number; grade: Grade | null; limit: number; offset: number },
): Promise<TargetView[]> {
  const lapsed = asTargets(await s.lapsed.values(v));
  if (!lapsed.length) return asTargets(await s.waitingPage.values(v));
  const before = (a: TargetView, b: TargetView) =>
    gradeRank(a.riskGrade) - gradeRank(b.riskGrade) || a.availableAt - b.availableAt;
  const merged = [
    ...asTargets(await s.waitingPage.values({ ...v, limit: v.offset + v.limit, offset: 0 })),
    ...lapsed,
  ].sort(before);
  return merged.slice(v.offset, v.offset + v.limit);
}

/** Targets being worked right now (soonest lease end first), with who holds them; the caller's own when `actor` is given. */
export async function heldNow(db: Db, now: number, actor?: Actor): Promise<TargetView[]> {
  const s = statements(db);
  return asTargets(actor ? await s.heldBy.values({ now, ...holder(actor) }) : await s.held.values({ now }));
}

/** A target's detail page: every view is audited (the target's name and phone are personal data). */
export async function viewTarget(db: Db, who: AuditWho, id: number): Promise<TargetView> {
  const t = await requireTarget(db, id);
  await recordAudit(db, who, { action: "view", entity: "target", entityId: id });
  return t;
}

/** Merges into this target, oldest first, from the audit trail (they change no row of their own). */
export async function mergesOf(db: Db, id: number): Promise<{ at: number; actor: string; source: string | null }[]> {
  return (
    await db
      .select({ at: stored(auditLog.at), actor: auditLog.actor, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entity, "target"), eq(auditLog.entityId, String(id)), eq(auditLog.action, "merge")))
      .orderBy(auditLog.id)
      .all()
  ).map((r) => ({
    at: r.at,
    actor: r.actor,
    source: r.detail ? ((JSON.parse(r.detail) as { source?: string }).source ?? null) : null,
  }));
}
