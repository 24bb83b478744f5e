// What DATABASE_SYNCHRONOUS costs: single-row audited writes (createSuspect: normalise, merge,
// record, audit, one transaction each, as POST /api/v1/suspects does) one after another into a
// fresh file database, with the background checkpointer as src/main.ts runs it; FULL and NORMAL
// alternate in the same run (NORMAL, FULL, NORMAL, FULL) so both see the same machine load.
//
//   bun test/bench/durability.ts
//   BENCH_WRITES=20000 bun test/bench/durability.ts
//   DATABASE_URL=postgres://… bun test/bench/durability.ts
//
// On PostgreSQL the same writes go to a fresh database of their own on that server, with
// synchronous_commit off and on in turn (its counterpart of NORMAL and FULL: off answers before the
// commit's WAL is flushed); the server's fsync setting is printed, as fsync=off makes both alike.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { closeDatabase } from "../../src/db";
import { startCheckpointer } from "../../src/db/checkpointer";
import { openPlatform } from "../../src/platform";
import { createSuspect } from "../../src/suspects/service";
import { sqlOne, sqlRun } from "../helpers";
import { benchDatabase, dropBenchDatabases, ENGINE, PG_URL } from "./_engine";

const WRITES = Number(process.env.BENCH_WRITES ?? 5000);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function run(synchronous: "FULL" | "NORMAL") {
  const dir = mkdtempSync(join(tmpdir(), "fanzha-bench-durability-"));
  try {
    const url = PG_URL ? await benchDatabase(`durability_${synchronous.toLowerCase()}`) : undefined;
    if (url) {
      // set for the database before the platform's connections open
      const setup = await openPlatform(loadConfig({ DATABASE_URL: url, OUTBOX_DIR: join(dir, "outbox") }));
      const name = new URL(url).pathname.slice(1);
      await sqlRun(
        setup.db,
        `alter database ${name} set synchronous_commit = ${synchronous === "FULL" ? "on" : "off"}`,
      );
      await closeDatabase(setup.db);
    }
    const deps = await openPlatform(
      loadConfig({
        DATABASE_URL: url,
        DATABASE_PATH: join(dir, "d.sqlite"),
        OUTBOX_DIR: join(dir, "outbox"),
        DATABASE_SYNCHRONOUS: synchronous,
      }),
    );
    const stop = startCheckpointer(deps.db, deps.config.databasePath);
    const who = { actor: null, ip: "bench", at: Date.now(), label: "bench" };
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < WRITES; i++) {
      const t = performance.now();
      await createSuspect(deps.db, who, { value: `138${String(i).padStart(8, "0")}`, kind: "phone", source: "bench" });
      times.push(performance.now() - t);
    }
    const secs = (performance.now() - t0) / 1000;
    stop();
    await closeDatabase(deps.db);
    await dropBenchDatabases();
    return { synchronous, rate: WRITES / secs, p50: pct(times, 50), p99: pct(times, 99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `${WRITES.toLocaleString()} single-row audited writes (createSuspect), one transaction each; engine ${ENGINE}; load average ${loadavg()[0]!.toFixed(2)}`,
);
if (PG_URL) {
  const probe = await openPlatform(loadConfig({ DATABASE_URL: await benchDatabase("durability_probe") }));
  const fsync = (await sqlOne<{ fsync: string }>(probe.db, "show fsync"))!.fsync;
  await closeDatabase(probe.db);
  await dropBenchDatabases();
  console.log(
    `PostgreSQL: NORMAL below is synchronous_commit=off, FULL synchronous_commit=on; the server runs with fsync=${fsync}${fsync === "off" ? " (nothing is flushed: both alike)" : ""}`,
  );
}
const results: Awaited<ReturnType<typeof run>>[] = [];
for (const s of ["NORMAL", "FULL", "NORMAL", "FULL"] as const) results.push(await run(s));
for (const r of results)
  console.log(
    `synchronous=${r.synchronous.padEnd(6)} ${Math.round(r.rate).toLocaleString().padStart(7)} writes/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`,
  );
const best = (s: string) => Math.max(...results.filter((r) => r.synchronous === s).map((r) => r.rate));
console.log(
  `FULL / NORMAL (best of two each): ${(best("FULL") / best("NORMAL")).toFixed(2)}; load average now ${loadavg()[0]!.toFixed(2)}`,
);
