// Real-browser tests: the platform served on loopback from a temporary database, driven by
// playwright-core in Debian's chromium (never a downloaded browser).

import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createApp } from "../../src/app";
import { createUser } from "../../src/auth/service";
import { loadConfig } from "../../src/config";
import { closeDatabase } from "../../src/db";
import type { Role } from "../../src/domain/access";
import { openPlatform } from "../../src/platform";
import { freshPostgres } from "../helpers";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function startServer(env: Record<string, string> = {}, opts: Parameters<typeof openPlatform>[1] = {}) {
  const dir = mkdtempSync(join(tmpdir(), "fanzha-browser-"));
  // bind first so PUBLIC_BASE_URL can name the real port
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  const base = `http://127.0.0.1:${port}`;
  const url = process.env.DATABASE_URL;
  const config = loadConfig({
    ...(url ? { DATABASE_URL: await freshPostgres(url) } : {}),
    DATABASE_PATH: join(dir, "fanzha.sqlite"),
    OUTBOX_DIR: join(dir, "outbox"),
    PUBLIC_BASE_URL: base,
    PORT: String(port),
    ACCESS_LOG: "false",
    ...env,
  });
  const deps = await openPlatform(config, opts);
  const app = createApp(deps);
  const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 60 });
  return {
    base,
    deps,
    app,
    async user(role: Role, institution?: string, username = `${role}-${Math.random().toString(36).slice(2, 8)}`) {
      await createUser(deps.db, { username, password: "fz-test-Pw-7391", role, institution });
      return { username, password: "fz-test-Pw-7391" };
    },
    stop() {
      server.stop(true);
      void closeDatabase(deps.db);
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export async function signInPage(page: Page, base: string, u: { username: string; password: string }) {
  await page.goto(`${base}/signin`);
  await page.fill('input[name="username"]', u.username);
  await page.fill('input[name="password"]', u.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;

/**
 * One server and one browser for a test file's tests: started before them (with `prepare` for
 * the file's data), closed after. Read `suite.server` and `suite.browser` inside the tests, once they are up.
 */
export function browserSuite(
  opts: {
    env?: Record<string, string>;
    platform?: Parameters<typeof openPlatform>[1];
    prepare?: (server: TestServer) => unknown;
    timeout?: number;
  } = {},
) {
  const suite = {
    server: undefined as unknown as TestServer,
    browser: undefined as unknown as Browser,
    /** A new context signed in as a new user of the role; the page's errors are collected (but those `ignore` accepts). */
    async open(role: Role, o: { institution?: string; downloads?: boolean; ignore?: (text: string) => boolean } = {}) {
      const context: BrowserContext = await suite.browser.newContext({ acceptDownloads: o.downloads ?? false });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && !o.ignore?.(m.text()) && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await signInPage(page, suite.server.base, await suite.server.user(role, o.institution));
      return { page, errors, context };
    },
  };
  beforeAll(async () => {
    suite.server = await startServer(opts.env, opts.platform);
    await opts.prepare?.(suite.server);
    suite.browser = await launch();
  }, opts.timeout);
  afterAll(async () => {
    await suite.browser?.close();
    suite.server?.stop();
  });
  return suite;
}
