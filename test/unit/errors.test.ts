// The one error type: its code decides the status, and the JSON body carries what a client acts on.
import { describe, expect, test } from "bun:test";
import { refuse } from "../../src/domain/reasons";
import {
  AppError,
  badRequest,
  conflict,
  errorBody,
  forbidden,
  invalid,
  notFound,
  refused,
} from "../../src/http/errors";

describe("AppError", () => {
  test("the code decides the status", () => {
    expect(invalid([{ path: "value", message: "empty" }]).status).toBe(422);
    expect(badRequest("malformed JSON").status).toBe(400);
    expect(forbidden().status).toBe(403);
    expect(notFound("case").status).toBe(404);
    expect(conflict(refuse("target.closed", { id: 7 }), "closed").status).toBe(409);
    expect(refused("payload_too_large", refuse("body.too_large", { kib: 64 })).status).toBe(413);
    expect(new AppError("rate_limited", "wait").status).toBe(429);
  });

  test("an invalid input says every field it names, for the API", () => {
    const e = invalid([
      { path: "from", message: "must be a date" },
      { path: "to", message: "must be a date" },
    ]);
    expect(e.code).toBe("invalid_input");
    expect(e.message).toBe("from: must be a date; to: must be a date");
  });

  test("the JSON body carries a refusal's reason code and params beside the English", () => {
    expect(errorBody(conflict(refuse("target.closed", { id: 7 }), "closed"), "req-1")).toEqual({
      error: {
        code: "closed",
        message: "Target 7 is closed",
        issues: [],
        refusal: { code: "target.closed", params: { id: 7 } },
        requestId: "req-1",
      },
    });
  });

  test("the JSON body of an invalid input lists its fields and has no refusal", () => {
    expect(errorBody(invalid([{ path: "value", message: "empty" }]))).toEqual({
      error: { code: "invalid_input", message: "value: empty", issues: [{ path: "value", message: "empty" }] },
    });
  });
});
