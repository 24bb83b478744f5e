// PostgreSQL: the engine for a center that outgrows one file (README: PostgreSQL). The driver is
// postgres.js: drizzle supports it first-class, it pools connections, speaks multi-host URLs with
// target_session_attrs (failover), LISTEN/NOTIFY and COPY — what several nodes need next.
import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { PgDatabase, PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { PostgresJsPreparedQuery, PostgresJsSession } from "drizzle-orm/postgres-js/session";
import postgres from "postgres";
import * as schema from "./schema";

export const PG_MIGRATIONS = join(import.meta.dir, "../../migrations/pg");

/** The URL as it may be printed: without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // a multi-host URL (host1:5432,host2:5432/db, for failover) is no WHATWG URL: its password by hand
    if (!/^postgres(ql)?:\/\//.test(url)) return "(not a URL)";
    return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^/]*@/, "$1***@");
  }
}

// int8 (ids, instants in ms, counts) and numeric (sums) read as JS numbers, as bun:sqlite reads them
const asNumber = { parse: (v: string) => Number(v), serialize: (v: unknown) => String(v) };

export function pgClient(url: string, opts: { max?: number } = {}) {
  return postgres(url, {
    max: opts.max ?? 10,
    // a connection idle for 10 s is closed: the pool shrinks back when the rush is over
    idle_timeout: 10,
    onnotice: () => {},
    connect_timeout: 10,
    // a lost server is tried again after 50 ms, doubling to 0.5 s at most (postgres.js's own backoff
    // grows to 20 s: after a failover the nodes would wait that long to find the promoted standby)
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    types: {
      int8: { to: 20, from: [20], ...asNumber },
      numeric: { to: 1700, from: [1700], ...asNumber },
    },
  });
}

/** Opens and migrates; an unreachable or refused URL stops here with a message that names it. */
export async function openPostgres(url: string) {
  const client = pgClient(url);
  const db = drizzle(client, { schema });
  try {
    await client`select 1`;
  } catch (e) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new Error(`DATABASE_URL ${redactUrl(url)}: cannot connect (${(e as Error).message})`);
  }
  await migrateOnce(client, () => migrate(db, { migrationsFolder: PG_MIGRATIONS }));
  return db;
}

/**
 * Nodes started together on an empty database migrate it once: each waits for a session advisory
 * lock held on one reserved connection, and the ones after the first find every migration applied.
 */
async function migrateOnce(client: ReturnType<typeof pgClient>, run: () => Promise<void>): Promise<void> {
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(hashtextextended('fanzha:migrate', 0))`;
    try {
      await run();
    } finally {
      await lock`select pg_advisory_unlock(hashtextextended('fanzha:migrate', 0))`;
    }
  } finally {
    lock.release();
  }
}

// ---------------------------------------------------------------------------------------------
// The services speak drizzle's SQLite terminals (.all() .get() .run() .values(), db.all(sql)…):
// on PostgreSQL the same four answer through pg's execute(), so one set of services runs on both.

type Executable = { execute(p?: Record<string, unknown>): Promise<Record<string, unknown>[]> };
const flat = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r));

// A connection the server or the network dropped: postgres.js opens a new one for the next query,
// so the query is sent again (twice at most). Writes run in transaction(), which retries as a whole.
const LOST = new Set([
  "57P01",
  "08006",
  "08003",
  "ECONNRESET",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);
const codeOf = (e: unknown) => {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.cause?.code ?? err.code ?? "";
};
export const lostConnection = (e: unknown): boolean => LOST.has(codeOf(e));

// No server takes the work at the moment: refused, unreachable, starting up or in recovery, or a
// standby (read-only). During a failover every host of the URL may answer so for a few seconds.
const UNAVAILABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ETIMEDOUT", "CONNECT_TIMEOUT", "57P03", "25006"]);

/** The database cannot be reached or written right now: the request is refused with a 503, not a 500. */
export const databaseUnavailable = (e: unknown): boolean => lostConnection(e) || UNAVAILABLE.has(codeOf(e));

async function again<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= 3 || !lostConnection(e)) throw e;
      await Bun.sleep(attempt * 20);
    }
  }
}

for (const Builder of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase, PostgresJsPreparedQuery]) {
  Object.assign(Builder.prototype, {
    all(this: Executable, p?: Record<string, unknown>) {
      return again(() => this.execute(p));
    },
    async get(this: Executable, p?: Record<string, unknown>) {
      return (await again(() => this.execute(p)))[0];
    },
    run(this: Executable, p?: Record<string, unknown>) {
      return again(() => this.execute(p));
    },
    async values(this: Executable, p?: Record<string, unknown>) {
      return flat(await again(() => this.execute(p)));
    },
  });
}

// Every statement is prepared once per connection and reused (postgres.js keys them by their
// text, as it does its own tagged queries): drizzle prepares only queries given a name, which
// SQLite's prepare() takes none of; re-planning the lookup's read each time cost most of its time.
const session = PostgresJsSession.prototype as unknown as { prepareQuery: (...args: unknown[]) => unknown };
const prepareQuery = session.prepareQuery;
session.prepareQuery = function (this: unknown, ...args: unknown[]) {
  args[2] ??= "";
  return prepareQuery.apply(this, args);
};

type Raw = { execute(q: SQL): Promise<Record<string, unknown>[]> };
Object.assign(PgDatabase.prototype, {
  all(this: Raw, q: SQL) {
    return this.execute(q);
  },
  async get(this: Raw, q: SQL) {
    return (await this.execute(q))[0];
  },
  run(this: Raw, q: SQL) {
    return this.execute(q);
  },
  async values(this: Raw, q: SQL) {
    return flat(await this.execute(q));
  },
});
