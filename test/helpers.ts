// Shared test harness: a fresh platform on an in-memory database with an injected clock,
// and signed-in clients that behave like the browser (cookie, Origin, CSRF header).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { createToken, createUser } from "../src/auth/service";
import { loadConfig } from "../src/config";
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

export function testPlatform(env: Record<string, string> = {}, opts: Parameters<typeof openPlatform>[1] = {}) {
  const clock = (opts.clock as TestClock) ?? new TestClock();
  const config = loadConfig({
    DATABASE_PATH: ":memory:",
    OUTBOX_DIR: mkdtempSync(join(tmpdir(), "fanzha-outbox-")),
    PUBLIC_BASE_URL: ORIGIN,
    ACCESS_LOG: "false",
    ...env,
  }); // quiet tests; a log test turns it on
  const deps: Deps = openPlatform(config, { ...opts, clock });
  const app = createApp(deps);
  return { app, deps, clock, config };
}

export type TestPlatform = ReturnType<typeof testPlatform>;

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
  const userId = (p.deps.db.$client.query("select id from users where username = ?").get(username) as { id: number })
    .id;
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
export function apiClient(p: TestPlatform, role: Role, institution?: string) {
  const { token } = createToken(p.deps.db, { name: `${role}-${++seq}`, role, institution });
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
