// The supervision board (督办): what is late, what was escalated, who answers slowly.
// Traffic lights and deadlines are the requests' and the warning queue's own rules
// (domain/requests, domain/queue); this service only counts and lists what those rules say.
import type { Db } from "../db";
import { REQUEST_KINDS, RISK_LEVELS, TARGET_REASONS } from "../domain/enums";
import { spread, type Spread } from "../domain/percentile";
import { IN_FORCE_STATUSES, OPEN_STATUSES, isOverdue, trafficLight, type DeadlineConfig, type Light, type RequestKind, type RequestStatus } from "../domain/requests";
import { trafficLight as targetLight, type Deadlines } from "../domain/queue";
import { shanghaiDaysRange } from "../domain/time";
import { changePct, previousPeriod, type Period } from "../domain/yoy";

export type LightCounts = { green: number; yellow: number; red: number; overdue: number; escalated: number; total: number };
const zero = (): LightCounts => ({ green: 0, yellow: 0, red: 0, overdue: 0, escalated: 0, total: 0 });

function add(c: LightCounts, light: Light, overdue: boolean, escalated: boolean) {
  if (light === "grey") return; // nothing running against a clock: not on the board
  c[light]++;
  if (overdue) c.overdue++;
  if (escalated) c.escalated++;
  c.total++;
}

const LIVE_STATUSES = [...OPEN_STATUSES, ...IN_FORCE_STATUSES];
const inList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");

/**
 * Requests running against a clock — waiting for an answer, or a stop-payment/freeze holding
 * until it runs out — by kind and light (grey ones, with no clock, are left out). Red is the
 * requests' rule (past the answer deadline, or a hold about to run out); overdue counts
 * only the unanswered past their deadline; escalated those a supervisor was alerted to.
 */
export function requestLights(db: Db, now: number, cfg: DeadlineConfig): { byKind: { kind: RequestKind; counts: LightCounts }[]; total: LightCounts } {
  const rows = db.$client
    .query<{ kind: RequestKind; status: RequestStatus; sentAt: number | null; deadlineAt: number | null; expiresAt: number | null; escalatedAt: number | null }, []>(
      `select kind, status, sent_at sentAt, deadline_at deadlineAt, expires_at expiresAt, escalated_at escalatedAt
         from requests where status in (${inList(LIVE_STATUSES)})`,
    )
    .all();
  const byKind = new Map<RequestKind, LightCounts>(REQUEST_KINDS.map((k) => [k, zero()]));
  const total = zero();
  for (const r of rows) {
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

type RequestRow = {
  id: number;
  kind: RequestKind;
  status: RequestStatus;
  code: string;
  nameZh: string;
  nameEn: string;
  instKind: "bank" | "carrier";
  caseId: number | null;
  level: number;
  sentAt: number | null;
  deadlineAt: number | null;
  escalatedAt: number | null;
};

const REQUEST_COLUMNS = `r.id, r.kind, r.status, i.code, i.name_zh nameZh, i.name_en nameEn, i.kind instKind, r.case_id caseId, r.level,
  r.sent_at sentAt, r.deadline_at deadlineAt, r.escalated_at escalatedAt`;

function toOverdue(r: RequestRow, now: number): OverdueRequest {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    institution: { code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, kind: r.instKind },
    caseId: r.caseId,
    level: r.level,
    sentAt: r.sentAt == null ? null : new Date(r.sentAt),
    deadlineAt: r.deadlineAt == null ? null : new Date(r.deadlineAt),
    escalatedAt: r.escalatedAt == null ? null : new Date(r.escalatedAt),
    ageMs: r.sentAt == null ? 0 : now - r.sentAt,
    overdueMs: r.deadlineAt == null ? 0 : now - r.deadlineAt,
  };
}

/** Unanswered requests past their deadline, the longest overdue first. */
export function overdueRequests(db: Db, now: number, limit = -1): OverdueRequest[] {
  return db.$client
    .query<RequestRow, number[]>(
      `select ${REQUEST_COLUMNS} from requests r join institutions i on i.id = r.institution_id
        where r.status in (${inList(OPEN_STATUSES)}) and r.deadline_at <= ?
        order by r.deadline_at, r.id limit ?`,
    )
    .all(now, limit)
    .filter((r) => isOverdue(r, now))
    .map((r) => toOverdue(r, now));
}

/** Requests escalated to the supervisors (督办) and still unanswered, the earliest first. */
export function escalatedRequests(db: Db, now: number, limit = -1): OverdueRequest[] {
  return db.$client
    .query<RequestRow, number[]>(
      `select ${REQUEST_COLUMNS} from requests r join institutions i on i.id = r.institution_id
        where r.status in (${inList(OPEN_STATUSES)}) and r.escalated_at is not null
        order by r.escalated_at, r.id limit ?`,
    )
    .all(limit)
    .map((r) => toOverdue(r, now));
}

// ---------------------------------------------------------------------------------------------
// Warnings: open targets by the queue's traffic light

export type TargetLightCounts = { grade: (typeof RISK_LEVELS)[number]; counts: LightCounts };

export function targetLights(db: Db, now: number, deadlines: Deadlines): { byGrade: TargetLightCounts[]; total: LightCounts } {
  const rows = db.$client
    .query<{ riskGrade: (typeof RISK_LEVELS)[number]; dueAt: number }, []>(`select risk_grade riskGrade, due_at dueAt from targets where status = 'open'`)
    .all();
  const byGrade = new Map(RISK_LEVELS.map((g) => [g, zero()]));
  const total = zero();
  for (const r of rows) {
    // the queue's red is "overdue"
    const light = targetLight({ ...r, status: "open" }, now, deadlines);
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
export function overdueTargets(db: Db, now: number, limit = -1): OverdueTarget[] {
  return db.$client
    .query<Omit<OverdueTarget, "createdAt" | "dueAt" | "overdueMs"> & { createdAt: number; dueAt: number }, number[]>(
      `select t.id, t.risk_grade riskGrade, t.district, t.reason, t.created_at createdAt, t.due_at dueAt,
              case when t.lease_expires_at > ? then u.username end claimedBy
         from targets t left join users u on u.id = t.claimed_by
        where t.status = 'open' and t.due_at <= ?
        order by t.due_at, t.id limit ?`,
    )
    .all(now, now, limit)
    .map((r) => ({ ...r, createdAt: new Date(r.createdAt), dueAt: new Date(r.dueAt), overdueMs: now - r.dueAt }));
}

// ---------------------------------------------------------------------------------------------
// Response times per bank and per carrier

export type Timing = { ack: Spread; answer: Spread; sent: number };
export type InstitutionTimes = {
  institution: { id: number; code: string; nameZh: string; nameEn: string; kind: "bank" | "carrier" };
  current: Timing;
  previous: Timing;
  /** change of the median answer time against last year, percent (negative is faster) */
  answerMedianChangePct: number | null;
};

function timings(db: Db, p: Period, kind: RequestKind | undefined): Map<number, Timing> {
  const { from, to } = shanghaiDaysRange(p);
  const rows = db.$client
    .query<{ inst: number; sentAt: number; ackAt: number | null; respondedAt: number | null }, (number | string)[]>(
      // an answer without a separate acknowledgement acknowledges it (the desk answered at once)
      `select institution_id inst, sent_at sentAt, coalesce(acknowledged_at, responded_at) ackAt, responded_at respondedAt
         from requests where sent_at >= ? and sent_at < ?${kind ? " and kind = ?" : ""}`,
    )
    .all(...(kind ? [from, to, kind] : [from, to]));
  const acc = new Map<number, { ack: number[]; answer: number[]; sent: number }>();
  for (const r of rows) {
    let a = acc.get(r.inst);
    if (!a) acc.set(r.inst, (a = { ack: [], answer: [], sent: 0 }));
    a.sent++;
    if (r.ackAt != null) a.ack.push(r.ackAt - r.sentAt);
    if (r.respondedAt != null) a.answer.push(r.respondedAt - r.sentAt);
  }
  return new Map([...acc].map(([id, a]) => [id, { ack: wholeMs(spread(a.ack)), answer: wholeMs(spread(a.answer)), sent: a.sent }]));
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
export function responseTimes(db: Db, period: Period, kind?: RequestKind): InstitutionTimes[] {
  const cur = timings(db, period, kind);
  const prev = timings(db, previousPeriod(period), kind);
  const insts = db.$client
    .query<InstitutionTimes["institution"], []>(`select id, code, name_zh nameZh, name_en nameEn, kind from institutions order by kind, id`)
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
  requestLights: ReturnType<typeof requestLights>;
  targetLights: ReturnType<typeof targetLights>;
  overdueRequests: OverdueRequest[];
  escalatedRequests: OverdueRequest[];
  overdueTargets: OverdueTarget[];
};

/** Light counts in full; the lists cut at `limit` rows (the counts say how many there are). */
export function board(db: Db, now: number, cfg: DeadlineConfig & { warningDeadlineMs: Deadlines }, limit: number): Board {
  return db.transaction(() => ({
    requestLights: requestLights(db, now, cfg),
    targetLights: targetLights(db, now, cfg.warningDeadlineMs),
    overdueRequests: overdueRequests(db, now, limit),
    escalatedRequests: escalatedRequests(db, now, limit),
    overdueTargets: overdueTargets(db, now, limit),
  }));
}
