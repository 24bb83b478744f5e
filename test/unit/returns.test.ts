import { describe, expect, test } from "bun:test";
import { type Claim, mayReturn, NOTICE_MS, proRata, traced } from "../../src/domain/returns";

const sum = (xs: { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);
const shares = (p: ReturnType<typeof proRata>) => {
  if (!p.ok) throw new Error(p.reason);
  return p.shares;
};

describe("pro-rata returns", () => {
  test("three victims share a prime total to the fen, by largest remainders", () => {
    const claims: Claim[] = [
      { caseId: 1, lossFen: 100_000, tracedFen: null },
      { caseId: 2, lossFen: 100_000, tracedFen: null },
      { caseId: 3, lossFen: 100_000, tracedFen: null },
    ];
    const s = shares(proRata(100_003, claims)); // prime
    expect(sum(s)).toBe(100_003);
    // 33,334.33… each: the one extra fen goes to the first of the tied cases
    expect(s.map((x) => x.amount)).toEqual([33_335, 33_334, 33_334]);
  });

  test("awkward losses share a prime total exactly and each share is within a fen of its exact value", () => {
    const claims: Claim[] = [
      { caseId: 7, lossFen: 1_234_567, tracedFen: null },
      { caseId: 8, lossFen: 89_101, tracedFen: null },
      { caseId: 9, lossFen: 999_983, tracedFen: null },
    ];
    const available = 1_000_003; // prime, less than the losses in all
    const s = shares(proRata(available, claims));
    expect(sum(s)).toBe(available);
    const total = claims.reduce((t, c) => t + c.lossFen, 0);
    s.forEach((x, i) => {
      expect(Math.abs(x.amount - (available * claims[i]!.lossFen) / total)).toBeLessThan(1);
    });
  });

  test("a victim's traced deposits are their claim on the account, else the case's loss", () => {
    const s = shares(
      proRata(30_000, [
        { caseId: 1, lossFen: 500_000, tracedFen: 10_000 },
        { caseId: 2, lossFen: 20_000, tracedFen: null },
      ]),
    );
    expect(s).toEqual([
      { caseId: 1, loss: 10_000, amount: 10_000 },
      { caseId: 2, loss: 20_000, amount: 20_000 },
    ]);
  });

  test("no share is above the victim's loss, and what is frozen beyond the losses stays frozen", () => {
    const s = shares(
      proRata(1_000_000, [
        { caseId: 1, lossFen: 300, tracedFen: 900 },
        { caseId: 2, lossFen: 700, tracedFen: null },
      ]),
    );
    expect(s.map((x) => x.amount)).toEqual([300, 700]);
    expect(sum(s)).toBe(1_000);
  });

  test("amounts in the billions of fen are shared exactly (no floating-point overflow)", () => {
    const claims: Claim[] = [
      { caseId: 1, lossFen: 9_000_000_000_001, tracedFen: null },
      { caseId: 2, lossFen: 3_000_000_000_007, tracedFen: null },
      { caseId: 3, lossFen: 1_000_000_000_003, tracedFen: null },
    ];
    const s = shares(proRata(7_000_000_000_019, claims));
    expect(sum(s)).toBe(7_000_000_000_019);
  });

  test("no case naming the account gives no plan", () => {
    expect(proRata(100, []).ok).toBe(false);
  });
});

describe("traced returns", () => {
  test("each victim gets their own deposits back, capped at their loss; the rest stays frozen", () => {
    const p = traced(100_000, [
      { caseId: 1, lossFen: 40_000, tracedFen: 30_000 },
      { caseId: 2, lossFen: 10_000, tracedFen: 15_000 },
    ]);
    expect(p).toEqual({
      ok: true,
      shares: [
        { caseId: 1, loss: 30_000, amount: 30_000 },
        { caseId: 2, loss: 10_000, amount: 10_000 },
      ],
    });
  });

  test("a case without traced deposits cannot be returned by tracing", () => {
    const p = traced(100_000, [
      { caseId: 1, lossFen: 40_000, tracedFen: 30_000 },
      { caseId: 2, lossFen: 10_000, tracedFen: null },
    ]);
    expect(p).toMatchObject({ ok: false, code: "not_traced", caseId: 2 });
  });

  test("deposits larger than what is still frozen cannot be told apart: pro rata instead", () => {
    expect(traced(20_000, [{ caseId: 1, lossFen: 40_000, tracedFen: 30_000 }])).toMatchObject({
      ok: false,
      code: "traced_exceeds_frozen",
    });
  });
});

describe("the 30-day public notice", () => {
  const opened = Date.parse("2026-11-21T02:00:00Z");
  test("pro-rata returns wait until the notice closes, 30 days after it opened", () => {
    const p = { method: "pro_rata" as const, noticeClosesAt: opened + NOTICE_MS };
    expect(mayReturn(p, opened + NOTICE_MS - 1)).toEqual({ ok: false, until: opened + NOTICE_MS });
    expect(mayReturn(p, opened + NOTICE_MS)).toEqual({ ok: true });
  });
  test("traced returns need no notice", () => {
    expect(mayReturn({ method: "traced", noticeClosesAt: null }, opened)).toEqual({ ok: true });
  });
});
