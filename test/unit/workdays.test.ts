import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { deadlineAfter } from "../../src/domain/requests";
import { isWorkingDay, workingDaysAfter } from "../../src/domain/workdays";

const sh = (local: string) => Date.parse(`${local}+08:00`);

describe("working days on the Chinese calendar", () => {
  test("the National Day holiday (1–7 October 2026) is not working days, though 5–7 October are weekdays", () => {
    for (const d of ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"])
      expect(isWorkingDay(d)).toBe(false);
    expect(isWorkingDay("2026-10-08")).toBe(true);
  });

  test("the make-up Saturday 10 October 2026 and make-up Sunday 20 September 2026 are working days", () => {
    expect(isWorkingDay("2026-10-10")).toBe(true);
    expect(isWorkingDay("2026-09-20")).toBe(true);
    expect(isWorkingDay("2026-10-17")).toBe(false); // an ordinary Saturday
  });

  test("a return sent on the eve of National Day is due at the end of the make-up Saturday after it", () => {
    // working days after 30 Sep: 8 Oct (Thu), 9 Oct (Fri), 10 Oct (make-up Sat)
    expect(workingDaysAfter(sh("2026-09-30T10:00:00"), 3)).toBe(sh("2026-10-11T00:00:00"));
  });

  test("a return sent on the Friday before the make-up Saturday counts that Saturday", () => {
    // 10 Oct (Sat, worked), 12 Oct (Mon), 13 Oct (Tue)
    expect(workingDaysAfter(sh("2026-10-09T16:30:00"), 3)).toBe(sh("2026-10-14T00:00:00"));
  });

  test("an ordinary weekend is skipped", () => {
    // Fri 13 Nov 2026 → Mon 16, Tue 17, Wed 18
    expect(workingDaysAfter(sh("2026-11-13T09:00:00"), 3)).toBe(sh("2026-11-19T00:00:00"));
  });

  test("the day is the Shanghai day: 01:00 Friday in Shanghai is still Thursday in UTC", () => {
    expect(workingDaysAfter(Date.parse("2026-11-12T17:00:00Z"), 3)).toBe(sh("2026-11-19T00:00:00"));
    expect(workingDaysAfter(Date.parse("2026-11-12T15:00:00Z"), 3)).toBe(sh("2026-11-18T00:00:00"));
  });

  test("a return's answer deadline is three working days, other kinds stay in minutes", () => {
    const cfg = loadConfig({});
    const sent = sh("2026-09-30T10:00:00");
    expect(deadlineAfter("return", "acknowledged", sent, cfg)).toBe(sh("2026-10-11T00:00:00"));
    expect(deadlineAfter("return", "sent", sent, cfg)).toBe(sent + 5 * 60_000);
    expect(deadlineAfter("freeze", "acknowledged", sent, cfg)).toBe(sent + 240 * 60_000);
  });
});
