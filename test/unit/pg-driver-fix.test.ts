// postgres.js as the preload mends it (src/db/pg-driver-fix.ts): a server dying under a
// transaction rejects it instead of crashing the process, and a multi-host URL whose hosts all
// refuse fails the query instead of holding it until one accepts.
import { expect, test } from "bun:test";
import { pgClient, redactUrl } from "../../src/db/pg";
import { freePort, postgresServer } from "../pg-cluster";

test("a backend killed under a transaction rejects it with CONNECTION_CLOSED; the pool goes on", async () => {
  const url = await postgresServer();
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);
  process.on("uncaughtException", onCrash);
  const sql = pgClient(url, { max: 2 });
  const killer = pgClient(url, { max: 1 });
  try {
    let pid: number | null = null;
    const tx = sql.begin(async (t) => {
      pid = (await t`select pg_backend_pid() as pid`)[0]!.pid;
      await t`select pg_sleep(5)`;
    });
    while (pid === null) await Bun.sleep(20);
    await killer`select pg_terminate_backend(${pid})`;
    // BEGIN's own ROLLBACK went to the dead socket: it used to throw from a setImmediate
    expect(
      await tx.then(
        () => "committed",
        (e: { code?: string }) => e.code,
      ),
    ).toBe("CONNECTION_CLOSED");
    await Bun.sleep(100);
    expect((await sql`select 1 as one`)[0]!.one).toBe(1);
    expect(crashes).toEqual([]);
  } finally {
    process.off("uncaughtException", onCrash);
    await sql.end({ timeout: 1 });
    await killer.end({ timeout: 1 });
  }
});

test("a query on a multi-host URL where no host accepts fails after trying each, not hangs", async () => {
  const [a, b] = [await freePort(), await freePort()];
  const sql = pgClient(`postgres://postgres@127.0.0.1:${a},127.0.0.1:${b}/postgres?target_session_attrs=primary`);
  try {
    const started = performance.now();
    const code = await sql`select 1`.then(
      () => "answered",
      (e: { code?: string }) => e.code,
    );
    expect(code).toBe("ECONNREFUSED");
    expect(performance.now() - started).toBeLessThan(3000);
  } finally {
    await sql.end({ timeout: 1 });
  }
});

test("a multi-host URL (no WHATWG URL) is printed with its password hidden", () => {
  expect(redactUrl("postgres://fanzha:s3cret@db1:5432,db2:5432/fanzha?target_session_attrs=primary")).toBe(
    "postgres://fanzha:***@db1:5432,db2:5432/fanzha?target_session_attrs=primary",
  );
  expect(redactUrl("postgres://postgres@127.0.0.1:1,127.0.0.1:2/fanzha")).toBe(
    "postgres://postgres@127.0.0.1:1,127.0.0.1:2/fanzha",
  );
  expect(redactUrl("postgres://u:p@h/db")).toBe("postgres://u:***@h/db");
});
