import { describe, expect, test } from "bun:test";
import {
  type CaseDates,
  caseTransition,
  checkCaseDates,
  intakeDates,
  normalizeIdNumber,
  victimFor,
} from "../../src/domain/cases";

const H = 3_600_000;
const now = Date.parse("2026-11-21T02:00:00Z");
const received: CaseDates = {
  status: "received",
  receivedAt: now - 10 * H,
  filedAt: null,
  solvedAt: null,
  closedAt: null,
};
const paths = (d: CaseDates) => checkCaseDates(d, now).map((i) => i.path);

describe("case dates", () => {
  test("a received case with no other dates is in order", () => {
    expect(checkCaseDates(received, now)).toEqual([]);
  });
  test("a filed case needs its filed time", () => {
    expect(paths({ ...received, status: "filed" })).toEqual(["filedAt"]);
  });
  test("a solved case needs its filed and solved times", () => {
    expect(paths({ ...received, status: "solved" })).toEqual(["filedAt", "solvedAt"]);
  });
  test("a filed time before the received time is refused", () => {
    expect(paths({ ...received, status: "filed", filedAt: now - 11 * H })).toEqual(["filedAt"]);
  });
  test("a solved time before the filed time is refused", () => {
    expect(paths({ ...received, status: "solved", filedAt: now - 5 * H, solvedAt: now - 6 * H })).toEqual(["solvedAt"]);
  });
  test("a received time in the future is refused", () => {
    expect(paths({ ...received, receivedAt: now + H })).toEqual(["receivedAt"]);
  });
  test("a received case with a filed time is refused rather than guessed", () => {
    expect(paths({ ...received, filedAt: now - H })).toEqual(["filedAt"]);
  });
  test("at intake the date of the chosen status defaults to now", () => {
    expect(intakeDates({ ...received, status: "filed" }, now).filedAt).toBe(now);
    expect(intakeDates({ ...received, status: "closed" }, now).closedAt).toBe(now);
  });
  test("at intake an earlier stage's date is not invented", () => {
    expect(intakeDates({ ...received, status: "solved" }, now).filedAt).toBeNull();
  });
});

describe("case status changes", () => {
  test("filing a received case sets its filed time", () => {
    const t = caseTransition(received, "filed", now - H, now);
    expect(t).toEqual({ ok: true, dates: { ...received, status: "filed", filedAt: now - H } });
  });
  test("a received case cannot be solved before it is filed", () => {
    expect(caseTransition(received, "solved", now, now).ok).toBe(false);
  });
  test("a received case can be closed without filing", () => {
    expect(caseTransition(received, "closed", now, now).ok).toBe(true);
  });
  test("a solved case cannot go back to filed", () => {
    const solved: CaseDates = { ...received, status: "solved", filedAt: now - 5 * H, solvedAt: now - H };
    expect(caseTransition(solved, "filed", now, now).ok).toBe(false);
  });
  test("a change dated before the case was received is refused on the time field", () => {
    const t = caseTransition(received, "filed", now - 20 * H, now);
    expect(t.ok ? [] : t.issues.map((i) => i.path)).toEqual(["at"]);
  });
});

describe("ID numbers", () => {
  test("an 18-character resident ID with a correct check character is accepted", () => {
    expect(normalizeIdNumber("11010519491231002x")).toEqual({ ok: true, value: "11010519491231002X" });
  });
  test("a wrong check character is refused", () => {
    expect(normalizeIdNumber("110105194912310021").ok).toBe(false);
  });
  test("a resident ID with a digit missing is refused, saying how many there are", () => {
    expect(normalizeIdNumber("11010519491231002")).toMatchObject({
      ok: false,
      code: "id_number.length",
      reason: "a resident ID has 18 characters, not 17",
    });
  });
  test("a passport number is taken as written", () => {
    expect(normalizeIdNumber("E12345678")).toEqual({ ok: true, value: "E12345678" });
  });
});

describe("the victim by role", () => {
  const v = { name: "张三丰", phone: "+8613800138000", idNumber: "11010519491231002X", age: 67 };
  test("an agent sees the victim in full", () => {
    expect(victimFor("agent", v)).toEqual({ ...v, masked: false });
  });
  test("a role without personal-data rights sees the victim masked", () => {
    expect(victimFor("publicity", v)).toEqual({
      name: "张**",
      phone: "138****8000",
      idNumber: "1101**********002X",
      age: 67,
      masked: true,
    });
  });
});
