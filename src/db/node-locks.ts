// Long work a node does in the background (an import) and the other nodes must know is alive: on
// PostgreSQL the node holds a session advisory lock on a connection of its own while it works, and
// the lock goes with the node (a node that dies drops its connection, and the work shows as
// interrupted). On SQLite one process owns the file: nobody else could be doing it.
import { PgDatabase } from "drizzle-orm/pg-core";
import type { Db } from "./index";

const onPostgres = (db: Db): boolean => (db as unknown) instanceof PgDatabase;

type Reserved = { (s: TemplateStringsArray, ...v: unknown[]): Promise<unknown>; release(): void };
type Client = {
  reserve(): Promise<Reserved>;
  (s: TemplateStringsArray, ...v: unknown[]): Promise<{ free: boolean }[]>;
};

/** Holds `key` until the returned release is called (at once on SQLite). */
export async function holdWhileWorking(db: Db, key: string): Promise<() => Promise<void>> {
  if (!onPostgres(db)) return async () => {};
  const conn = await (db.$client as unknown as Client).reserve();
  try {
    await conn`select pg_advisory_lock(hashtextextended(${key}, 0))`;
  } catch (e) {
    conn.release();
    throw e;
  }
  return async () => {
    try {
      await conn`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
    } catch {
      // the connection is gone: so is its lock
    } finally {
      conn.release();
    }
  };
}

/** Whether another node holds `key`: its work is alive there (always false on SQLite). */
export async function heldElsewhere(db: Db, key: string): Promise<boolean> {
  if (!onPostgres(db)) return false;
  // a transaction-level try: taken and released by this one statement unless a session holds it
  const [row] =
    await (db.$client as unknown as Client)`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as free`;
  return !row?.free;
}
