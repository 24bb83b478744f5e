import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadConfig } from "../../src/config";
import { type Db, openDb } from "../../src/db";
import {
  BackupError,
  backupInWorker,
  backupName,
  backupTo,
  checkAtStart,
  DamagedDatabaseError,
  listBackups,
  pidFile,
  restoreFrom,
  scheduledBackup,
} from "../../src/db/backup";
import { JOBS } from "../../src/jobs";
import { openPlatform } from "../../src/platform";
import { sqlRun } from "../helpers";
import { freePort } from "../pg-cluster";
import { runScript } from "../run-script";

let dir: string;
const open: Db[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fanzha-backup-"));
});
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A migrated Fanzha database at `path` with `rows` suspects in it. */
function fanzhaDb(path: string, rows = 100): Db {
  const db = openDb(path);
  open.push(db);
  const ins = db.$client.prepare(
    "insert into suspects (kind, value, first_seen_at, last_seen_at) values ('phone', ?, 1, 1)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(`+8613${String(++seq).padStart(9, "0")}`);
  })();
  return db;
}

const suspectsOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.query("select id, value from suspects order by id").all() as { id: number; value: string }[];
  } finally {
    db.close();
  }
};

/** A copy of `src` (a backup: no log) with three pages in the middle overwritten: the header still reads as SQLite. */
function damagedCopy(src: string, dest: string) {
  copyFileSync(src, dest);
  const bytes = readFileSync(dest);
  const at = Math.floor(bytes.length / 4096 / 2) * 4096;
  for (let i = at; i < at + 3 * 4096 && i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  writeFileSync(dest, bytes);
  for (const s of ["-wal", "-shm"]) rmSync(dest + s, { force: true }); // or SQLite reads the sound pages from the log
}

describe("backup and restore", () => {
  test("a backup taken while another connection writes restores to exactly the data of one commit", async () => {
    const live = join(dir, "live.sqlite");
    const db = fanzhaDb(live, 2000);
    const ins = db.$client.prepare(
      "insert into suspects (kind, value, first_seen_at, last_seen_at) values ('bank_account', ?, 2, 2)",
    );
    let written = 0;
    let done = false;
    const copying = backupInWorker(live, join(dir, "b.sqlite")).finally(() => (done = true));
    while (!done) {
      ins.run(`6222020000${String(written++).padStart(9, "0")}`); // one commit each, as requests do
      if (written % 20 === 0) await Bun.sleep(0);
    }
    const result = await copying;
    expect(written).toBeGreaterThan(0);
    expect(result.bytes).toBeGreaterThan(0);

    const restored = join(dir, "restored", "fanzha.sqlite");
    restoreFrom(result.path, restored, Date.now());
    const got = suspectsOf(restored);
    const liveRows = suspectsOf(live);
    // a prefix of the live rows, without holes: the database as of one commit
    expect(got.length).toBeGreaterThanOrEqual(2000);
    expect(got).toEqual(liveRows.slice(0, got.length));
    expect(got.at(-1)!.id).toBe(got.length);
    // and it opens as a Fanzha database
    const reopened = openDb(restored);
    open.push(reopened);
    expect(reopened.$client.query("PRAGMA integrity_check").values()[0]![0] as string).toBe("ok");
  });

  test("restore moves the replaced database and its write-ahead log aside, so the old log is not replayed into the backup", async () => {
    const source = join(dir, "source.sqlite");
    fanzhaDb(source, 10).$client.close();
    open.length = 0;
    const backup = join(dir, "b.sqlite");
    backupTo(source, backup);

    // the live database with commits still in its WAL (as after a kill -9)
    const live = join(dir, "live.sqlite");
    const db = fanzhaDb(live, 5);
    await sqlRun(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0");
    db.$client
      .prepare(
        "insert into suspects (kind, value, first_seen_at, last_seen_at) values ('phone', '+8613999999999', 1, 1)",
      )
      .run();
    const wal = readFileSync(live + "-wal");
    expect(wal.length).toBeGreaterThan(0);
    open.length = 0;
    db.$client.close(); // checkpoints and deletes the WAL: put the uncheckpointed one back
    writeFileSync(live + "-wal", wal);

    const at = Date.parse("2026-12-04T12:00:00Z");
    const { keptAside } = restoreFrom(backup, live, at);
    expect(keptAside).toBe(`${live}.before-restore-20261204-120000Z`);
    expect(existsSync(live + "-wal")).toBe(false);
    expect(suspectsOf(live)).toEqual(suspectsOf(source));
    // the replaced database keeps its own log: all 6 of its rows
    expect(suspectsOf(keptAside!).map((r) => r.value)).toContain("+8613999999999");
    expect(suspectsOf(keptAside!)).toHaveLength(6);
  });

  test("restore refuses a damaged backup and leaves the live database untouched", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 3000).$client.close();
    open.length = 0;
    const before = readFileSync(live);
    const good = join(dir, "good.sqlite");
    backupTo(live, good);
    const bad = join(dir, "bad.sqlite");
    damagedCopy(good, bad);

    expect(() => restoreFrom(bad, live, Date.now())).toThrow(/is damaged or not a database.*nothing was changed/);
    expect(readFileSync(live).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes("before-restore") || f.includes("restoring"))).toEqual([]);
  });

  test("restore refuses a file that is not a database", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 1);
    const garbage = join(dir, "garbage.sqlite");
    writeFileSync(garbage, Buffer.alloc(65536, 0x5a));
    expect(() => restoreFrom(garbage, live, Date.now())).toThrow(/file is not a database/);
  });

  test("restore refuses a SQLite database that is not Fanzha's", () => {
    const other = join(dir, "other.sqlite");
    const db = new Database(other);
    db.exec("create table t (x); insert into t values (1)");
    db.close();
    expect(() => restoreFrom(other, join(dir, "live.sqlite"), Date.now())).toThrow(/not a Fanzha one/);
    expect(existsSync(join(dir, "live.sqlite"))).toBe(false);
  });

  test("restore refuses a backup written by a newer version of the code", () => {
    const newer = join(dir, "newer.sqlite");
    const db = fanzhaDb(newer, 1);
    db.$client
      .prepare("insert into __drizzle_migrations (hash, created_at) values ('future', ?)")
      .run(Date.parse("2099-01-01"));
    expect(() => restoreFrom(newer, join(dir, "live.sqlite"), Date.now())).toThrow(/newer version of Fanzha/);
  });

  test("restore refuses while a live server's pid file is next to the database", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 1).$client.close();
    open.length = 0;
    const backup = join(dir, "b.sqlite");
    backupTo(live, backup);
    writeFileSync(pidFile(live), `${process.ppid}\n`); // a process that is certainly alive
    expect(() => restoreFrom(backup, live, Date.now())).toThrow(
      new RegExp(`server \\(pid ${process.ppid}\\) is running`),
    );
    expect(readdirSync(dir).some((f) => f.includes("before-restore"))).toBe(false);
  });

  test("a pid file left by a killed server does not block restore", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 1).$client.close();
    open.length = 0;
    const backup = join(dir, "b.sqlite");
    backupTo(live, backup);
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(pidFile(live), `${dead}\n`);
    expect(restoreFrom(backup, live, Date.now()).keptAside).toContain("before-restore");
  });

  test("a backup never overwrites an existing file", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 1);
    writeFileSync(join(dir, "taken.sqlite"), "mine");
    expect(() => backupTo(live, join(dir, "taken.sqlite"))).toThrow(BackupError);
    expect(readFileSync(join(dir, "taken.sqlite"), "utf8")).toBe("mine");
  });
});

describe("operators' command line", () => {
  // these are SQLite's files, whatever the suite's engine
  const cli = (args: string[], env: Record<string, string>) =>
    runScript("src/cli.ts", args, { DATABASE_URL: "", ...env }, 20_000);

  test("cli backup prints the checked copy's path and size; cli restore of a garbage file exits non-zero saying why", async () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 10);
    const env = { DATABASE_PATH: live, BACKUP_DIR: join(dir, "backups"), OUTBOX_DIR: join(dir, "outbox") };
    const backup = await cli(["backup"], env);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`backup written and checked: ${join(dir, "backups")}/fanzha-\\d{8}-\\d{6}Z\\.sqlite \\(\\d+\\.\\d MB`),
    );
    writeFileSync(join(dir, "garbage.sqlite"), "not a database at all".repeat(1000));
    const before = readFileSync(live);
    const restore = await cli(["restore", join(dir, "garbage.sqlite")], env);
    expect(restore.code).not.toBe(0);
    expect(restore.stderr).toContain("is damaged or not a database (file is not a database); nothing was changed");
    expect(readFileSync(live).equals(before)).toBe(true);
  }, 30_000);
});

describe("start-up check", () => {
  test("a damaged database stops start-up with the restore command for the newest backup", () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 3000).$client.close();
    open.length = 0;
    const backups = join(dir, "backups");
    backupTo(live, join(backups, backupName(Date.parse("2026-12-01T00:00:00Z"))));
    backupTo(live, join(backups, backupName(Date.parse("2026-12-03T06:00:00Z"))));
    damagedCopy(join(backups, backupName(Date.parse("2026-12-03T06:00:00Z"))), live);

    let err: unknown;
    try {
      checkAtStart(live, backups);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DamagedDatabaseError);
    expect((err as Error).message).toContain("failed its start-up check");
    expect((err as Error).message).toContain(
      `npm run cli -- restore ${join(backups, "fanzha-20261203-060000Z.sqlite")}`,
    );
  });

  test("a sound database and a missing one pass the start-up check", () => {
    const live = join(dir, "live.sqlite");
    checkAtStart(live, dir);
    expect(existsSync(live)).toBe(false); // the check never creates it
    fanzhaDb(live, 10);
    checkAtStart(live, dir);
  });

  test("the server process refuses to start on a damaged database and exits non-zero", async () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 3000);
    const backup = join(dir, "b.sqlite");
    backupTo(live, backup);
    damagedCopy(backup, live);
    const proc = Bun.spawn([process.execPath, "src/main.ts"], {
      cwd: join(import.meta.dir, "../.."),
      env: {
        ...process.env,
        DATABASE_URL: "",
        DATABASE_PATH: live,
        BACKUP_DIR: join(dir, "none"),
        OUTBOX_DIR: join(dir, "outbox"),
        PORT: "39517",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill(), 20_000);
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    clearTimeout(timer);
    expect(code).toBe(3);
    expect(stderr).toContain("failed its start-up check");
    expect(stderr).toContain("npm run cli -- restore FILE");
  }, 30_000);

  test("a first start creates the database's folder, then serves", async () => {
    const live = join(dir, "not-yet", "fanzha.sqlite");
    const port = await freePort(); // a fixed one may be a client socket's ephemeral port by then
    const proc = Bun.spawn([process.execPath, "src/main.ts"], {
      cwd: join(import.meta.dir, "../.."),
      env: {
        ...process.env,
        DATABASE_URL: "",
        DATABASE_PATH: live,
        FANZHA_DEMO: "false",
        ACCESS_LOG: "false",
        BACKUP_DIR: join(dir, "backups"),
        OUTBOX_DIR: join(dir, "outbox"),
        PORT: String(port),
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200 && proc.exitCode === null; i++) {
        await Bun.sleep(200);
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status).toBe(200);
      expect(existsSync(pidFile(live))).toBe(true);
    } finally {
      proc.kill();
      await proc.exited;
    }
  }, 30_000);
});

describe("scheduled backups", () => {
  test("a backup is made when the newest is BACKUP_EVERY_HOURS old, and only the BACKUP_KEEP newest are kept (with no dead partial copy)", async () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 10);
    const backups = join(dir, "backups");
    const config = loadConfig({ DATABASE_PATH: live, BACKUP_DIR: backups, BACKUP_EVERY_HOURS: "6", BACKUP_KEEP: "3" });
    mkdirSync(backups);
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(join(backups, `fanzha-20261203-000000Z.sqlite.partial-${dead}`), "half a copy"); // its process died mid-copy
    writeFileSync(join(backups, "notes.txt"), "an operator's file");
    const t0 = Date.parse("2026-12-04T00:00:00Z");
    const hour = 3_600_000;
    const made: (string | null)[] = [];
    for (const h of [0, 1, 5, 6, 12, 13, 18, 24])
      made.push((await scheduledBackup(config, t0 + h * hour))?.path ?? null);
    expect(made.map((p) => p && basename(p))).toEqual([
      "fanzha-20261204-000000Z.sqlite",
      null,
      null,
      "fanzha-20261204-060000Z.sqlite",
      "fanzha-20261204-120000Z.sqlite",
      null,
      "fanzha-20261204-180000Z.sqlite",
      "fanzha-20261205-000000Z.sqlite",
    ]);
    expect(listBackups(backups).map((p) => basename(p))).toEqual([
      "fanzha-20261205-000000Z.sqlite",
      "fanzha-20261204-180000Z.sqlite",
      "fanzha-20261204-120000Z.sqlite",
    ]);
    expect(readdirSync(backups).sort()).toEqual([
      "fanzha-20261204-120000Z.sqlite",
      "fanzha-20261204-180000Z.sqlite",
      "fanzha-20261205-000000Z.sqlite",
      "notes.txt",
    ]);
  });

  test("BACKUP_EVERY_HOURS=0 makes no backups", async () => {
    const live = join(dir, "live.sqlite");
    fanzhaDb(live, 1);
    const config = loadConfig({ DATABASE_PATH: live, BACKUP_DIR: join(dir, "b"), BACKUP_EVERY_HOURS: "0" });
    expect(await scheduledBackup(config, Date.now())).toBeNull();
    expect(existsSync(join(dir, "b"))).toBe(false);
  });

  test("the backup job is among the server's timer jobs", () => {
    expect(JOBS.map((j) => j.name)).toContain("backup");
  });
});

describe("settings", () => {
  test("defaults: synchronous FULL, backups every 6 hours into ./data/backups, 12 kept", () => {
    const c = loadConfig({});
    expect(c.databaseSynchronous).toBe("FULL");
    expect(c.backup).toEqual({ dir: "./data/backups", everyMs: 6 * 3_600_000, keep: 12 });
  });

  test("DATABASE_SYNCHRONOUS accepts FULL or NORMAL and refuses anything else naming the variable", () => {
    expect(loadConfig({ DATABASE_SYNCHRONOUS: "NORMAL" }).databaseSynchronous).toBe("NORMAL");
    expect(() => loadConfig({ DATABASE_SYNCHRONOUS: "OFF" })).toThrow(/DATABASE_SYNCHRONOUS/);
  });

  test("backup settings out of range are refused naming the variable", () => {
    expect(() => loadConfig({ BACKUP_EVERY_HOURS: "-1" })).toThrow(/BACKUP_EVERY_HOURS/);
    expect(() => loadConfig({ BACKUP_KEEP: "0" })).toThrow(/BACKUP_KEEP/);
    expect(loadConfig({ BACKUP_EVERY_HOURS: "0.5", BACKUP_KEEP: "48" }).backup).toEqual({
      dir: "./data/backups",
      everyMs: 1_800_000,
      keep: 48,
    });
  });

  test("the connection uses the configured synchronous level", async () => {
    const pragma = async (value?: string) => {
      const deps = await openPlatform(
        loadConfig({
          DATABASE_PATH: join(dir, `s-${value}.sqlite`),
          OUTBOX_DIR: join(dir, "outbox"),
          DATABASE_SYNCHRONOUS: value,
        }),
      );
      open.push(deps.db);
      return deps.db.$client.query("PRAGMA synchronous").values()[0]![0];
    };
    expect(await pragma(undefined)).toBe(2); // FULL
    expect(await pragma("NORMAL")).toBe(1);
  });
});
