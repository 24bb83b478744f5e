// Case rules: the status lifecycle and the order of its dates, the victim's ID number, and what
// of the victim a role may see. Pure: no I/O.
import type { CASE_STATUSES } from "../db/schema/cases";
import { seesPersonalData, type Role } from "./access";
import { toHalfWidth } from "./identifiers";
import { maskIdNumber, maskName, maskPhone } from "./masking";
import { refuse, type Refusal } from "./reasons";

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseIssue = { path: string; message: string };

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
  if (needsFiled && d.filedAt == null) issues.push({ path: "filedAt", message: `a ${d.status} case needs the time it was filed` });
  if (d.status === "received" && d.filedAt != null) issues.push({ path: "filedAt", message: "a case that is only received has no filed time; set the status to filed" });
  if (d.status === "solved" && d.solvedAt == null) issues.push({ path: "solvedAt", message: "a solved case needs the time it was solved" });
  if (d.status !== "solved" && d.solvedAt != null) issues.push({ path: "solvedAt", message: "only a solved case has a solved time; set the status to solved" });
  if (d.receivedAt > now + SKEW_MS) issues.push({ path: "receivedAt", message: "the received time is in the future" });
  if (d.filedAt != null && d.filedAt < d.receivedAt) issues.push({ path: "filedAt", message: "the filed time is before the received time" });
  if (d.filedAt != null && d.filedAt > now + SKEW_MS) issues.push({ path: "filedAt", message: "the filed time is in the future" });
  if (d.solvedAt != null && d.solvedAt < (d.filedAt ?? d.receivedAt)) issues.push({ path: "solvedAt", message: "the solved time is before the filed time" });
  if (d.solvedAt != null && d.solvedAt > now + SKEW_MS) issues.push({ path: "solvedAt", message: "the solved time is in the future" });
  if (d.closedAt != null && d.closedAt < (d.filedAt ?? d.receivedAt)) issues.push({ path: "closedAt", message: "the closed time is before the case was received or filed" });
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
  if (cur.status === to) return { ok: false, issues: [{ path: "status", message: `the case is already ${to}` }] };
  if (!CASE_TRANSITIONS[cur.status].includes(to)) return { ok: false, issues: [{ path: "status", message: `a ${cur.status} case cannot become ${to}` }] };
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

/** The victim as this role may see them: in full, or masked (张*, 138****8000). */
export function victimFor(role: Role, v: Victim): Victim & { masked: boolean } {
  if (seesPersonalData(role)) return { ...v, masked: false };
  return { name: maskName(v.name), phone: v.phone && maskPhone(v.phone), idNumber: v.idNumber && maskIdNumber(v.idNumber), age: v.age, masked: true };
}
