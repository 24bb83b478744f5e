// In a real browser: the Chinese interface shows no English and no raw codes. Every role signs
// in over the demo data, walks every page its navigation reaches (and the detail page of the
// first row of each list), waits for the htmx fragments, and every Latin word on screen must be
// on a short allow-list of terms Chinese officers use as they are.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { recordAudit } from "../../src/audit/service";
import { createUser } from "../../src/auth/service";
import { DEMO_PASSWORD, DEMO_USERS, loadDemo } from "../../src/demo/load";
import { sqlAll, sqlOne } from "../helpers";
import { browserSuite, signInPage } from "./harness";

const ADMIN = { username: "admin", password: "fz-test-Pw-7391" };
const suite = browserSuite({
  env: { ACCESS_LOG: "false" },
  prepare: async (server) => {
    await loadDemo(server.deps);
    await createUser(server.deps.db, { ...ADMIN, role: "admin", displayName: "系统管理员" });
    // entries with long details, as an import and a request write them: the audit page must
    // name them in words and still fit the screen
    const who = { actor: null, ip: "job:requests", at: Date.now(), label: "system:requests-clock" };
    await recordAudit(server.deps.db, who, {
      action: "create",
      entity: "import",
      entityId: 1,
      detail: {
        kind: "targets",
        filename: "二〇二六年十二月各区高危潜在受骗群众名单（第一批，含运营商与银行推送线索汇总）.xlsx",
        sha256: "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a1b",
        totalRows: 12000,
        imported: 11890,
        merged: 100,
        rejected: 10,
      },
    });
    await recordAudit(server.deps.db, who, {
      action: "create",
      entity: "request",
      entityId: 2,
      detail: {
        kind: "freeze",
        institution: "ICBC",
        suspectId: 3,
        caseId: 4,
        amountFen: 12_345_678,
        draft: false,
        transactions: 3,
        term: "6m",
      },
    });
    await recordAudit(server.deps.db, who, {
      action: "confirm",
      entity: "request",
      entityId: 2,
      detail: { kind: "freeze", from: "acknowledged", to: "completed", amountFen: 12_345_678 },
    });
  },
  timeout: 180_000,
});

/** Terms written in Latin letters in Chinese officialese and software alike, and the language switch's "English". */
export const ALLOWED = new Set([
  "SMS",
  "API",
  "CSV",
  "XLSX",
  "Twilio",
  "ID",
  "PDF",
  "URL",
  "JSON",
  "HTTP",
  "HTTPS",
  "IP",
  "OpenAPI",
  "Bearer",
  "A4",
  "English",
]);

// The one user-entered exception: login names are typed in Latin letters by the admin
// (the demo's `agent`, `icbc`…), so a word that is exactly an existing username is not interface text.
async function usernames(): Promise<Set<string>> {
  const rows = (await sqlAll(suite.server.deps.db, "select username from users")) as { username: string }[];
  return new Set(rows.flatMap((r) => [r.username, ...r.username.split(/[-_.]/)]));
}

const SKIP = /\/(signout|lang\/|static\/)|\.(csv|xlsx|pdf|json)(\?|$)|\/export|\/events|\/download|\/notice(\?|$)/;

/** Visible text plus the words a reader meets in tooltips, placeholders and button values. */
async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const extra: string[] = [document.title];
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>("[title],[placeholder],[aria-label],input[type=submit][value]"),
    )) {
      for (const a of ["title", "placeholder", "aria-label"]) if (el.getAttribute(a)) extra.push(el.getAttribute(a)!);
      if (el instanceof HTMLInputElement && el.type === "submit") extra.push(el.value);
    }
    return `${document.body.innerText}\n${extra.join("\n")}`;
  });
}

async function settle(page: Page) {
  await page.waitForLoadState("load");
  // htmx fragments (hx-trigger="load") arrive after the page: wait until none is in flight
  await page.waitForTimeout(300);
  await page
    .waitForFunction(() => !document.querySelector(".htmx-request"), undefined, { timeout: 10_000 })
    .catch(() => {});
  await page.waitForTimeout(200);
}

// Not interface text, shown as they are: a file's path on the server (the local outbox the
// operator is pointed to) and a file's digest (an import's sha256 on the audit log).
const PATH = /(?:\/[\w.-]+){2,}/g;
const DIGEST = /\b[0-9a-f]{32,}\b/g;
// a resident ID number's check character (11010119631115589X)
const ID_NUMBER = /\b\d{17}X\b/g;
// a file name's extension as the user's file had it (高危名单.xlsx)
const EXTENSION = /\.(xlsx|xls|csv)\b/g;

function latinWords(text: string, allowed: Set<string>): string[] {
  const words =
    text
      .replace(PATH, " ")
      .replace(DIGEST, " ")
      .replace(EXTENSION, " ")
      .replace(ID_NUMBER, " ")
      .match(/[A-Za-z][A-Za-z0-9]*(?:[-'_][A-Za-z0-9]+)*/g) ?? [];
  return words.filter((w) => !ALLOWED.has(w) && !allowed.has(w));
}

async function sweep(page: Page, base: string): Promise<Map<string, Set<string>>> {
  const names = await usernames();
  const found = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const visit = async (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBeLessThan(400);
    await settle(page);
    const text = await screenText(page);
    // …and no phone in its stored E.164 form: people read 138 0013 8000
    const bad = [...latinWords(text, names), ...(text.match(/\+\d{8,}/g) ?? [])];
    // each word with the line it stands in, so the report says where to look
    if (bad.length)
      found.set(
        path,
        new Set(
          bad.map(
            (w) =>
              `${w} «${text
                .split("\n")
                .find((l) => l.includes(w))
                ?.trim()
                .slice(0, 80)}»`,
          ),
        ),
      );
  };
  const sameSite = (hrefs: string[]) =>
    hrefs
      .filter((h) => h.startsWith(base))
      .map((h) => h.slice(base.length))
      .filter((p) => p.startsWith("/") && !SKIP.test(p));

  await page.goto(`${base}/lang/zh?back=/`);
  await visit("/");
  const nav = sameSite(await page.$$eval("header nav a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href)));
  for (const p of ["/", ...nav]) {
    await visit(p);
    if (page.url() !== `${base}${p}`) await settle(page);
    // the detail page of each list's first row
    const firsts = sameSite(
      await page.$$eval("main table tbody tr:first-child", (rows) =>
        rows.map((r) => (r.querySelector("a[href]") as HTMLAnchorElement | null)?.href ?? "").filter(Boolean),
      ),
    );
    for (const d of firsts) await visit(d);
  }
  // and the pages the navigated pages link to outside their lists (new-case form, imports, the
  // paste box…), once each
  const more = new Set<string>();
  for (const p of [...seen]) {
    await page.goto(`${base}${p}`);
    await settle(page);
    for (const h of sameSite(
      await page.$$eval("main a[href]:not(table a)", (as) => as.map((a) => (a as HTMLAnchorElement).href)),
    )) {
      if (!h.includes("?") && !seen.has(h)) more.add(h);
    }
  }
  for (const p of [...more].slice(0, 40)) await visit(p);
  return found;
}

async function callAndText(page: Page, base: string) {
  const db = suite.server.deps.db;
  const { id } = (await sqlOne(db, "select id from targets where status = 'open' order by id limit 1")) as {
    id: number;
  };
  await page.goto(`${base}/targets/${id}`);
  await page.click('[data-testid="call-warning"]');
  await page.waitForLoadState("load");
  await page.goto(`${base}/targets/${id}`);
  await page.click('[data-testid="send-sms"]');
  await page.waitForLoadState("load");
  expect(((await sqlOne(db, "select count(*) n from telephony_messages")) as { n: number }).n).toBeGreaterThanOrEqual(
    2,
  );
}

const report = (found: Map<string, Set<string>>) => [...found].map(([p, ws]) => `${p}: ${[...ws].join(", ")}`);

describe("one language on screen", () => {
  test("the word finder flags English words and raw codes, and lets the allow-list and usernames through", () => {
    const text = "状态：queued · 机构 CMCC · 短信 SMS 与 API · connectTo: 必填 · 操作人 agent · /tmp/x/outbox.jsonl";
    expect(latinWords(text, new Set(["agent"]))).toEqual(["queued", "CMCC", "connectTo"]);
  });

  const roles = [
    ...DEMO_USERS.filter((u) => u.username !== "agent2" && u.username !== "ccb").map((u) => u.username),
    ADMIN.username,
  ];
  for (const username of roles) {
    test(`${username}: every page its navigation reaches reads in Chinese without English words or raw codes`, async () => {
      const context = await suite.browser.newContext();
      const page = await context.newPage();
      await signInPage(page, suite.server.base, {
        username,
        password: username === ADMIN.username ? ADMIN.password : DEMO_PASSWORD,
      });
      // the agent first calls and texts a target, so the outbox and the target's page show
      // the provider's statuses (queued …) too
      if (username === "agent") await callAndText(page, suite.server.base);
      const found = await sweep(page, suite.server.base);
      expect(report(found)).toEqual([]);
      await context.close();
    }, 240_000);
  }

  test("every request's history starts with its send, the demo's too", async () => {
    const db = suite.server.deps.db;
    const unsent = (await sqlOne(
      db,
      "select count(*) n from requests r where r.status <> 'draft' and not exists (select 1 from responses x where x.request_id = r.id and x.action = 'send')",
    )) as { n: number };
    expect(unsent.n).toBe(0);
    const { id } = (await sqlOne(
      db,
      "select id from requests where status = 'completed' and kind = 'freeze' order by id limit 1",
    )) as { id: number };
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signInPage(page, suite.server.base, { username: "agent", password: DEMO_PASSWORD });
    await page.goto(`${suite.server.base}/requests/${id}`);
    const first = await page.textContent('[data-testid="request-history"] tbody tr:first-child');
    expect(first).toContain("发送");
    await context.close();
  }, 60_000);

  test("the audit page fits a 1366 × 768 screen without scrolling sideways", async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await signInPage(page, suite.server.base, { username: "supervisor", password: DEMO_PASSWORD });
    await page.goto(`${suite.server.base}/audit`);
    await settle(page);
    const text = await page.textContent("main table");
    expect(text).toContain("中国工商银行");
    expect(text).toContain("状态：已签收 → 已办结");
    expect(await page.locator("main table tbody tr").count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await context.close();
  }, 60_000);
});
