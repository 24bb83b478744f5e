// Returning frozen money to the victims (《电信网络新型违法犯罪案件冻结资金返还若干规定》, 2016):
// traced straight back where the deposits show whose money is whose, otherwise pro rata to each
// victim's loss into the account, after a 30-day public notice. Pure; money in integer fen.

import { RETURN_METHODS } from "./enums";

export { RETURN_METHODS };
export type ReturnMethod = (typeof RETURN_METHODS)[number];

/** The public notice before a pro-rata return goes out. */
const NOTICE_DAYS = 30;
export const NOTICE_MS = NOTICE_DAYS * 86_400_000;

/** A case naming the frozen account: the victim's loss, and their deposits into it when traced. */
export type Claim = { caseId: number; lossFen: number; tracedFen: number | null };
/** `loss`: the loss counted against this account (its traced deposits, else the case's loss; never above the case's loss). */
type Share = { caseId: number; loss: number; amount: number };

export type Plan =
  | { ok: true; shares: Share[] }
  | { ok: false; code: "no_claims" | "not_traced" | "traced_exceeds_frozen"; reason: string; caseId?: number };

/** What a victim's claim on this account is: their traced deposits into it, else the case's loss; capped at the loss. */
function claimFen(c: Claim): number {
  return Math.max(0, Math.min(c.tracedFen ?? c.lossFen, c.lossFen));
}

/**
 * Pro rata: what can be returned (`available`, frozen and not yet returned) shared in proportion
 * to each claim, never more than the claims in all nor any victim's loss. Largest remainders make
 * the shares add up to the fen; ties go to the larger claim, then the earlier case.
 */
export function proRata(available: number, claims: readonly Claim[]): Plan {
  if (!claims.length) return { ok: false, code: "no_claims", reason: "no case names this account" };
  const weights = claims.map(claimFen);
  const total = weights.reduce((s, w) => s + w, 0);
  const dist = Math.max(0, Math.min(available, total));
  if (total === 0) return { ok: true, shares: claims.map((c) => ({ caseId: c.caseId, loss: 0, amount: 0 })) };
  // exact in BigInt: fen × fen overflows a double's 53 bits
  const parts = weights.map((w, i) => {
    const num = BigInt(dist) * BigInt(w);
    return { i, w, floor: Number(num / BigInt(total)), rem: num % BigInt(total) };
  });
  let left = dist - parts.reduce((s, p) => s + p.floor, 0);
  const order = [...parts].sort((a, b) =>
    b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : b.w - a.w || claims[a.i]!.caseId - claims[b.i]!.caseId,
  );
  for (const p of order) {
    if (left === 0) break;
    if (p.rem > 0n) {
      p.floor += 1; // rem > 0 means the exact share is above the floor, so floor + 1 ≤ the claim
      left--;
    }
  }
  return { ok: true, shares: parts.map((p) => ({ caseId: claims[p.i]!.caseId, loss: p.w, amount: p.floor })) };
}

/**
 * Traced: each victim gets back their own deposits into the account (never above their loss).
 * Only when every case has traced deposits and together they are still in the account; otherwise
 * the money cannot be told apart and the return is pro rata.
 */
export function traced(available: number, claims: readonly Claim[]): Plan {
  if (!claims.length) return { ok: false, code: "no_claims", reason: "no case names this account" };
  const untraced = claims.find((c) => !c.tracedFen);
  if (untraced)
    return {
      ok: false,
      code: "not_traced",
      caseId: untraced.caseId,
      reason: `case ${untraced.caseId} has no deposits traced into this account: return pro rata`,
    };
  const shares = claims.map((c) => ({ caseId: c.caseId, loss: claimFen(c), amount: claimFen(c) }));
  const total = shares.reduce((s, x) => s + x.amount, 0);
  if (total > available) {
    return {
      ok: false,
      code: "traced_exceeds_frozen",
      reason: `the traced deposits (${total} fen) exceed what is frozen and not yet returned (${available} fen): return pro rata`,
    };
  }
  return { ok: true, shares };
}

export function plan(method: ReturnMethod, available: number, claims: readonly Claim[]): Plan {
  return method === "traced" ? traced(available, claims) : proRata(available, claims);
}

/** May the returns of a plan go out now? A pro-rata plan waits for its 30-day notice to close. */
export function mayReturn(
  p: { method: ReturnMethod; noticeClosesAt: number | null },
  now: number,
): { ok: true } | { ok: false; until: number } {
  if (p.method === "pro_rata" && (p.noticeClosesAt == null || now < p.noticeClosesAt))
    return { ok: false, until: p.noticeClosesAt ?? Infinity };
  return { ok: true };
}
