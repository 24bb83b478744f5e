// Backups, restore and the start-up check. A backup is SQLite's own consistent snapshot (VACUUM
// INTO from a read-only connection of its own; a plain copy of the files under writes was corrupt
// 3 times in 32), written under a temporary name, integrity-checked, synced, then renamed, so a
// file with a backup's name is always a whole, checked one.
import { Database } from "bun:sqlite";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Config } from "../config";
import { MIGRATIONS } from ".";

// CLI and start-up errors: printed and the process stops; they never reach HTTP, so they are no AppError.
/** A backup or restore that cannot be done; the message says why and that nothing was changed. */
export class BackupError extends Error {}
/** The database failed its start-up check; the message says how to restore. */
export class DamagedDatabaseError extends Error {}

export type BackupResult = { path: string; bytes: number; ms: number };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** What a check found, as lines, without SQLite's "*** in database main ***" heading. */
const lines = (problems: string[]) => problems.flatMap((p) => p.split("\n")).filter((l) => l && !l.startsWith("***"));
const brief = (problems: string[]) => lines(problems).slice(0, 3).join("; ");

/** 2026-12-04T12:29:05.123Z → 20261204-122905Z: sorts as it reads. */
const stamp = (at: number) =>
  new Date(at)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace("T", "-")
    .replace(/\.\d+Z$/, "Z");
/** What a backup file holds: SQLite's copy of the file, or PostgreSQL's pg_dump archive (custom format). */
type BackupKind = "sqlite" | "pgdump";
const backupPattern = (kind: BackupKind) =>
  new RegExp(`^fanzha-(\\d{4})(\\d\\d)(\\d\\d)-(\\d\\d)(\\d\\d)(\\d\\d)Z\\.${kind}$`);
export const backupName = (at: number, kind: BackupKind = "sqlite") => `fanzha-${stamp(at)}.${kind}`;

function takenAt(path: string, kind: BackupKind): number {
  const m = backupPattern(kind).exec(path.slice(path.lastIndexOf("/") + 1))!;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Scheduled (and dir-less CLI) backups in `dir`, newest first; other files there are never touched. */
export function listBackups(dir: string, kind: BackupKind = "sqlite"): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = backupPattern(kind);
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
}

function syncPath(path: string) {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `PRAGMA integrity_check` (or `quick_check`) of a file: [] when it is sound, else what is wrong. */
function problemsOf(path: string, check: "integrity_check" | "quick_check", readonly = true): string[] {
  let db: Database | undefined;
  try {
    db = readonly ? new Database(path, { readonly: true }) : new Database(path, { readwrite: true, create: false });
    const rows = db
      .query(`PRAGMA ${check}`)
      .values()
      .map((r) => String(r[0]));
    return rows.length === 1 && rows[0] === "ok" ? [] : rows;
  } catch (e) {
    return [message(e)]; // "file is not a database", "database disk image is malformed"
  } finally {
    db?.close();
  }
}

/**
 * A consistent copy of the database at `source` in `dest`, while a server may be writing to it:
 * VACUUM INTO reads one snapshot (WAL included), so the copy is the database as of one commit.
 */
export function backupTo(source: string, dest: string): BackupResult {
  if (source === ":memory:") throw new BackupError("an in-memory database cannot be backed up");
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  if (existsSync(dest))
    throw new BackupError(`${dest} already exists; a backup never overwrites a file, choose a new name`);
  mkdirSync(dirname(resolve(dest)), { recursive: true });
  const partial = `${dest}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const t0 = performance.now();
  const db = new Database(source, { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.run("VACUUM INTO ?", [partial]);
  } catch (e) {
    rmSync(partial, { force: true });
    throw new BackupError(`the backup of ${source} failed: ${message(e)}`);
  } finally {
    db.close();
  }
  const problems = problemsOf(partial, "integrity_check");
  if (problems.length) {
    rmSync(partial, { force: true });
    throw new BackupError(
      `the copy of ${source} failed its integrity check (${brief(problems)}); no backup was written`,
    );
  }
  syncPath(partial); // VACUUM INTO does not sync its output
  renameSync(partial, dest);
  syncPath(dirname(resolve(dest)));
  return { path: resolve(dest), bytes: statSync(dest).size, ms: performance.now() - t0 };
}

/** The same copy from a worker thread, for the server: the event loop keeps answering meanwhile. */
export function backupInWorker(source: string, dest: string): Promise<BackupResult> {
  const worker = new Worker(new URL("./backup-worker.ts", import.meta.url).href);
  return new Promise<BackupResult>((done, fail) => {
    worker.onmessage = (e: MessageEvent<{ result: BackupResult } | { error: string }>) => {
      worker.terminate();
      if ("result" in e.data) done(e.data.result);
      else fail(new BackupError(e.data.error));
    };
    worker.onerror = (e) => {
      worker.terminate();
      fail(new BackupError(e.message));
    };
    worker.postMessage({ source, dest });
  });
}

/**
 * Whether `file` can be restored: sound (integrity_check), a Fanzha database (drizzle's migrations
 * table) and not from a newer version of the code (no migration later than ours).
 */
function checkBackup(file: string): { migrations: number } {
  if (!existsSync(file)) throw new BackupError(`no file at ${file}`);
  const problems = problemsOf(file, "integrity_check");
  if (problems.length)
    throw new BackupError(`${file} is damaged or not a database (${brief(problems)}); nothing was changed`);
  const db = new Database(file, { readonly: true });
  try {
    if (!db.query("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get()) {
      throw new BackupError(
        `${file} is a SQLite database but not a Fanzha one (it has no migrations table); nothing was changed`,
      );
    }
    const { n, at } = db.query("select count(*) as n, max(created_at) as at from __drizzle_migrations").get() as {
      n: number;
      at: number | null;
    };
    const ours = readMigrationFiles({ migrationsFolder: MIGRATIONS }).at(-1)?.folderMillis ?? 0;
    if ((at ?? 0) > ours)
      throw new BackupError(
        `${file} comes from a newer version of Fanzha (its schema has migrations this code does not know); nothing was changed`,
      );
    return { migrations: n };
  } finally {
    db.close();
  }
}

// A running server is recognised by its pid file next to the database (written at start, removed
// at stop; after a kill -9 the pid is dead and the file is ignored). SQLite's own locks cannot
// tell: an idle WAL connection holds no lock on the database file another process could test.
export const pidFile = (dbPath: string) => `${dbPath}.pid`;

/** The pid of a live server on `dbPath`, if any. */
function serverPid(dbPath: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dbPath), "utf8").trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/** The server marks the database as in use; the returned function unmarks it. */
export function claimPidFile(dbPath: string): () => void {
  if (dbPath === ":memory:") return () => {};
  mkdirSync(dirname(resolve(dbPath)), { recursive: true }); // a first start: the database's folder is not there yet
  writeFileSync(pidFile(dbPath), `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(pidFile(dbPath), "utf8").trim() === String(process.pid)) rmSync(pidFile(dbPath));
    } catch {
      // already gone
    }
  };
}

/**
 * Replaces the database at `dbPath` with the backup `file`, after checking the backup and that no
 * server is running on it. The replaced database and its -wal/-shm move aside together (a WAL
 * belongs to its own database file: left behind, it would be replayed into the restored one).
 */
export function restoreFrom(file: string, dbPath: string, at: number): { keptAside: string | null; bytes: number } {
  if (dbPath === ":memory:") throw new BackupError("DATABASE_PATH is :memory:; there is no file to restore into");
  if (resolve(file) === resolve(dbPath)) throw new BackupError(`${file} is the live database itself`);
  checkBackup(file);
  const pid = serverPid(dbPath);
  if (pid) {
    throw new BackupError(
      `a Fanzha server (pid ${pid}) is running on ${dbPath}; stop it first, then restore. Nothing was changed. (If no server is running, remove ${pidFile(dbPath)}.)`,
    );
  }
  // a fresh copy through the same path as a backup: consistent, checked again, synced
  const incoming = `${dbPath}.restoring`;
  rmSync(incoming, { force: true });
  const { bytes } = backupTo(file, incoming);
  const aside = `${dbPath}.before-restore-${stamp(at)}`;
  const hadDb = existsSync(dbPath);
  for (const suffix of ["", "-wal", "-shm", "-journal"])
    if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, aside + suffix);
  renameSync(incoming, dbPath);
  syncPath(dirname(resolve(dbPath)));
  return { keptAside: hadDb ? aside : null, bytes };
}

/**
 * Start-up check: `PRAGMA quick_check` of an existing database (reads every page, without the
 * index cross-checks of integrity_check): 49 ms for the 19 MB demo database, 1.0-1.1 s for 1M
 * suspects (152 MB) at load average 12, measured. A damaged one stops start-up with the restore
 * command for the newest backup.
 */
export function checkAtStart(dbPath: string, backupDir: string): void {
  if (dbPath === ":memory:" || !existsSync(dbPath)) return;
  const problems = problemsOf(dbPath, "quick_check", false);
  if (!problems.length) return;
  const newest = listBackups(backupDir)[0];
  throw new DamagedDatabaseError(
    [
      `The database ${dbPath} failed its start-up check (PRAGMA quick_check):`,
      ...lines(problems)
        .slice(0, 5)
        .map((l) => `  ${l}`),
      "Fanzha does not start on a damaged database. Stop here and restore a backup (the damaged file is kept aside), with the same DATABASE_PATH:",
      newest
        ? `  npm run cli -- restore ${newest}    # the newest backup in ${backupDir}`
        : `  npm run cli -- restore FILE    # no backup found in ${backupDir}`,
    ].join("\n"),
  );
}

/**
 * Deletes the scheduled backups in `dir` beyond the `keep` newest, and the partial copies of
 * backups whose process died mid-copy; returns what it deleted.
 */
function pruneBackups(dir: string, keep: number, kind: BackupKind): string[] {
  const old = listBackups(dir, kind).slice(keep);
  for (const name of readdirSync(dir)) {
    const pid = new RegExp(`^fanzha-.*\\.${kind}\\.partial-(\\d+)$`).exec(name)?.[1];
    if (pid && !alive(Number(pid))) old.push(join(dir, name));
  }
  for (const f of old) rmSync(f, { force: true });
  return old;
}

const inFlight = new Set<string>();

/**
 * A timestamped backup into BACKUP_DIR when the newest there is BACKUP_EVERY_HOURS old (or there is
 * none), then retention. Judged from the files, not a timer, so a server restarted more often than
 * the period still makes its backups.
 */
export async function scheduledBackup(config: Config, now: number): Promise<BackupResult | null> {
  const { dir, everyMs, keep } = config.backup;
  const url = config.databaseUrl;
  const kind: BackupKind = url ? "pgdump" : "sqlite";
  const source = url ?? config.databasePath;
  if (!everyMs || source === ":memory:" || inFlight.has(source)) return null;
  const newest = listBackups(dir, kind)[0];
  if (newest && now - takenAt(newest, kind) < everyMs) return null;
  inFlight.add(source);
  try {
    const dest = join(dir, backupName(now, kind));
    // pg_dump is a process of its own: the event loop keeps answering without a worker thread
    const result = url ? await pgBackupTo(url, dest) : await backupInWorker(source, dest);
    pruneBackups(dir, keep, kind);
    return result;
  } finally {
    inFlight.delete(source);
  }
}

/** The timer job (jobs.ts): a backup when the newest is old enough; its outcome in the log. */
export function runBackupJob(config: Config, now: number): void {
  void scheduledBackup(config, now).then(
    (r) => r && console.log(`backup written: ${r.path} (${(r.bytes / 1e6).toFixed(1)} MB, ${Math.round(r.ms)} ms)`),
    (e) => console.error(`scheduled backup failed: ${message(e)}`),
  );
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: its own tools. A backup is `pg_dump --format=custom` (one consistent snapshot, taken
// while the server writes), written under a temporary name, read back whole (`pg_restore --list`),
// synced, then renamed; a restore is `pg_restore --clean --if-exists --no-owner` in one transaction.

/** A PostgreSQL client program: on PATH (Debian's wrapper picks the server's version), else the newest installed. */
function pgTool(name: "pg_dump" | "pg_restore"): string {
  const onPath = Bun.which(name);
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    // none installed there
  }
  for (const v of versions) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  throw new BackupError(`${name} was not found on PATH nor in ${root}/*/bin; install PostgreSQL's client programs`);
}

/** libpq's view of the URL: the password travels in PGPASSWORD, never on a command line others can read. */
function libpq(url: string): { dbname: string; env: Record<string, string | undefined> } {
  try {
    const u = new URL(url);
    const password = decodeURIComponent(u.password);
    u.password = "";
    return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
  } catch {
    return { dbname: url, env: process.env }; // e.g. a multi-host URL: libpq parses it itself
  }
}

async function run(
  cmd: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn(cmd, { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, out, err: err.trim().split("\n").slice(0, 3).join("; ") };
}

/** A pg_dump archive of the database at `url` in `dest`, checked readable, synced. */
export async function pgBackupTo(url: string, dest: string): Promise<BackupResult> {
  const { redactUrl } = await import("./pg");
  if (existsSync(dest))
    throw new BackupError(`${dest} already exists; a backup never overwrites a file, choose a new name`);
  mkdirSync(dirname(resolve(dest)), { recursive: true });
  const partial = `${dest}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const t0 = performance.now();
  const { dbname, env } = libpq(url);
  const dump = await run([pgTool("pg_dump"), "--format=custom", `--file=${partial}`, `--dbname=${dbname}`], env);
  if (dump.code !== 0) {
    rmSync(partial, { force: true });
    throw new BackupError(`pg_dump of ${redactUrl(url)} failed: ${dump.err}; no backup was written`);
  }
  const list = await run([pgTool("pg_restore"), "--list", partial], env);
  if (list.code !== 0) {
    rmSync(partial, { force: true });
    throw new BackupError(`the archive of ${redactUrl(url)} does not read back (${list.err}); no backup was written`);
  }
  syncPath(partial);
  renameSync(partial, dest);
  syncPath(dirname(resolve(dest)));
  return { path: resolve(dest), bytes: statSync(dest).size, ms: performance.now() - t0 };
}

/**
 * Whether `file` can be restored on PostgreSQL: a pg_dump archive in custom format that reads
 * whole, a Fanzha database (drizzle's migrations table) and not from a newer version of the code.
 */
async function checkPgArchive(file: string): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no file at ${file}`);
  const head = Buffer.alloc(5);
  const fd = openSync(file, "r");
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  const notArchive = `${file} is not a pg_dump archive (a backup on PostgreSQL is pg_dump's custom format, as \`cli backup\` writes it); nothing was changed`;
  if (head.toString("latin1") !== "PGDMP") throw new BackupError(notArchive);
  const list = await run([pgTool("pg_restore"), "--list", file], process.env);
  if (list.code !== 0) throw new BackupError(`${file} is a damaged pg_dump archive (${list.err}); nothing was changed`);
  if (!/ TABLE drizzle __drizzle_migrations /.test(list.out))
    throw new BackupError(
      `${file} is a pg_dump archive but not of a Fanzha database (it has no migrations table); nothing was changed`,
    );
  // the migrations table's rows, as the archive would COPY them: id, hash, created_at
  const rows = await run(
    [pgTool("pg_restore"), "--data-only", "--schema=drizzle", "--table=__drizzle_migrations", "--file=-", file],
    process.env,
  );
  const copy = /^COPY drizzle\.__drizzle_migrations .*\n([\s\S]*?)^\\\.$/m.exec(rows.out)?.[1] ?? "";
  const at = Math.max(
    0,
    ...copy
      .split("\n")
      .filter(Boolean)
      .map((l) => Number(l.split("\t")[2])),
  );
  const { PG_MIGRATIONS } = await import("./pg");
  const ours = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS }).at(-1)?.folderMillis ?? 0;
  if (at > ours)
    throw new BackupError(
      `${file} comes from a newer version of Fanzha (its schema has migrations this code does not know); nothing was changed`,
    );
}

/**
 * Replaces the database at `url` with the archive `file`, after checking the archive and that no
 * other session (a running server) is connected. The replaced database is first dumped into
 * `asideDir` (kept, like SQLite's file set aside); Fanzha's schemas are emptied, so tables of a
 * newer migration do not outlive the restore, then pg_restore loads the archive in one transaction.
 */
export async function pgRestoreFrom(
  file: string,
  url: string,
  asideDir: string,
  at: number,
): Promise<{ keptAside: string; bytes: number }> {
  const { pgClient, redactUrl } = await import("./pg");
  await checkPgArchive(file);
  const sql = pgClient(url, { max: 1 });
  try {
    try {
      await sql`select 1`;
    } catch (e) {
      throw new BackupError(`DATABASE_URL ${redactUrl(url)}: cannot connect (${message(e)}); nothing was changed`);
    }
    const [others] = await sql<{ n: number; who: string | null }[]>`
      select count(*)::int as n,
             string_agg(distinct coalesce(nullif(application_name, ''), host(client_addr), 'local'), ', ') as who
      from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    if (others && others.n > 0)
      throw new BackupError(
        `a Fanzha server (or another client) is connected to ${redactUrl(url)} (${others.n} session(s): ${others.who}); stop it first, then restore. Nothing was changed.`,
      );
    const aside = join(asideDir, `fanzha-before-restore-${stamp(at)}.pgdump`);
    await pgBackupTo(url, aside);
    await sql.begin(async (tx) => {
      await tx.unsafe("drop schema if exists drizzle cascade");
      await tx.unsafe("drop schema if exists public cascade");
      await tx.unsafe("create schema public");
      await tx.unsafe("grant usage on schema public to public"); // as a new database has it
    });
    const { dbname, env } = libpq(url);
    const restore = (archive: string) =>
      run(
        [
          pgTool("pg_restore"),
          "--clean",
          "--if-exists",
          "--no-owner",
          "--single-transaction",
          "--exit-on-error",
          `--dbname=${dbname}`,
          archive,
        ],
        env,
      );
    const r = await restore(file);
    if (r.code !== 0) {
      const back = await restore(aside); // the database as it was, from the dump just taken
      throw new BackupError(
        back.code === 0
          ? `pg_restore of ${file} failed (${r.err}); the database was put back as it was`
          : `pg_restore of ${file} failed (${r.err}) and putting the database back failed too (${back.err}): restore ${aside}`,
      );
    }
    return { keptAside: aside, bytes: statSync(file).size };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
