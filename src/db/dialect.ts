// The few places where SQLite's SQL and PostgreSQL's differ, said once. The engine is the
// process's (engine.ts), fixed when it starts.
import { type SQL, sql } from "drizzle-orm";
import { engineFromEnv } from "./engine";

const onPostgres = engineFromEnv() === "postgres";

/** `a = b` that also holds when both are null. */
export const sameAs = (a: unknown, b: unknown): SQL =>
  onPostgres ? sql`${a} is not distinct from ${b}` : sql`${a} is ${b}`;

/** `a = b` ignoring the case of ASCII letters (SQLite's `collate nocase`). */
export const sameTextAs = (a: unknown, b: unknown): SQL =>
  onPostgres ? sql`lower(${a}) = lower(${b})` : sql`${a} = ${b} collate nocase`;

/**
 * Ends a select that picks rows to claim: on PostgreSQL it locks them and skips rows another
 * transaction holds, so concurrent claims never pick the same row. SQLite runs one write at a time.
 */
export const skipLocked: SQL = onPostgres ? sql` for update skip locked` : sql``;

/**
 * A read whose rows the transaction then rewrites from what it read (a merge, a state change): on
 * PostgreSQL it locks them until the transaction ends, so a concurrent writer waits instead of
 * having its update overwritten. SQLite's writers run one at a time already.
 */
export const forUpdate = <Q>(query: Q): Q =>
  onPostgres ? (query as unknown as { for(strength: "update"): Q }).for("update") : query;

/**
 * A table read through a named index. SQLite's planner has no statistics to prefer it (the hot
 * queue reads name theirs); PostgreSQL's has, and takes no such hint.
 */
export const throughIndex = (table: unknown, index: string): SQL =>
  onPostgres ? sql`${table}` : sql`${table} indexed by ${sql.identifier(index)}`;

/**
 * `column = param`, or true when the parameter is null ("any"). The cast tells PostgreSQL the
 * parameter's type, which it cannot infer from `? is null` alone.
 */
export const anyOr = (param: unknown, column: unknown): SQL =>
  sql`(cast(${param} as text) is null or ${column} = ${param})`;

/**
 * How many rows of a group satisfy `condition`. SQLite's comparisons are integers and sum; PostgreSQL's
 * are booleans, which it cannot sum.
 */
export const countIf = (condition: unknown): SQL<number> => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

/**
 * The rows of `rows` (a subquery, in its order) as one JSON array text of objects whose keys are
 * `fields`' keys and values the columns it names; null when there are none.
 */
export function jsonArray(fields: Record<string, string>, rows: SQL): SQL<string | null> {
  const pairs = sql.raw(
    Object.entries(fields)
      .map(([key, column]) => `'${key}', x.${column}`)
      .join(", "),
  );
  return onPostgres
    ? sql`(select json_agg(json_build_object(${pairs}))::text from (${rows}) x)`
    : sql`(select json_group_array(json_object(${pairs})) from (${rows}) x)`;
}

/**
 * Serialises this transaction against others that lock the same key, until it ends. SQLite's
 * transactions run one at a time already; PostgreSQL's take an advisory lock (read-then-insert
 * rules such as the sign-in throttle count rows no lock would otherwise cover).
 */
export async function lockKey(tx: { run(q: SQL): unknown }, key: string): Promise<void> {
  if (onPostgres) await tx.run(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
