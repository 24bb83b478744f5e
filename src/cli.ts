// Operators' command line: `bun run cli user add|token create|demo|backup|restore`, on the engine
// the environment names (DATABASE_URL wins over DATABASE_PATH, as for the server).

import { join } from "node:path";
import { parseArgs } from "node:util";
import { setBadge } from "./admin/badges";
import type { AuditWho } from "./audit/service";
import { recordAudit } from "./audit/service";
import { createToken, createUser } from "./auth/service";
import { ConfigError, loadConfig } from "./config";
import { closeDatabase, type Db } from "./db";
import { BackupError, backupName, backupTo, pgBackupTo, pgRestoreFrom, restoreFrom } from "./db/backup";
import { redactUrl } from "./db/pg";
import { DEMO_PASSWORD, loadDemo } from "./demo/load";
import { addDistrict, listDistricts } from "./districts/service";
import { ROLES, type Role } from "./domain/enums";
import type { Deps } from "./http/context";
import { AppError } from "./http/errors";
import { openPlatform } from "./platform";
import { addSigningKey } from "./requests/signing";

const USAGE = `usage:
  bun run cli user add --username U --role R [--institution CODE] --password P [--name "显示名"] [--badge 123456]
  bun run cli token create --name N --role R [--institution CODE]
  bun run cli demo
  bun run cli district add NAME   (cases, targets and imports accept only listed districts; any while none is)
  bun run cli district list
  bun run cli keys rotate       (a new signing key signs from now on; the old ones still verify)
  bun run cli backup [FILE]     (default: a timestamped file in BACKUP_DIR; pg_dump on PostgreSQL)
  bun run cli restore FILE      (the server must be stopped; pg_restore on PostgreSQL)
roles: ${ROLES.join(", ")}`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function role(r: string | undefined): Role {
  if (!r || !(ROLES as readonly string[]).includes(r)) fail(`--role must be one of: ${ROLES.join(", ")}`);
  return r as Role;
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: "string" },
      role: { type: "string" },
      institution: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      badge: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const cmd = positionals.join(" ");
  if (values.help || !cmd) return console.log(USAGE);
  if (positionals[0] === "backup" || positionals[0] === "restore")
    return await databaseFile(positionals[0], positionals.slice(1));
  const deps = await openPlatform(loadConfig()); // DATABASE_URL wins over DATABASE_PATH
  try {
    await command(deps, cmd, values, positionals);
  } finally {
    await closeDatabase(deps.db); // PostgreSQL's pool would keep the process alive
  }
}

async function command(
  deps: Deps,
  cmd: string,
  values: { username?: string; role?: string; institution?: string; password?: string; name?: string; badge?: string },
  positionals: string[],
) {
  const system = { actor: null, ip: "cli", at: Date.now(), label: "system:cli" };
  if (positionals[0] === "district") return await districtCommand(deps.db, system, positionals.slice(1));
  switch (cmd) {
    case "user add": {
      if (!values.username || !values.password) fail("--username and --password are required\n" + USAGE);
      const u = await createUser(deps.db, {
        username: values.username,
        password: values.password,
        role: role(values.role),
        institution: values.institution,
        displayName: values.name,
      });
      await recordAudit(deps.db, system, {
        action: "create",
        entity: "user",
        entityId: u.id,
        detail: { username: u.username, role: u.role, via: "cli" },
      });
      if (values.badge !== undefined) await setBadge(deps.db, system, u.id, values.badge);
      console.log(`created user ${u.username} (${u.role})`);
      break;
    }
    case "token create": {
      if (!values.name) fail("--name is required\n" + USAGE);
      const { token, id } = await createToken(deps.db, {
        name: values.name,
        role: role(values.role),
        institution: values.institution,
      });
      await recordAudit(deps.db, system, {
        action: "create",
        entity: "api_token",
        entityId: id,
        detail: { name: values.name, via: "cli" },
      });
      console.log(`created token ${values.name}; it is shown once:`);
      console.log(token);
      break;
    }
    case "keys rotate": {
      const kid = await addSigningKey(deps.db, system.at);
      await recordAudit(deps.db, system, {
        action: "rotate",
        entity: "signing_key",
        entityId: kid,
        detail: { via: "cli" },
      });
      console.log(`signing key ${kid} signs from now on; earlier keys stay published for verification`);
      break;
    }
    case "demo": {
      const users = await loadDemo(deps);
      console.log(
        `demo data loaded; sign in as ${users.map((u) => u.username).join(", ")} with password ${DEMO_PASSWORD}`,
      );
      break;
    }
    default:
      fail(`unknown command: ${cmd}\n${USAGE}`);
  }
}

/** `district add NAME` / `district list`: the center's list of districts. */
async function districtCommand(db: Db, who: AuditWho, args: string[]) {
  if (args[0] === "list" && args.length === 1) return void console.log((await listDistricts(db)).join("\n"));
  if (args[0] !== "add" || args.length !== 2) fail(`district add NAME | district list\n${USAGE}`);
  const added = await addDistrict(db, who, args[1]!);
  if (!added.ok) fail(added.reason);
  console.log(`district ${added.name} added; ${(await listDistricts(db)).length} listed`);
}

/**
 * backup/restore work on the files (SQLite) or through pg_dump/pg_restore (PostgreSQL), never
 * through openPlatform (which would migrate the live database).
 */
async function databaseFile(cmd: "backup" | "restore", args: string[]) {
  const config = loadConfig();
  if (args.length > 1) fail(`${cmd} takes one file\n${USAGE}`);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const url = config.databaseUrl;
  if (url) {
    if (cmd === "backup") {
      const r = await pgBackupTo(url, args[0] ?? join(config.backup.dir, backupName(Date.now(), "pgdump")));
      console.log(`backup written and checked: ${r.path} (${mb(r.bytes)}, ${Math.round(r.ms)} ms)`);
      return;
    }
    if (!args[0]) fail(`restore needs the backup file\n${USAGE}`);
    const r = await pgRestoreFrom(args[0], url, config.backup.dir, Date.now());
    console.log(`restored ${args[0]} into ${redactUrl(url)} (${mb(r.bytes)}, pg_restore in one transaction)`);
    console.log(`the replaced database is kept as ${r.keptAside}`);
    console.log("start the server: migrations newer than the backup apply at start");
    return;
  }
  if (cmd === "backup") {
    const r = backupTo(config.databasePath, args[0] ?? join(config.backup.dir, backupName(Date.now())));
    console.log(`backup written and checked: ${r.path} (${mb(r.bytes)}, ${Math.round(r.ms)} ms)`);
    return;
  }
  if (!args[0]) fail(`restore needs the backup file\n${USAGE}`);
  const r = restoreFrom(args[0], config.databasePath, Date.now());
  console.log(`restored ${args[0]} into ${config.databasePath} (${mb(r.bytes)}, integrity checked)`);
  if (r.keptAside) console.log(`the replaced database is kept as ${r.keptAside}`);
  console.log("start the server: migrations newer than the backup apply at start");
}

try {
  await main(Bun.argv.slice(2));
} catch (e) {
  if (e instanceof AppError || e instanceof ConfigError || e instanceof BackupError) fail(e.message);
  // a bad or unreachable DATABASE_URL (db/pg.ts): one line naming it, password redacted
  if (e instanceof Error && e.message.startsWith("DATABASE_URL")) fail(e.message);
  if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    fail(`${e.message}\n${USAGE}`);
  throw e;
}
