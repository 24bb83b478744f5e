// Suspect rules: how a new sighting merges into a known suspect, which risk level wins, which
// status changes are allowed, and how a pasted block of text becomes values. Pure: no I/O.
// The suspect service (single rows) and the bulk import (prepared statements) both follow these.
import type { RISK_LEVELS, SUSPECT_STATUSES } from "./enums";
import { normalizeIdentifier, type SuspectKind } from "./identifiers";
import { type Refusal, refuse } from "./reasons";

export type RiskLevel = (typeof RISK_LEVELS)[number];
export type SuspectStatus = (typeof SUSPECT_STATUSES)[number];

/** Risk when nobody said otherwise. */
export const DEFAULT_RISK: RiskLevel = "medium";
/** A number or account named in a reported case has already defrauded someone. */
export const CASE_SUSPECT_RISK: RiskLevel = "high";

/** Higher is riskier; also usable in SQL (`CASE risk_level WHEN 'high' THEN 2 ...`). */
export const RISK_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** The risk level after a new report: a report can raise the level, never lower it. */
export function mergedRisk(current: RiskLevel, reported: RiskLevel | undefined): RiskLevel {
  return reported !== undefined && RISK_RANK[reported] > RISK_RANK[current] ? reported : current;
}

/** "Is this flagged?" for lookups: every suspect not cleared. */
export function isFlagged(status: SuspectStatus): boolean {
  return status !== "cleared";
}

// ---------------------------------------------------------------------------------------------
// Merging a sighting

export type SuspectState = {
  riskLevel: RiskLevel;
  status: SuspectStatus;
  statusReason: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  sightings: number;
  institutionId: number | null;
  institutionInferred: boolean;
  note: string | null;
};

export type Sighting = {
  at: number;
  riskLevel?: RiskLevel;
  /** The institution inferred from the identifier (prefix or BIN), if any. */
  inferredInstitutionId: number | null;
  note?: string | null;
};

export const REOPEN_REASON = "reported again";

/** The state of a new suspect from its first sighting. */
export function firstSighting(s: Sighting): SuspectState {
  return {
    riskLevel: s.riskLevel ?? DEFAULT_RISK,
    status: "active",
    statusReason: null,
    firstSeenAt: s.at,
    lastSeenAt: s.at,
    sightings: 1,
    institutionId: s.inferredInstitutionId,
    institutionInferred: true,
    note: s.note?.trim() || null,
  };
}

/**
 * A known suspect seen again: one more sighting, the seen-window widened (imports carry older
 * dates), risk raised if the report says higher, an institution filled in if none was known
 * (a confirmed one is never replaced by a guess), the note appended. A cleared suspect that is
 * reported again becomes active: a fresh report outweighs an earlier clearance, and an agent
 * can clear it again with a reason.
 */
export function mergeSighting(cur: SuspectState, s: Sighting): SuspectState {
  const note = s.note?.trim();
  const reopened = cur.status === "cleared";
  return {
    riskLevel: mergedRisk(cur.riskLevel, s.riskLevel),
    status: reopened ? "active" : cur.status,
    statusReason: reopened ? REOPEN_REASON : cur.statusReason,
    firstSeenAt: Math.min(cur.firstSeenAt, s.at),
    lastSeenAt: Math.max(cur.lastSeenAt, s.at),
    sightings: cur.sightings + 1,
    institutionId: cur.institutionId ?? s.inferredInstitutionId,
    institutionInferred: cur.institutionId === null ? true : cur.institutionInferred,
    note: !note || cur.note?.split("\n").includes(note) ? cur.note : cur.note ? `${cur.note}\n${note}` : note,
  };
}

// ---------------------------------------------------------------------------------------------
// Status lifecycle: active → requested → cut_off / stopped / frozen → cleared (with a reason)

export const STATUS_TRANSITIONS: Record<SuspectStatus, readonly SuspectStatus[]> = {
  active: ["requested", "cut_off", "stopped", "frozen", "cleared"],
  // the request was answered (done), or refused/failed/expired (back to active)
  requested: ["cut_off", "stopped", "frozen", "active", "cleared"],
  // a freeze follows a stop-payment; a stop-payment lapses after 48 h without one
  stopped: ["requested", "frozen", "active", "cleared"],
  // a freeze lapses if not renewed; frozen money is returned, then the account is cleared
  frozen: ["requested", "active", "cleared"],
  // a wrongly suspended owner appeals and the number is restored
  cut_off: ["requested", "active", "cleared"],
  cleared: ["active"],
};

/** The reason a request writes on its suspect when it moves it: "request #12 (stop_payment) sent". */
export const requestReason = (id: number, kind: string, status: string) => `request #${id} (${kind}) ${status}`;

/** The request a status reason names, when a request wrote it. */
export function requestNamedIn(reason: string | null): number | null {
  const m = /^request #(\d+) \(/.exec(reason ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * The status reason a caller may read. Everyone but a bank or carrier (scope null) reads it as
 * written. A bank or carrier reads it only when it names a request addressed to itself: another
 * institution's request is not theirs to learn of, and an agent's own words may name anyone;
 * the status alone says what a payment system needs.
 */
export function reasonFor(
  scope: number | null,
  reason: string | null,
  institutionOfRequest: (id: number) => number | null,
): string | null {
  if (scope === null || reason === null) return reason;
  const requestId = requestNamedIn(reason);
  return requestId !== null && institutionOfRequest(requestId) === scope ? reason : null;
}

/** Statuses that need a reason in words: clearing someone, and undoing a clearance. */
const NEEDS_REASON: readonly SuspectStatus[] = ["cleared"];

export type StatusCheck = { ok: true; changed: boolean } | Refusal;

export function checkStatusChange(from: SuspectStatus, to: SuspectStatus, reason?: string | null): StatusCheck {
  if (from === to) return { ok: true, changed: false };
  if (!STATUS_TRANSITIONS[from].includes(to)) return refuse("suspect.status_move", { from, to });
  if ((NEEDS_REASON.includes(to) || from === "cleared") && !reason?.trim())
    return refuse("suspect.status_needs_reason", { from, to });
  return { ok: true, changed: true };
}

// ---------------------------------------------------------------------------------------------
// The paste-many box

export type PastedValue = { line: number; input: string };

const LIST_SEPARATORS = /[,，;；、\t|]+/;

/**
 * Splits pasted text into values, each with its line number: one per line, or several separated
 * by commas, semicolons or tabs. Spaces are ambiguous — people write `138 0013 8000` — so a piece
 * is split on spaces only when every part is a valid identifier by itself
 * (`13800138000 13900139000`); otherwise it stays whole and is accepted or rejected as one.
 */
export function splitPasted(text: string, kind?: SuspectKind): PastedValue[] {
  const out: PastedValue[] = [];
  text.split(/\r\n|\r|\n/).forEach((lineText, i) => {
    for (const raw of lineText.split(LIST_SEPARATORS)) {
      const piece = raw.trim();
      if (!piece) continue;
      const parts = piece.split(/[\s\u3000]+/);
      if (parts.length > 1 && parts.every((p) => normalizeIdentifier(p, kind).ok)) {
        for (const p of parts) out.push({ line: i + 1, input: p });
      } else {
        out.push({ line: i + 1, input: piece });
      }
    }
  });
  return out;
}
