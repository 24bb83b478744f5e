import { describe, expect, test } from "bun:test";
import { openDb } from "../../src/db";
import { apiKey, formKey, once } from "../../src/db/idempotency";
import { AppError } from "../../src/http/errors";

const agent = { kind: "user" as const, id: 1 };
const post = (body: unknown) => ({ method: "POST", path: "/api/v1/cases", body });

describe("once", () => {
  test("runs the work once per key; a repeat gets back what the first run made and runs nothing", () => {
    const db = openDb(":memory:");
    let runs = 0;
    const k = formKey(agent, "nonce-0001");
    const first = db.transaction((tx) => once(tx, k, () => ({ id: ++runs })));
    const again = db.transaction((tx) => once(tx, k, () => ({ id: ++runs })));
    expect(first).toEqual({ value: { id: 1 }, replayed: false });
    expect(again).toEqual({ value: { id: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  test("keeps what was made, not an answer", () => {
    const db = openDb(":memory:");
    once(db, formKey(agent, "nonce-0001"), () => ({ id: 7 }));
    expect(db.$client.query("select made from idempotency_keys").all()).toEqual([{ made: '{"id":7}' }]);
  });

  test("without a key the work runs every time and nothing is kept", () => {
    const db = openDb(":memory:");
    let runs = 0;
    once(db, undefined, () => ++runs);
    once(db, formKey(agent, "no"), () => ++runs); // not a nonce we hand out
    expect(runs).toBe(2);
    expect(db.$client.query("select count(*) as n from idempotency_keys").get()).toEqual({ n: 0 });
  });

  test("the same key from another caller is another piece of work", () => {
    const db = openDb(":memory:");
    let runs = 0;
    for (const id of [1, 2]) once(db, apiKey({ kind: "token", id }, "k", post({ a: 1 })), () => ++runs);
    expect(runs).toBe(2);
  });

  test("an API key sent again with another request is refused (422 idempotency_key_reused); with its keys reordered it is a repeat", () => {
    const db = openDb(":memory:");
    once(db, apiKey(agent, "k", post({ a: 1, b: 2 })), () => ({ id: 1 }));
    expect(once(db, apiKey(agent, "k", post({ b: 2, a: 1 })), () => ({ id: 2 })).replayed).toBe(true);
    const reused = (() => {
      try {
        once(db, apiKey(agent, "k", post({ a: 2 })), () => ({ id: 3 }));
      } catch (e) {
        return e;
      }
    })();
    expect(reused).toBeInstanceOf(AppError);
    expect(reused).toMatchObject({ status: 422, code: "idempotency_key_reused" });
  });

  test("a failed piece of work keeps no key: the repeat runs it again", () => {
    const db = openDb(":memory:");
    const k = formKey(agent, "nonce-0001");
    expect(() =>
      db.transaction((tx) =>
        once(tx, k, () => {
          throw new Error("refused");
        }),
      ),
    ).toThrow("refused");
    expect(db.transaction((tx) => once(tx, k, () => ({ id: 1 })))).toEqual({ value: { id: 1 }, replayed: false });
  });
});
