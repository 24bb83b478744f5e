import { describe, expect, test } from "bun:test";
import {
  capAtToday,
  changePct,
  formatChangePct,
  isDate,
  monthPeriod,
  monthsOf,
  previousPeriod,
  quarterPeriod,
  sameDayLastYear,
  splitPeriod,
  verdict,
  ytdPeriod,
} from "../../src/domain/yoy";

describe("change in percent", () => {
  test("is (current − previous) / previous × 100 to two decimals", () => {
    expect(changePct(110, 100)).toBe(10);
    expect(changePct(2, 3)).toBe(-33.33);
    expect(changePct(1, 3)).toBe(-66.67);
    expect(changePct(4193, 2954)).toBe(41.94);
  });

  test("reproduces a published example: alerts 9.91% down", () => {
    expect(changePct(9009, 10000)).toBe(-9.91);
  });

  test("is null when the previous value is 0", () => {
    expect(changePct(5, 0)).toBeNull();
    expect(changePct(0, 0)).toBeNull();
  });

  test("is 0 (not −0) when nothing changed", () => {
    expect(Object.is(changePct(7, 7), 0)).toBe(true);
  });

  test("rounds halves away from zero in both directions", () => {
    expect(changePct(100_005, 100_000)).toBe(0.01);
    expect(changePct(99_995, 100_000)).toBe(-0.01);
  });

  test("is exact for large fen amounts", () => {
    expect(changePct(7_573_000_000, 6_000_000_000)).toBe(26.22);
  });

  test("shows — when there is nothing to compare with, a sign otherwise", () => {
    expect(formatChangePct(null)).toBe("—");
    expect(formatChangePct(17.15)).toBe("+17.15%");
    expect(formatChangePct(-6.4)).toBe("-6.40%");
    expect(formatChangePct(0)).toBe("0.00%");
  });
});

describe("good direction (两降两升)", () => {
  test("fewer alerts and fewer cases filed is good", () => {
    expect(verdict("alerts", -9.91)).toBe("good");
    expect(verdict("casesFiled", 3)).toBe("bad");
  });

  test("more cases solved and more suspects detained is good", () => {
    expect(verdict("casesSolved", 17.15)).toBe("good");
    expect(verdict("suspectsDetained", -1)).toBe("bad");
    expect(verdict("amountFrozen", 5)).toBe("good");
  });

  test("no previous value gives no verdict; no change is flat", () => {
    expect(verdict("alerts", null)).toBe("none");
    expect(verdict("alerts", 0)).toBe("flat");
  });
});

describe("the same period one year earlier", () => {
  test("moves each end back a year", () => {
    expect(previousPeriod({ from: "2026-07-01", to: "2026-09-30" })).toEqual({ from: "2025-07-01", to: "2025-09-30" });
    expect(previousPeriod({ from: "2026-03-05", to: "2026-04-17" })).toEqual({ from: "2025-03-05", to: "2025-04-17" });
  });

  test("29 February becomes 28 February", () => {
    expect(sameDayLastYear("2024-02-29")).toBe("2023-02-28");
    expect(previousPeriod({ from: "2024-02-29", to: "2024-02-29" })).toEqual({ from: "2023-02-28", to: "2023-02-28" });
    expect(previousPeriod({ from: "2024-02-10", to: "2024-02-29" })).toEqual({ from: "2023-02-10", to: "2023-02-28" });
  });

  test("February of a common year compares with all 29 days of a leap February", () => {
    expect(previousPeriod(monthPeriod("2025-02"))).toEqual({ from: "2024-02-01", to: "2024-02-29" });
  });

  test("a single 28 February compares with 28 February, not two days", () => {
    expect(previousPeriod({ from: "2025-02-28", to: "2025-02-28" })).toEqual({ from: "2024-02-28", to: "2024-02-28" });
  });

  test("year to date moves back a year", () => {
    expect(previousPeriod(ytdPeriod("2026-11-21"))).toEqual({ from: "2025-01-01", to: "2025-11-21" });
  });
});

describe("periods in Shanghai calendar dates", () => {
  test("a month and a quarter run from their first to their last day", () => {
    expect(monthPeriod("2024-02")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(monthPeriod("2026-11")).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(quarterPeriod(2026, 3)).toEqual({ from: "2026-07-01", to: "2026-09-30" });
    expect(quarterPeriod(2026, 4)).toEqual({ from: "2026-10-01", to: "2026-12-31" });
  });

  test("a period still running ends today; a past one is left alone", () => {
    expect(capAtToday(monthPeriod("2026-11"), "2026-11-21")).toEqual({ from: "2026-11-01", to: "2026-11-21" });
    expect(capAtToday(monthPeriod("2026-10"), "2026-11-21")).toEqual(monthPeriod("2026-10"));
  });

  test("only real dates are dates", () => {
    expect(isDate("2024-02-29")).toBe(true);
    expect(isDate("2025-02-29")).toBe(false);
    expect(isDate("2026-13-01")).toBe(false);
    expect(isDate("2026-1-01")).toBe(false);
    expect(isDate("yesterday")).toBe(false);
  });

  test("lists the months a period touches, across a year end", () => {
    expect(monthsOf({ from: "2025-11-15", to: "2026-02-03" })).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
  });

  test("splits a period into whole months and the days of the months it only touches", () => {
    expect(splitPeriod({ from: "2025-11-15", to: "2026-02-03" })).toEqual({
      months: ["2025-12", "2026-01"],
      dayRanges: [
        { from: "2025-11-15", to: "2025-11-30" },
        { from: "2026-02-01", to: "2026-02-03" },
      ],
    });
    expect(splitPeriod(quarterPeriod(2026, 1))).toEqual({ months: ["2026-01", "2026-02", "2026-03"], dayRanges: [] });
    expect(splitPeriod({ from: "2026-03-02", to: "2026-03-09" })).toEqual({
      months: [],
      dayRanges: [{ from: "2026-03-02", to: "2026-03-09" }],
    });
  });
});
