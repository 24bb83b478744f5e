// A database connection lost while the server runs (a PostgreSQL restart, a failover, a network
// cut): the requests after it are answered, none is a crash. SQLite has no connection to lose.
import { describe, expect, test } from "bun:test";
import { pgClient } from "../../src/db/pg";
import { apiClient, testPlatform } from "../helpers";

/** Ends every connection the platform holds, as a restarting server would (PostgreSQL only). */
async function dropConnections(url: string | null) {
  if (!url) return 0;
  const admin = pgClient(url, { max: 1 });
  const ended = await admin`select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()`;
  await admin.end();
  return ended.length;
}

describe("a lost database connection", () => {
  test("after the database ends every connection, the next lookups and writes are answered", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    expect((await api.call("/api/v1/lookup?value=13800138000")).status).toBe(200);
    const ended = await dropConnections(p.config.databaseUrl);
    if (p.config.databaseUrl) expect(ended).toBeGreaterThan(0);
    expect((await api.call("/api/v1/lookup?value=13800138000")).status).toBe(200);
    const made = await api.call("/api/v1/suspects", { json: { value: "13800138001", source: "test" } });
    expect(made.status).toBe(201);
    await dropConnections(p.config.databaseUrl);
    expect((await api.call("/api/v1/suspects", { json: { value: "13800138002", source: "test" } })).status).toBe(201);
  });
});
