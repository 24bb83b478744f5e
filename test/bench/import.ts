// Bulk import of suspects, end to end through the engine: a generated CSV of BENCH_ROWS rows
// (default 1,000,000) in the written forms people use, ~1% bad rows, ~5% repeats, is read
// (csv-parse in the reader thread), normalised, merged and recorded (batched transactions of
// raw prepared statements) into a fresh file database. Compared, in the same run, with plain
// bun:sqlite prepared-insert loops of the same rows (already normalised, not timed) into the
// same table, in transactions of the same size: in file order, and with each batch sorted
// first as the engine does (sorted before the clock starts: the engine sorts in the reader
// thread). Then the engine's two halves apart, to show which one bounds it: the reader thread
// alone (no writes), and the sorted loop into a bare (id, kind, value) table.
//
//   bun test/bench/import.ts                     # 1M rows (~20 s on 2 cores, most of it setup)
//   BENCH_ROWS=200000 bun test/bench/import.ts   # quicker
//   DATABASE_URL=postgres://… bun test/bench/import.ts   # on PostgreSQL (target ≥ 100k rows/s)
//
// On PostgreSQL the engine writes into a fresh database of its own on that server, and the
// baselines are the raw postgres.js statement of the same rows (arrays through unnest, on conflict
// do nothing: the set-based insert, the fastest plain insert there), BATCH_ROWS per transaction.
// The CSV is cached under bench-out/ (per size); the databases are rebuilt every run.
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { closeDatabase } from "../../src/db";
import { startCheckpointer } from "../../src/db/checkpointer";
import { normalizeIdentifier, type SuspectKind } from "../../src/domain/identifiers";
import { kindFromWord } from "../../src/domain/suspect-merge";
import { BATCH_ROWS, startImport, whenSettled } from "../../src/imports/engine";
import type { ReaderMessage, ReaderStart } from "../../src/imports/reader";
import { getImport } from "../../src/imports/service";
import { openPlatform } from "../../src/platform";
import { sqlOne } from "../helpers";
import { benchDatabase, dropBenchDatabases, ENGINE, loadLine, PG_URL, pgOf } from "./_engine";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const TARGET = PG_URL ? 100_000 : 250_000;
const OUT = join(import.meta.dir, "../../bench-out");
mkdirSync(OUT, { recursive: true });

// ---------------------------------------------------------------------------------------------
// The file

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MOBILE = ["138", "139", "150", "186", "133", "177", "189", "130", "158", "199", "187", "135"];
const BINS = ["622202", "622848", "621700", "621660", "622260", "622188", "622208"];
const RISK = ["high", "medium", "low", "高", "中", "低", "", ""];
const FULL = (s: string) => s.replace(/[0-9+-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const BAD = ["abc12345678", "12345", "", "138001380001234567890123456789012", "微信 wx_2231", "13800138000", "6222"];

function generate(path: string, rows: number) {
  const r = rng(42);
  const digits = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
    return s;
  };
  const w = Bun.file(path).writer();
  w.write("号码,类型,风险等级,备注\n");
  const recent: string[] = [];
  for (let i = 0; i < rows; i++) {
    const x = r();
    let line: string;
    if (x < 0.01) {
      // bad rows: letters, too short, empty, too long, an unknown risk word
      const b = BAD[Math.floor(r() * BAD.length)]!;
      line = b === "13800138000" ? `${b},phone,urgent,` : b === "" ? ",phone,high," : `${b},,,`;
    } else if (x < 0.06 && recent.length) {
      line = recent[Math.floor(r() * recent.length)]!; // a repeat: merged
    } else {
      const risk = RISK[Math.floor(r() * RISK.length)]!;
      const typed = r() < 0.5;
      let value: string;
      let kind: string;
      if (r() < 0.5) {
        const n = MOBILE[Math.floor(r() * MOBILE.length)]! + digits(8);
        const f = r();
        value =
          f < 0.3
            ? n
            : f < 0.5
              ? `+86 ${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`
              : f < 0.7
                ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`
                : f < 0.85
                  ? `0086${n}`
                  : f < 0.98
                    ? `+86${n}`
                    : FULL(n);
        kind = typed ? (r() < 0.5 ? "phone" : "电话") : "";
      } else {
        const a = BINS[Math.floor(r() * BINS.length)]! + digits(13);
        const f = r();
        value = f < 0.5 ? a : f < 0.8 ? a.replace(/(\d{4})(?=\d)/g, "$1 ") : a.replace(/(\d{4})(?=\d)/g, "$1-");
        kind = typed ? (r() < 0.5 ? "bank_account" : "银行卡") : "";
      }
      line = `${value},${kind},${risk},${r() < 0.02 ? "群众举报" : ""}`;
      if (recent.length < 5000) recent.push(line);
      else recent[Math.floor(r() * 5000)] = line;
    }
    w.write(line + "\n");
  }
  return w.end();
}

const csv = join(OUT, `import-${ROWS}.csv`);
if (!existsSync(csv)) {
  const t = performance.now();
  await generate(csv, ROWS);
  console.log(`generated ${csv} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function freshPlatform(name: string) {
  const path = join(OUT, name);
  if (PG_URL)
    return await openPlatform(
      loadConfig({
        DATABASE_URL: await benchDatabase(name.replace(/\.sqlite$/, "").replaceAll("-", "_")),
        OUTBOX_DIR: join(OUT, "outbox"),
      }),
    );
  for (const s of ["", "-wal", "-shm"]) rmSync(path + s, { force: true });
  // DATABASE_SYNCHRONOUS from the environment, as the server reads it (FULL by default)
  return await openPlatform(
    loadConfig({
      DATABASE_PATH: path,
      OUTBOX_DIR: join(OUT, "outbox"),
      DATABASE_SYNCHRONOUS: process.env.DATABASE_SYNCHRONOUS,
    }),
  );
}

// each timed phase starts with the disk quiet: no writeback of the previous phase's database
const settleDisk = () => Bun.spawnSync(["sync"]);

// ---------------------------------------------------------------------------------------------
// The engine: upload already on disk (copy, since the engine removes it) → done

const deps = await freshPlatform("import-engine.sqlite");
const stopCheckpoints = startCheckpointer(deps.db, deps.config.databasePath); // as src/main.ts does
const upload = join(OUT, "import-upload.csv");
copyFileSync(csv, upload);
const sha256 = new Bun.CryptoHasher("sha256").update(await Bun.file(upload).bytes()).digest("hex");
const who = { actor: null, ip: "bench", at: Date.now() };
settleDisk();
const t0 = performance.now();
const { id } = await startImport(deps, who, { kind: "suspects", filename: "bench.csv", path: upload, sha256 });
await whenSettled(deps, id);
const engineSeconds = (performance.now() - t0) / 1000;
const rep = (await getImport(deps.db, id))!;
const suspects = Number((await sqlOne<{ n: number }>(deps.db, "select count(*) as n from suspects"))!.n);
stopCheckpoints();
await closeDatabase(deps.db);

if (rep.status !== "done") throw new Error(`import ${rep.status}: ${rep.error}`);
if (rep.imported + rep.merged + rep.rejected !== rep.totalRows || rep.totalRows !== ROWS)
  throw new Error(`rows not accounted for: ${JSON.stringify(rep)}`);
if (rep.imported !== suspects) throw new Error(`imported ${rep.imported} but ${suspects} suspects stored`);

// ---------------------------------------------------------------------------------------------
// Baselines: raw prepared-insert loops of the same rows, normalised beforehand (not timed)

const kinds: SuspectKind[] = [];
const values: string[] = [];
for (const line of (await Bun.file(csv).text()).split("\n").slice(1)) {
  if (!line) continue;
  const [v = "", k = ""] = line.split(",");
  const kind = kindFromWord(k);
  const id = normalizeIdentifier(v, kind.ok ? kind.value : undefined);
  if (id.ok) {
    kinds.push(id.kind);
    values.push(id.value);
  }
}
/**
 * Plain prepared inserts, BATCH_ROWS per transaction; `sorted`: each batch in index order;
 * `minimal`: into a table of nothing but (id, kind, value) under the same unique index.
 */
async function rawLoop(name: string, sorted: boolean, minimal = false): Promise<number> {
  const deps = await freshPlatform(name);
  if (PG_URL) return await rawPg(deps.db, sorted, minimal);
  const c = deps.db.$client;
  if (minimal)
    c.exec(
      "create table bare_suspects (id integer primary key, kind text not null, value text not null); create unique index bare_uq on bare_suspects (value, kind)",
    );
  const insert = minimal
    ? c.prepare("insert into bare_suspects (kind, value) values (?, ?) on conflict do nothing")
    : c.prepare(
        "insert into suspects (kind, value, first_seen_at, last_seen_at) values (?, ?, ?, ?) on conflict do nothing",
      );
  const now = Date.now();
  const batches: number[][] = [];
  for (let i = 0; i < values.length; i += BATCH_ROWS) {
    const batch = Array.from({ length: Math.min(values.length, i + BATCH_ROWS) - i }, (_, k) => i + k);
    if (sorted) batch.sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
    batches.push(batch);
  }
  settleDisk();
  const t = performance.now();
  for (const batch of batches) {
    c.transaction(() => {
      for (const j of batch) minimal ? insert.run(kinds[j]!, values[j]!) : insert.run(kinds[j]!, values[j]!, now, now);
    })();
  }
  const seconds = (performance.now() - t) / 1000;
  c.close();
  return seconds;
}
/** PostgreSQL's baseline: one set-based statement per batch (unnest), a transaction each. */
async function rawPg(db: Awaited<ReturnType<typeof freshPlatform>>["db"], sorted: boolean, minimal: boolean) {
  const sql = pgOf(db);
  if (minimal)
    await sql.unsafe(
      "create table bare_suspects (id bigint generated by default as identity primary key, kind text not null, value text not null); create unique index bare_uq on bare_suspects (value, kind)",
    );
  const insert = minimal
    ? "insert into bare_suspects (kind, value) select * from unnest($1::text[], $2::text[]) on conflict do nothing"
    : "insert into suspects (kind, value, first_seen_at, last_seen_at) select k, v, $3::bigint, $3::bigint from unnest($1::text[], $2::text[]) as t(k, v) on conflict do nothing";
  const now = Date.now();
  const batches: [string[], string[]][] = [];
  for (let i = 0; i < values.length; i += BATCH_ROWS) {
    const batch = Array.from({ length: Math.min(values.length, i + BATCH_ROWS) - i }, (_, k) => i + k);
    if (sorted) batch.sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
    batches.push([batch.map((j) => kinds[j]!), batch.map((j) => values[j]!)]);
  }
  await sql`checkpoint`; // the previous phase's dirty pages are not this one's to write
  const t = performance.now();
  for (const [k, v] of batches)
    await sql.begin((tx) => tx.unsafe(insert, (minimal ? [k, v] : [k, v, now]) as never[], { prepare: true }));
  const seconds = (performance.now() - t) / 1000;
  await closeDatabase(db);
  return seconds;
}

const rawSeconds = await rawLoop("import-raw.sqlite", false);
const rawSortedSeconds = await rawLoop("import-raw-sorted.sqlite", true);
const floorSeconds = await rawLoop("import-raw-minimal.sqlite", true, true);

/** The reader thread alone, as the engine runs it, with every batch acknowledged at once. */
async function readerAlone(): Promise<number> {
  settleDisk();
  const t = performance.now();
  const worker = new Worker(new URL("../../src/imports/reader.ts", import.meta.url).href);
  await new Promise<void>((done, fail) => {
    worker.onmessage = (e: MessageEvent<ReaderMessage>) => {
      const m = e.data;
      if (m.type === "batch") worker.postMessage({ type: "ack" });
      else if (m.type === "end") done();
      else if (m.type !== "header") fail(new Error(JSON.stringify(m)));
    };
    worker.postMessage({
      type: "start",
      path: csv,
      kind: "suspects",
      skip: 0,
      batchRows: BATCH_ROWS,
    } satisfies ReaderStart);
  });
  worker.terminate();
  return (performance.now() - t) / 1000;
}
const readerSeconds = await readerAlone();

const rate = ROWS / engineSeconds;
const rawRate = ROWS / rawSeconds;
const rawSortedRate = ROWS / rawSortedSeconds;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const raw = PG_URL ? "raw postgres.js set-based insert (unnest)" : "raw bun:sqlite prepared-insert loop";
console.log(`engine ${ENGINE} · ${loadLine()}`);
console.log(
  `rows ${fmt(ROWS)}: imported ${fmt(rep.imported)}, merged ${fmt(rep.merged)}, rejected ${fmt(rep.rejected)} (${((rep.rejected / ROWS) * 100).toFixed(2)}%)`,
);
console.log(
  `engine (read + parse + normalise + merge + record): ${engineSeconds.toFixed(2)} s = ${fmt(rate)} rows/s (target ≥ ${fmt(TARGET)}) ${rate >= TARGET ? "OK" : "BELOW TARGET"}`,
);
console.log(`${raw}, same rows, file order:        ${rawSeconds.toFixed(2)} s = ${fmt(rawRate)} rows/s`);
console.log(`${raw}, each batch sorted (as engine): ${rawSortedSeconds.toFixed(2)} s = ${fmt(rawSortedRate)} rows/s`);
console.log(
  `the engine's halves apart: the reader thread alone (read + parse + normalise + sort, no writes): ${readerSeconds.toFixed(2)} s = ${fmt(ROWS / readerSeconds)} rows/s;`,
);
console.log(
  `  raw sorted loop into a bare (id, kind, value) table, same unique index: ${floorSeconds.toFixed(2)} s = ${fmt(ROWS / floorSeconds)} rows/s`,
);
console.log(
  `ratio engine / raw insert loop: ${(rate / rawRate).toFixed(2)} (file order), ${(rate / rawSortedRate).toFixed(2)} (sorted batches)`,
);
await dropBenchDatabases();
