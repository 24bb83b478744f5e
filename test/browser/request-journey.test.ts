// The joint operations room in two browsers: an agent sends a stop-payment; the bank's desk
// shows it arrive live (server-sent events, no reload); the bank confirms it with an onward
// transfer; the agent sees the level-2 draft appear and sends it in one click.
import { describe, expect, test } from "bun:test";
import { sqlOne } from "../helpers";
import { browserSuite } from "./harness";

const suite = browserSuite();

const ICBC_CARD = "6222 0202 0011 2233 445";
const ABC_CARD = "6228480011223344556";

describe("request journey", () => {
  test("agent sends a stop-payment, the bank sees it arrive live and confirms with an onward transfer, the agent sends the level-2 request", async () => {
    const now = Date.now();
    const { id: caseId } = (await sqlOne(
      suite.server.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at)
         values (?, '南山区', 'fake_investment', 1000000, '李四', 'received', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number };

    const bank = await suite.open("bank", { institution: "ICBC" });
    const streamOpen = bank.page.waitForResponse((r) => r.url().endsWith("/desk/events"));
    await bank.page.goto(`${suite.server.base}/desk`);
    await streamOpen;
    // a marker that a reload would wipe out
    await bank.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const agent = await suite.open("agent");
    await agent.page.goto(`${suite.server.base}/requests/new?caseId=${caseId}`);
    await agent.page.selectOption('select[name="kind"]', "stop_payment");
    await agent.page.fill('input[name="value"]', ICBC_CARD);
    // the bank is inferred from the card number and preselected
    await agent.page.waitForFunction(
      () => (document.querySelector('select[name="institution"]') as HTMLSelectElement).value === "ICBC",
    );
    await agent.page.fill('input[name="amount"]', "10000");

    const sentAt = Date.now();
    await Promise.all([
      agent.page.waitForURL(/\/requests\/\d+\?done=sent$/),
      agent.page.click('[data-testid="send-now"]'),
    ]);
    const l1 = Number(/\/requests\/(\d+)/.exec(agent.page.url())![1]);
    await bank.page.waitForSelector(`[data-alert-id="${l1}"]`);
    await bank.page.waitForSelector(`#desk-live tr[data-request-id="${l1}"]`);
    const latency = Date.now() - sentAt;
    console.log(`send → desk shows it: ${latency} ms (includes the agent's page load after the redirect)`);
    expect(await bank.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
      true,
    );

    // the bank handles it: opening it acknowledges it; then confirm with the money that already moved on
    await Promise.all([
      bank.page.waitForURL(`${suite.server.base}/desk/${l1}`),
      bank.page.click(`[data-alert-id="${l1}"] a`),
    ]);
    await bank.page.fill('input[name="amount"]', "4000");
    await bank.page.fill('input[name="balance"]', "4000");
    const row = bank.page.locator('[data-testid="onward-row"]').first();
    await row.locator('input[name="ot_account"]').fill(ABC_CARD);
    await row.locator('input[name="ot_amount"]').fill("6000");
    await Promise.all([
      bank.page.waitForURL(`${suite.server.base}/desk/${l1}?answered=1`),
      bank.page.click('[data-testid="confirm"]'),
    ]);
    expect(await bank.page.textContent('[data-testid="request-title"]')).toContain("已办结");

    // the agent's open request page updates itself with the level-2 draft, ready to send
    const l2 = (
      (await sqlOne(suite.server.deps.db, "select id from requests where parent_request_id = ?", l1)) as {
        id: number;
      }
    ).id;
    const send = agent.page.locator(`[data-testid="onward"] [data-testid="send-${l2}"]`);
    await send.waitFor();
    expect(await agent.page.textContent('[data-testid="onward"]')).toContain("6228 4800 1122 3344 556");
    await Promise.all([agent.page.waitForURL(new RegExp(`/requests/${l1}(\\?|$)`)), send.click()]);
    expect(await agent.page.textContent('[data-testid="onward"]')).toContain("已发送");

    const sent = await sqlOne(
      suite.server.deps.db,
      "select r.status, r.level, r.amount_fen as amount, i.code from requests r join institutions i on i.id = r.institution_id where r.id = ?",
      l2,
    );
    expect(sent).toEqual({ status: "sent", level: 2, amount: 600_000, code: "ABC" });
    expect([...bank.errors, ...agent.errors]).toEqual([]);
  }, 60_000);
});
