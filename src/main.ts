// Process entry: config → db (migrate) → app → Bun.serve; schedulers; graceful stop.
import { count } from "drizzle-orm";
import { createApp } from "./app";
import { createUser } from "./auth/service";
import { type Config, ConfigError, loadConfig } from "./config";
import { closeDatabase, transaction } from "./db";
import { checkAtStart, claimPidFile, DamagedDatabaseError } from "./db/backup";
import { startCheckpointer } from "./db/checkpointer";
import { lockKey } from "./db/dialect";
import { users } from "./db/schema";
import { DEMO_PASSWORD, loadDemo } from "./demo/load";
import type { Deps } from "./http/context";
import { AppError } from "./http/errors";
import { startJobs } from "./jobs";
import { openPlatform } from "./platform";

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}

// SQLite: the file's start-up check and the pid file (`cli restore` refuses while it is there);
// PostgreSQL checks its own pages, and `cli restore` there refuses while other sessions are connected
const onSqlite = !config.databaseUrl;
try {
  if (onSqlite) checkAtStart(config.databasePath, config.backup.dir);
} catch (e) {
  if (e instanceof DamagedDatabaseError) {
    console.error(e.message);
    process.exit(3);
  }
  throw e;
}
const releasePidFile = onSqlite ? claimPidFile(config.databasePath) : () => {};

let deps: Deps;
try {
  deps = await openPlatform(config);
} catch (e) {
  // a bad or unreachable DATABASE_URL: one line naming it (password redacted), not a stack trace
  if (e instanceof Error && e.message.startsWith("DATABASE_URL")) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
const { db } = deps;
// the first start makes the admin; nodes started together on an empty database make it once (the
// first takes the lock, the others then find a user and go on)
const password = config.adminPassword ?? Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url");
let fresh: boolean;
try {
  fresh = await transaction(db, async (tx) => {
    await lockKey(tx, "fanzha:first-start");
    if (((await tx.select({ c: count() }).from(users).get())?.c ?? 0) > 0) return false;
    await createUser(tx, { username: "admin", password, role: "admin", displayName: "系统管理员" });
    return true;
  });
} catch (e) {
  // a weak FANZHA_ADMIN_PASSWORD is refused like any other (auth/passwords.ts)
  if (!(e instanceof AppError)) throw e;
  console.error(`Invalid configuration:\n  FANZHA_ADMIN_PASSWORD: ${e.message}`);
  process.exit(2);
}

if (fresh) {
  console.log(
    config.adminPassword
      ? "Created user admin with FANZHA_ADMIN_PASSWORD."
      : `Created user admin with password: ${password}  (shown once)`,
  );
}

if (config.demo === "true" || (config.demo === "auto" && fresh)) {
  console.log("Loading demo data (two years of cases, suspects, targets, warnings, requests)…");
  const demoUsers = await loadDemo(deps);
  console.log("\nDemo sign-ins (password for all: " + DEMO_PASSWORD + "):");
  for (const u of demoUsers)
    console.log(`  ${u.username.padEnd(14)} ${u.role}${u.institution ? " · " + u.institution : ""}`);
}

const app = createApp(deps);
const server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch, idleTimeout: 120 });
const stopJobs = startJobs(deps);
const stopCheckpoints = onSqlite ? startCheckpointer(db, config.databasePath) : () => {}; // none on PostgreSQL
console.log(`\nFanzha is running at http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${server.port}/`);
console.log(
  `Telephony: ${deps.telephony.provider === "outbox" ? "local outbox (nothing is sent; see /outbox)" : "Twilio"}`,
);

async function stop(signal: string) {
  console.log(`${signal}: stopping`);
  stopJobs();
  stopCheckpoints();
  server.stop();
  await closeDatabase(db);
  releasePidFile();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
