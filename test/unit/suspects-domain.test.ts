import { describe, expect, test } from "bun:test";
import {
  checkStatusChange,
  firstSighting,
  isFlagged,
  mergedRisk,
  mergeSighting,
  REOPEN_REASON,
  reasonFor,
  requestReason,
  type SuspectState,
  splitPasted,
} from "../../src/domain/suspects";

const known: SuspectState = {
  riskLevel: "medium",
  status: "active",
  statusReason: null,
  firstSeenAt: 1_000,
  lastSeenAt: 2_000,
  sightings: 3,
  institutionId: 7,
  institutionInferred: false,
  note: "first note",
};

describe("risk level", () => {
  test("a report of higher risk raises the level", () => {
    expect(mergedRisk("low", "high")).toBe("high");
  });
  test("a report of lower risk never lowers the level", () => {
    expect(mergedRisk("high", "low")).toBe("high");
  });
  test("a report without a risk level keeps the level", () => {
    expect(mergedRisk("medium", undefined)).toBe("medium");
  });
  test("a new suspect without a risk level is medium", () => {
    expect(firstSighting({ at: 5, inferredInstitutionId: null }).riskLevel).toBe("medium");
  });
});

describe("merging a sighting", () => {
  test("adds one sighting and moves the last-seen time forward", () => {
    const m = mergeSighting(known, { at: 9_000, inferredInstitutionId: 7 });
    expect(m.sightings).toBe(4);
    expect(m.lastSeenAt).toBe(9_000);
    expect(m.firstSeenAt).toBe(1_000);
  });
  test("an older sighting (from an import) moves the first-seen time back", () => {
    const m = mergeSighting(known, { at: 500, inferredInstitutionId: 7 });
    expect(m.firstSeenAt).toBe(500);
    expect(m.lastSeenAt).toBe(2_000);
  });
  test("a confirmed institution is never replaced by a guess", () => {
    const m = mergeSighting(known, { at: 3_000, inferredInstitutionId: 9 });
    expect(m.institutionId).toBe(7);
    expect(m.institutionInferred).toBe(false);
  });
  test("an unknown institution is filled in from the inference, marked inferred", () => {
    const m = mergeSighting({ ...known, institutionId: null }, { at: 3_000, inferredInstitutionId: 9 });
    expect(m.institutionId).toBe(9);
    expect(m.institutionInferred).toBe(true);
  });
  test("a new note is appended and a repeated one is not", () => {
    expect(mergeSighting(known, { at: 3_000, inferredInstitutionId: 7, note: "second" }).note).toBe(
      "first note\nsecond",
    );
    expect(mergeSighting(known, { at: 3_000, inferredInstitutionId: 7, note: "first note" }).note).toBe("first note");
  });
  test("a cleared suspect reported again becomes active with the reason", () => {
    const m = mergeSighting(
      { ...known, status: "cleared", statusReason: "owner appealed" },
      { at: 3_000, inferredInstitutionId: 7 },
    );
    expect(m.status).toBe("active");
    expect(m.statusReason).toBe(REOPEN_REASON);
  });
  test("a frozen suspect seen again stays frozen", () => {
    expect(mergeSighting({ ...known, status: "frozen" }, { at: 3_000, inferredInstitutionId: 7 }).status).toBe(
      "frozen",
    );
  });
});

describe("status lifecycle", () => {
  test("an active suspect can be requested", () => {
    expect(checkStatusChange("active", "requested")).toEqual({ ok: true, changed: true });
  });
  test("a requested account can be stopped, then frozen", () => {
    expect(checkStatusChange("requested", "stopped").ok).toBe(true);
    expect(checkStatusChange("stopped", "frozen").ok).toBe(true);
  });
  test("clearing needs a reason", () => {
    expect(checkStatusChange("frozen", "cleared").ok).toBe(false);
    expect(checkStatusChange("frozen", "cleared", "money returned").ok).toBe(true);
  });
  test("a cleared suspect goes back only to active, with a reason", () => {
    expect(checkStatusChange("cleared", "frozen", "x").ok).toBe(false);
    expect(checkStatusChange("cleared", "active").ok).toBe(false);
    expect(checkStatusChange("cleared", "active", "new evidence").ok).toBe(true);
  });
  test("a frozen account cannot be merely stopped", () => {
    expect(checkStatusChange("frozen", "stopped")).toEqual({
      ok: false,
      code: "suspect.status_move",
      params: { from: "frozen", to: "stopped" },
      reason: "a suspect cannot go from frozen to stopped",
    });
  });
  test("the same status again is allowed and changes nothing", () => {
    expect(checkStatusChange("requested", "requested")).toEqual({ ok: true, changed: false });
  });
  test("every status but cleared is flagged", () => {
    expect(isFlagged("active")).toBe(true);
    expect(isFlagged("frozen")).toBe(true);
    expect(isFlagged("cleared")).toBe(false);
  });
});

describe("splitting pasted text", () => {
  test("one value per line keeps each line's number", () => {
    expect(splitPasted("13800138000\n\n13900139000")).toEqual([
      { line: 1, input: "13800138000" },
      { line: 3, input: "13900139000" },
    ]);
  });
  test("commas, full-width commas, semicolons and tabs separate values", () => {
    expect(splitPasted("13800138000，13900139000;13700137000\t13600136000").map((v) => v.input)).toEqual([
      "13800138000",
      "13900139000",
      "13700137000",
      "13600136000",
    ]);
  });
  test("a number written in groups with spaces stays one value", () => {
    expect(splitPasted("138 0013 8000")).toEqual([{ line: 1, input: "138 0013 8000" }]);
    expect(splitPasted("6222 0212 3456 7890 128")).toEqual([{ line: 1, input: "6222 0212 3456 7890 128" }]);
  });
  test("complete numbers separated by spaces are split", () => {
    expect(splitPasted("13800138000 13900139000").map((v) => v.input)).toEqual(["13800138000", "13900139000"]);
  });
  test("junk is kept whole so it can be rejected, not lost", () => {
    expect(splitPasted("号码 未知")).toEqual([{ line: 1, input: "号码 未知" }]);
  });
  test("Windows line endings count lines correctly", () => {
    expect(splitPasted("13800138000\r\n13900139000").map((v) => v.line)).toEqual([1, 2]);
  });
});

describe("reasonFor: what a bank or carrier reads of a status reason", () => {
  const inst = (id: number) => (id === 7 ? 2 : 3);
  test("the center (no scope) reads every reason", () => {
    expect(reasonFor(null, "request #7 (freeze) sent", inst)).toBe("request #7 (freeze) sent");
  });
  test("an institution reads a reason naming its own request", () => {
    expect(reasonFor(2, requestReason(7, "freeze", "sent"), inst)).toBe("request #7 (freeze) sent");
  });
  test("an institution does not read a reason naming another's request", () => {
    expect(reasonFor(2, requestReason(8, "stop_payment", "sent"), inst)).toBeNull();
  });
  test("an institution does not read free words", () => {
    expect(reasonFor(2, "ICBC says so", inst)).toBeNull();
  });
});
