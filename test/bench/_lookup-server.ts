// The server side of test/bench/lookup.ts, run as its own `bun` process so its RSS is measured
// alone: the real app (createApp on the benchmark database) and, in the same process, two routes
// to compare with: a bare Hono JSON route, and a minimal lookup route (the same normalise and
// prepared read as GET /api/v1/lookup, then JSON; no middleware, no token). Prints
// "ready <port> <token>" once listening.
//
//   bun test/bench/_lookup-server.ts <database path>
import { Hono } from "hono";
import { createApp } from "../../src/app";
import { actorForToken, createToken } from "../../src/auth/service";
import { loadConfig } from "../../src/config";
import { startCheckpointer } from "../../src/db/checkpointer";
import { institutionScope } from "../../src/domain/access";
import { discardLog } from "../../src/http/log";
import { openPlatform } from "../../src/platform";
import { lookup } from "../../src/suspects/service";

const path = process.argv[2];
if (!path) throw new Error("usage: bun test/bench/_lookup-server.ts <database path or postgres:// URL>");
const onPostgres = path.startsWith("postgres");

const deps = await openPlatform(
  loadConfig({
    ...(onPostgres ? { DATABASE_URL: path } : { DATABASE_PATH: path }),
    FANZHA_DEMO: "false",
    API_RATE_LIMIT_PER_MIN: "0",
    ACCESS_LOG: process.env.ACCESS_LOG ?? "true",
  }),
  { logStream: discardLog() },
);
startCheckpointer(deps.db, path); // as src/main.ts does
// the caller a payment system would be: a bank's API token
const { token } = await createToken(deps.db, { name: `bench-${Date.now()}`, role: "bank", institution: "ICBC" });
const app = createApp(deps);
const scope = institutionScope((await actorForToken(deps.db, token, Date.now()))!);
const yardsticks = new Hono()
  .get("/bare", (c) => c.json({ value: "+8613800138000", kind: "phone", flagged: true }))
  .get("/minimal", async (c) => c.json(await lookup(deps.db, c.req.query("value") ?? "", scope)));

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) => (req.url.includes("/api/") ? app.fetch(req) : yardsticks.fetch(req)),
});
console.log(`ready ${server.port} ${token}`);
