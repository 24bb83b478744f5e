// The warning queue's rules: order, leases, deadlines and lights, outcomes, merges, provider statuses.
import { describe, expect, test } from "bun:test";
import {
  advancesStatus,
  claimable,
  compareQueue,
  dueAt,
  gradeRank,
  higherGrade,
  isFinalStatus,
  leaseHeld,
  mergeTarget,
  outcomeEffect,
  type TargetFacts,
  trafficLight,
} from "../../src/domain/queue";

const MIN = 60_000;
const DEADLINES = { high: 10 * MIN, medium: 60 * MIN, low: 24 * 60 * MIN };
const NOW = Date.parse("2026-11-21T02:00:00Z");

describe("queue order", () => {
  test("grades rank high before medium before low", () => {
    expect([gradeRank("high"), gradeRank("medium"), gradeRank("low")]).toEqual([0, 1, 2]);
  });

  test("a higher grade comes first however long a lower one has waited", () => {
    const queue = [
      { riskGrade: "low" as const, availableAt: NOW - 5 * 60 * MIN },
      { riskGrade: "high" as const, availableAt: NOW },
      { riskGrade: "medium" as const, availableAt: NOW - 60 * MIN },
    ].sort(compareQueue);
    expect(queue.map((q) => q.riskGrade)).toEqual(["high", "medium", "low"]);
  });

  test("within a grade the one waiting longest comes first", () => {
    const queue = [
      { riskGrade: "high" as const, availableAt: NOW - MIN },
      { riskGrade: "high" as const, availableAt: NOW - 3 * MIN },
      { riskGrade: "high" as const, availableAt: NOW - 2 * MIN },
    ].sort(compareQueue);
    expect(queue.map((q) => q.availableAt)).toEqual([NOW - 3 * MIN, NOW - 2 * MIN, NOW - MIN]);
  });

  test("higherGrade picks the more urgent of two grades", () => {
    expect(higherGrade("low", "medium")).toBe("medium");
    expect(higherGrade("high", "low")).toBe("high");
    expect(higherGrade("medium", "medium")).toBe("medium");
  });
});

describe("leases", () => {
  test("a lease holds until its expiry time and not at it", () => {
    expect(leaseHeld(NOW + 1, NOW)).toBe(true);
    expect(leaseHeld(NOW, NOW)).toBe(false);
    expect(leaseHeld(null, NOW)).toBe(false);
  });

  test("an open, available target nobody holds is claimable", () => {
    expect(claimable({ status: "open", availableAt: NOW, leaseExpiresAt: null }, NOW)).toBe(true);
  });

  test("a target whose lease lapsed is claimable again", () => {
    expect(claimable({ status: "open", availableAt: NOW - MIN, leaseExpiresAt: NOW - 1 }, NOW)).toBe(true);
  });

  test("a held, retry-scheduled or closed target is not claimable", () => {
    expect(claimable({ status: "open", availableAt: NOW, leaseExpiresAt: NOW + MIN }, NOW)).toBe(false);
    expect(claimable({ status: "open", availableAt: NOW + MIN, leaseExpiresAt: null }, NOW)).toBe(false);
    expect(claimable({ status: "closed", availableAt: NOW, leaseExpiresAt: null }, NOW)).toBe(false);
  });
});

describe("deadlines and traffic lights", () => {
  test("the deadline is the grade's allowance after the target arrives", () => {
    expect(dueAt("high", NOW, DEADLINES)).toBe(NOW + 10 * MIN);
    expect(dueAt("medium", NOW, DEADLINES)).toBe(NOW + 60 * MIN);
    expect(dueAt("low", NOW, DEADLINES)).toBe(NOW + 24 * 60 * MIN);
  });

  test("the light is green while more than a third of the allowance is left", () => {
    expect(trafficLight({ status: "open", riskGrade: "high", dueAt: NOW + 4 * MIN }, NOW, DEADLINES)).toBe("green");
  });

  test("the light turns yellow when less than a third of the allowance is left", () => {
    expect(trafficLight({ status: "open", riskGrade: "high", dueAt: NOW + 3 * MIN }, NOW, DEADLINES)).toBe("yellow");
    expect(trafficLight({ status: "open", riskGrade: "low", dueAt: NOW + 7 * 60 * MIN }, NOW, DEADLINES)).toBe(
      "yellow",
    );
  });

  test("the light is red from the deadline on", () => {
    expect(trafficLight({ status: "open", riskGrade: "medium", dueAt: NOW }, NOW, DEADLINES)).toBe("red");
    expect(trafficLight({ status: "open", riskGrade: "medium", dueAt: NOW - MIN }, NOW, DEADLINES)).toBe("red");
  });

  test("a closed target is grey whatever its deadline", () => {
    expect(trafficLight({ status: "closed", riskGrade: "high", dueAt: NOW - 60 * MIN }, NOW, DEADLINES)).toBe("grey");
  });
});

describe("outcomes", () => {
  test("reached outcomes, a wrong number and a refusal close the target", () => {
    for (const o of ["dissuaded", "not_at_risk", "wrong_number", "refused"] as const)
      expect(outcomeEffect(o)).toBe("close");
  });

  test("unreachable schedules a retry", () => {
    expect(outcomeEffect("unreachable")).toBe("retry");
  });

  test("already paid closes the target with a case", () => {
    expect(outcomeEffect("already_paid")).toBe("close_with_case");
  });
});

describe("merging a new report into the open target", () => {
  const open: TargetFacts = {
    riskGrade: "low",
    dueAt: NOW + 20 * 60 * MIN,
    name: "张三",
    district: null,
    age: null,
    reason: "other",
    reasonNote: null,
    suspectId: null,
    amountAtRiskFen: 100_000,
  };
  const report = { ...open, riskGrade: "low" as const, name: null };

  test("a higher grade raises the target and brings its deadline forward", () => {
    expect(mergeTarget(open, { ...report, riskGrade: "high" }, NOW, DEADLINES)).toMatchObject({
      riskGrade: "high",
      dueAt: NOW + 10 * MIN,
    });
  });

  test("a lower grade never lowers the target", () => {
    const patch = mergeTarget({ ...open, riskGrade: "high", dueAt: NOW + MIN }, report, NOW, DEADLINES);
    expect(patch.riskGrade).toBeUndefined();
    expect(patch.dueAt).toBeUndefined();
  });

  test("a raised grade never pushes an earlier deadline back", () => {
    const patch = mergeTarget({ ...open, dueAt: NOW + MIN }, { ...report, riskGrade: "medium" }, NOW, DEADLINES);
    expect(patch).toMatchObject({ riskGrade: "medium", dueAt: NOW + MIN });
  });

  test("missing facts are filled and known ones kept", () => {
    const patch = mergeTarget(open, { ...report, name: "李四", district: "江北区", age: 67 }, NOW, DEADLINES);
    expect(patch).toMatchObject({ district: "江北区", age: 67 });
    expect(patch.name).toBeUndefined();
  });

  test("a named suspect replaces reason other", () => {
    expect(mergeTarget(open, { ...report, suspectId: 9, reason: "paying_to" }, NOW, DEADLINES)).toMatchObject({
      suspectId: 9,
      reason: "paying_to",
    });
  });

  test("the amount at risk only grows", () => {
    expect(mergeTarget(open, { ...report, amountAtRiskFen: 500_000 }, NOW, DEADLINES).amountAtRiskFen).toBe(500_000);
    expect(mergeTarget(open, { ...report, amountAtRiskFen: 50_000 }, NOW, DEADLINES).amountAtRiskFen).toBeUndefined();
  });

  test("the same report again changes nothing", () => {
    expect(mergeTarget(open, { ...open }, NOW, DEADLINES)).toEqual({});
  });
});

describe("provider statuses", () => {
  test("a call status moves forward through its lifecycle", () => {
    expect(advancesStatus("call", "queued", "initiated")).toBe(true);
    expect(advancesStatus("call", "initiated", "ringing")).toBe(true);
    expect(advancesStatus("call", "ringing", "in-progress")).toBe(true);
    expect(advancesStatus("call", "in-progress", "completed")).toBe(true);
  });

  test("a late callback never moves a status backwards", () => {
    expect(advancesStatus("call", "completed", "ringing")).toBe(false);
    expect(advancesStatus("sms", "delivered", "sent")).toBe(false);
  });

  test("the same status again is no change", () => {
    expect(advancesStatus("call", "ringing", "ringing")).toBe(false);
  });

  test("an unknown status is ignored", () => {
    expect(advancesStatus("call", "queued", "teleported")).toBe(false);
  });

  test("the first status known is always taken", () => {
    expect(advancesStatus("sms", null, "sent")).toBe(true);
  });

  test("an SMS is delivered after it is sent", () => {
    expect(advancesStatus("sms", "sent", "delivered")).toBe(true);
  });

  test("completed, busy, no-answer, failed and canceled end a call; delivered ends an SMS", () => {
    for (const s of ["completed", "busy", "no-answer", "failed", "canceled"])
      expect(isFinalStatus("call", s)).toBe(true);
    expect(isFinalStatus("call", "ringing")).toBe(false);
    expect(isFinalStatus("sms", "delivered")).toBe(true);
    expect(isFinalStatus("sms", "sent")).toBe(false);
  });
});
