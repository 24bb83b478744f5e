// The connection: one bun:sqlite database, pragmas set, migrations applied.
import { Database, type SQLQueryBindings, type Statement } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import * as schema from "./schema";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

export const MIGRATIONS = join(import.meta.dir, "../../migrations");

export type Synchronous = "FULL" | "NORMAL";

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
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

export { schema };

const statements = new WeakMap<Database, Map<string, Statement>>();
/** One prepared statement per connection and SQL text, for hot paths that skip the query builder. */
export function prepared<R, P extends SQLQueryBindings[] = SQLQueryBindings[]>(db: Db | Database, text: string): Statement<R, P> {
  const client = "$client" in db ? db.$client : db;
  let byText = statements.get(client);
  if (!byText) statements.set(client, (byText = new Map()));
  let st = byText.get(text);
  if (!st) byText.set(text, (st = client.prepare(text)));
  return st as unknown as Statement<R, P>;
}
