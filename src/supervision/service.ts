// The supervision board (督办): what is late, what was escalated, who answers slowly.
// Traffic lights and deadlines are the requests' and the warning queue's own rules
// (domain/requests, domain/queue); this service only counts and lists what those rules say.
import { and, asc, eq, gte, inArray, isNotNull, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../db";
import { transaction } from "../db";
import { institutions, requests, targets, users } from "../db/schema";
import { REQUEST_KINDS, RISK_LEVELS, type TARGET_REASONS } from "../domain/enums";
import { type Spread, spread } from "../domain/percentile";
import { type Deadlines, trafficLight as targetLight } from "../domain/queue";
import {
  type DeadlineConfig,
  IN_FORCE_STATUSES,
  isOverdue,
  type Light,
  OPEN_STATUSES,
  type RequestKind,
  type RequestStatus,
  trafficLight,
} from "../domain/requests";
import { shanghaiDaysRange } from "../domain/time";
import { changePct, type Period, previousPeriod } from "../domain/yoy";

export type LightCounts = {
  green: number;
  yellow: number;
  red: number;
  overdue: number;
  escalated: number;
  total: number;
};
const zero = (): LightCounts => ({ green: 0, yellow: 0, red: 0, overdue: 0, escalated: 0, total: 0 });

function add(c: LightCounts, light: Light, overdue: boolean, escalated: boolean) {
  if (light === "grey") return; // nothing running against a clock: not on the board
  c[light]++;
  if (overdue) c.overdue++;
  if (escalated) c.escalated++;
  c.total++;
}

const LIVE_STATUSES = [...OPEN_STATUSES, ...IN_FORCE_STATUSES];
const ms = (d: Date | null) => (d == null ? null : d.getTime());
// written out, not bound: SQLite uses the partial indexes "where status = 'open'" only then
const targetOpen = sql`${targets.status} = 'open'`;

/**
 * Requests running against a clock — waiting for an answer, or a stop-payment/freeze holding
 * until it runs out — by kind and light (grey ones, with no clock, are left out). Red is the
 * requests' rule (past the answer deadline, or a hold about to run out); overdue counts
 * only the unanswered past their deadline; escalated those a supervisor was alerted to.
 */
async function requestLights(
  db: Db,
  now: number,
  cfg: DeadlineConfig,
): Promise<{ byKind: { kind: RequestKind; counts: LightCounts }[]; total: LightCounts }> {
  const rows = await db
    .select({
      kind: requests.kind,
      status: requests.status,
      sentAt: requests.sentAt,
      deadlineAt: requests.deadlineAt,
      expiresAt: requests.expiresAt,
      escalatedAt: requests.escalatedAt,
    })
    .from(requests)
    .where(inArray(requests.status, LIVE_STATUSES))
    .all();
  const byKind = new Map<RequestKind, LightCounts>(REQUEST_KINDS.map((k) => [k, zero()]));
  const total = zero();
  for (const row of rows) {
    const r = { ...row, sentAt: ms(row.sentAt), deadlineAt: ms(row.deadlineAt), expiresAt: ms(row.expiresAt) };
    const light = trafficLight(r, now, cfg);
    const overdue = isOverdue(r, now);
    const escalated = r.escalatedAt != null && (OPEN_STATUSES as readonly string[]).includes(r.status);
    add(byKind.get(r.kind)!, light, overdue, escalated);
    add(total, light, overdue, escalated);
  }
  return { byKind: REQUEST_KINDS.map((kind) => ({ kind, counts: byKind.get(kind)! })), total };
}

export type OverdueRequest = {
  id: number;
  kind: RequestKind;
  status: RequestStatus;
  institution: { code: string; nameZh: string; nameEn: string; kind: "bank" | "carrier" };
  caseId: number | null;
  level: number;
  sentAt: Date | null;
  deadlineAt: Date | null;
  escalatedAt: Date | null;
  /** since it was sent */
  ageMs: number;
  /** past its deadline (negative: time left) */
  overdueMs: number;
};

const overdueColumns = {
  id: requests.id,
  kind: requests.kind,
  status: requests.status,
  institution: {
    code: institutions.code,
    nameZh: institutions.nameZh,
    nameEn: institutions.nameEn,
    kind: institutions.kind,
  },
  caseId: requests.caseId,
  level: requests.level,
  sentAt: requests.sentAt,
  deadlineAt: requests.deadlineAt,
  escalatedAt: requests.escalatedAt,
};
const openRequests = (db: Db) =>
  db.select(overdueColumns).from(requests).innerJoin(institutions, eq(institutions.id, requests.institutionId));

function toOverdue(r: Omit<OverdueRequest, "ageMs" | "overdueMs">, now: number): OverdueRequest {
  return {
    ...r,
    ageMs: r.sentAt == null ? 0 : now - r.sentAt.getTime(),
    overdueMs: r.deadlineAt == null ? 0 : now - r.deadlineAt.getTime(),
  };
}

/** Unanswered requests past their deadline, the longest overdue first. */
async function overdueRequests(db: Db, now: number, limit = -1): Promise<OverdueRequest[]> {
  return (
    await openRequests(db)
      .where(and(inArray(requests.status, OPEN_STATUSES), lte(requests.deadlineAt, new Date(now))))
      .orderBy(asc(requests.deadlineAt), asc(requests.id))
      .limit(limit)
      .all()
  )
    .filter((r) => isOverdue({ status: r.status, deadlineAt: ms(r.deadlineAt) }, now))
    .map((r) => toOverdue(r, now));
}

/** Requests escalated to the supervisors (督办) and still unanswered, the earliest first. */
async function escalatedRequests(db: Db, now: number, limit = -1): Promise<OverdueRequest[]> {
  return (
    await openRequests(db)
      .where(and(inArray(requests.status, OPEN_STATUSES), isNotNull(requests.escalatedAt)))
      .orderBy(asc(requests.escalatedAt), asc(requests.id))
      .limit(limit)
      .all()
  ).map((r) => toOverdue(r, now));
}

// ---------------------------------------------------------------------------------------------
// Warnings: open targets by the queue's traffic light

type TargetLightCounts = { grade: (typeof RISK_LEVELS)[number]; counts: LightCounts };

async function targetLights(
  db: Db,
  now: number,
  deadlines: Deadlines,
): Promise<{ byGrade: TargetLightCounts[]; total: LightCounts }> {
  const rows = await db
    .select({ riskGrade: targets.riskGrade, dueAt: targets.dueAt })
    .from(targets)
    .where(targetOpen)
    .all();
  const byGrade = new Map(RISK_LEVELS.map((g) => [g, zero()]));
  const total = zero();
  for (const r of rows) {
    // the queue's red is "overdue"
    const light = targetLight({ riskGrade: r.riskGrade, dueAt: r.dueAt.getTime(), status: "open" }, now, deadlines);
    add(byGrade.get(r.riskGrade)!, light, light === "red", false);
    add(total, light, light === "red", false);
  }
  return { byGrade: RISK_LEVELS.map((grade) => ({ grade, counts: byGrade.get(grade)! })), total };
}

export type OverdueTarget = {
  id: number;
  riskGrade: (typeof RISK_LEVELS)[number];
  district: string | null;
  reason: (typeof TARGET_REASONS)[number];
  createdAt: Date;
  dueAt: Date;
  overdueMs: number;
  claimedBy: string | null;
};

/** Open targets past their warning deadline, the longest overdue first. No personal data. */
async function overdueTargets(db: Db, now: number, limit = -1): Promise<OverdueTarget[]> {
  return (
    await db
      .select({
        id: targets.id,
        riskGrade: targets.riskGrade,
        district: targets.district,
        reason: targets.reason,
        createdAt: targets.createdAt,
        dueAt: targets.dueAt,
        // a lapsed lease holds nothing
        claimedBy: sql<string | null>`case when ${targets.leaseExpiresAt} > ${now} then ${users.username} end`,
      })
      .from(targets)
      .leftJoin(users, eq(users.id, targets.claimedBy))
      .where(and(targetOpen, lte(targets.dueAt, new Date(now))))
      .orderBy(asc(targets.dueAt), asc(targets.id))
      .limit(limit)
      .all()
  ).map((r) => ({ ...r, overdueMs: now - r.dueAt.getTime() }));
}

// ---------------------------------------------------------------------------------------------
// Response times per bank and per carrier

type Timing = { ack: Spread; answer: Spread; sent: number };
export type InstitutionTimes = {
  institution: { id: number; code: string; nameZh: string; nameEn: string; kind: "bank" | "carrier" };
  current: Timing;
  previous: Timing;
  /** change of the median answer time against last year, percent (negative is faster) */
  answerMedianChangePct: number | null;
};

async function timings(db: Db, p: Period, kind: RequestKind | undefined): Promise<Map<number, Timing>> {
  const { from, to } = shanghaiDaysRange(p);
  const rows = await db
    .select({
      inst: requests.institutionId,
      sentAt: requests.sentAt,
      // an answer without a separate acknowledgement acknowledges it (the desk answered at once)
      ackAt: sql`coalesce(${requests.acknowledgedAt}, ${requests.respondedAt})`.mapWith(requests.acknowledgedAt),
      respondedAt: requests.respondedAt,
    })
    .from(requests)
    .where(
      and(
        gte(requests.sentAt, new Date(from)),
        lt(requests.sentAt, new Date(to)),
        kind ? eq(requests.kind, kind) : undefined,
      ),
    )
    .all();
  const acc = new Map<number, { ack: number[]; answer: number[]; sent: number }>();
  for (const r of rows) {
    let a = acc.get(r.inst);
    if (!a) {
      a = { ack: [], answer: [], sent: 0 };
      acc.set(r.inst, a);
    }
    a.sent++;
    const sentAt = r.sentAt!.getTime(); // in the period, so sent
    if (r.ackAt != null) a.ack.push(r.ackAt.getTime() - sentAt);
    if (r.respondedAt != null) a.answer.push(r.respondedAt.getTime() - sentAt);
  }
  return new Map(
    [...acc].map(([id, a]) => [id, { ack: wholeMs(spread(a.ack)), answer: wholeMs(spread(a.answer)), sent: a.sent }]),
  );
}

// interpolated percentiles land between milliseconds; nobody measures finer than that
const round = (v: number | null) => (v == null ? null : Math.round(v));
const wholeMs = (s: Spread): Spread => ({ count: s.count, median: round(s.median), p90: round(s.p90) });

const noTiming = (): Timing => ({ ack: spread([]), answer: spread([]), sent: 0 });

/**
 * Acknowledgement and answer times (from sending) of the requests sent in the period,
 * median and 90th percentile per institution, against the same period last year.
 * Every institution appears, banks first, so a desk with no traffic is visible too.
 */
export async function responseTimes(db: Db, period: Period, kind?: RequestKind): Promise<InstitutionTimes[]> {
  const cur = await timings(db, period, kind);
  const prev = await timings(db, previousPeriod(period), kind);
  const insts = await db
    .select({
      id: institutions.id,
      code: institutions.code,
      nameZh: institutions.nameZh,
      nameEn: institutions.nameEn,
      kind: institutions.kind,
    })
    .from(institutions)
    .orderBy(asc(institutions.kind), asc(institutions.id))
    .all();
  return insts.map((institution) => {
    const current = cur.get(institution.id) ?? noTiming();
    const previous = prev.get(institution.id) ?? noTiming();
    const a = current.answer.median;
    const b = previous.answer.median;
    return { institution, current, previous, answerMedianChangePct: a == null || b == null ? null : changePct(a, b) };
  });
}

// ---------------------------------------------------------------------------------------------
// The live part of the board, in one read

export type Board = {
  requestLights: Awaited<ReturnType<typeof requestLights>>;
  targetLights: Awaited<ReturnType<typeof targetLights>>;
  overdueRequests: OverdueRequest[];
  escalatedRequests: OverdueRequest[];
  overdueTargets: OverdueTarget[];
};

/** Light counts in full; the lists cut at `limit` rows (the counts say how many there are). */
export async function board(
  db: Db,
  now: number,
  cfg: DeadlineConfig & { warningDeadlineMs: Deadlines },
  limit: number,
): Promise<Board> {
  return await transaction(db, async (tx) => ({
    requestLights: await requestLights(tx, now, cfg),
    targetLights: await targetLights(tx, now, cfg.warningDeadlineMs),
    overdueRequests: await overdueRequests(tx, now, limit),
    escalatedRequests: await escalatedRequests(tx, now, limit),
    overdueTargets: await overdueTargets(tx, now, limit),
  }));
}
