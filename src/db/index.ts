// The connection: one bun:sqlite database, pragmas set, migrations applied.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { PgDatabase, PgTransaction } from "drizzle-orm/pg-core";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { engineFromEnv } from "./engine";
import * as schema from "./schema";

/**
 * The database or a transaction on it, as the services see it: every query is awaited, so the same
 * service code runs on bun:sqlite (whose answers are ready at once) and on PostgreSQL.
 */
export type Conn = BaseSQLiteDatabase<"async", unknown, typeof schema> & { $client: Database };
export type Db = Conn;

export const MIGRATIONS = join(import.meta.dir, "../../migrations");

export type Synchronous = "FULL" | "NORMAL";

/** The database the configuration names: PostgreSQL when it has a URL, else the SQLite file. */
export async function openDatabase(c: {
  databaseUrl: string | null;
  databasePath: string;
  databaseSynchronous: Synchronous;
}): Promise<Db> {
  if (!c.databaseUrl) return openDb(c.databasePath, { synchronous: c.databaseSynchronous });
  // the tables were chosen when the schema was imported, from the process's environment
  if (engineFromEnv() !== "postgres") throw new Error("DATABASE_URL: set it in the environment the platform starts in");
  const { openPostgres } = await import("./pg");
  return (await openPostgres(c.databaseUrl)) as unknown as Db;
}

/** Closes the connection (the pool on PostgreSQL). */
export async function closeDatabase(db: Db): Promise<void> {
  const client = db.$client as unknown as { close?: () => void; end?: (o: { timeout: number }) => Promise<void> };
  if (onPostgres(db)) await client.end?.({ timeout: 5 });
  else client.close?.();
}

const onPostgres = (db: Conn): boolean => (db as unknown) instanceof PgDatabase;

/**
 * `synchronous`: FULL (the default) syncs the WAL at every commit, so a commit that returned
 * survives a power cut; NORMAL syncs only at checkpoints and can lose the last commits
 * (README: Durability, with the measured cost).
 */
export function openDb(path: string, opts: { synchronous?: Synchronous } = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec(`PRAGMA synchronous = ${opts.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA cache_size = -65536"); // 64 MiB page cache
  const db = drizzle(sqlite, { schema, logger: writeGuard(sqlite) });
  migrate(db, { migrationsFolder: MIGRATIONS });
  const tx = drizzle(sqlite, { schema });
  units.set(sqlite, { tx: tx as unknown as Conn, tail: Promise.resolve() });
  inTransaction.add(tx);
  return db as unknown as Db;
}

// ---------------------------------------------------------------------------------------------
// Transactions

/**
 * bun:sqlite has one connection per file and answers synchronously; the services await between
 * statements. So a transaction holds the connection's lock from BEGIN to COMMIT, the next one
 * waits its turn, and a write outside `transaction()` is refused (it would land inside whichever
 * transaction happens to be open, and roll back with it). Reads outside need no lock.
 */
type Unit = { tx: Conn; tail: Promise<void> };
const units = new WeakMap<Database, Unit>();
const inTransaction = new WeakSet<object>();
let savepoints = 0;

function writeGuard(sqlite: Database) {
  return {
    logQuery(query: string) {
      const u = units.get(sqlite);
      if (u && /^\s*(insert|update|delete|replace)\b/i.test(query)) {
        throw new Error(`a write outside transaction(): ${query.slice(0, 80)}`);
      }
    },
  };
}

export const isTransaction = (db: Conn): boolean => inTransaction.has(db) || (db as unknown) instanceof PgTransaction;

/** A single write: in the caller's transaction when there is one, else in its own. */
export async function atomic<T>(db: Conn, work: (tx: Conn) => Promise<T>): Promise<T> {
  return isTransaction(db) ? work(db) : await transaction(db, work);
}

// PostgreSQL: a serialization failure or deadlock is retried (the work is the database's only),
// and a connection lost before COMMIT on a fresh one (postgres.js reconnects)
const RETRIED = new Set(["40001", "40P01"]);

async function pgTransaction<T>(db: Conn, work: (tx: Conn) => Promise<T>): Promise<T> {
  const pg = db as unknown as { transaction<R>(w: (tx: unknown) => Promise<R>): Promise<R> };
  if ((db as unknown) instanceof PgTransaction) return pg.transaction((tx) => work(tx as Conn));
  for (let attempt = 1; ; attempt++) {
    try {
      return await pg.transaction((tx) => work(tx as Conn));
    } catch (e) {
      const code = (e as { code?: string; cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code;
      const { lostConnection } = await import("./pg");
      if (attempt >= 5 || !(RETRIED.has(code ?? "") || lostConnection(e))) throw e;
      await Bun.sleep(attempt * 10 + Math.random() * 20);
    }
  }
}

/**
 * One change, all or nothing: `work` runs inside a transaction (a savepoint when already inside
 * one) and every statement of it commits together. Every write goes through here.
 */
export async function transaction<T>(db: Conn, work: (tx: Conn) => Promise<T>): Promise<T> {
  if (onPostgres(db)) return await pgTransaction(db, work);
  const sqlite = db.$client;
  if (inTransaction.has(db)) {
    const name = `sp${++savepoints}`;
    sqlite.run(`SAVEPOINT ${name}`);
    try {
      const out = await work(db);
      sqlite.run(`RELEASE ${name}`);
      return out;
    } catch (e) {
      sqlite.run(`ROLLBACK TO ${name}`);
      sqlite.run(`RELEASE ${name}`);
      throw e;
    }
  }
  const u = units.get(sqlite);
  if (!u) throw new Error("transaction(): not a database opened by openDb");
  let release!: () => void;
  const turn = u.tail;
  u.tail = new Promise<void>((r) => {
    release = r;
  });
  await turn;
  try {
    sqlite.run("BEGIN IMMEDIATE");
    const out = await work(u.tx);
    sqlite.run("COMMIT");
    return out;
  } catch (e) {
    if (sqlite.inTransaction) sqlite.run("ROLLBACK");
    throw e;
  } finally {
    release();
  }
}

/**
 * Drizzle prepared queries built once per connection and kept with it: a hot path pays the
 * statement's compile once, then ~11 µs a call against ~40 µs for the builder (DESIGN §6).
 * PostgreSQL gives every transaction a new object: the set built for the first is lent to each
 * later one with the transaction's connection (rebuilding 13 statements cost ~14 ms a transaction).
 */
export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  let forTransactions: T | undefined;
  return (db) => {
    let s = built.get(db);
    if (!s) {
      if ((db as unknown) instanceof PgTransaction) {
        forTransactions ??= build(db);
        s = onClient(forTransactions, (db as unknown as { session: { client: unknown } }).session.client);
      } else s = build(db);
      built.set(db, s);
    }
    return s;
  };
}

/** The same prepared queries running on `client` (a postgres.js transaction's connection). */
function onClient<T>(set: T, client: unknown): T {
  const q = set as { client?: unknown; execute?: unknown };
  if (typeof q.execute === "function" && "client" in q) return Object.create(q, { client: { value: client } });
  if (set && typeof set === "object" && Object.getPrototypeOf(set) === Object.prototype)
    return Object.fromEntries(Object.entries(set).map(([k, v]) => [k, onClient(v, client)])) as T;
  return set;
}

/** A row as the services hand it on: instants as their stored milliseconds, not Date. */
export type Millis<T> = {
  [K in keyof T]: T[K] extends Date ? number : T[K] extends Date | null ? number | null : T[K];
};

/** What a column holds as stored: an instant as its milliseconds (drizzle would make it a Date). */
export type Stored<C extends AnyColumn> =
  | (C["_"]["data"] extends Date ? number : C["_"]["data"])
  | (C["_"]["notNull"] extends true ? never : null);

/**
 * A column read as stored, from whatever the query reads it from: a table through a named index or
 * a subquery under the table's name (drizzle types a plain column from such a source as never).
 */
export const stored = <C extends AnyColumn>(c: C) => sql<Stored<C>>`${c}`;

/**
 * A hot path's rows from a drizzle prepared query's `.values()`, keyed by the selection's names in
 * its order: for a flat selection of `sql` fields (whose values need no decoding), without
 * drizzle's generic row mapping (measured on the 16-field lookup: ~3 µs a row against ~8 µs).
 */
export function rowsBy<F extends Record<string, SQL<unknown>>>(
  fields: F,
): (values: unknown[][]) => { [K in keyof F]: F[K]["_"]["type"] }[] {
  const keys = Object.keys(fields);
  return (values) =>
    values.map((v) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) row[keys[i]!] = v[i];
      return row as { [K in keyof F]: F[K]["_"]["type"] };
    });
}

/** Every column of a selection read as stored. */
export function storedColumns<T extends Record<string, AnyColumn>>(cols: T): { [K in keyof T]: SQL<Stored<T[K]>> } {
  return Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, stored(c)])) as {
    [K in keyof T]: SQL<Stored<T[K]>>;
  };
}

/** `items.map(work)` one after another: the statements of one transaction must not interleave. */
export async function inOrder<T, R>(items: readonly T[], work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) out.push(await work(items[i]!, i));
  return out;
}
