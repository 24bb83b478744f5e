// Throwaway PostgreSQL clusters for the tests that are about PostgreSQL itself (several nodes,
// failover, point-in-time recovery): Debian's binaries, a temporary directory, loopback only.
// Debian's postgresql is installed by the pretest script when missing (test/ensure-tools.sh).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./run-script";

/** Debian's newest PostgreSQL bin directory (/usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  if (!majors.length) throw new Error(`no PostgreSQL under ${root}: install Debian's postgresql`);
  return join(root, majors[0]!, "bin");
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the postgres user when the tests run as root (initdb refuses root). */
export async function pgRun(tool: string, args: string[], opts: { allowFail?: boolean } = {}) {
  const cmd = asRoot
    ? ["runuser", "-u", "postgres", "--", join(pgBin(), tool), ...args]
    : [join(pgBin(), tool), ...args];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0 && !opts.allowFail) throw new Error(`${tool} ${args.join(" ")} exited ${code}: ${err || out}`);
  return { out, err, code };
}

/** A directory the cluster's user may write. */
export function pgTempDir(prefix = "fz-pg-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) Bun.spawnSync(["chown", "postgres", dir]);
  return dir;
}

export async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

export type Cluster = {
  port: number;
  dir: string;
  data: string;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  start(): Promise<void>;
  /** pg_ctl stop -m fast (or immediate) */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** SIGKILL to the postmaster, as a machine lost would */
  kill(): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
};

/**
 * initdb + start on loopback. `conf` lines go to postgresql.conf (e.g. wal_level, archive_command).
 * `data` may be an existing data directory (a standby made by pg_basebackup).
 */
export async function startCluster(
  opts: { conf?: string[]; data?: string; port?: number; initdb?: boolean } = {},
): Promise<Cluster> {
  const dir = opts.data ? join(opts.data, "..") : pgTempDir();
  const data = opts.data ?? join(dir, "data");
  const port = opts.port ?? (await freePort());
  if (opts.initdb ?? !opts.data) {
    await pgRun("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
  }
  const conf = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    ...(opts.conf ?? []),
  ];
  await Bun.write(join(data, "postgresql.auto.conf"), `${conf.join("\n")}\n`);
  if (asRoot) Bun.spawnSync(["chown", "-R", "postgres", dir]);
  const pidOf = async () => Number((await Bun.file(join(data, "postmaster.pid")).text()).split("\n")[0]);
  const cluster: Cluster = {
    port,
    dir,
    data,
    url: (db = "postgres") => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: async () => void (await pgRun("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "start"])),
    stop: async (mode = "fast") =>
      void (await pgRun("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"], { allowFail: true })),
    kill: async () => {
      process.kill(await pidOf(), "SIGKILL");
    },
    destroy: async () => {
      await cluster.stop("immediate");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

let shared: Promise<{ url: string; cluster: Cluster | null }> | null = null;

/**
 * A PostgreSQL server URL for tests that need PostgreSQL whatever the pass: DATABASE_URL's server
 * in the suite's PostgreSQL pass, else one throwaway cluster per test process (stopped at exit).
 */
export async function postgresServer(): Promise<string> {
  shared ??= (async () => {
    if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, cluster: null };
    const cluster = await startCluster({ conf: ["fsync = off", "max_connections = 200"] });
    process.on("exit", () => {
      Bun.spawnSync(
        asRoot
          ? ["runuser", "-u", "postgres", "--", join(pgBin(), "pg_ctl"), "-D", cluster.data, "-m", "immediate", "stop"]
          : [join(pgBin(), "pg_ctl"), "-D", cluster.data, "-m", "immediate", "stop"],
      );
      rmSync(cluster.dir, { recursive: true, force: true });
    });
    return { url: cluster.url(), cluster };
  })();
  return (await shared).url;
}

/** SIGKILL to the postmaster and every process it started, at once: the machine is gone. */
export async function killMachine(cluster: Cluster): Promise<void> {
  const pid = Number((await Bun.file(join(cluster.data, "postmaster.pid")).text()).split("\n")[0]);
  // its children from /proc (no procps needed): every pid first, then the signals back to back
  const children = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // /proc/<pid>/stat: pid (comm) state ppid …; comm may hold spaces, so read after its ")"
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false; // ended meanwhile
      }
    });
  for (const p of [pid, ...children.map(Number)]) {
    try {
      process.kill(p, "SIGKILL");
    } catch {} // gone already
  }
}

export type ReplicatedPair = {
  primary: Cluster;
  standby: Cluster;
  /**
   * The nodes' URL: both hosts, the primary chosen. target_session_attrs=primary, not read-write:
   * postgres.js judges read-write by default_transaction_read_only alone, which PostgreSQL ≥ 14
   * reports "off" on a standby too, so it would connect to the standby (pg_auto_failover#970).
   */
  url(db?: string): string;
  /** pg_ctl promote on the standby; resolves when it accepts writes. */
  promote(): Promise<void>;
  destroy(): Promise<void>;
};

/**
 * A primary and a synchronous streaming standby (pg_basebackup -R): a commit returns once the
 * standby has the WAL on disk (synchronous_commit = on, synchronous_standby_names = 'standby1'),
 * so a commit the primary acknowledged survives the primary's loss.
 */
export async function startReplicatedPair(opts: { conf?: string[] } = {}): Promise<ReplicatedPair> {
  const primary = await startCluster({
    conf: [
      "wal_level = replica",
      "max_wal_senders = 5",
      "synchronous_standby_names = 'FIRST 1 (standby1)'",
      "synchronous_commit = on",
      "max_connections = 200",
      ...(opts.conf ?? []),
    ],
  });
  const data = join(pgTempDir("fz-pg-standby-"), "data");
  await pgRun("pg_basebackup", [
    "-d",
    `host=127.0.0.1 port=${primary.port} user=postgres application_name=standby1`,
    "-D",
    data,
    "-R",
    "-X",
    "stream",
    "--no-sync",
  ]);
  const standby = await startCluster({
    data,
    conf: [
      "hot_standby = on",
      "max_connections = 200",
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=standby1'`,
      ...(opts.conf ?? []),
    ],
  });
  // synchronous from here: the primary names standby1 as its sync standby
  for (let i = 0; ; i++) {
    const { out } = await pgRun("psql", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primary.port),
      "-U",
      "postgres",
      "-Atc",
      "select sync_state from pg_stat_replication where application_name = 'standby1'",
    ]);
    if (out.trim() === "sync") break;
    if (i > 100) throw new Error(`standby1 is not synchronous (${out.trim() || "not connected"})`);
    await Bun.sleep(100);
  }
  return {
    primary,
    standby,
    url: (db = "postgres") =>
      `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/${db}?target_session_attrs=primary`,
    promote: async () => void (await pgRun("pg_ctl", ["-D", standby.data, "-w", "promote"])),
    destroy: async () => {
      await Promise.all([primary.destroy(), standby.destroy()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Continuous archiving and point-in-time recovery (README: PostgreSQL, Point-in-time recovery)

/** One value from `psql -Atc` on a cluster (the first column of the first row, as text). */
export async function psqlValue(cluster: Cluster, text: string, db = "postgres"): Promise<string> {
  const { out } = await pgRun("psql", [
    "-h",
    "127.0.0.1",
    "-p",
    String(cluster.port),
    "-U",
    "postgres",
    "-d",
    db,
    "-Atc",
    text,
  ]);
  return out.trim();
}

/** postgresql.conf lines that archive every finished WAL segment into `archive` (never overwriting one). */
export const archivingConf = (archive: string): string[] => [
  "wal_level = replica",
  "archive_mode = on",
  `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`,
];

/**
 * A base backup of a running cluster into a new directory (plain files, WAL left to the archive:
 * `-X none`), as a nightly job takes one; returns its data directory, ready for `startRecovery`.
 */
export async function takeBaseBackup(from: Cluster): Promise<string> {
  const data = join(pgTempDir("fz-pg-base-"), "data");
  await pgRun("pg_basebackup", [
    ...["-h", "127.0.0.1", "-p", String(from.port), "-U", "postgres"],
    ...["-D", data, "-Fp", "-X", "none", "--checkpoint=fast", "--no-sync"],
  ]);
  return data;
}

/**
 * Closes the current WAL segment (`pg_switch_wal()`) and waits until the archiver has copied it:
 * every commit made before the call is then in the archive. Returns the segment's name.
 */
export async function archiveCurrentWal(cluster: Cluster, timeoutMs = 20_000): Promise<string> {
  const segment = await psqlValue(cluster, "select pg_walfile_name(pg_switch_wal())");
  for (const until = Date.now() + timeoutMs; Date.now() < until; await Bun.sleep(100)) {
    const last = await psqlValue(cluster, "select coalesce(last_archived_wal, '') from pg_stat_archiver");
    // segment names sort in WAL order within a timeline
    if (last >= segment) return segment;
  }
  throw new Error(`WAL segment ${segment} was not archived within ${timeoutMs} ms`);
}

/**
 * Point-in-time recovery: starts a base backup (`takeBaseBackup`) as a cluster that replays WAL
 * from `archive` (restore_command) up to `target` — a restore point's name, a time (any text
 * PostgreSQL reads as timestamptz), or the end of the archive when none — then promotes itself
 * to a primary on a new timeline. Resolves once it accepts writes.
 */
export async function startRecovery(opts: {
  data: string;
  archive: string;
  target?: { name: string } | { time: string };
  timeoutMs?: number;
}): Promise<Cluster> {
  const target = !opts.target
    ? []
    : "name" in opts.target
      ? [`recovery_target_name = '${opts.target.name}'`]
      : [`recovery_target_time = '${opts.target.time}'`];
  await Bun.write(join(opts.data, "recovery.signal"), "");
  const cluster = await startCluster({
    data: opts.data,
    initdb: false,
    conf: [
      "fsync = off",
      `restore_command = 'cp ${opts.archive}/%f %p'`,
      ...target,
      ...(opts.target ? ["recovery_target_action = 'promote'"] : []),
    ],
  });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  for (const until = Date.now() + timeoutMs; Date.now() < until; await Bun.sleep(100)) {
    if ((await psqlValue(cluster, "select pg_is_in_recovery()")) === "f") return cluster;
  }
  await cluster.destroy();
  throw new Error(`the recovered cluster did not leave recovery within ${timeoutMs} ms`);
}

const ROOT = join(import.meta.dir, "..");

export type AppNode = {
  name: string;
  port: number;
  url: string;
  /** What the process printed so far (standard output and error). */
  output(): string;
  stop(): Promise<void>;
};

/** Collects a stream's text as it comes, so the child never blocks on a full pipe. */
function drain(stream: ReadableStream<Uint8Array>, into: string[]) {
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
  })();
}

/**
 * One application node: `bun src/main.ts`, a process of its own on the given database URL, ready
 * when /healthz answers. `env` adds to (or overrides) the node's environment.
 */
export async function startNode(opts: {
  name: string;
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** How long start-up may take (migrations, a demo load). */
  readyWithinMs?: number;
}): Promise<AppNode> {
  const port = opts.port ?? (await freePort());
  const scratch = mkdtempSync(join(tmpdir(), `fz-node-${opts.name}-`));
  const out: string[] = [];
  const proc = Bun.spawn([process.execPath, join(ROOT, "src/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      DATABASE_PATH: join(scratch, "unused.sqlite"),
      BACKUP_DIR: join(scratch, "backups"),
      BACKUP_EVERY_HOURS: "0",
      OUTBOX_DIR: join(scratch, "outbox"),
      PORT: String(port),
      HOST: "127.0.0.1",
      FANZHA_DEMO: "false",
      ...opts.env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  drain(proc.stdout, out);
  drain(proc.stderr, out);
  const url = `http://127.0.0.1:${port}`;
  const node: AppNode = {
    name: opts.name,
    port,
    url,
    output: () => out.join(""),
    stop: async () => {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited, Bun.sleep(8000).then(() => null)]);
      if (exited === null) proc.kill("SIGKILL");
      await proc.exited;
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  const until = Date.now() + (opts.readyWithinMs ?? 60_000);
  while (Date.now() < until) {
    if (proc.exitCode !== null) {
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`node ${opts.name} exited ${proc.exitCode}:\n${node.output()}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return node;
    await Bun.sleep(100);
  }
  await node.stop();
  throw new Error(`node ${opts.name} did not answer /healthz:\n${node.output()}`);
}

/** `bun src/cli.ts <args>` on the given database URL; its standard output. */
export async function cli(databaseUrl: string, args: string[]): Promise<string> {
  const r = await runScript("src/cli.ts", args, { DATABASE_URL: databaseUrl });
  if (r.code !== 0) throw new Error(`cli ${args.join(" ")} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}
