// GET /api/v1/lookup under a real load tool (wrk) on loopback, against a database of
// BENCH_SUSPECTS suspects (half phones, half bank accounts), compared with two routes served by
// the same process in the same run and driven by the same script: a bare Hono JSON route, and a
// minimal lookup route (the same normalise and prepared read, then JSON, without middleware). The
// minimal route and the lookup take turns (BENCH_ROUNDS rounds), so a neighbour's load falls on
// both. The server is its own `bun` process (_lookup-server.ts) so its RSS is its own.
//
//   bun test/bench/lookup.ts                             # 1M suspects (database built once, ~10 s)
//   BENCH_SUSPECTS=10000000 bun test/bench/lookup.ts     # the issue's size (built once, ~2 min)
//   BENCH_SECONDS=10 BENCH_ROUNDS=2 BENCH_CONNECTIONS=16 BENCH_THREADS=1  # the load (defaults shown)
//
// Needs wrk (Debian: apt-get install -y wrk). The database is cached under bench-out/.
// Values asked for: 45% known phones and 45% known accounts in several written forms
// (+86 138-…, 138 0013 8000, 6222 0212 …), 10% numbers in no list.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Db, openDb } from "../../src/db";
import { openPostgres, pgClient } from "../../src/db/pg";
import { institutionIds, seedInstitutions } from "../../src/db/seed";
import { inferCarrier } from "../../src/domain/identifiers";

const N = Number(process.env.BENCH_SUSPECTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const OUT = join(import.meta.dir, "../../bench-out");
mkdirSync(OUT, { recursive: true });

if (Bun.spawnSync(["which", "wrk"]).exitCode !== 0) {
  console.error("wrk is not installed (Debian: apt-get install -y wrk)");
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The database: generated in index order, so building even 10M rows is a sweep

const HALF = Math.floor(N / 2);
const PHONE_BASE = 13_000_000_000; // 130… to 139…: Chinese mobile ranges
const PHONE_STEP = 37;
const ACCOUNT_BASE = 1_000_000_000_000; // 622202 (ICBC) + 13 digits: 19-digit cards
const ACCOUNT_STEP = 7919;
const phoneOf = (i: number) => String(PHONE_BASE + i * PHONE_STEP);
const accountOf = (i: number) => `622202${String(ACCOUNT_BASE + i * ACCOUNT_STEP).padStart(13, "0")}`;

// On PostgreSQL (DATABASE_URL set) the same rows go into a database of their own on that server,
// made once by generate_series; phones carry no inferred carrier there (the bank's token reads them alike)
async function postgresDatabase(url: string): Promise<string> {
  const name = `fz_bench_lookup_${N}`;
  const at = (db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
  const admin = pgClient(at("postgres"), { max: 1 });
  const known = await admin`select 1 from pg_database where datname = ${name}`;
  if (!known.length) {
    const t = performance.now();
    await admin.unsafe(`create database ${name}`);
    const db = await openPostgres(at(name));
    await seedInstitutions(db as unknown as Db);
    const icbc = (await institutionIds(db as unknown as Db)).get("ICBC")!;
    const now = Date.now();
    const risk = "(array['high','medium','low'])[i % 3 + 1]";
    await db.$client.unsafe(
      `insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, first_seen_at, last_seen_at, sightings)
       select 'phone', '+86' || (${PHONE_BASE}::bigint + i::bigint * ${PHONE_STEP})::text, null, 1, ${risk}, 'active', ${now}, ${now}, 1
         from generate_series(0, ${HALF - 1}) i`,
    );
    await db.$client.unsafe(
      `insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, first_seen_at, last_seen_at, sightings)
       select 'bank_account', '622202' || lpad((${ACCOUNT_BASE}::bigint + i::bigint * ${ACCOUNT_STEP})::text, 13, '0'), ${icbc}, 1, ${risk}, 'active', ${now}, ${now}, 1
         from generate_series(0, ${N - HALF - 1}) i`,
    );
    await db.$client.unsafe("vacuum analyze suspects");
    await db.$client.end();
    console.log(
      `built ${name} with ${N.toLocaleString("en")} suspects in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  await admin.end();
  return at(name);
}

const pgUrl = process.env.DATABASE_URL;
const dbPath = pgUrl ? await postgresDatabase(pgUrl) : join(OUT, `lookup-${N}.sqlite`);
if (!pgUrl && !existsSync(dbPath)) {
  const t = performance.now();
  const building = `${dbPath}.building`;
  for (const s of ["", "-wal", "-shm"]) rmSync(building + s, { force: true });
  const db = openDb(building);
  await seedInstitutions(db);
  const ids = await institutionIds(db);
  const c = db.$client;
  const insert = c.prepare(
    "insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, first_seen_at, last_seen_at, sightings) values (?, ?, ?, 1, ?, 'active', ?, ?, 1)",
  );
  const now = Date.now();
  const risks = ["high", "medium", "low"] as const;
  c.transaction(() => {
    // "+86…" sorts before "622…": phones first, then accounts, each ascending
    for (let i = 0; i < HALF; i++) {
      const n = phoneOf(i);
      const carrier = inferCarrier(n)?.carrier?.code;
      insert.run("phone", `+86${n}`, carrier ? ids.get(carrier)! : null, risks[i % 3]!, now, now);
    }
    const icbc = ids.get("ICBC")!;
    for (let i = 0; i < N - HALF; i++) insert.run("bank_account", accountOf(i), icbc, risks[i % 3]!, now, now);
  })();
  c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  c.close();
  renameSync(building, dbPath);
  for (const s of ["-wal", "-shm"]) rmSync(building + s, { force: true });
  console.log(
    `built ${dbPath} with ${N.toLocaleString("en")} suspects in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

// The file in the OS page cache, as a running server's would be (a cold 1 GB file at 10M suspects
// would measure the disk, not the lookup)
if (!pgUrl) for await (const _ of Bun.file(dbPath).stream());

// ---------------------------------------------------------------------------------------------
// The server, in its own process

const server = Bun.spawn(["bun", join(import.meta.dir, "_lookup-server.ts"), dbPath], {
  stdout: "pipe",
  stderr: "inherit",
});
const reader = server.stdout.getReader();
let banner = "";
while (!banner.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the server stopped before it was ready");
  banner += new TextDecoder().decode(value);
}
const [, port, token] = /^ready (\d+) (\S+)/.exec(banner)!;
const base = `http://127.0.0.1:${port}`;

// The same request generator drives both routes, so the load tool does the same work for each
const script = (path: string) =>
  `-- generated by test/bench/lookup.ts
local half = ${HALF}
local headers = { ["Authorization"] = "Bearer ${token}" }
local function phone()
  local n = tostring(${PHONE_BASE} + math.random(0, half - 1) * ${PHONE_STEP})
  local f = math.random(3)
  if f == 1 then return n end
  if f == 2 then return "%2B86%20" .. n:sub(1, 3) .. "-" .. n:sub(4, 7) .. "-" .. n:sub(8) end
  return n:sub(1, 3) .. "%20" .. n:sub(4, 7) .. "%20" .. n:sub(8)
end
local function account()
  local a = "622202" .. string.format("%013.0f", ${ACCOUNT_BASE} + math.random(0, half - 1) * ${ACCOUNT_STEP})
  if math.random(2) == 1 then return a end
  return a:sub(1, 4) .. "%20" .. a:sub(5, 8) .. "%20" .. a:sub(9, 12) .. "%20" .. a:sub(13, 16) .. "%20" .. a:sub(17)
end
local function miss()
  if math.random(2) == 1 then return tostring(15900000000 + math.random(0, 99999999)) end
  return "621700" .. string.format("%013.0f", math.random(0, 999999999) * 1000 + 7)
end
request = function()
  local r = math.random()
  local v
  if r < 0.45 then v = phone() elseif r < 0.9 then v = account() else v = miss() end
  return wrk.format("GET", "${path}?value=" .. v, headers)
end
`;
const lua = join(OUT, "lookup.lua");
const bareLua = join(OUT, "bare.lua");
const minimalLua = join(OUT, "minimal.lua");
await Bun.write(lua, script("/api/v1/lookup"));
await Bun.write(bareLua, script("/bare"));
await Bun.write(minimalLua, script("/minimal"));

// one request of each kind first: the benchmark measures answers, not errors
for (const path of ["/api/v1/lookup", "/minimal"]) {
  for (const v of [`+86${phoneOf(1)}`, accountOf(1), "15900000001"]) {
    const res = await fetch(`${base}${path}?value=${encodeURIComponent(v)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`${path} ${v}: ${res.status} ${await res.text()}`);
  }
}

type Run = { rps: number; p50: number; p99: number; non2xx: number };
function wrk(path: string, seconds: number, script?: string): Run {
  const args = [
    "wrk",
    `-t${THREADS}`,
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    "--latency",
    ...(script ? ["-s", script] : []),
    `${base}${path}`,
  ];
  const p = Bun.spawnSync(args);
  const out = p.stdout.toString();
  if (p.exitCode !== 0) throw new Error(`wrk failed: ${p.stderr.toString()}`);
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(out);
    if (!m) throw new Error(`no ${label}% latency in wrk output:\n${out}`);
    return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    p50: ms("50"),
    p99: ms("99"),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

// warm-up: page cache, JIT
wrk("/api/v1/lookup", 3, lua);
wrk("/minimal", 3, minimalLua);
const bare = wrk("/bare", SECONDS, bareLua);
const rounds: { minimal: Run; look: Run }[] = [];
for (let i = 0; i < ROUNDS; i++)
  rounds.push({ minimal: wrk("/minimal", SECONDS, minimalLua), look: wrk("/api/v1/lookup", SECONDS, lua) });
const mem = rssMb(server.pid);
server.kill();
await server.exited;

/** The rounds together: mean rate and median, the worst p99. */
const together = (runs: Run[]): Run => ({
  rps: runs.reduce((a, r) => a + r.rps, 0) / runs.length,
  p50: runs.reduce((a, r) => a + r.p50, 0) / runs.length,
  p99: Math.max(...runs.map((r) => r.p99)),
  non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
});
const minimal = together(rounds.map((r) => r.minimal));
const look = together(rounds.map((r) => r.look));
const ratio = look.rps / minimal.rps;
const ok = (b: boolean) => (b ? "OK" : "MISSED");
const line = (r: Run) =>
  `${Math.round(r.rps).toLocaleString("en")} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.non2xx ? `, ${r.non2xx} non-2xx!` : ""}`;
console.log(
  `engine ${pgUrl ? "PostgreSQL" : "SQLite"} · suspects ${N.toLocaleString("en")} · wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s on loopback · ${ROUNDS} rounds of minimal route then lookup`,
);
console.log(`bare Hono JSON route:  ${line(bare)}`);
console.log(`minimal lookup route:  ${line(minimal)}`);
console.log(`GET /api/v1/lookup:    ${line(look)}`);
console.log(`rounds (lookup / minimal): ${rounds.map((r) => (r.look.rps / r.minimal.rps).toFixed(2)).join(", ")}`);
console.log(
  `ratio lookup / minimal route: ${ratio.toFixed(2)} (target ≥ 0.7) ${ok(ratio >= 0.7)} · ratio lookup / bare: ${(look.rps / bare.rps).toFixed(2)}`,
);
console.log(`lookup p99: ${look.p99.toFixed(2)} ms (target ≤ 5 ms) ${ok(look.p99 <= 5)}`);
console.log(
  `server RSS: ${mem.rss.toFixed(0)} MB now, ${mem.peak.toFixed(0)} MB peak (target ≤ 300 MB) ${ok(mem.peak <= 300)}`,
);
if (look.non2xx || minimal.non2xx) process.exit(1);
