// Case rules: the status lifecycle and the order of its dates, the victim's ID number, and what
// of the victim a role may see. Pure: no I/O.

import { type Role, seesPersonalData } from "./access";
import type { CASE_STATUSES, FRAUD_TYPES } from "./enums";
import { type SuspectKind, toHalfWidth } from "./identifiers";
import { maskIdNumber, maskName, maskPhone } from "./masking";
import { type ReasonCode, type ReasonParams, type Refusal, refuse } from "./reasons";

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type FraudType = (typeof FRAUD_TYPES)[number];
/** A field's refusal: the English `message` for the API, the code for pages (an HTTP Issue). */
export type CaseIssue = { path: string; message: string; code: ReasonCode; params?: ReasonParams };

function issue(path: string, code: ReasonCode, params?: ReasonParams): CaseIssue {
  const r = refuse(code, params);
  return { path, message: r.reason, code, params };
}

/** received → filed → solved; a case is closed without being solved, filed or not (不予立案). */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ["filed", "closed"],
  filed: ["solved", "closed"],
  solved: [],
  closed: [],
};

export type CaseDates = {
  status: CaseStatus;
  receivedAt: number;
  filedAt: number | null;
  solvedAt: number | null;
  closedAt: number | null;
};

// clocks on agents' PCs drift; a minute ahead is not "in the future"
const SKEW_MS = 60_000;

/** Which dates a status needs and their order: received ≤ filed ≤ solved, closed after both. */
export function checkCaseDates(d: CaseDates, now: number): CaseIssue[] {
  const issues: CaseIssue[] = [];
  const needsFiled = d.status === "filed" || d.status === "solved";
  if (needsFiled && d.filedAt == null) issues.push(issue("filedAt", "case.needs_filed", { status: d.status }));
  if (d.status === "received" && d.filedAt != null) issues.push(issue("filedAt", "case.received_has_filed"));
  if (d.status === "solved" && d.solvedAt == null) issues.push(issue("solvedAt", "case.needs_solved"));
  if (d.status !== "solved" && d.solvedAt != null) issues.push(issue("solvedAt", "case.unsolved_has_solved"));
  if (d.receivedAt > now + SKEW_MS) issues.push(issue("receivedAt", "case.received_future"));
  if (d.filedAt != null && d.filedAt < d.receivedAt) issues.push(issue("filedAt", "case.filed_before_received"));
  if (d.filedAt != null && d.filedAt > now + SKEW_MS) issues.push(issue("filedAt", "case.filed_future"));
  if (d.solvedAt != null && d.solvedAt < (d.filedAt ?? d.receivedAt))
    issues.push(issue("solvedAt", "case.solved_before_filed"));
  if (d.solvedAt != null && d.solvedAt > now + SKEW_MS) issues.push(issue("solvedAt", "case.solved_future"));
  if (d.closedAt != null && d.closedAt < (d.filedAt ?? d.receivedAt))
    issues.push(issue("closedAt", "case.closed_before_received"));
  return issues;
}

/**
 * The dates of a new case: the date of its status defaults to `now` (an agent marking a case
 * filed at intake files it now); earlier stages must be given, since nobody knows them but the user.
 */
export function intakeDates(d: Omit<CaseDates, "closedAt">, now: number): CaseDates {
  return {
    ...d,
    filedAt: d.filedAt ?? (d.status === "filed" ? now : null),
    solvedAt: d.solvedAt ?? (d.status === "solved" ? now : null),
    closedAt: d.status === "closed" ? now : null,
  };
}

export type Transition = { ok: true; dates: CaseDates } | { ok: false; issues: CaseIssue[] };

/** Moving a case to its next status at `at`: the status's date is set, then the order is checked. */
export function caseTransition(cur: CaseDates, to: CaseStatus, at: number, now: number): Transition {
  if (cur.status === to) return { ok: false, issues: [issue("status", "case.same_status", { status: to })] };
  if (!CASE_TRANSITIONS[cur.status].includes(to))
    return { ok: false, issues: [issue("status", "case.status_move", { from: cur.status, to })] };
  const dates: CaseDates = {
    ...cur,
    status: to,
    filedAt: to === "filed" ? at : cur.filedAt,
    solvedAt: to === "solved" ? at : cur.solvedAt,
    closedAt: to === "closed" ? at : cur.closedAt,
  };
  const issues = checkCaseDates(dates, now).map((i) => ({ ...i, path: "at" }));
  return issues.length ? { ok: false, issues } : { ok: true, dates };
}

// ---------------------------------------------------------------------------------------------
// The victim

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** The check character of an 18-character resident ID, from its first 17 digits (ISO 7064 MOD 11-2). */
export function idCheckCharacter(first17: string): string {
  return ID_CHECK[ID_WEIGHTS.reduce((acc, w, i) => acc + w * (first17.charCodeAt(i) - 48), 0) % 11]!;
}

/**
 * A resident ID number (居民身份证号): 18 characters with an ISO 7064 check character, or the
 * old 15-digit form. Anything with other letters is taken as a passport or foreign ID, as written.
 */
export function normalizeIdNumber(input: string): { ok: true; value: string } | Refusal {
  const s = toHalfWidth(input).replace(/[\s-]/g, "").toUpperCase();
  if (s.length > 30) return refuse("id_number.too_long");
  if (/^\d{17}[\dX]$/.test(s)) {
    const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * (s.charCodeAt(i) - 48), 0);
    if (ID_CHECK[sum % 11] !== s[17]) return refuse("id_number.check");
    return { ok: true, value: s };
  }
  if (/^\d{15}$/.test(s)) return { ok: true, value: s };
  if (/^[\dX]+$/.test(s)) return refuse("id_number.length", { n: s.length });
  if (!/^[A-Z0-9]{5,30}$/.test(s)) return refuse("id_number.characters");
  return { ok: true, value: s };
}

export type Victim = { name: string; phone: string | null; idNumber: string | null; age: number | null };
export type CaseTransaction = {
  at: number;
  amountFen: number;
  account: string | null;
  payerAccount: string | null;
  payerName: string | null;
  serialNo: string | null;
};

/** A case as entered, from the form or the API. Instants in ms, money in fen. */
export type CaseData = {
  receivedAt: number;
  district: string;
  fraudType: FraudType;
  lossFen: number;
  victim: Victim;
  narrative: string | null;
  status: CaseStatus;
  filedAt: number | null;
  solvedAt: number | null;
  suspectsDetained: number;
  suspects: { kind?: SuspectKind; value: string; holderName?: string; branch?: string }[];
  /** the victim's transfers; `account` received the money (recorded as a suspect of the case) */
  transactions?: CaseTransaction[];
};

/** The victim as this role may see them: in full, or masked (张*, 138****8000). */
export function victimFor(role: Role, v: Victim): Victim & { masked: boolean } {
  if (seesPersonalData(role)) return { ...v, masked: false };
  return {
    name: maskName(v.name),
    phone: v.phone && maskPhone(v.phone),
    idNumber: v.idNumber && maskIdNumber(v.idNumber),
    age: v.age,
    masked: true,
  };
}
