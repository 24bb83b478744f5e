// Point-in-time recovery on PostgreSQL with its own tools (README: Point-in-time recovery): a
// cluster archiving its WAL, a base backup, Fanzha writing through its API, a named restore point,
// more writes; then the base backup replayed from the archive up to the point (and a copy of it up
// to a time). The rows reported before the point are back, the later ones are not, and the server
// opens on the recovered database and takes writes. Its own throwaway clusters, so it runs in both
// CI passes.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  archiveCurrentWal,
  archivingConf,
  type Cluster,
  freePort,
  pgTempDir,
  psqlValue,
  startCluster,
  startRecovery,
  takeBaseBackup,
} from "../pg-cluster";
import { runScript } from "../run-script";

const ROOT = join(import.meta.dir, "../..");
const made: Cluster[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of made) await c.destroy();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The environment a Fanzha process gets for the database `fanzha` on a cluster. */
function envFor(cluster: Cluster) {
  const dir = pgTempDir("fz-pitr-app-");
  dirs.push(dir);
  return {
    DATABASE_URL: cluster.url("fanzha"),
    DATABASE_PATH: join(dir, "never.sqlite"),
    BACKUP_DIR: join(dir, "backups"),
    BACKUP_EVERY_HOURS: "0",
    OUTBOX_DIR: join(dir, "outbox"),
    FANZHA_DEMO: "false",
    FANZHA_ADMIN_PASSWORD: "fz-pitr-Pw-5120-long",
    ACCESS_LOG: "false",
  };
}

async function cli(args: string[], env: Record<string, string>) {
  const r = await runScript("src/cli.ts", args, env);
  if (r.code !== 0) throw new Error(`cli ${args.join(" ")} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The server (src/main.ts) on a cluster's database, once it answers /healthz. */
async function server(env: Record<string, string>, token = "") {
  const port = String(await freePort());
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: port },
    stdout: "ignore",
    stderr: "pipe",
  });
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 150 && !up && proc.exitCode === null; i++) {
    await Bun.sleep(100);
    up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  }
  if (!up) throw new Error(`the server did not start: ${await new Response(proc.stderr).text()}`);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
  return {
    report: async (value: string) => {
      const r = await api("/suspects", { method: "POST", body: JSON.stringify({ value, source: "pitr-test" }) });
      expect(r.status).toBe(201);
    },
    flagged: async (value: string) => {
      const r = await api(`/lookup?value=${encodeURIComponent(value)}`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { flagged: boolean }).flagged;
    },
    stop: async () => {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    },
  };
}

test("a base backup and the archived WAL bring the database back to a named point or a time, not past it", async () => {
  const archive = pgTempDir("fz-pitr-archive-");
  dirs.push(archive);
  const primary = await startCluster({ conf: [...archivingConf(archive), "fsync = off"] });
  made.push(primary);

  // the nightly base backup, taken before the database even exists: WAL replays everything after
  const base = await takeBaseBackup(primary);
  dirs.push(join(base, ".."));
  // a second copy of it, for the recovery to a time (a recovery consumes the directory it runs in)
  const copy = join(pgTempDir("fz-pg-base-"), "data");
  dirs.push(join(copy, ".."));
  expect(Bun.spawnSync(["cp", "-a", base, copy]).exitCode).toBe(0);

  await psqlValue(primary, "create database fanzha");
  const env = envFor(primary);
  // the token is the command's last line
  const token = (await cli(["token", "create", "--name", "pitr", "--role", "agent"], env)).trim().split("\n").pop();
  const before = ["13800138001", "13800138002", "6222021234567890123"];
  const after = ["13800138003", "6222021234567890456"];

  const app = await server(env, token);
  for (const v of before) await app.report(v);
  // an operator marks the moment before a mistake; or the time is noted (recovery_target_time)
  await psqlValue(primary, "select pg_create_restore_point('fz-before')");
  const moment = await psqlValue(primary, "select clock_timestamp()");
  for (const v of after) await app.report(v);
  for (const v of [...before, ...after]) expect(await app.flagged(v)).toBe(true);
  await app.stop();
  await archiveCurrentWal(primary);
  await primary.stop();

  // the base backup's directory, replaying the archive up to the point, then promoted
  const recovered = await startRecovery({ data: base, archive, target: { name: "fz-before" } });
  made.push(recovered);
  expect(await psqlValue(recovered, "select pg_is_in_recovery()")).toBe("f");
  // a new timeline: the archive's history stays apart from what is written from now on
  const timeline = await psqlValue(recovered, "select substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)");
  expect(Number.parseInt(timeline, 16)).toBeGreaterThan(1);
  const values = await psqlValue(recovered, "select string_agg(value, ',' order by value) from suspects", "fanzha");
  expect(values.split(",")).toEqual(["+8613800138001", "+8613800138002", "6222021234567890123"]);

  const again = await server(envFor(recovered), token);
  for (const v of before) expect(await again.flagged(v)).toBe(true);
  for (const v of after) expect(await again.flagged(v)).toBe(false);
  // writable: the promoted database takes new reports (its sequences were replayed too)
  await again.report("13800138009");
  expect(await again.flagged("13800138009")).toBe(true);
  await again.stop();
  await recovered.destroy();

  // the same to a time: the commits up to it, none after
  const toTime = await startRecovery({ data: copy, archive, target: { time: moment } });
  made.push(toTime);
  expect(await psqlValue(toTime, "select string_agg(value, ',' order by value) from suspects", "fanzha")).toBe(values);
}, 90_000);
