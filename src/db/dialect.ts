// The few places where SQLite's SQL and PostgreSQL's differ, said once. The engine is the
// process's (engine.ts), fixed when it starts.
import { type SQL, sql } from "drizzle-orm";
import { engineFromEnv } from "./engine";

const onPostgres = engineFromEnv() === "postgres";

/** `a = b` that also holds when both are null. */
export const sameAs = (a: unknown, b: unknown): SQL =>
  onPostgres ? sql`${a} is not distinct from ${b}` : sql`${a} is ${b}`;

/**
 * A table read through a named index. SQLite's planner has no statistics to prefer it (the hot
 * queue reads name theirs); PostgreSQL's has, and takes no such hint.
 */
export const throughIndex = (table: unknown, index: string): SQL =>
  onPostgres ? sql`${table}` : sql`${table} indexed by ${sql.identifier(index)}`;
