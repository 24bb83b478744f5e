// Year-on-year statistics at scale: N events over two years, then the yoy API and the screens
// timed (median, p99) against a bare Hono route and a raw bun:sqlite query in the same run.
//
//   bun test/bench/stats.ts                      # 1M events (a few minutes at most on 2 cores)
//   BENCH_EVENTS=10000000 bun test/bench/stats.ts  # the full size: 10M events
//   BENCH_SOURCE_ROWS=200000 BENCH_REPEAT=300 ...  # tuning
//   DATABASE_URL=postgres://… bun test/bench/stats.ts  # on PostgreSQL: a fresh database of its own
//
// On PostgreSQL the same rows (same generator, same seed) go in set-based — each table's rows as
// arrays through unnest, ids given — so its triggers (row-level, and statement-level with
// transition tables for warnings) run as they would for a bulk load; the baseline is the raw
// postgres.js query (prepared). The bulk's size (rows of daily counts) does not grow with
// BENCH_EVENTS, only its values do: 10M events cost what 1M do to generate.
//
// What is generated, and why: the reads only ever touch the pre-aggregated tables (stats_daily,
// stats_monthly), whose size depends on days × metrics × districts × fraud types, not on the
// number of events. So the bulk of the events is written straight into stats_daily as daily
// per-district, per-fraud-type counts (the stats_daily → stats_monthly trigger still runs), and a
// realistic slice of real source rows (cases, targets, warnings, requests) goes through the
// source-table triggers, which also measures what keeping the statistics exact costs a write.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { closeDatabase } from "../../src/db";
import { institutionIds } from "../../src/db/seed";
import { FRAUD_TYPES } from "../../src/domain/enums";
import type { Clock } from "../../src/http/context";
import { discardLog } from "../../src/http/log";
import { openPlatform } from "../../src/platform";
import { recountDifferences } from "../../src/stats/service";
import { apiClient, signIn, sqlOne, sqlRun, type TestPlatform } from "../helpers";
import { benchDatabase, dropBenchDatabases, ENGINE, loadLine, PG_URL, pgInsert, pgOf } from "./_engine";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SOURCE_ROWS = Math.min(Number(process.env.BENCH_SOURCE_ROWS ?? 100_000), EVENTS);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 200);
const DISTRICTS = [
  "东城区",
  "西城区",
  "南山区",
  "北湖区",
  "高新区",
  "江滨区",
  "城关区",
  "开发区",
  "滨海新区",
  "经开区",
];
const DAY = 86_400_000;

// share of events per counted metric (amounts ride on stop-payments, freezes and returns)
const MIX: [string, number][] = [
  ["alerts", 0.1],
  ["casesFiled", 0.07],
  ["casesSolved", 0.025],
  ["suspectsDetained", 0.03],
  ["peopleWarned", 0.3],
  ["warnings", 0.36],
  ["stopPayments", 0.05],
  ["freezes", 0.04],
  ["numbersCutOff", 0.02],
  ["cardsCutOff", 0.005],
];
const AMOUNT_OF: Record<string, string> = { stopPayments: "amountStopped", freezes: "amountFrozen" };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dir = mkdtempSync(join(tmpdir(), "fanzha-bench-stats-"));
const now = Date.parse("2026-11-21T10:00:00+08:00");
const clock: Clock = { now: () => now };
const config = loadConfig({
  DATABASE_URL: PG_URL ? await benchDatabase("stats") : undefined,
  DATABASE_PATH: join(dir, "bench.sqlite"),
  OUTBOX_DIR: join(dir, "outbox"),
  PUBLIC_BASE_URL: "http://localhost",
  API_RATE_LIMIT_PER_MIN: "0",
});
const deps = await openPlatform(config, { clock, logStream: discardLog() }); // the access log on, its lines on no screen
const app = createApp(deps);
const p = { app, deps, clock, config } as unknown as TestPlatform;
const sql = deps.db.$client; // bun:sqlite's; on PostgreSQL pg below
const pg = PG_URL ? pgOf(deps.db) : null;
const r = rng(611);
const start = now - 730 * DAY;
const shDay = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

console.log(`engine ${ENGINE} · ${loadLine()}`);
console.log(
  `stats bench: ${EVENTS.toLocaleString()} events over two years (${SOURCE_ROWS.toLocaleString()} as source rows through the triggers, the rest as daily counts)`,
);

// 1. source rows through the triggers: cases with their requests, targets with their warnings
let t0 = performance.now();
const bank = (await institutionIds(deps.db)).get("ICBC")!;
type Case = [
  at: number,
  district: string,
  fraud: string,
  filed: number | null,
  solved: number | null,
  detained: number,
];
type Request = [
  kind: string,
  caseId: number,
  suspectId: number,
  bank: number,
  effective: number,
  responded: number,
  amount: number,
];
/** The rows to write, in order; each maker returns the new row's id. */
type Sink = {
  case(c: Case): number;
  suspect(value: string): number;
  request(q: Request): void;
  target(phone: string, district: string, available: number, due: number): number;
  warning(targetId: number, at: number): void;
};
let sourceRows = 0;
let sourceEvents = 0;
function generateSource(to: Sink) {
  let n = 0;
  while (sourceRows < SOURCE_ROWS) {
    const at = start + Math.floor(r() * 730 * DAY);
    const district = DISTRICTS[Math.floor(r() * DISTRICTS.length)]!;
    if (r() < 0.3) {
      const filed = r() < 0.7 ? at + DAY : null;
      const solved = filed && r() < 0.3 ? at + 15 * DAY : null;
      const id = to.case([
        at,
        district,
        FRAUD_TYPES[Math.floor(r() * FRAUD_TYPES.length)]!,
        filed,
        solved,
        solved ? 2 : 0,
      ]);
      sourceRows++;
      sourceEvents += 1 + (filed ? 1 : 0) + (solved ? 3 : 0);
      if (r() < 0.5) {
        const s = to.suspect(`6222${String(++n).padStart(15, "0")}`);
        to.request([
          "stop_payment",
          id,
          s,
          bank,
          at + 3_600_000,
          at + 3_600_000,
          100_000 + Math.floor(r() * 5_000_000),
        ]);
        sourceRows += 2;
        sourceEvents += 1;
      }
    } else {
      const id = to.target(`+86139${String(++n).padStart(8, "0")}`, district, at, at + DAY);
      to.warning(id, at + 600_000);
      sourceRows += 2;
      sourceEvents += 2;
    }
  }
}
if (pg) {
  // the same rows as columns, ids given (a fresh database), then one statement per chunk
  const cols = <T extends unknown[]>(rows: T[], k: number) => rows.map((x) => x[k]);
  const cases: Case[] = [];
  const suspects: string[] = [];
  const requests: Request[] = [];
  const targets: [string, string, number, number][] = [];
  const warnings: [number, number][] = [];
  generateSource({
    case: (c) => cases.push(c),
    suspect: (v) => suspects.push(v),
    request: (q) => void requests.push(q),
    target: (...t) => targets.push(t),
    warning: (...w) => void warnings.push(w),
  });
  t0 = performance.now();
  await pg.begin(async (tx) => {
    await pgInsert(tx, "cases", {
      id: ["bigint", cases.map((_, i) => i + 1)],
      received_at: ["bigint", cols(cases, 0)],
      district: ["text", cols(cases, 1)],
      fraud_type: ["text", cols(cases, 2)],
      victim_name: ["text", cases.map(() => "某")],
      status: ["text", cases.map(() => "received")],
      filed_at: ["bigint", cols(cases, 3)],
      solved_at: ["bigint", cols(cases, 4)],
      suspects_detained: ["bigint", cols(cases, 5)],
    });
    await pgInsert(tx, "suspects", {
      id: ["bigint", suspects.map((_, i) => i + 1)],
      kind: ["text", suspects.map(() => "bank_account")],
      value: ["text", suspects],
      institution_id: ["bigint", suspects.map(() => bank)],
      first_seen_at: ["bigint", suspects.map(() => 0)],
      last_seen_at: ["bigint", suspects.map(() => 0)],
    });
    await pgInsert(tx, "requests", {
      kind: ["text", cols(requests, 0)],
      status: ["text", requests.map(() => "completed")],
      case_id: ["bigint", cols(requests, 1)],
      suspect_id: ["bigint", cols(requests, 2)],
      institution_id: ["bigint", cols(requests, 3)],
      effective_at: ["bigint", cols(requests, 4)],
      responded_at: ["bigint", cols(requests, 5)],
      done_amount_fen: ["bigint", cols(requests, 6)],
    });
    await pgInsert(tx, "targets", {
      id: ["bigint", targets.map((_, i) => i + 1)],
      phone: ["text", cols(targets, 0)],
      district: ["text", cols(targets, 1)],
      risk_grade: ["text", targets.map(() => "medium")],
      status: ["text", targets.map(() => "closed")],
      available_at: ["bigint", cols(targets, 2)],
      due_at: ["bigint", cols(targets, 3)],
    });
    await pgInsert(tx, "warnings", {
      target_id: ["bigint", cols(warnings, 0)],
      channel: ["text", warnings.map(() => "call")],
      created_at: ["bigint", cols(warnings, 1)],
      updated_at: ["bigint", cols(warnings, 1)],
    });
    for (const t of ["cases", "suspects", "targets"])
      await tx.unsafe(`select setval(pg_get_serial_sequence('${t}', 'id'), (select max(id) from ${t}))`);
  });
} else {
  const insCase = sql.prepare(
    `INSERT INTO cases (received_at, district, fraud_type, victim_name, status, filed_at, solved_at, suspects_detained) VALUES (?, ?, ?, '某', 'received', ?, ?, ?) RETURNING id`,
  );
  const insSuspect = sql.prepare(
    `INSERT INTO suspects (kind, value, institution_id, first_seen_at, last_seen_at) VALUES ('bank_account', ?, ?, 0, 0) RETURNING id`,
  );
  const insRequest = sql.prepare(
    `INSERT INTO requests (kind, status, case_id, suspect_id, institution_id, effective_at, responded_at, done_amount_fen) VALUES (?, 'completed', ?, ?, ?, ?, ?, ?)`,
  );
  const insTarget = sql.prepare(
    `INSERT INTO targets (phone, district, risk_grade, status, available_at, due_at) VALUES (?, ?, 'medium', 'closed', ?, ?) RETURNING id`,
  );
  const insWarning = sql.prepare(
    `INSERT INTO warnings (target_id, channel, created_at, updated_at) VALUES (?, 'call', ?, ?)`,
  );
  const id = (row: unknown) => (row as { id: number }).id;
  sql.transaction(() =>
    generateSource({
      case: (c) => id(insCase.get(...c)),
      suspect: (v) => id(insSuspect.get(v, bank)),
      request: (q) => void insRequest.run(...q),
      target: (...t) => id(insTarget.get(...t)),
      warning: (t, at) => void insWarning.run(t, at, at),
    }),
  )();
}
const sourceMs = performance.now() - t0;

// what the triggers cost a write: the same 50k case inserts with and without the case triggers
// (on PostgreSQL one set-based statement each, with the table's own triggers switched off for the
// second, over 7,300 (day, district) counters rather than one: see below)
async function triggerCost(): Promise<[withMs: number, withoutMs: number]> {
  if (!pg) {
    const caseTriggers = sql
      .query<{ name: string; sql: string }, []>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('stats_cases_ai', 'stats_cases_bd')",
      )
      .all();
    const insertCases = () => {
      const lastCase = sql.query<{ id: number }, []>("SELECT max(id) AS id FROM cases").get()!.id;
      const ins = sql.prepare(
        `INSERT INTO cases (received_at, district, fraud_type, victim_name, status) VALUES (?, '东城区', 'other', '某', 'received')`,
      );
      const t = performance.now();
      sql.transaction(() => {
        for (let i = 1; i <= 50_000; i++) ins.run(start + i * 1000);
      })();
      const ms = performance.now() - t;
      sql.query("DELETE FROM cases WHERE id > ?").run(lastCase);
      return ms;
    };
    const trigMs = insertCases();
    for (const tr of caseTriggers) sql.exec(`DROP TRIGGER ${tr.name}`);
    const plainMs = insertCases();
    for (const tr of caseTriggers) sql.exec(tr.sql);
    return [trigMs, plainMs];
  }
  // Inserted, timed, rolled back (deleting them again would time the foreign keys' checks instead).
  // Spread over the two years and the districts: 50k updates of one counter row in one transaction
  // leave 50k versions of it, each update walking the chain (measured: ~5.7 ms an insert at the
  // 50,000th under load), which no real write pattern here does.
  const insertCases = async () => {
    let ms = 0;
    await pg
      .begin(async (tx) => {
        const t = performance.now();
        await tx`insert into cases (received_at, district, fraud_type, victim_name, status)
          select ${start}::bigint + (i % 730) * ${DAY}::bigint + i, (${DISTRICTS}::text[])[i % ${DISTRICTS.length} + 1],
            'other', '某', 'received'
          from generate_series(1, 50000) i`;
        ms = performance.now() - t;
        throw new Error("rollback");
      })
      .catch((e: Error) => {
        if (e.message !== "rollback") throw e;
      });
    return ms;
  };
  const trigMs = await insertCases();
  await pg`alter table cases disable trigger user`;
  const plainMs = await insertCases();
  await pg`alter table cases enable trigger user`;
  return [trigMs, plainMs];
}
const [trigMs, plainMs] = await triggerCost();

const exact = (await recountDifferences(deps.db)).length === 0;

// 2. the bulk: daily counts per district and fraud type, straight into stats_daily
t0 = performance.now();
const bulk = EVENTS - sourceEvents;
const daily: [string[], string[], string[], string[], number[]] = [[], [], [], [], []];
const upsert = pg
  ? {
      // collected, then sent as columns
      run: (...row: [string, string, string, string, number]) => row.forEach((x, k) => void daily[k]!.push(x as never)),
    }
  : sql.prepare(
      `INSERT INTO stats_daily (day, metric, district, fraud_type, value) VALUES (?, ?, ?, ?, ?)
   ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value`,
    );
let bulkRows = 0;
const bulkDays = () => {
  for (let d = 0; d < 730; d++) {
    const day = shDay(start + d * DAY);
    for (const district of DISTRICTS) {
      for (const fraud of [...FRAUD_TYPES, ""]) {
        for (const [metric, share] of MIX) {
          // warnings and people warned carry no fraud type (targets seldom have a case); the rest do
          const unclassified = metric === "warnings" || metric === "peopleWarned";
          if (unclassified !== (fraud === "")) continue;
          const cells = 730 * DISTRICTS.length * (unclassified ? 1 : FRAUD_TYPES.length);
          const v = Math.round(((bulk * share) / cells) * (0.5 + r()));
          if (v <= 0) continue;
          upsert.run(day, metric, district, fraud, v);
          bulkRows++;
          const amount = AMOUNT_OF[metric];
          if (amount) {
            upsert.run(day, amount, district, fraud, v * (50_000 + Math.floor(r() * 2_000_000)));
            bulkRows++;
          }
        }
      }
    }
  }
};
if (pg) {
  bulkDays();
  await pg.begin(async (tx) => {
    const [day, metric, district, fraud, value] = daily;
    await pgInsert(
      tx,
      "stats_daily",
      {
        day: ["text", day],
        metric: ["text", metric],
        district: ["text", district],
        fraud_type: ["text", fraud],
        value: ["bigint", value],
      },
      {
        suffix:
          "on conflict (day, metric, district, fraud_type) do update set value = stats_daily.value + excluded.value",
      },
    );
  });
} else sql.transaction(bulkDays)();
const bulkMs = performance.now() - t0;
await sqlRun(deps.db, pg ? "VACUUM ANALYZE" : "ANALYZE");
const counts = (await sqlOne<{ daily: number; monthly: number; events: number }>(
  deps.db,
  "SELECT (SELECT count(*) FROM stats_daily) AS daily, (SELECT count(*) FROM stats_monthly) AS monthly, (SELECT sum(value) FROM stats_daily WHERE metric NOT LIKE 'amount%') AS events",
))!;

console.log(
  `  source rows: ${sourceRows.toLocaleString()} in ${(sourceMs / 1000).toFixed(1)} s through the triggers (${Math.round(sourceRows / (sourceMs / 1000)).toLocaleString()} rows/s); pre-aggregates equal a full recount: ${exact}`,
);
console.log(
  `  trigger cost per case insert: ${((trigMs / 50_000) * 1000).toFixed(1)} µs with triggers vs ${((plainMs / 50_000) * 1000).toFixed(1)} µs without (×${(trigMs / plainMs).toFixed(1)})`,
);
console.log(`  bulk daily counts: ${bulkRows.toLocaleString()} upserts in ${(bulkMs / 1000).toFixed(1)} s`);
console.log(
  `  tables: stats_daily ${counts.daily.toLocaleString()} rows, stats_monthly ${counts.monthly.toLocaleString()} rows; ${counts.events.toLocaleString()} events counted`,
);

// 3. timings, in-process (app.request: no socket), same run for the baselines
const bare = new Hono().get("/bare", (c) => c.json({ ok: true }));
const quarterTotals =
  "SELECT metric, sum(value) AS v FROM stats_monthly WHERE month BETWEEN '2026-07' AND '2026-09' GROUP BY metric";
// the baseline: the engine's own client, the statement prepared
const rawStmt = pg ? { all: () => pg.unsafe(quarterTotals, [], { prepare: true }) } : sql.prepare(quarterTotals);
const api = await apiClient(p, "supervisor");
const browser = await signIn(p, "supervisor");

async function time(name: string, run: () => Promise<unknown> | unknown) {
  for (let i = 0; i < 20; i++) await run(); // warm-up: prepared statements, JIT
  Bun.gc(true); // the generation's garbage is not this series' pause
  const ms: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  const p99 = ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)]!;
  return { name, median, p99 };
}
async function ok(res: Response) {
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.arrayBuffer();
}

const results = [
  await time("bare Hono route (baseline)", async () => ok(await bare.request("/bare"))),
  await time(`raw ${pg ? "postgres.js" : "bun:sqlite"}: one quarter's totals (baseline)`, () => rawStmt.all()),
  await time("API yoy, month so far", async () =>
    ok(await api.call("/api/v1/stats/yoy?from=2026-11-01&to=2026-11-21")),
  ),
  await time("API yoy, quarter", async () => ok(await api.call("/api/v1/stats/yoy?from=2026-07-01&to=2026-09-30"))),
  await time("API yoy, year to date", async () =>
    ok(await api.call("/api/v1/stats/yoy?from=2026-01-01&to=2026-11-21")),
  ),
  await time("API yoy, custom 2025-11-22..2026-11-21", async () =>
    ok(await api.call("/api/v1/stats/yoy?from=2025-11-22&to=2026-11-21")),
  ),
  await time("API yoy, year to date, one district", async () =>
    ok(await api.call(`/api/v1/stats/yoy?from=2026-01-01&to=2026-11-21&district=${encodeURIComponent("南山区")}`)),
  ),
  await time("screen /stats, quarter (HTML, chart data)", async () =>
    ok(await browser.request("/stats?kind=quarter&quarter=2026-Q3")),
  ),
  await time("screen /stats, year to date", async () => ok(await browser.request("/stats?kind=ytd"))),
  await time("monthly bulletin /stats/bulletin", async () =>
    ok(await browser.request("/stats/bulletin?month=2026-10")),
  ),
];
const base = results[0]!.median;
console.log(`\n  ${"request".padEnd(48)} ${"median".padStart(9)} ${"p99".padStart(9)}  ×bare`);
for (const x of results)
  console.log(
    `  ${x.name.padEnd(48)} ${x.median.toFixed(3).padStart(7)} ms ${x.p99.toFixed(3).padStart(7)} ms  ×${(x.median / base).toFixed(0)}`,
  );
const worst = Math.max(...results.slice(2).map((x) => x.p99));
console.log(
  `\n  budget 50 ms: worst p99 ${worst.toFixed(2)} ms → ${worst <= 50 ? "within" : "OVER"} (${REPEAT} requests each, in-process app.request)`,
);
// p99 on a shared 2-core machine moves with whatever else runs: say how busy it was
console.log(`  engine ${ENGINE} · at the end of the run: ${loadLine()}`);

await closeDatabase(deps.db);
rmSync(dir, { recursive: true, force: true });
await dropBenchDatabases();
