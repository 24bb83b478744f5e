// Shared test harness: a fresh platform on an in-memory database with an injected clock,
// and signed-in clients that behave like the browser (cookie, Origin, CSRF header).
import { Database } from "bun:sqlite";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { createToken, createUser } from "../src/auth/service";
import { loadConfig } from "../src/config";
import { type Db, openDatabase } from "../src/db";
import { openPostgres, pgClient } from "../src/db/pg";
import { seedInstitutions } from "../src/db/seed";
import type { Role } from "../src/domain/access";
import type { Clock, Deps } from "../src/http/context";
import { openPlatform } from "../src/platform";

export class TestClock implements Clock {
  constructor(public t = Date.parse("2026-11-21T02:00:00Z")) {}
  now() {
    return this.t;
  }
  advance(ms: number) {
    this.t += ms;
  }
}

export const ORIGIN = "http://localhost";

/**
 * On PostgreSQL (DATABASE_URL in the environment: the suite's second pass) every platform gets a
 * database of its own, copied from one migrated template (a copy takes milliseconds; migrating, seconds).
 */
let template: Promise<string> | null = null;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
let made = 0;
export async function freshPostgres(url: string): Promise<string> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const name = (n: string) => {
    const u = new URL(url);
    u.pathname = `/${n}`;
    return u.toString();
  };
  const tpl = `fz_tpl_${process.pid}`;
  template ??= (async () => {
    const sql = pgClient(admin.toString(), { max: 1 });
    // the databases of earlier test processes that have ended go first: a local server would pile them up
    const left = await sql<{ datname: string }[]>`select datname from pg_database where datname ~ '^fz_t(pl_)?[0-9]+'`;
    for (const { datname } of left) {
      const pid = Number(/^fz_t(?:pl_)?(\d+)/.exec(datname)?.[1]);
      if (pid !== process.pid && !alive(pid)) await sql.unsafe(`drop database if exists ${datname} with (force)`);
    }
    await sql.unsafe(`drop database if exists ${tpl}`);
    await sql.unsafe(`create database ${tpl}`);
    await sql.end();
    const db = await openPostgres(name(tpl));
    await seedInstitutions(db as unknown as Db);
    await db.$client.end();
    return tpl;
  })();
  await template;
  const db = `fz_t${process.pid}_${++made}`;
  const sql = pgClient(admin.toString(), { max: 1 });
  await sql.unsafe(`create database ${db} template ${tpl} strategy file_copy`);
  await sql.end();
  return name(db);
}

export async function testPlatform(env: Record<string, string> = {}, opts: Parameters<typeof openPlatform>[1] = {}) {
  const clock = (opts.clock as TestClock) ?? new TestClock();
  const url = process.env.DATABASE_URL;
  const config = loadConfig({
    ...(url && !env.DATABASE_URL ? { DATABASE_URL: await freshPostgres(url) } : {}), // env's: a shared one
    DATABASE_PATH: ":memory:",
    OUTBOX_DIR: mkdtempSync(join(tmpdir(), "fanzha-outbox-")),
    PUBLIC_BASE_URL: ORIGIN,
    ACCESS_LOG: "false",
    ...env,
  }); // quiet tests; a log test turns it on
  const deps: Deps = await openPlatform(config, { ...opts, clock });
  const app = createApp(deps);
  return { app, deps, clock, config };
}

export type TestPlatform = Awaited<ReturnType<typeof testPlatform>>;

/**
 * One database for several platforms (nodes) to share: pass it as `env` to each testPlatform. A
 * SQLite file in a temporary directory, or a fresh PostgreSQL database on the suite's server.
 */
export async function sharedDatabase(): Promise<Record<string, string>> {
  const url = process.env.DATABASE_URL;
  if (url) return { DATABASE_URL: await freshPostgres(url) };
  return { DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "fanzha-shared-")), "fanzha.sqlite") };
}

/** The password of every test user: strong enough for the password check (auth/passwords.ts). */
export const TEST_PASSWORD = "fz-test-Pw-7391";

let seq = 0;
/** Creates a user with this role and signs in through the real sign-in route. */
export async function signIn(p: TestPlatform, role: Role, institution?: string, username = `${role}${++seq}`) {
  await createUser(p.deps.db, { username, password: TEST_PASSWORD, role, institution });
  const res = await p.app.request("/signin", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ username, password: TEST_PASSWORD }),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const home = await (await p.app.request("/", { headers: { Cookie: cookie } })).text();
  const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(home)?.[1] ?? /"X-CSRF-Token":"([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error("no CSRF token on the home page");
  const userId = (await sqlOne<{ id: number }>(p.deps.db, "select id from users where username = ?", username))!.id;
  /** A request as this browser would send it: cookie, same Origin, CSRF header. */
  const request = (path: string, init: RequestInit & { form?: Record<string, string>; htmx?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Cookie", [cookie, headers.get("Cookie")].filter(Boolean).join("; ")); // e.g. fz_lang=en
    headers.set("Origin", ORIGIN);
    if (!headers.has("X-CSRF-Token")) headers.set("X-CSRF-Token", csrf);
    if (init.htmx) headers.set("HX-Request", "true");
    let body = init.body;
    if (init.form) {
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form);
    }
    return p.app.request(path, { ...init, headers, body, method: init.method ?? (init.form ? "POST" : "GET") });
  };
  return { username, userId, cookie, csrf, request };
}

/** An API client with a bearer token of this role. */
export async function apiClient(p: TestPlatform, role: Role, institution?: string) {
  const { token } = await createToken(p.deps.db, { name: `${role}-${++seq}`, role, institution });
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(init.json);
    }
    return p.app.request(path, {
      ...init,
      headers,
      body,
      method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    });
  };
  return { token, call };
}

/** A migrated database of its own on the suite's engine (an in-memory SQLite one by default). */
export async function testDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  return await openDatabase({
    databaseUrl: url ? await freshPostgres(url) : null,
    databasePath: ":memory:",
    databaseSynchronous: "FULL",
  });
}

/** Raw SQL for a test's setup and checks, on either engine (`?` placeholders, in order). */
export async function sqlAll<T = Record<string, unknown>>(db: Db, text: string, ...params: unknown[]): Promise<T[]> {
  const client = db.$client as unknown;
  if (client instanceof Database) return client.query(text).all(...(params as never[])) as T[];
  let n = 0;
  const pg = client as { unsafe(q: string, p: unknown[]): Promise<T[]> };
  return [
    ...(await pg.unsafe(
      text.replace(/\?/g, () => `$${++n}`),
      params,
    )),
  ];
}

/** The first row, or null (as bun:sqlite's get). */
export async function sqlOne<T = Record<string, unknown>>(
  db: Db,
  text: string,
  ...params: unknown[]
): Promise<T | null> {
  return (await sqlAll<T>(db, text, ...params))[0] ?? null;
}

/** Runs a statement, or several separated by semicolons when there are no parameters. */
export async function sqlRun(db: Db, text: string, ...params: unknown[]): Promise<void> {
  const client = db.$client as unknown;
  if (params.length) await sqlAll(db, text, ...params);
  else if (client instanceof Database) client.run(text);
  else await (client as { unsafe(q: string): { simple(): Promise<unknown> } }).unsafe(text).simple();
}

/**
 * Reads a live stream until `until` matches what arrived (or `ms` passed); `at` is when it matched.
 * Start it before the action, so the stream is subscribed by the time the action runs.
 */
export async function readLive(res: Response, until: RegExp, ms = 5000): Promise<{ text: string; at: number }> {
  const reader = res.body!.getReader();
  let text = "";
  const deadline = performance.now() + ms;
  while (!until.test(text) && performance.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), deadline - performance.now())),
    ]);
    if (!chunk || chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  const at = performance.now();
  await reader.cancel();
  return { text, at };
}
