// An agent's intake journey in a real browser: a case with two suspects, then finding one of
// them again by typing part of its number; the paste-many box.
import { describe, expect, test } from "bun:test";
import { sqlOne } from "../helpers";
import { browserSuite } from "./harness";

const suite = browserSuite();

describe("agent: cases and suspects", () => {
  test("an agent enters a case with two suspects, then finds one by typing part of its number", async () => {
    // the invalid form's 422 is logged by the browser as a failed load: it is the answer we want
    const { page, errors, context } = await suite.open("agent", { ignore: (text) => text.includes("status of 422") });

    await page.click('nav a[href="/cases"]');
    await page.click('a[href="/cases/new"]');
    // the received time is already filled in; the fraud type has the focus
    expect(await page.inputValue('input[name="receivedAt"]')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("fraudType");
    await page.selectOption('select[name="fraudType"]', "fake_investment");
    await page.fill('input[name="district"]', "南山区");
    await page.fill('input[name="loss"]', "12,345.67");
    await page.fill('input[name="victim.name"]', "张三丰");
    await page.fill('input[name="victim.phone"]', "139 0013 9000");
    const values = page.locator('input[name="suspect.value"]');
    await values.nth(0).fill("+86 138-0013-8000");
    // a typo first: the whole form comes back with the row's error, nothing typed is lost
    await values.nth(1).fill("6222 02");
    await page.click('button[type="submit"].primary');
    expect(await page.textContent(".errors")).toContain("第 2 行");
    expect(page.url()).toEndWith("/cases");
    expect(await page.inputValue('input[name="victim.name"]')).toBe("张三丰");
    await page.locator('input[name="suspect.value"]').nth(1).fill("6222 0212 3456 7890 128");
    await Promise.all([page.waitForURL(/\/cases\/\d+\?saved=1$/), page.click('button[type="submit"].primary')]);

    const suspects = await page.textContent('[data-testid="case-suspects"]');
    expect(suspects).toContain("138 0013 8000");
    expect(suspects).toContain("6222 0212 3456 7890 128");
    expect(await page.textContent('[data-testid="victim"]')).toContain("张三丰");

    await page.click('nav a[href="/suspects"]');
    await page.locator('[data-testid="suspect-search"]').pressSequentially("7890 12", { delay: 30 });
    // the page opened on the newest suspects (both); the search narrows it to the one typed
    await page.waitForFunction(() => document.querySelectorAll("#suspect-results tbody tr").length === 1);
    const hit = page.locator('#suspect-results a[title="6222021234567890128"]');
    expect(await hit.count()).toBe(1);
    await Promise.all([page.waitForURL(/\/suspects\/\d+$/), hit.click()]);
    expect(await page.textContent('[data-testid="suspect-display"]')).toContain("6222 0212 3456 7890 128");
    expect(await page.locator('a[href^="/cases/"]').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test("an agent checks a pasted list (nothing recorded), then adds it; another list the same way, without a reload", async () => {
    const { page, errors, context } = await suite.open("agent");
    await page.goto(`${suite.server.base}/suspects`);
    await page.click("details.card summary");
    const sightings = async (value: string) =>
      (
        (await sqlOne(suite.server.deps.db, "select sightings from suspects where value = ?", value)) as {
          sightings: number;
        } | null
      )?.sightings ?? 0;

    await page.fill('[data-testid="paste-text"]', "137 0013 7000\n6222 0212 3456 7890 129");
    await page.click('[data-testid="paste-check"]');
    await page.waitForSelector('[data-testid="check-summary"]');
    expect(await page.textContent('[data-testid="check-summary"]')).toContain("未在库 2");
    expect(await sightings("+8613700137000")).toBe(0);
    await page.click('[data-testid="paste-add-submit"]');
    await page.waitForSelector('[data-testid="paste-summary"]');
    expect(await page.textContent('[data-testid="paste-summary"]')).toContain("新增 2");

    // another list: checked, then added; the Add form came with the check, with its own nonce
    await page.fill('[data-testid="paste-text"]', "137 0013 7000");
    await page.click('[data-testid="paste-check"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="check-summary"]')?.textContent?.includes("已在库 1"),
    );
    await page.click('[data-testid="paste-add-submit"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="paste-summary"]')?.textContent?.includes("合并 1"),
    );
    expect(await sightings("+8613700137000")).toBe(2);
    expect(await sightings("6222021234567890129")).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
