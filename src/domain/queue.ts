// Rules of the warning queue (预警劝阻): which target comes first, how long a claim lasts, when a
// target is late, what an outcome does to it, and how provider call/SMS statuses advance.
// Pure: no I/O. The queue's order and claimability are applied in SQL (targets.queue_rank and
// targets_queue_free_idx, src/targets/service.ts); compareQueue and claimable state the same
// rules here, where the unit tests pin them.
import { RISK_LEVELS, type WARNING_OUTCOMES } from "./enums";

export type Grade = (typeof RISK_LEVELS)[number];
export type Outcome = (typeof WARNING_OUTCOMES)[number];
export type Deadlines = Record<Grade, number>;
export type Light = "green" | "yellow" | "red" | "grey";

/** 0 for high, 1 medium, 2 low: the order of RISK_LEVELS, and of the queue_rank column. */
export function gradeRank(grade: Grade): number {
  return RISK_LEVELS.indexOf(grade);
}

export function higherGrade(a: Grade, b: Grade): Grade {
  return gradeRank(a) <= gradeRank(b) ? a : b;
}

export type QueueEntry = { riskGrade: Grade; availableAt: number };

/** Queue order: grade first (high before medium before low), then the one waiting longest. */
export function compareQueue(a: QueueEntry, b: QueueEntry): number {
  return gradeRank(a.riskGrade) - gradeRank(b.riskGrade) || a.availableAt - b.availableAt;
}

/** Whether a claim still holds: someone has it and the lease has not lapsed. */
export function leaseHeld(leaseExpiresAt: number | null, now: number): boolean {
  return leaseExpiresAt !== null && leaseExpiresAt > now;
}

/** A target may be handed out when it is open, its retry time has come and nobody holds it. */
export function claimable(
  t: { status: "open" | "closed"; availableAt: number; leaseExpiresAt: number | null },
  now: number,
): boolean {
  return t.status === "open" && t.availableAt <= now && !leaseHeld(t.leaseExpiresAt, now);
}

export function dueAt(grade: Grade, from: number, deadlines: Deadlines): number {
  return from + deadlines[grade];
}

// The light turns yellow when less than this share of the grade's deadline is left.
const YELLOW_SHARE = 1 / 3;

/** Traffic light (亮灯): green in time, yellow when the deadline is near, red when overdue; grey once closed. */
export function trafficLight(
  t: { status: "open" | "closed"; riskGrade: Grade; dueAt: number },
  now: number,
  deadlines: Deadlines,
): Light {
  if (t.status === "closed") return "grey";
  const left = t.dueAt - now;
  if (left <= 0) return "red";
  return left < deadlines[t.riskGrade] * YELLOW_SHARE ? "yellow" : "green";
}

// An unreachable target comes back into the queue after this long.
export const RETRY_AFTER_MS = 15 * 60_000;
// A dispatched visit keeps its target out of the queue until this long after the visit time;
// unreported by then, it comes back so nobody is forgotten.
export const VISIT_REPORT_GRACE_MS = 2 * 3_600_000;

// What the target hears or reads when the agent does not write their own (always Mandarin).
export const STANDARD_CALL_TEXT =
  "您好，这里是市反诈中心96110预警专线。我们发现您可能正在遭遇电信网络诈骗。请不要向任何陌生账户转账汇款，不要透露短信验证码。如有疑问，请拨打96110或110。";
export const STANDARD_SMS_TEXT =
  "【市反诈中心】您好，我们发现您可能正在遭遇电信网络诈骗。凡是要求转账汇款、索要验证码的都是诈骗，请立即停止转账。如有疑问请拨打96110。";

export type OutcomeEffect = "close" | "close_with_case" | "retry";

/** What recording an outcome does to the target. */
export function outcomeEffect(outcome: Outcome): OutcomeEffect {
  if (outcome === "unreachable") return "retry";
  if (outcome === "already_paid") return "close_with_case";
  return "close";
}

/** A second report of the same phone while one is open: what changes on the open target. */
export type TargetFacts = {
  riskGrade: Grade;
  dueAt: number;
  name: string | null;
  district: string | null;
  age: number | null;
  reason: "contacted_by" | "paying_to" | "other";
  reasonNote: string | null;
  suspectId: number | null;
  amountAtRiskFen: number | null;
};

export function mergeTarget(
  open: TargetFacts,
  incoming: Omit<TargetFacts, "dueAt">,
  now: number,
  deadlines: Deadlines,
): Partial<TargetFacts> {
  const patch: Partial<TargetFacts> = {};
  const grade = higherGrade(open.riskGrade, incoming.riskGrade);
  if (grade !== open.riskGrade) {
    patch.riskGrade = grade;
    // a raised grade brings the deadline forward, never back
    patch.dueAt = Math.min(open.dueAt, dueAt(grade, now, deadlines));
  }
  for (const k of ["name", "district", "age", "reasonNote"] as const) {
    if (open[k] == null && incoming[k] != null) (patch as Record<string, unknown>)[k] = incoming[k];
  }
  // a named suspect explains the risk better than "other"
  if (open.suspectId == null && incoming.suspectId != null) {
    patch.suspectId = incoming.suspectId;
    patch.reason = incoming.reason;
  } else if (open.reason === "other" && incoming.reason !== "other") {
    patch.reason = incoming.reason;
  }
  if (incoming.amountAtRiskFen != null && incoming.amountAtRiskFen > (open.amountAtRiskFen ?? -1)) {
    patch.amountAtRiskFen = incoming.amountAtRiskFen;
  }
  return patch;
}

// Provider statuses in the order they happen; callbacks may arrive late or out of order, and a
// status never moves backwards. The finals of each kind share the top rank.
const CALL_STATUS_RANK: Record<string, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  "in-progress": 3,
  answered: 3,
  completed: 4,
  busy: 4,
  "no-answer": 4,
  failed: 4,
  canceled: 4,
};
const MESSAGE_STATUS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

export type ProviderKind = "call" | "sms";

function statusRank(kind: ProviderKind, status: string): number {
  return (kind === "call" ? CALL_STATUS_RANK : MESSAGE_STATUS_RANK)[status] ?? -1;
}

/** Whether a reported status moves the known one forward (an unknown status never does). */
export function advancesStatus(kind: ProviderKind, current: string | null, incoming: string): boolean {
  const next = statusRank(kind, incoming);
  if (next < 0) return false;
  return current === null || next > statusRank(kind, current);
}

export function isFinalStatus(kind: ProviderKind, status: string): boolean {
  return statusRank(kind, status) >= 4;
}
