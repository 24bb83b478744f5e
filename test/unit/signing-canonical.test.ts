import { describe, expect, test } from "bun:test";
import { canonicalJson, documentKindOf, documentNumber } from "../../src/domain/signing";

describe("canonical JSON of an instruction", () => {
  test("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });
  test("leaves out undefined keys and keeps Chinese text as UTF-8 characters", () => {
    expect(canonicalJson({ holder: "王小明", branch: undefined })).toBe('{"holder":"王小明"}');
  });
  test("refuses non-integer numbers: money is fen", () => {
    expect(() => canonicalJson({ amount: 1.5 })).toThrow(TypeError);
  });
});

describe("document numbers and kinds", () => {
  test("the number carries the short name, the kind's character, the year and six digits", () => {
    expect(documentNumber("某公", "freeze", 2026, 123)).toBe("某公反诈冻字〔2026〕第000123号");
    expect(documentNumber("某公", "renew_freeze", 2026, 1)).toBe("某公反诈续冻字〔2026〕第000001号");
  });
  test("a freeze's renewal and release requests are sent as 续冻 and 解冻 instructions", () => {
    expect(documentKindOf("freeze_renewal", "send")).toBe("renew_freeze");
    expect(documentKindOf("freeze_release", "send")).toBe("release_freeze");
    expect(documentKindOf("return", "send")).toBe("return");
  });
  test("a stop-payment's second stop and its lifting are instructions on the same request", () => {
    expect(documentKindOf("stop_payment", "renew")).toBe("renew_stop_payment");
    expect(documentKindOf("stop_payment", "release")).toBe("release_stop_payment");
    expect(documentKindOf("freeze", "renew")).toBeNull();
  });
});
