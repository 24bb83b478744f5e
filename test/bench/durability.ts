// What DATABASE_SYNCHRONOUS costs: single-row audited writes (createSuspect: normalise, merge,
// record, audit, one transaction each, as POST /api/v1/suspects does) one after another into a
// fresh file database, with the background checkpointer as src/main.ts runs it; FULL and NORMAL
// alternate in the same run (NORMAL, FULL, NORMAL, FULL) so both see the same machine load.
//
//   bun test/bench/durability.ts
//   BENCH_WRITES=20000 bun test/bench/durability.ts
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { startCheckpointer } from "../../src/db/checkpointer";
import { openPlatform } from "../../src/platform";
import { createSuspect } from "../../src/suspects/service";

const WRITES = Number(process.env.BENCH_WRITES ?? 5000);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function run(synchronous: "FULL" | "NORMAL") {
  const dir = mkdtempSync(join(tmpdir(), "fanzha-bench-durability-"));
  try {
    const deps = await openPlatform(
      loadConfig({
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
    deps.db.$client.close();
    return { synchronous, rate: WRITES / secs, p50: pct(times, 50), p99: pct(times, 99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `${WRITES.toLocaleString()} single-row audited writes (createSuspect), one transaction each; load average ${loadavg()[0]!.toFixed(2)}`,
);
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
