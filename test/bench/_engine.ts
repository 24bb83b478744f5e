// What the benchmarks share to run on either engine. With DATABASE_URL set (a PostgreSQL server)
// each run works in databases of its own on that server, fzbench_<name>_<pid>, dropped at the end;
// otherwise on SQLite files, as before. Raw SQL for setup and baselines: sqlAll/sqlOne/sqlRun
// (test/helpers.ts) on either engine, and pgInsert for bulk rows on PostgreSQL (arrays, unnest:
// one statement per chunk, not one per row).
import { loadavg } from "node:os";
import type { Sql } from "postgres";
import type { Db } from "../../src/db";
import { pgClient } from "../../src/db/pg";

/** The server's URL when the benchmarks run on PostgreSQL, else null (SQLite). */
export const PG_URL = process.env.DATABASE_URL?.trim() || null;
export const ENGINE = PG_URL ? "PostgreSQL" : "SQLite";

const at = (db: string) => Object.assign(new URL(PG_URL!), { pathname: `/${db}` }).toString();
const made: string[] = [];

/** A fresh, empty database for this run on the PostgreSQL server (migrated when the platform opens it). */
export async function benchDatabase(name: string): Promise<string> {
  const db = `fzbench_${name}_${process.pid}`;
  const admin = pgClient(at("postgres"), { max: 1 });
  try {
    await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.unsafe(`create database ${db}`);
  } finally {
    await admin.end();
  }
  made.push(db);
  return at(db);
}

// a run that stops on an error or a signal still drops its databases (psql: an exit handler cannot await)
process.on("exit", () => {
  if (made.length && Bun.which("psql"))
    for (const db of made) Bun.spawnSync(["psql", at("postgres"), "-qc", `drop database if exists ${db} with (force)`]);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** Drops every database this run made (connections still open to them are ended). */
export async function dropBenchDatabases(): Promise<void> {
  if (!made.length) return;
  const admin = pgClient(at("postgres"), { max: 1 });
  try {
    for (const db of made.splice(0)) await admin.unsafe(`drop database if exists ${db} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The postgres.js client under a platform's drizzle database. */
export const pgOf = (db: Db): Sql => db.$client as unknown as Sql;

/**
 * Rows into a PostgreSQL table as columns: `cols` maps a column to its type and its values (one
 * array per column, all as long); sent `chunk` rows per statement through unnest; `suffix`: an
 * `on conflict …` clause.
 */
export async function pgInsert(
  sql: Pick<Sql, "unsafe">,
  table: string,
  cols: Record<string, [type: string, values: unknown[]]>,
  opts: { chunk?: number; suffix?: string } = {},
): Promise<void> {
  const chunk = opts.chunk ?? 50_000;
  const names = Object.keys(cols);
  const n = cols[names[0]!]![1].length;
  const text = `insert into ${table} (${names.join(", ")}) select * from unnest(${names
    .map((k, i) => `$${i + 1}::${cols[k]![0]}[]`)
    .join(", ")}) ${opts.suffix ?? ""}`;
  for (let i = 0; i < n; i += chunk)
    await sql.unsafe(text, names.map((k) => cols[k]![1].slice(i, i + chunk)) as never[]);
}

/** The load average now (1 / 5 / 15 min): figures on a shared 2-core machine move with it. */
export const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} (1 / 5 / 15 min)`;
