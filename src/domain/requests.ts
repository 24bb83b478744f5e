// The one lifecycle of every request to a bank or carrier (止付/冻结/返还/停机/复机/销卡):
// which transitions exist and who may make them, response deadlines, how long a stop-payment
// or a freeze holds, traffic lights, reminders, and how the money adds up. Pure: the clock
// and the configuration are passed in.
import {
  type FREEZE_SCOPES,
  type FREEZE_TERMS,
  HISTORY_ACTIONS,
  REJECT_CODES,
  REQUEST_KINDS,
  REQUEST_STATUSES,
  type SUSPECT_STATUSES,
} from "./enums";
import { addShanghaiMonths } from "./time";
import { workingDaysAfter } from "./workdays";

export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestAction = (typeof HISTORY_ACTIONS)[number];
export type SuspectStatus = (typeof SUSPECT_STATUSES)[number];
export type FreezeTerm = (typeof FREEZE_TERMS)[number];
export type FreezeScope = (typeof FREEZE_SCOPES)[number];
export type RejectCode = (typeof REJECT_CODES)[number];
/** Who moves a request: the center's agents, the institution's desk, or the clock. */
export type Party = "center" | "institution" | "system";

export { REJECT_CODES, REQUEST_KINDS, REQUEST_STATUSES };

/** Never sent: the institution never sees these. */
export const UNSENT_STATUSES = ["draft", "discarded"] as const satisfies readonly RequestStatus[];
export const OPEN_STATUSES = ["sent", "acknowledged"] as const satisfies readonly RequestStatus[];
/** Answered and holding: the money stays stopped/frozen, the number stays cut off. */
export const IN_FORCE_STATUSES = ["completed", "partially_completed"] as const satisfies readonly RequestStatus[];

/** Kinds that carry an amount of money. */
export const MONEY_KINDS = ["stop_payment", "freeze", "return"] as const satisfies readonly RequestKind[];
/** Kinds that hold money for a limited time and can be renewed. */
export const HOLD_KINDS = ["stop_payment", "freeze"] as const satisfies readonly RequestKind[];
/** Instructions on a freeze in force (继续冻结, 解除冻结): children of the freeze, confirmed by its bank. */
export const FREEZE_INSTRUCTION_KINDS = ["freeze_renewal", "freeze_release"] as const satisfies readonly RequestKind[];
/** What the center creates by itself; the instructions on a freeze come from its renew/release actions. */
export const CREATABLE_KINDS = REQUEST_KINDS.filter(
  (k) => !(FREEZE_INSTRUCTION_KINDS as readonly string[]).includes(k),
) as Exclude<RequestKind, (typeof FREEZE_INSTRUCTION_KINDS)[number]>[];
/** Which institution and which suspect kind each request kind goes to. */
export const KIND_TARGET: Record<
  RequestKind,
  { institution: "bank" | "carrier"; suspect: "bank_account" | "phone" }[]
> = {
  stop_payment: [{ institution: "bank", suspect: "bank_account" }],
  freeze: [{ institution: "bank", suspect: "bank_account" }],
  return: [{ institution: "bank", suspect: "bank_account" }],
  suspend_number: [{ institution: "carrier", suspect: "phone" }],
  restore_number: [{ institution: "carrier", suspect: "phone" }],
  // 断卡 covers phone cards and bank cards
  close_card: [
    { institution: "bank", suspect: "bank_account" },
    { institution: "carrier", suspect: "phone" },
  ],
  freeze_renewal: [{ institution: "bank", suspect: "bank_account" }],
  freeze_release: [{ institution: "bank", suspect: "bank_account" }],
};

const STOP_PAYMENT_MS = 48 * 3_600_000;
/** Two stops in all (银发〔2016〕86号): the first stop and one renewal, never a third. */
const MAX_STOP_PAYMENT_RENEWALS = 1;
/** 刑事诉讼法 §144 and the 2016 mechanism: 6 months, or 12 for a major, complex case with city-level approval. */
const TERM_MONTHS: Record<FreezeTerm, number> = { "6m": 6, "12m": 12 };

type Rule = {
  from: readonly RequestStatus[];
  to: RequestStatus | "same";
  by: Partial<Record<Party, readonly RequestKind[]>>;
};

const ALL = REQUEST_KINDS;
/**
 * The state machine. An answer (confirm/partial/reject/fail) may come straight from "sent":
 * answering implies the desk received it. "same" keeps the status and records the event.
 */
const RULES: Record<RequestAction, Rule> = {
  send: { from: ["draft"], to: "sent", by: { center: ALL } },
  // a draft the center decides not to send, with the reason why
  discard: { from: ["draft"], to: "discarded", by: { center: ALL } },
  acknowledge: { from: ["sent"], to: "acknowledged", by: { institution: ALL } },
  confirm: { from: OPEN_STATUSES, to: "completed", by: { institution: ALL } },
  partial: { from: OPEN_STATUSES, to: "partially_completed", by: { institution: MONEY_KINDS } },
  reject: { from: OPEN_STATUSES, to: "rejected", by: { institution: ALL } },
  // the clock withdraws a renewal or release still open when its freeze left force without it
  fail: { from: OPEN_STATUSES, to: "failed", by: { institution: ALL, system: FREEZE_INSTRUCTION_KINDS } },
  // the owner of a suspended number appealed (申诉): the center decides on a restore_number
  appeal: { from: ["completed"], to: "same", by: { institution: ["suspend_number"] } },
  // a stop-payment is renewed by the center; a freeze's renewal is an instruction its bank
  // confirms (a freeze_renewal child), and the system renews the freeze when it does
  renew: { from: IN_FORCE_STATUSES, to: "same", by: { center: HOLD_KINDS, system: ["freeze"] } },
  // the center lifts a hold (a freeze through a freeze_release its bank confirms); the clock
  // releases a freeze fully returned or whose release was confirmed, a stop-payment a freeze took
  // over from, and a suspension once the number is restored
  release: {
    from: IN_FORCE_STATUSES,
    to: "released",
    by: { center: HOLD_KINDS, system: [...HOLD_KINDS, "suspend_number"] },
  },
  expire: { from: IN_FORCE_STATUSES, to: "expired", by: { system: ["stop_payment"] } },
  lapse: { from: IN_FORCE_STATUSES, to: "lapsed", by: { system: ["freeze"] } },
};

export type Transitionable = { kind: RequestKind; status: RequestStatus; renewals: number; expiresAt: number | null };
export type RefusalCode = "not_allowed" | "wrong_party" | "renewal_limit" | "already_expired" | "not_due";
export type Verdict = { ok: true; to: RequestStatus } | { ok: false; code: RefusalCode; reason: string };

const refuse = (code: RefusalCode, reason: string): Verdict => ({ ok: false, code, reason });

/** May `party` take `action` on this request now, and to which status does it lead? */
export function transition(r: Transitionable, action: RequestAction, party: Party, now: number): Verdict {
  const rule = RULES[action];
  const kinds = rule.by[party];
  if (!kinds) return refuse("wrong_party", `the ${party} cannot ${action} a request`);
  if (!kinds.includes(r.kind) || !rule.from.includes(r.status)) {
    return refuse("not_allowed", `cannot ${action} a ${r.kind} request that is ${r.status}`);
  }
  if (action === "renew") {
    if (r.expiresAt != null && now >= r.expiresAt)
      return refuse(
        "already_expired",
        `the ${r.kind} ran out at ${new Date(r.expiresAt).toISOString()}; send a new one`,
      );
    if (r.kind === "stop_payment" && r.renewals >= MAX_STOP_PAYMENT_RENEWALS) {
      return refuse(
        "renewal_limit",
        `an account may be stopped twice in all (the first stop and ${MAX_STOP_PAYMENT_RENEWALS} renewal); a freeze must follow`,
      );
    }
  }
  if ((action === "expire" || action === "lapse") && (r.expiresAt == null || now < r.expiresAt)) {
    return refuse(
      "not_due",
      `the ${r.kind} holds until ${r.expiresAt == null ? "released" : new Date(r.expiresAt).toISOString()}`,
    );
  }
  return { ok: true, to: rule.to === "same" ? r.status : rule.to };
}

/** The actions `party` could take on this request now (the buttons a screen offers). */
export function allowedActions(r: Transitionable, party: Party, now: number): RequestAction[] {
  return HISTORY_ACTIONS.filter((a) => transition(r, a, party, now).ok);
}

// ---------------------------------------------------------------------------------------------
// Deadlines, expiry, traffic lights

/** The configured times a request's clock reads (config.ts fills them from the environment). */
export type DeadlineConfig = {
  requestDeadlineMs: Record<
    "acknowledge" | "stop_payment" | "freeze" | "suspend_number" | "restore_number" | "close_card",
    number
  >;
  /** A return is answered by the end of this many working days after it was sent. */
  returnWorkingDays: number;
  /** Reminders before an in-force request runs out, largest first (ms before expiry). */
  requestReminderMs: { stop_payment: number[]; freeze: number[] };
};

/**
 * The response deadline after moving to `to`: acknowledge within the ack time of sending,
 * answer within the kind's time of sending; none once answered.
 */
export function deadlineAfter(
  kind: RequestKind,
  to: RequestStatus,
  sentAt: number | null,
  cfg: DeadlineConfig,
): number | null {
  if (sentAt == null) return null;
  if (to === "sent") return sentAt + cfg.requestDeadlineMs.acknowledge;
  // a return is due in working days on the Chinese calendar; every other answer in minutes
  if (to === "acknowledged")
    return kind === "return"
      ? workingDaysAfter(sentAt, cfg.returnWorkingDays)
      : sentAt + cfg.requestDeadlineMs[deadlineKind(kind)];
  return null;
}

/** A renewal or release of a freeze is answered within a freeze's time. */
function deadlineKind(kind: Exclude<RequestKind, "return">): keyof DeadlineConfig["requestDeadlineMs"] {
  return kind === "freeze_renewal" || kind === "freeze_release" ? "freeze" : kind;
}

/**
 * When a hold answered at `effectiveAt` (the bank's stop or freeze time) runs out: 48 h for a
 * stop-payment; the term's calendar months in Shanghai for a freeze (6 when none was recorded).
 */
export function expiryAfter(kind: RequestKind, effectiveAt: number, term: FreezeTerm | null = null): number | null {
  if (kind === "stop_payment") return effectiveAt + STOP_PAYMENT_MS;
  if (kind === "freeze") return addShanghaiMonths(effectiveAt, TERM_MONTHS[term ?? "6m"]);
  return null;
}

/** A renewal extends the hold from its current end (the old expiry), so it holds without a gap. */
export function renewedExpiry(kind: RequestKind, expiresAt: number, term: FreezeTerm | null = null): number {
  return kind === "freeze" ? addShanghaiMonths(expiresAt, TERM_MONTHS[term ?? "6m"]) : expiresAt + STOP_PAYMENT_MS;
}

// ---------------------------------------------------------------------------------------------
// Freeze terms: 6 months, or 12 with a city-level approval; renewals for at most the same term

export type Approval = { by: string; at: number; ref: string };
export type TermIssue = { path: string; message: string };

/** A 12-month term needs the city-level approval recorded (who, when, its reference). */
export function checkFreezeTerm(term: FreezeTerm, approval: Approval | null | undefined): TermIssue[] {
  if (term === "12m" && !approval)
    return [
      {
        path: "approval",
        message: "a 12-month freeze needs the city-level approval (by, at, ref) of a major, complex case",
      },
    ];
  return [];
}

/** A renewal holds for at most the freeze's own term; a 12-month renewal needs the approval too. */
export function checkRenewalTerm(
  freezeTerm: FreezeTerm | null,
  term: FreezeTerm,
  approval: Approval | null | undefined,
): TermIssue[] {
  if (TERM_MONTHS[term] > TERM_MONTHS[freezeTerm ?? "6m"])
    return [{ path: "term", message: `a renewal holds for at most the freeze's own term (${freezeTerm ?? "6m"})` }];
  return term === "12m" && !approval ? checkFreezeTerm(term, approval) : [];
}

// ---------------------------------------------------------------------------------------------
// Answers that add up

export type AmountIssue =
  | { path: "amount"; message: string; asked: number; done: number }
  | { path: "amount"; message: string; asked?: undefined; done: number };

/** A confirmed amount: never ¥0 (that is a rejection), never above what was asked. */
export function checkConfirmedAmount(asked: number | null, done: number): AmountIssue | null {
  if (done <= 0)
    return {
      path: "amount",
      message: "a confirmation of ¥0 is no stop, freeze or return: reject or report a failure instead",
      done,
    };
  if (asked != null && done > asked)
    return { path: "amount", message: `${done} fen confirmed is more than the ${asked} fen asked`, asked, done };
  return null;
}

/** Did more move on from an account than it received? (recorded, with a warning to the center) */
export function onwardExceeds(receivedFen: number | null, onwardFen: readonly number[]): boolean {
  return receivedFen != null && onwardFen.length > 0 && onwardFen.reduce((s, x) => s + x, 0) > receivedFen;
}

export type Light = "green" | "yellow" | "red" | "grey";
/** An open request turns yellow in the last third of its window. */
const YELLOW_FRACTION = 1 / 3;

export type Timed = {
  kind: RequestKind;
  status: RequestStatus;
  sentAt: number | null;
  deadlineAt: number | null;
  expiresAt: number | null;
};

const isOpen = (s: RequestStatus) => (OPEN_STATUSES as readonly string[]).includes(s);
export const isInForce = (s: RequestStatus) => (IN_FORCE_STATUSES as readonly string[]).includes(s);

/**
 * 亮灯: an open request by its response deadline; a hold in force by how close it is to
 * running out (yellow from the first reminder, red from the last); anything else grey.
 */
export function trafficLight(r: Timed, now: number, cfg: DeadlineConfig): Light {
  if (isOpen(r.status) && r.deadlineAt != null && r.sentAt != null) {
    const left = r.deadlineAt - now;
    if (left <= 0) return "red";
    return left <= (r.deadlineAt - r.sentAt) * YELLOW_FRACTION ? "yellow" : "green";
  }
  const reminders = reminderList(r.kind, cfg);
  if (isInForce(r.status) && r.expiresAt != null && reminders.length) {
    const left = r.expiresAt - now;
    if (left <= reminders[reminders.length - 1]!) return "red";
    return left <= reminders[0]! ? "yellow" : "green";
  }
  return "grey";
}

export function isOverdue(r: Pick<Timed, "status" | "deadlineAt">, now: number): boolean {
  return isOpen(r.status) && r.deadlineAt != null && now >= r.deadlineAt;
}

/** Overdue and not yet escalated to the supervisors (督办). */
export function needsEscalation(
  r: Pick<Timed, "status" | "deadlineAt"> & { escalatedAt: number | null },
  now: number,
): boolean {
  return isOverdue(r, now) && r.escalatedAt == null;
}

function reminderList(kind: RequestKind, cfg: DeadlineConfig): number[] {
  return kind === "stop_payment" || kind === "freeze" ? cfg.requestReminderMs[kind] : [];
}

/**
 * The reminder due now before a hold runs out (its threshold in ms before expiry), or null.
 * Each threshold fires once: remindedAt is the last reminder, and a renewal moves expiresAt
 * past it so the reminders start again.
 */
export function dueReminder(
  r: Pick<Timed, "kind" | "status" | "expiresAt"> & { remindedAt: number | null },
  now: number,
  cfg: DeadlineConfig,
): number | null {
  if (!isInForce(r.status) || r.expiresAt == null || now >= r.expiresAt) return null;
  let due: number | null = null;
  for (const ms of reminderList(r.kind, cfg)) if (now >= r.expiresAt - ms) due = ms; // largest first: ends on the smallest crossed
  if (due === null) return null;
  return r.remindedAt != null && r.remindedAt >= r.expiresAt - due ? null : due;
}

/** Is the hold past its end, so the clock must expire (stop-payment) or lapse (freeze) it? */
export function expiryAction(r: Pick<Timed, "kind" | "status" | "expiresAt">, now: number): "expire" | "lapse" | null {
  if (!isInForce(r.status) || r.expiresAt == null || now < r.expiresAt) return null;
  return r.kind === "stop_payment" ? "expire" : r.kind === "freeze" ? "lapse" : null;
}

// ---------------------------------------------------------------------------------------------
// The suspect follows its requests

const EFFECT: Record<RequestKind, SuspectStatus | null> = {
  stop_payment: "stopped",
  freeze: "frozen",
  return: null,
  suspend_number: "cut_off",
  close_card: "cut_off",
  restore_number: "cleared",
  // the freeze moves the suspect when the bank confirms these
  freeze_renewal: null,
  freeze_release: null,
};

/** requested → stopped / frozen / cut_off (or cleared after a restore), and back when a hold ends. */
export function suspectStatusAfter(kind: RequestKind, to: RequestStatus, current: SuspectStatus): SuspectStatus {
  const effect = EFFECT[kind];
  if (!effect) return current;
  switch (to) {
    case "sent":
      return effect !== "cleared" && (current === "active" || current === "cleared") ? "requested" : current;
    case "completed":
    case "partially_completed":
      // a freeze outranks a later stop-payment on the same account
      return kind === "stop_payment" && current === "frozen" ? current : effect;
    case "rejected":
    case "failed":
      return current === "requested" ? "active" : current;
    case "expired":
    case "lapsed":
    case "released":
      return current === effect ? "active" : current;
    default:
      return current;
  }
}

// ---------------------------------------------------------------------------------------------
// Money: returns draw on a freeze; a case's amounts add up

export type ReturnClaim = { status: RequestStatus; amountFen: number | null; doneAmountFen: number | null };

/** What a return holds against its freeze: the amount asked while open, the amount done once answered. */
function claimOf(r: ReturnClaim): number {
  if (r.status === "completed" || r.status === "partially_completed") return r.doneAmountFen ?? 0;
  if (r.status === "draft" || isOpen(r.status)) return r.amountFen ?? 0;
  return 0;
}

/** How much of a freeze can still be returned (never more than was frozen). */
export function returnableFen(frozenFen: number, returns: readonly ReturnClaim[]): number {
  return Math.max(0, frozenFen - returns.reduce((s, r) => s + claimOf(r), 0));
}

export type FundRow = {
  id: number;
  kind: RequestKind;
  status: RequestStatus;
  doneAmountFen: number | null;
  parentRequestId: number | null;
};
export type CaseFunds = {
  lost: number;
  stopped: number;
  frozen: number;
  returned: number;
  /** frozen and still held for the victims */
  stillFrozen: number;
  /** frozen, then released or lapsed without being returned */
  unfrozen: number;
  /** lost and not (yet) returned */
  unrecovered: number;
};

const answered = (s: RequestStatus, ...also: RequestStatus[]) => isInForce(s) || also.includes(s);

/** Per case: frozen = returned + stillFrozen + unfrozen and lost = returned + unrecovered. */
export function caseFunds(lossFen: number, rows: readonly FundRow[]): CaseFunds {
  const sum = (pred: (r: FundRow) => boolean) => rows.filter(pred).reduce((s, r) => s + (r.doneAmountFen ?? 0), 0);
  const returnedFrom = (freezeId: number) =>
    sum((r) => r.kind === "return" && answered(r.status) && r.parentRequestId === freezeId);
  const stopped = sum((r) => r.kind === "stop_payment" && answered(r.status, "expired", "released"));
  const frozen = sum((r) => r.kind === "freeze" && answered(r.status, "lapsed", "released"));
  const returned = sum((r) => r.kind === "return" && answered(r.status));
  const stillFrozen = rows
    .filter((r) => r.kind === "freeze" && isInForce(r.status))
    .reduce((s, r) => s + Math.max(0, (r.doneAmountFen ?? 0) - returnedFrom(r.id)), 0);
  return {
    lost: lossFen,
    stopped,
    frozen,
    returned,
    stillFrozen,
    unfrozen: frozen - returned - stillFrozen,
    unrecovered: Math.max(0, lossFen - returned),
  };
}
