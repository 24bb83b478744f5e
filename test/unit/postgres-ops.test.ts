// Operators on either engine: the CLI's user add → backup → restore round trip, restore's refusals,
// scheduled backups, and start-up. The engine is the suite's: PostgreSQL when DATABASE_URL is set
// (its second pass in CI; each test makes a database of its own there), else a SQLite file.
import { Database } from "bun:sqlite";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadConfig } from "../../src/config";
import { listBackups, pidFile, scheduledBackup } from "../../src/db/backup";
import { pgClient } from "../../src/db/pg";
import { freePort } from "../pg-cluster";
import { runScript } from "../run-script";

const ROOT = join(import.meta.dir, "../..");
const SERVER_URL = process.env.DATABASE_URL?.trim() || null;
const ENGINE = SERVER_URL ? "postgres" : "sqlite";
const PASSWORD = "fz-ops-Pw-7391-long";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fanzha-ops-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** PostgreSQL: the databases this file made, dropped at the end. */
const made: string[] = [];
let seq = 0;
const urlOf = (name: string) => {
  const u = new URL(SERVER_URL!);
  u.pathname = `/${name}`;
  return u.toString();
};
afterAll(async () => {
  if (!SERVER_URL || !made.length) return;
  const sql = pgClient(urlOf("postgres"), { max: 1 });
  for (const name of made) await sql.unsafe(`drop database if exists ${name} with (force)`);
  await sql.end();
});

/**
 * The database a test works on, on the suite's engine: the environment a CLI or server process
 * gets for it, and raw SQL on it from this process (closed after each call, so a restore sees no
 * other session).
 */
async function target() {
  const common = { BACKUP_DIR: join(dir, "backups"), OUTBOX_DIR: join(dir, "outbox"), FANZHA_DEMO: "false" };
  if (!SERVER_URL) {
    const path = join(dir, "fanzha.sqlite");
    const query = async <T>(text: string): Promise<T[]> => {
      const db = new Database(path);
      try {
        return db.query(text).all() as T[];
      } finally {
        db.close();
      }
    };
    return { env: { ...common, DATABASE_URL: "", DATABASE_PATH: path }, query, path };
  }
  const name = `pgops_${process.pid}_${++seq}`;
  const admin = pgClient(urlOf("postgres"), { max: 1 });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  made.push(name);
  const url = urlOf(name);
  const query = async <T>(text: string): Promise<T[]> => {
    const sql = pgClient(url, { max: 1 });
    try {
      return [...(await sql.unsafe(text))] as T[];
    } finally {
      await sql.end();
    }
  };
  // DATABASE_PATH names a file that must never appear: DATABASE_URL wins
  return { env: { ...common, DATABASE_URL: url, DATABASE_PATH: join(dir, "fanzha.sqlite") }, query, path: null };
}

const spawn = runScript;
const cli = (args: string[], env: Record<string, string>) => spawn("src/cli.ts", args, env);

const usernames = async (t: Awaited<ReturnType<typeof target>>) =>
  (await t.query<{ username: string }>("select username from users order by username")).map((r) => r.username);

/** A server on the target, serving; stopped by the returned function (SIGTERM), which gives its exit code and output. */
async function startServer(env: Record<string, string>) {
  const port = String(await freePort());
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: port, ACCESS_LOG: "false" },
    stdout: "pipe",
    stderr: "pipe",
  });
  let status = 0;
  for (let i = 0; i < 150 && status !== 200 && proc.exitCode === null; i++) {
    await Bun.sleep(200);
    status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
  }
  const stop = async () => {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    clearTimeout(timer);
    return { code, stdout, stderr };
  };
  return { status, stop };
}

const backupExt = ENGINE === "postgres" ? "pgdump" : "sqlite";

describe(`operators' command line (${ENGINE})`, () => {
  test("user add, backup, user add, restore: the backup's user is kept and the later one is gone", async () => {
    const t = await target();
    const add = (u: string) => cli(["user", "add", "--username", u, "--role", "admin", "--password", PASSWORD], t.env);
    const alice = await add("alice");
    expect(alice.stderr).toBe("");
    expect(alice.stdout).toContain("created user alice (admin)");
    expect(alice.code).toBe(0);

    const backup = await cli(["backup"], t.env);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`backup written and checked: ${join(dir, "backups")}/fanzha-\\d{8}-\\d{6}Z\\.${backupExt} \\(`),
    );
    const file = listBackups(join(dir, "backups"), backupExt)[0]!;
    expect(existsSync(file)).toBe(true);

    expect((await add("bob")).code).toBe(0);
    expect(await usernames(t)).toEqual(["alice", "bob"]);

    const restore = await cli(["restore", file], t.env);
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`restored ${file}`);
    expect(restore.stdout).toContain("the replaced database is kept as");
    expect(await usernames(t)).toEqual(["alice"]);
    // on PostgreSQL the SQLite file of DATABASE_PATH is never made: DATABASE_URL wins
    if (ENGINE === "postgres") expect(existsSync(join(dir, "fanzha.sqlite"))).toBe(false);

    // the restored database opens and works: a command after it (migrations apply, users are read)
    const token = await cli(["token", "create", "--name", "after-restore", "--role", "admin"], t.env);
    expect(token.stderr).toBe("");
    expect(token.code).toBe(0);
    expect(await usernames(t)).toEqual(["alice"]);
  }, 120_000);

  test("restore refuses a file that is not a backup, saying so, and changes nothing", async () => {
    const t = await target();
    expect(
      (await cli(["user", "add", "--username", "carol", "--role", "admin", "--password", PASSWORD], t.env)).code,
    ).toBe(0);
    const garbage = join(dir, `garbage.${backupExt}`);
    writeFileSync(garbage, "not a backup at all".repeat(1000));
    const r = await cli(["restore", garbage], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      ENGINE === "postgres"
        ? `${garbage} is not a pg_dump archive`
        : `${garbage} is damaged or not a database (file is not a database)`,
    );
    expect(r.stderr).toContain("nothing was changed");
    expect(r.stderr.trim().split("\n")).toHaveLength(1); // one line, no stack trace
    expect(await usernames(t)).toEqual(["carol"]);
  }, 60_000);

  test("restore refuses a backup written by a newer version of the code", async () => {
    const t = await target();
    expect(
      (await cli(["user", "add", "--username", "dave", "--role", "admin", "--password", PASSWORD], t.env)).code,
    ).toBe(0);
    // a migration this code does not know, as a newer version would have recorded it
    const table = ENGINE === "postgres" ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
    await t.query(`insert into ${table} (hash, created_at) values ('from-the-future', 4102444800000)`);
    const backup = await cli(["backup"], t.env);
    expect(backup.code).toBe(0);
    const file = listBackups(join(dir, "backups"), backupExt)[0]!;
    await t.query(`delete from ${table} where hash = 'from-the-future'`);
    const r = await cli(["restore", file], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("comes from a newer version of Fanzha");
    expect(r.stderr).toContain("nothing was changed");
  }, 60_000);

  test("restore refuses while a server runs on the database; the server stops cleanly on SIGTERM", async () => {
    const t = await target();
    const server = await startServer(t.env);
    expect(server.status).toBe(200);
    // SQLite marks the file with a pid file; PostgreSQL has none (several nodes, one database)
    if (t.path) expect(existsSync(pidFile(t.path))).toBe(true);
    else expect(readdirSync(dir).filter((n) => n.endsWith(".pid"))).toEqual([]);
    const backup = await cli(["backup"], t.env);
    expect(backup.code).toBe(0);
    const file = listBackups(join(dir, "backups"), backupExt)[0]!;
    const r = await cli(["restore", file], t.env);
    const stopped = await server.stop();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stop it first, then restore");
    expect(r.stderr).toContain("Nothing was changed");
    expect(stopped.stdout).toContain("SIGTERM: stopping");
    expect(stopped.code).toBe(0);
    if (t.path) expect(existsSync(pidFile(t.path))).toBe(false);
    expect(await usernames(t)).toEqual(["admin"]); // the server's first start made its admin
  }, 120_000);
});

describe(`scheduled backups (${ENGINE})`, () => {
  test("the job writes a timestamped backup of the engine's kind and keeps only BACKUP_KEEP", async () => {
    const t = await target();
    expect(
      (await cli(["user", "add", "--username", "erin", "--role", "admin", "--password", PASSWORD], t.env)).code,
    ).toBe(0);
    const backups = join(dir, "backups");
    const config = loadConfig({ ...t.env, BACKUP_EVERY_HOURS: "6", BACKUP_KEEP: "2" });
    const t0 = Date.parse("2026-12-04T00:00:00Z");
    const hour = 3_600_000;
    const got: (string | null)[] = [];
    for (const h of [0, 1, 6, 12]) got.push((await scheduledBackup(config, t0 + h * hour))?.path ?? null);
    expect(got.map((p) => p && basename(p))).toEqual([
      `fanzha-20261204-000000Z.${backupExt}`,
      null,
      `fanzha-20261204-060000Z.${backupExt}`,
      `fanzha-20261204-120000Z.${backupExt}`,
    ]);
    expect(readdirSync(backups).sort()).toEqual([
      `fanzha-20261204-060000Z.${backupExt}`,
      `fanzha-20261204-120000Z.${backupExt}`,
    ]);
    // and it restores: the newest holds the user
    expect((await cli(["restore", join(backups, `fanzha-20261204-120000Z.${backupExt}`)], t.env)).code).toBe(0);
    expect(await usernames(t)).toEqual(["erin"]);
  }, 120_000);
});

describe("a bad or unreachable DATABASE_URL", () => {
  const env = () => ({
    DATABASE_URL: "postgres://nobody:s3cret@127.0.0.1:1/x",
    DATABASE_PATH: join(dir, "never.sqlite"),
    OUTBOX_DIR: join(dir, "outbox"),
    BACKUP_DIR: join(dir, "backups"),
    PORT: "39519",
  });

  test("stops start-up with one line naming it, the password redacted, exit code 2", async () => {
    const r = await spawn("src/main.ts", [], env());
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("DATABASE_URL postgres://nobody:***@127.0.0.1:1/x: cannot connect");
    expect(r.stderr).not.toContain("s3cret");
    expect(existsSync(join(dir, "never.sqlite"))).toBe(false); // no fallback to the SQLite file
    expect(existsSync(pidFile(join(dir, "never.sqlite")))).toBe(false);
  }, 60_000);

  test("stops a CLI command the same way", async () => {
    const r = await cli(["user", "add", "--username", "x", "--role", "admin", "--password", PASSWORD], env());
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringContaining("DATABASE_URL postgres://nobody:***@127.0.0.1:1/x"),
    ]);
    const b = await cli(["backup"], env());
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("postgres://nobody:***@127.0.0.1:1/x");
    expect(b.stderr).not.toContain("s3cret");
  }, 60_000);

  test("a URL that is not postgres:// is refused as configuration, naming the variable", async () => {
    const r = await spawn("src/main.ts", [], { ...env(), DATABASE_URL: "mysql://x@127.0.0.1/x" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("DATABASE_URL");
    expect(r.stderr).toContain("must be a postgres:// URL");
  }, 60_000);
});
