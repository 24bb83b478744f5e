// A 12-month freeze from sending to renewal, in two browsers: the agent sends a freeze of a major,
// complex case on a city-level approval; the bank checks the holder on its desk, opens the numbered
// notice and prints it, and confirms; the agent renews the freeze (继续冻结), and the renewal
// takes effect only when the bank confirms it on its desk.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { addShanghaiMonths } from "../../src/domain/time";
import { sqlOne } from "../helpers";
import { browserSuite } from "./harness";

const suite = browserSuite();

const ICBC_CARD = "6222 0202 0011 2233 445";

/** Opening a sent request at the desk acknowledges it: the page's 签收 button goes once that has landed. */
async function openAtDesk(page: Page, base: string, id: number) {
  await page.goto(`${base}/desk/${id}`);
  await page.waitForSelector('[data-testid="acknowledge"]', { state: "detached" });
  await page.waitForSelector('[data-testid="confirm"]');
}

describe("freeze journey", () => {
  test("an agent sends a 12-month freeze, the bank prints its notice and confirms, the agent renews it and the bank confirms the renewal", async () => {
    const { base, deps } = suite.server;
    const now = Date.now();
    const { id: caseId } = (await sqlOne(
      deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at)
         values (?, '南山区', 'fake_investment', 1500000, '王小明', 'filed', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number };

    // the agent: a freeze for 12 months, with the city-level approval
    const agent = await suite.open("agent");
    await agent.page.goto(`${base}/requests/new?caseId=${caseId}`);
    await agent.page.selectOption('select[name="kind"]', "freeze");
    await agent.page.fill('input[name="value"]', ICBC_CARD);
    await agent.page.waitForFunction(
      () => (document.querySelector('select[name="institution"]') as HTMLSelectElement).value === "ICBC",
    );
    await agent.page.fill('input[name="amount"]', "15000");
    await agent.page.fill('input[name="holderName"]', "李四");
    await agent.page.selectOption('select[name="term"]', "12m");
    await agent.page.fill('input[name="approvalBy"]', "市公安局 张副局长");
    await agent.page.fill('input[name="approvalAt"]', "2026-12-01T09:00");
    await agent.page.fill('input[name="approvalRef"]', "市公反诈批〔2026〕18号");
    await Promise.all([
      agent.page.waitForURL(/\/requests\/\d+\?done=sent$/),
      agent.page.click('[data-testid="send-now"]'),
    ]);
    const freezeId = Number(/\/requests\/(\d+)/.exec(agent.page.url())![1]);
    expect(await agent.page.textContent('[data-testid="freeze-term"]')).toContain("十二个月");
    expect(await agent.page.textContent('[data-testid="freeze-approval"]')).toContain("市公反诈批〔2026〕18号");

    // the bank: the check list names the holder; the notice is numbered, states the term, and prints
    const bank = await suite.open("bank", { institution: "ICBC" });
    await openAtDesk(bank.page, base, freezeId);
    expect(await bank.page.textContent('[data-testid="check-holder"]')).toBe("李四");
    await Promise.all([bank.page.waitForURL(/\/notice$/), bank.page.click('[data-testid="notice-links"] a')]);
    const notice = await bank.page.innerText('[data-testid="notice"]');
    expect(notice).toContain("协助冻结财产通知书");
    expect(notice).toContain("李四");
    expect(notice).toMatch(/十二个月|12 ?个月/);
    const pdf = await bank.page.pdf({ format: "A4", preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await openAtDesk(bank.page, base, freezeId);
    await bank.page.fill('input[name="amount"]', "15000");
    await Promise.all([
      bank.page.waitForURL(`${base}/desk/${freezeId}?answered=1`),
      bank.page.click('[data-testid="confirm"]'),
    ]);
    const frozen = (await sqlOne(
      deps.db,
      "select status, effective_at as at, expires_at as exp from requests where id = ?",
      freezeId,
    )) as { status: string; at: number; exp: number };
    expect(frozen.status).toBe("completed");
    expect(frozen.exp).toBe(addShanghaiMonths(frozen.at, 12));

    // the agent renews for another 12 months: an instruction to the bank, the expiry unchanged until it confirms
    await agent.page.goto(`${base}/requests/${freezeId}`);
    await agent.page.selectOption(`[data-testid="renew-form-${freezeId}"] select[name="term"]`, "12m");
    await Promise.all([
      agent.page.waitForURL(`${base}/requests/${freezeId}`),
      agent.page.click(`[data-testid="renew-${freezeId}"]`),
    ]);
    const renewal = (await sqlOne(
      deps.db,
      "select id, status from requests where parent_request_id = ? and kind = 'freeze_renewal'",
      freezeId,
    )) as { id: number; status: string };
    expect(renewal.status).toBe("sent");
    expect(
      ((await sqlOne(deps.db, "select expires_at as exp from requests where id = ?", freezeId)) as { exp: number }).exp,
    ).toBe(frozen.exp);

    // the bank confirms the renewal on its desk; the freeze now holds 12 months past its old expiry
    await openAtDesk(bank.page, base, renewal.id);
    expect(await bank.page.textContent('[data-testid="request-title"]')).toContain("继续冻结");
    await Promise.all([
      bank.page.waitForURL(`${base}/desk/${renewal.id}?answered=1`),
      bank.page.click('[data-testid="confirm"]'),
    ]);
    const renewed = (await sqlOne(
      deps.db,
      "select renewals, expires_at as exp from requests where id = ?",
      freezeId,
    )) as { renewals: number; exp: number };
    expect(renewed).toEqual({ renewals: 1, exp: addShanghaiMonths(frozen.exp, 12) });
    await agent.page.goto(`${base}/requests/${freezeId}`);
    expect(await agent.page.textContent("body")).toContain("继续冻结");

    expect([...agent.errors, ...bank.errors]).toEqual([]);
  }, 60_000);
});
