// Issue 13's journeys in Chromium, counting every click and submit: the agent's next → call →
// outcome, the desk's confirm from the alert, the level-2 stop-payment from the banner (and with
// ONWARD_AUTO_SEND none at all), and an agent's home page updating while a bank answers elsewhere.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { createToken } from "../../src/auth/service";
import { sqlOne, sqlRun } from "../helpers";
import { browserSuite, launch, signInPage, startServer, type TestServer } from "./harness";

const ICBC_CARD = "6222020200112233445";
const ABC_CARD = "6228480011223344556";

/** Clicks that count as the user's interactions. */
function counter(page: Page) {
  let n = 0;
  return {
    get n() {
      return n;
    },
    async click(selector: string, waitUrl?: RegExp | string) {
      n++;
      if (waitUrl) await Promise.all([page.waitForURL(waitUrl), page.click(selector)]);
      else await page.click(selector);
    },
  };
}

async function makeCase(server: TestServer): Promise<number> {
  const now = Date.now();
  return (
    (await sqlOne(
      server.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at) values (?, '南山区', 'fake_investment', 1000000, '李四', 'received', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number }
  ).id;
}

/** A stop-payment sent to ICBC through the API, as the center's system would. */
async function sendStopPayment(server: TestServer, caseId: number): Promise<number> {
  const { token } = await createToken(server.deps.db, {
    name: `agent-${Math.random().toString(36).slice(2, 8)}`,
    role: "agent",
  });
  const res = await server.app.request("/api/v1/requests", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ caseId, kind: "stop_payment", value: ICBC_CARD, amount: 1_000_000 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { request: { id: number } }).request.id;
}

async function bankAnswers(server: TestServer, id: number, body: Record<string, unknown>) {
  const { token } = await createToken(server.deps.db, {
    name: `icbc-${Math.random().toString(36).slice(2, 8)}`,
    role: "bank",
    institution: "ICBC",
  });
  const res = await server.app.request(`/api/v1/requests/${id}/responses`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
}

const suite = browserSuite();

describe("agent: next → call → outcome", () => {
  test("from the home page an agent takes the next target, calls and records the outcome in 3 interactions, then is offered the next", async () => {
    const now = Date.now();
    const { id: targetId } = (await sqlOne(
      suite.server.deps.db,
      `insert into targets (phone, risk_grade, reason, source, status, due_at, available_at, created_at, updated_at) values ('+8613800138000', 'high', 'other', 'manual', 'open', ?, ?, ?, ?) returning id`,
      now + 600_000,
      now,
      now,
      now,
    )) as { id: number };
    const agent = await suite.open("agent");
    const c = counter(agent.page);
    await c.click('[data-testid="take-next"]', new RegExp(`/targets/${targetId}$`));
    await c.click('[data-testid="call-warning"]', new RegExp(`/targets/${targetId}$`));
    // the call's status in words, next to the outcome buttons
    expect(await agent.page.textContent('[data-testid="call-now"] [data-testid="call-status"]')).toBe("排队中");
    await c.click('[data-testid="quick-dissuaded"]', new RegExp(`/targets/${targetId}$`));
    expect(c.n).toBeLessThanOrEqual(3);
    const w = (await sqlOne(suite.server.deps.db, "select outcome from warnings where target_id = ?", targetId)) as {
      outcome: string;
    };
    expect(w.outcome).toBe("dissuaded");
    await agent.page.waitForSelector('[data-testid="take-next"]'); // the next one, one click away
    expect(agent.errors).toEqual([]);
    await agent.context.close();
  }, 60_000);
});

describe("desk and center, live", () => {
  test("the bank confirms from the alert in 2 interactions while the agent's home page updates live with a banner and the unread count", async () => {
    const caseId = await makeCase(suite.server);
    const agent = await suite.open("agent");
    await agent.page.waitForSelector('[data-testid="live-state"][data-live-state="open"]');
    await agent.page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
    const bank = await suite.open("bank", { institution: "ICBC" });
    await bank.page.goto(`${suite.server.base}/desk`);
    await bank.page.waitForSelector('[data-testid="desk-live-state"][data-live-state="open"]');
    const openBefore = Number(
      (await agent.page.textContent('[data-testid="tile-home.requestsOpen"] .n'))!.replace(/\D/g, ""),
    );

    const id = await sendStopPayment(suite.server, caseId);
    await bank.page.waitForSelector(`[data-alert-id="${id}"]`);
    // the new request is announced in the tab title and highlighted at the top of the queue
    await bank.page.waitForFunction(() => document.title.startsWith("(1) "));
    await bank.page.waitForSelector(`#desk-live tr.new-row[data-request-id="${id}"]`);
    // the agent's open-requests tile counted it without a reload
    await agent.page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="tile-home.requestsOpen"] .n')!.textContent!.replace(/\D/g, "")) ===
        n,
      openBefore + 1,
    );

    const c = counter(bank.page);
    await c.click(`[data-alert-id="${id}"] a`, `${suite.server.base}/desk/${id}`);
    // the page acknowledges itself once loaded (a POST; the GET wrote nothing): no click for it
    await bank.page.waitForSelector("#desk-request-title:not([hx-post])");
    expect(await bank.page.$('[data-testid="acknowledge"]')).toBeNull();
    await bank.page.fill('input[name="amount"]', "10000");
    await bank.page.fill('input[name="balance"]', "10000");
    await c.click('[data-testid="confirm"]', `${suite.server.base}/desk/${id}?answered=1`);
    expect(c.n).toBeLessThanOrEqual(3);
    const r = await sqlOne(
      suite.server.deps.db,
      "select status, case when acknowledged_at is null then 0 else 1 end as acked from requests where id = ?",
      id,
    );
    expect(r).toEqual({ status: "completed", acked: 1 });

    // the agent's home page: a banner naming what happened, with its link; the title counts it
    await agent.page.waitForSelector(`[data-testid="banner-answer-${id}"] a[href="/requests/${id}"]`);
    expect(await agent.page.textContent(`[data-testid="banner-answer-${id}"]`)).toContain("已办结");
    await agent.page.waitForFunction(() => /^\(\d+\) /.test(document.title));
    await agent.page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="tile-home.requestsOpen"] .n')!.textContent!.replace(/\D/g, "")) ===
        n,
      openBefore,
    );
    expect(await agent.page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    expect([...agent.errors, ...bank.errors]).toEqual([]);
    await agent.context.close();
    await bank.context.close();
  }, 60_000);

  test("an onward transfer's level-2 draft is sent from the agent's banner in 1 interaction", async () => {
    const caseId = await makeCase(suite.server);
    const l1 = await sendStopPayment(suite.server, caseId);
    const agent = await suite.open("agent");
    await agent.page.waitForSelector('[data-testid="live-state"][data-live-state="open"]');
    await bankAnswers(suite.server, l1, {
      action: "confirm",
      amount: 400_000,
      balance: 400_000,
      onwardTransfers: [{ account: ABC_CARD, amount: 600_000, at: new Date().toISOString() }],
    });
    const l2 = (
      (await sqlOne(suite.server.deps.db, "select id from requests where parent_request_id = ?", l1)) as {
        id: number;
      }
    ).id;
    await agent.page.waitForSelector(`[data-testid="banner-send-${l2}"]`);
    const c = counter(agent.page);
    await c.click(`[data-testid="banner-send-${l2}"]`, /\/$|\/requests\//);
    expect(c.n).toBe(1);
    expect(await sqlOne(suite.server.deps.db, "select status, level from requests where id = ?", l2)).toEqual({
      status: "sent",
      level: 2,
    });
    expect(agent.errors).toEqual([]);
    await agent.context.close();
  }, 60_000);
});

describe("urging (督办)", () => {
  test("a supervisor urges an overdue request from the board and the bank's open desk shows the urge live", async () => {
    const caseId = await makeCase(suite.server);
    const id = await sendStopPayment(suite.server, caseId);
    await sqlRun(suite.server.deps.db, "update requests set deadline_at = ? where id = ?", Date.now() - 60_000, id);
    const bank = await suite.open("bank", { institution: "ICBC" });
    await bank.page.goto(`${suite.server.base}/desk`);
    await bank.page.waitForSelector('[data-testid="live-state"][data-live-state="open"]');
    const sup = await suite.open("supervisor");
    await sup.page.goto(`${suite.server.base}/supervision`);
    await sup.page.click(`[data-testid="urge-request-${id}"]`);
    await bank.page.waitForSelector(`[data-testid="banner-urged-request-${id}"] a[href="/desk/${id}"]`);
    // the board counts it once its live part reloads
    await sup.page.waitForSelector(`[data-testid="urged-request-${id}"]`);
    expect([...bank.errors, ...sup.errors]).toEqual([]);
    await bank.context.close();
    await sup.context.close();
  }, 60_000);
});

describe("the chime", () => {
  test("is off by default and, once turned on, stays on for that user after a reload", async () => {
    const agent = await suite.open("agent");
    const box = agent.page.locator('[data-testid="sound-toggle"]');
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await agent.page.reload();
    expect(await agent.page.locator('[data-testid="sound-toggle"]').isChecked()).toBe(true);
    expect(agent.errors).toEqual([]);
    await agent.context.close();
  }, 30_000);
});

describe("ONWARD_AUTO_SEND=true", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ ONWARD_AUTO_SEND: "true" });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    server?.stop();
  });

  test("the level-2 stop-payment goes out with no interaction and the agent's banner says so", async () => {
    const caseId = await makeCase(server);
    const l1 = await sendStopPayment(server, caseId);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInPage(page, server.base, await server.user("agent"));
    await page.waitForSelector('[data-testid="live-state"][data-live-state="open"]');
    await bankAnswers(server, l1, {
      action: "confirm",
      amount: 400_000,
      balance: 400_000,
      onwardTransfers: [{ account: ABC_CARD, amount: 600_000, at: new Date().toISOString() }],
    });
    const l2 = (
      (await sqlOne(server.deps.db, "select id from requests where parent_request_id = ?", l1)) as { id: number }
    ).id;
    await page.waitForSelector(`[data-testid="banner-onward-${l2}"]`);
    expect(await page.textContent(`[data-testid="banner-onward-${l2}"]`)).toContain("已自动发送");
    expect(await page.locator(`[data-testid="banner-send-${l2}"]`).count()).toBe(0);
    expect(await sqlOne(server.deps.db, "select status from requests where id = ?", l2)).toEqual({
      status: "sent",
    });
    await context.close();
  }, 60_000);
});
