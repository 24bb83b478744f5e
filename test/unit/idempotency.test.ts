import { describe, expect, test } from "bun:test";
import { transaction } from "../../src/db";
import { apiKey, formKey, once } from "../../src/db/idempotency";
import { AppError } from "../../src/http/errors";
import { sqlAll, sqlOne, testDb } from "../helpers";

const agent = { kind: "user" as const, id: 1 };
const post = (body: unknown) => ({ method: "POST", path: "/api/v1/cases", body });

describe("once", () => {
  test("runs the work once per key; a repeat gets back what the first run made and runs nothing", async () => {
    const db = await testDb();
    let runs = 0;
    const k = formKey(agent, "nonce-0001");
    const first = await transaction(db, async (tx) => await once(tx, k, async () => ({ id: ++runs })));
    const again = await transaction(db, async (tx) => await once(tx, k, async () => ({ id: ++runs })));
    expect(first).toEqual({ value: { id: 1 }, replayed: false });
    expect(again).toEqual({ value: { id: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  test("keeps what was made, not an answer", async () => {
    const db = await testDb();
    await once(db, formKey(agent, "nonce-0001"), async () => ({ id: 7 }));
    expect(await sqlAll(db, "select made from idempotency_keys")).toEqual([{ made: '{"id":7}' }]);
  });

  test("without a key the work runs every time and nothing is kept", async () => {
    const db = await testDb();
    let runs = 0;
    await once(db, undefined, async () => ++runs);
    await once(db, formKey(agent, "no"), async () => ++runs); // not a nonce we hand out
    expect(runs).toBe(2);
    expect(await sqlOne(db, "select count(*) as n from idempotency_keys")).toEqual({ n: 0 });
  });

  test("the same key from another caller is another piece of work", async () => {
    const db = await testDb();
    let runs = 0;
    for (const id of [1, 2]) await once(db, apiKey({ kind: "token", id }, "k", post({ a: 1 })), async () => ++runs);
    expect(runs).toBe(2);
  });

  test("an API key sent again with another request is refused (422 idempotency_key_reused); with its keys reordered it is a repeat", async () => {
    const db = await testDb();
    await once(db, apiKey(agent, "k", post({ a: 1, b: 2 })), async () => ({ id: 1 }));
    expect((await once(db, apiKey(agent, "k", post({ b: 2, a: 1 })), async () => ({ id: 2 }))).replayed).toBe(true);
    const reused = await (async () => {
      try {
        await once(db, apiKey(agent, "k", post({ a: 2 })), async () => ({ id: 3 }));
      } catch (e) {
        return e;
      }
    })();
    expect(reused).toBeInstanceOf(AppError);
    expect(reused).toMatchObject({ status: 422, code: "idempotency_key_reused" });
  });

  test("a failed piece of work keeps no key: the repeat runs it again", async () => {
    const db = await testDb();
    const k = formKey(agent, "nonce-0001");
    await expect(
      (async () =>
        await transaction(
          db,
          async (tx) =>
            await once(tx, k, async () => {
              throw new Error("refused");
            }),
        ))(),
    ).rejects.toThrow("refused");
    expect(await transaction(db, async (tx) => await once(tx, k, async () => ({ id: 1 })))).toEqual({
      value: { id: 1 },
      replayed: false,
    });
  });

  test("outside a transaction, the same key twice at once runs work of several awaits once; the repeat waits and replays it", async () => {
    const db = await testDb();
    let runs = 0;
    const k = formKey(agent, "nonce-0002");
    const work = async () => {
      const id = ++runs;
      await Bun.sleep(30); // the work of several transactions: awaits in between
      return { id };
    };
    const [a, b] = await Promise.all([once(db, k, work), once(db, k, work)]);
    expect(runs).toBe(1);
    expect([a, b].map((r) => r.value)).toEqual([{ id: 1 }, { id: 1 }]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
  });

  test("outside a transaction, a failed first run gives the key up: the waiting repeat runs the work", async () => {
    const db = await testDb();
    const k = formKey(agent, "nonce-0003");
    let started = () => {};
    const running = new Promise<void>((r) => (started = r));
    const first = once(db, k, async () => {
      started();
      await Bun.sleep(30);
      throw new Error("refused");
    });
    await running; // the first holds the key before the repeat arrives
    const second = once(db, k, async () => ({ id: 2 }));
    await expect(first).rejects.toThrow("refused");
    expect(await second).toEqual({ value: { id: 2 }, replayed: false });
    expect(await sqlAll(db, "select made from idempotency_keys")).toEqual([{ made: '{"id":2}' }]);
  });
});
