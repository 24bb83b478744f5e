import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { HISTORY_ACTIONS } from "../../src/domain/enums";
import {
  allowedActions,
  caseFunds,
  checkConfirmedAmount,
  checkFreezeTerm,
  checkRenewalTerm,
  deadlineAfter,
  dueReminder,
  expiryAction,
  expiryAfter,
  needsEscalation,
  onwardExceeds,
  type Party,
  REQUEST_KINDS,
  REQUEST_STATUSES,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
  renewedExpiry,
  returnableFen,
  suspectStatusAfter,
  trafficLight,
  transition,
} from "../../src/domain/requests";
import { addShanghaiMonths } from "../../src/domain/time";
import { TestClock } from "../helpers";

const cfg = loadConfig({});
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const PARTIES: Party[] = ["center", "institution", "system"];
const ALL = REQUEST_KINDS;

// The lifecycle as the issue states it, written out independently of the implementation's table:
// [action, party, kinds, from statuses, to ("same" = unchanged)].
type Allowed = [RequestAction, Party, readonly RequestKind[], readonly RequestStatus[], RequestStatus | "same"];
const OPEN = ["sent", "acknowledged"] as const;
const IN_FORCE = ["completed", "partially_completed"] as const;
const SPEC: Allowed[] = [
  ["send", "center", ALL, ["draft"], "sent"],
  ["discard", "center", ALL, ["draft"], "discarded"],
  ["acknowledge", "institution", ALL, ["sent"], "acknowledged"],
  ["confirm", "institution", ALL, OPEN, "completed"],
  ["partial", "institution", ["stop_payment", "freeze", "return"], OPEN, "partially_completed"],
  ["reject", "institution", ALL, OPEN, "rejected"],
  ["fail", "institution", ALL, OPEN, "failed"],
  ["fail", "system", ["freeze_renewal", "freeze_release"], OPEN, "failed"],
  ["appeal", "institution", ["suspend_number"], ["completed"], "same"],
  ["renew", "center", ["stop_payment", "freeze"], IN_FORCE, "same"],
  // a freeze's renewal takes effect when its bank confirms the freeze_renewal instruction
  ["renew", "system", ["freeze"], IN_FORCE, "same"],
  ["release", "center", ["stop_payment", "freeze"], IN_FORCE, "released"],
  ["release", "system", ["stop_payment", "freeze", "suspend_number"], IN_FORCE, "released"],
  ["expire", "system", ["stop_payment"], IN_FORCE, "expired"],
  ["lapse", "system", ["freeze"], IN_FORCE, "lapsed"],
];

function expected(action: RequestAction, party: Party, kind: RequestKind, from: RequestStatus): RequestStatus | null {
  const row = SPEC.find(([a, p, ks, fs]) => a === action && p === party && ks.includes(kind) && fs.includes(from));
  if (!row) return null;
  return row[4] === "same" ? from : row[4];
}

// expiry-sensitive actions are checked at a time that makes them due (expire/lapse) or still possible (renew)
const T0 = Date.parse("2026-11-21T02:00:00Z");
function requestAt(kind: RequestKind, status: RequestStatus, action: RequestAction) {
  const expiresAt = action === "expire" || action === "lapse" ? T0 - 1 : T0 + HOUR;
  return { kind, status, renewals: 0, expiresAt };
}

describe("the request state machine", () => {
  for (const action of HISTORY_ACTIONS) {
    test(`${action}: allowed exactly for the parties, kinds and statuses of the lifecycle, refused everywhere else`, () => {
      let allowed = 0;
      for (const party of PARTIES)
        for (const kind of REQUEST_KINDS)
          for (const from of REQUEST_STATUSES) {
            const v = transition(requestAt(kind, from, action), action, party, T0);
            const want = expected(action, party, kind, from);
            const label = `${party} ${action} ${kind} from ${from}`;
            if (want === null) expect({ label, ok: v.ok }).toEqual({ label, ok: false });
            else {
              expect({ label, v }).toEqual({ label, v: { ok: true, to: want } });
              allowed++;
            }
          }
      expect(allowed).toBeGreaterThan(0);
    });
  }

  test("a refused transition says what was refused and from which status", () => {
    const v = transition(
      { kind: "stop_payment", status: "completed", renewals: 0, expiresAt: null },
      "confirm",
      "institution",
      T0,
    );
    expect(v).toEqual({
      ok: false,
      code: "not_allowed",
      reason: "cannot confirm a stop_payment request that is completed",
    });
  });

  test("a bank cannot take the center's action of sending", () => {
    const v = transition(
      { kind: "stop_payment", status: "draft", renewals: 0, expiresAt: null },
      "send",
      "institution",
      T0,
    );
    expect(v.ok ? null : v.code).toBe("wrong_party");
  });

  test("two stops in all: a stop-payment renewed once cannot be renewed again, and the refusal says a freeze must follow", () => {
    const sp = { kind: "stop_payment" as const, status: "completed" as const, expiresAt: T0 + HOUR };
    expect(transition({ ...sp, renewals: 0 }, "renew", "center", T0).ok).toBe(true);
    const v = transition({ ...sp, renewals: 1 }, "renew", "center", T0);
    expect(v).toEqual({
      ok: false,
      code: "renewal_limit",
      reason: "an account may be stopped twice in all (the first stop and 1 renewal); a freeze must follow",
    });
  });

  test("a freeze can be renewed any number of times", () => {
    expect(
      transition({ kind: "freeze", status: "completed", renewals: 9, expiresAt: T0 + DAY }, "renew", "center", T0).ok,
    ).toBe(true);
  });

  test("a hold past its end cannot be renewed even before the clock has expired it", () => {
    const v = transition({ kind: "freeze", status: "completed", renewals: 0, expiresAt: T0 }, "renew", "center", T0);
    expect(v.ok ? null : v.code).toBe("already_expired");
  });

  test("the clock cannot expire a stop-payment before its 48 hours are up", () => {
    const v = transition(
      { kind: "stop_payment", status: "completed", renewals: 0, expiresAt: T0 + 1 },
      "expire",
      "system",
      T0,
    );
    expect(v.ok ? null : v.code).toBe("not_due");
  });

  test("a desk is offered acknowledge and the answers on a sent stop-payment", () => {
    expect(
      allowedActions({ kind: "stop_payment", status: "sent", renewals: 0, expiresAt: null }, "institution", T0),
    ).toEqual(["acknowledge", "confirm", "partial", "reject", "fail"]);
  });

  test("a carrier is offered the appeal on a completed suspension and nothing else", () => {
    expect(
      allowedActions({ kind: "suspend_number", status: "completed", renewals: 0, expiresAt: null }, "institution", T0),
    ).toEqual(["appeal"]);
  });
});

describe("deadlines", () => {
  test("a sent request must be acknowledged within 5 minutes", () => {
    expect(deadlineAfter("stop_payment", "sent", T0, cfg)).toBe(T0 + 5 * MIN);
  });

  test("an acknowledged stop-payment must be answered within 30 minutes of sending", () => {
    expect(deadlineAfter("stop_payment", "acknowledged", T0, cfg)).toBe(T0 + 30 * MIN);
  });

  test("a freeze gets 4 hours and a suspension 2 hours to be answered", () => {
    expect(deadlineAfter("freeze", "acknowledged", T0, cfg)).toBe(T0 + 4 * HOUR);
    expect(deadlineAfter("suspend_number", "acknowledged", T0, cfg)).toBe(T0 + 2 * HOUR);
  });

  test("the answer deadlines come from the configuration", () => {
    const custom = loadConfig({ REQUEST_STOP_PAYMENT_DEADLINE_MIN: "20", REQUEST_FREEZE_DEADLINE_MIN: "60" });
    expect(deadlineAfter("stop_payment", "acknowledged", T0, custom)).toBe(T0 + 20 * MIN);
    expect(deadlineAfter("freeze", "acknowledged", T0, custom)).toBe(T0 + HOUR);
  });

  test("an answered request has no deadline", () => {
    expect(deadlineAfter("stop_payment", "completed", T0, cfg)).toBeNull();
  });

  test("an unacknowledged request past 5 minutes needs escalating, once", () => {
    const clock = new TestClock(T0);
    const r = { status: "sent" as const, deadlineAt: T0 + 5 * MIN, escalatedAt: null as number | null };
    clock.advance(5 * MIN - 1);
    expect(needsEscalation(r, clock.now())).toBe(false);
    clock.advance(1);
    expect(needsEscalation(r, clock.now())).toBe(true);
    expect(needsEscalation({ ...r, escalatedAt: clock.now() }, clock.now())).toBe(false);
  });
});

describe("traffic lights", () => {
  const sent = {
    kind: "stop_payment" as const,
    status: "acknowledged" as const,
    sentAt: T0,
    deadlineAt: T0 + 30 * MIN,
    expiresAt: null,
  };

  test("an open request is green with more than a third of its time left", () => {
    expect(trafficLight(sent, T0 + 19 * MIN, cfg)).toBe("green");
  });

  test("an open request turns yellow in the last third of its time", () => {
    expect(trafficLight(sent, T0 + 20 * MIN, cfg)).toBe("yellow");
  });

  test("an open request past its deadline is red", () => {
    expect(trafficLight(sent, T0 + 30 * MIN, cfg)).toBe("red");
  });

  test("a freeze turns yellow 30 days before it lapses and red on its last day", () => {
    const fr = {
      kind: "freeze" as const,
      status: "completed" as const,
      sentAt: T0,
      deadlineAt: null,
      expiresAt: T0 + 100 * DAY,
    };
    expect(trafficLight(fr, T0 + 69 * DAY, cfg)).toBe("green");
    expect(trafficLight(fr, T0 + 70 * DAY, cfg)).toBe("yellow");
    expect(trafficLight(fr, T0 + 99 * DAY, cfg)).toBe("red");
  });

  test("a draft, a discarded draft and a rejected request are grey", () => {
    expect(trafficLight({ ...sent, status: "draft", sentAt: null, deadlineAt: null }, T0, cfg)).toBe("grey");
    expect(trafficLight({ ...sent, status: "discarded", sentAt: null, deadlineAt: null }, T0, cfg)).toBe("grey");
    expect(trafficLight({ ...sent, status: "rejected", deadlineAt: null }, T0, cfg)).toBe("grey");
  });
});

describe("the 48-hour stop-payment", () => {
  test("a stop-payment holds for 48 hours from the stop time", () => {
    expect(expiryAfter("stop_payment", T0)).toBe(T0 + 48 * HOUR);
  });

  test("a renewal adds 48 hours to the current end", () => {
    expect(renewedExpiry("stop_payment", T0 + 48 * HOUR)).toBe(T0 + 96 * HOUR);
  });

  test("the clock expires a stop-payment at 48 hours and not a moment before", () => {
    const clock = new TestClock(T0);
    const sp = {
      kind: "stop_payment" as const,
      status: "completed" as const,
      expiresAt: expiryAfter("stop_payment", T0),
    };
    clock.advance(48 * HOUR - 1);
    expect(expiryAction(sp, clock.now())).toBeNull();
    clock.advance(1);
    expect(expiryAction(sp, clock.now())).toBe("expire");
  });

  test("a stop-payment is reminded 12 hours and again 2 hours before it expires", () => {
    const sp = {
      kind: "stop_payment" as const,
      status: "completed" as const,
      expiresAt: T0 + 48 * HOUR,
      remindedAt: null as number | null,
    };
    expect(dueReminder(sp, T0 + 35 * HOUR, cfg)).toBeNull();
    expect(dueReminder(sp, T0 + 36 * HOUR, cfg)).toBe(12 * HOUR);
    const reminded = { ...sp, remindedAt: T0 + 36 * HOUR };
    expect(dueReminder(reminded, T0 + 40 * HOUR, cfg)).toBeNull();
    expect(dueReminder(reminded, T0 + 46 * HOUR, cfg)).toBe(2 * HOUR);
  });
});

describe("the 6-month freeze", () => {
  test("a freeze lasts 6 calendar months from the freeze time (Shanghai)", () => {
    const at = Date.parse("2026-03-10T09:30:00+08:00");
    expect(expiryAfter("freeze", at)).toBe(Date.parse("2026-09-10T09:30:00+08:00"));
  });

  test("a freeze from 31 August ends on the last day of February", () => {
    expect(addShanghaiMonths(Date.parse("2026-08-31T10:00:00+08:00"), 6)).toBe(Date.parse("2027-02-28T10:00:00+08:00"));
  });

  test("a renewal adds 6 months to the current end", () => {
    expect(renewedExpiry("freeze", Date.parse("2026-09-10T09:30:00+08:00"))).toBe(
      Date.parse("2027-03-10T09:30:00+08:00"),
    );
  });

  test("an unrenewed freeze lapses when its 6 months are up", () => {
    const clock = new TestClock(Date.parse("2026-03-10T09:30:00+08:00"));
    const fr = { kind: "freeze" as const, status: "completed" as const, expiresAt: expiryAfter("freeze", clock.now()) };
    clock.advance(184 * DAY - 1); // 10 March → 10 September
    expect(expiryAction(fr, clock.now())).toBeNull();
    clock.advance(1);
    expect(expiryAction(fr, clock.now())).toBe("lapse");
  });

  test("reminders come 30, 7 and 1 days before a freeze lapses, each once", () => {
    const exp = T0 + 200 * DAY;
    let remindedAt: number | null = null;
    const fired: number[] = [];
    const clock = new TestClock(T0);
    while (clock.now() < exp) {
      const due = dueReminder({ kind: "freeze", status: "completed", expiresAt: exp, remindedAt }, clock.now(), cfg);
      if (due !== null) {
        fired.push(due / DAY);
        remindedAt = clock.now();
      }
      clock.advance(6 * HOUR);
    }
    expect(fired).toEqual([30, 7, 1]);
  });

  test("after a renewal the reminders start again for the new end", () => {
    const exp = T0 + 10 * DAY;
    const renewed = renewedExpiry("freeze", exp);
    const r = { kind: "freeze" as const, status: "completed" as const, expiresAt: renewed, remindedAt: exp - DAY };
    expect(dueReminder(r, renewed - 29 * DAY, cfg)).toBe(30 * DAY);
  });

  test("the reminder days come from the configuration", () => {
    const custom = loadConfig({ FREEZE_REMINDER_DAYS: "14" });
    expect(
      dueReminder({ kind: "freeze", status: "completed", expiresAt: T0 + 14 * DAY, remindedAt: null }, T0, custom),
    ).toBe(14 * DAY);
  });
});

describe("the suspect follows its requests", () => {
  test("sending a stop-payment makes an active suspect requested", () => {
    expect(suspectStatusAfter("stop_payment", "sent", "active")).toBe("requested");
  });

  test("a completed stop-payment, freeze and suspension make it stopped, frozen and cut off", () => {
    expect(suspectStatusAfter("stop_payment", "completed", "requested")).toBe("stopped");
    expect(suspectStatusAfter("freeze", "partially_completed", "stopped")).toBe("frozen");
    expect(suspectStatusAfter("suspend_number", "completed", "requested")).toBe("cut_off");
  });

  test("a late stop-payment does not undo a freeze", () => {
    expect(suspectStatusAfter("stop_payment", "completed", "frozen")).toBe("frozen");
  });

  test("a rejected request puts a requested suspect back to active", () => {
    expect(suspectStatusAfter("stop_payment", "rejected", "requested")).toBe("active");
  });

  test("a lapsed freeze leaves the account active again", () => {
    expect(suspectStatusAfter("freeze", "lapsed", "frozen")).toBe("active");
  });

  test("a restored number is cleared", () => {
    expect(suspectStatusAfter("restore_number", "completed", "cut_off")).toBe("cleared");
  });

  test("a return does not change the account's status", () => {
    expect(suspectStatusAfter("return", "completed", "frozen")).toBe("frozen");
  });
});

describe("money", () => {
  test("what can be returned is what was frozen less returns done and returns still open", () => {
    const left = returnableFen(100_000, [
      { status: "completed", amountFen: 50_000, doneAmountFen: 40_000 },
      { status: "sent", amountFen: 30_000, doneAmountFen: null },
      { status: "rejected", amountFen: 99_000, doneAmountFen: null },
    ]);
    expect(left).toBe(30_000);
  });

  test("nothing is returnable once everything frozen is returned", () => {
    expect(returnableFen(10_000, [{ status: "completed", amountFen: 10_000, doneAmountFen: 10_000 }])).toBe(0);
  });

  test("a case's frozen money is returned, still frozen or unfrozen, and its loss is returned or unrecovered", () => {
    const f = caseFunds(500_000, [
      { id: 1, kind: "stop_payment", status: "released", doneAmountFen: 300_000, parentRequestId: null },
      { id: 2, kind: "freeze", status: "completed", doneAmountFen: 300_000, parentRequestId: 1 },
      { id: 3, kind: "return", status: "completed", doneAmountFen: 120_000, parentRequestId: 2 },
      { id: 4, kind: "stop_payment", status: "expired", doneAmountFen: 50_000, parentRequestId: null },
      { id: 5, kind: "freeze", status: "lapsed", doneAmountFen: 20_000, parentRequestId: 4 },
      { id: 6, kind: "return", status: "sent", doneAmountFen: null, parentRequestId: 2 },
    ]);
    expect(f).toEqual({
      lost: 500_000,
      stopped: 350_000,
      frozen: 320_000,
      returned: 120_000,
      stillFrozen: 180_000,
      unfrozen: 20_000,
      unrecovered: 380_000,
    });
    expect(f.returned + f.stillFrozen + f.unfrozen).toBe(f.frozen);
    expect(f.returned + f.unrecovered).toBe(f.lost);
  });
});

describe("freeze terms", () => {
  // 2026-08-31 10:00 in Shanghai: month ends make the calendar arithmetic visible
  const AUG31 = Date.parse("2026-08-31T10:00:00+08:00");

  test("a 6-month freeze runs out six calendar months later in Shanghai (31 Aug → 28 Feb)", () => {
    expect(expiryAfter("freeze", AUG31, "6m")).toBe(Date.parse("2027-02-28T10:00:00+08:00"));
  });

  test("a 12-month freeze runs out twelve calendar months later in Shanghai", () => {
    expect(expiryAfter("freeze", AUG31, "12m")).toBe(Date.parse("2027-08-31T10:00:00+08:00"));
  });

  test("a freeze without a recorded term (a row from before terms) holds 6 months", () => {
    expect(expiryAfter("freeze", AUG31, null)).toBe(expiryAfter("freeze", AUG31, "6m"));
  });

  test("a stop-payment holds 48 hours from the bank's stop time, whatever the term", () => {
    expect(expiryAfter("stop_payment", T0, "12m")).toBe(T0 + 48 * HOUR);
  });

  test("a renewal counts from the old expiry, for its own term", () => {
    const old = Date.parse("2027-02-28T10:00:00+08:00");
    expect(renewedExpiry("freeze", old, "6m")).toBe(Date.parse("2027-08-28T10:00:00+08:00"));
    expect(renewedExpiry("freeze", old, "12m")).toBe(Date.parse("2028-02-28T10:00:00+08:00"));
  });

  test("a 12-month term without the city-level approval is refused; with it, accepted", () => {
    expect(checkFreezeTerm("12m", null)).toEqual([
      {
        path: "approval",
        message: "a 12-month freeze needs the city-level approval (by, at, ref) of a major, complex case",
      },
    ]);
    expect(checkFreezeTerm("12m", { by: "市局 张局长", at: T0, ref: "市公反诈批〔2026〕7号" })).toEqual([]);
    expect(checkFreezeTerm("6m", null)).toEqual([]);
  });

  test("a renewal holds for at most the freeze's own term", () => {
    expect(checkRenewalTerm("6m", "12m", { by: "x", at: T0, ref: "y" }).map((i) => i.path)).toEqual(["term"]);
    expect(checkRenewalTerm(null, "6m", null)).toEqual([]);
    expect(checkRenewalTerm("12m", "12m", { by: "x", at: T0, ref: "y" })).toEqual([]);
    expect(checkRenewalTerm("12m", "6m", null)).toEqual([]);
  });
});

describe("answers that add up", () => {
  test("a confirmed amount above what was asked is refused naming both amounts", () => {
    expect(checkConfirmedAmount(50_000, 60_000)).toEqual({
      path: "amount",
      message: "60000 fen confirmed is more than the 50000 fen asked",
      asked: 50_000,
      done: 60_000,
    });
  });

  test("a confirmed amount up to what was asked, or with nothing asked, passes", () => {
    expect(checkConfirmedAmount(50_000, 50_000)).toBeNull();
    expect(checkConfirmedAmount(null, 1)).toBeNull();
  });

  test("a confirmation of ¥0 is refused", () => {
    expect(checkConfirmedAmount(50_000, 0)?.message).toContain("¥0");
  });

  test("onward transfers above what the account received are flagged; up to it, not", () => {
    expect(onwardExceeds(10_000, [6_000, 4_001])).toBe(true);
    expect(onwardExceeds(10_000, [6_000, 4_000])).toBe(false);
    expect(onwardExceeds(null, [1])).toBe(false);
  });
});
