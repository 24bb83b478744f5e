// In a real browser: the publicity team reads the high-risk lists masked; a supervisor
// watches the board refresh itself and downloads a table.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { loadDemo } from "../../src/demo/load";
import { browserSuite } from "./harness";

const suite = browserSuite({ prepare: async (server) => await loadDemo(server.deps), timeout: 120_000 });

const cells = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? "").trim()));

describe("publicity", () => {
  test("a publicity user opens the high-risk lists and sees only masked numbers and names", async () => {
    const { page, errors, context } = await suite.open("publicity", { downloads: true });
    await page.click('nav a[href="/publicity"]');
    await page.waitForSelector('[data-testid="suspect-numbers"]');
    expect(await page.textContent("h1")).toBe("宣传高危名单");
    const numbers = await cells(page, '[data-testid="suspect-numbers"] tbody td.nowrap');
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(n).toMatch(/^\d{3}\*{4}\d{4}$/);

    await page.click('[data-testid="visits-link"]');
    await page.waitForSelector('[data-testid="visits"]');
    const names = await cells(page, '[data-testid="visit-name"]');
    const phones = await cells(page, '[data-testid="visit-phone"]');
    expect(names.some((n) => n !== "—")).toBe(true);
    for (const n of names) expect(n).toMatch(/^(—|[^*\s]\*+)$/);
    for (const p of phones) expect(p).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test("choosing another period redraws the lists in place and keeps it in the address", async () => {
    const { page, errors, context } = await suite.open("publicity", { downloads: true });
    await page.goto(`${suite.server.base}/publicity`);
    await page.selectOption('select[name="kind"]', "ytd");
    await Promise.all([page.waitForURL(/kind=ytd/), page.click('[data-testid="period-picker"] button[type="submit"]')]);
    const year = new Date().getFullYear();
    expect(await page.textContent('[data-testid="period-line"]')).toContain(`${year}-01-01`);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test("the visit list downloads as an XLSX named after the list", async () => {
    const { page, context } = await suite.open("publicity", { downloads: true });
    await page.goto(`${suite.server.base}/publicity/visits`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="export-visits"] a:has-text("XLSX")'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^上门走访名单-.*\.xlsx$/);
    await context.close();
  }, 60_000);
});

describe("supervision", () => {
  test("a supervisor sees the lights, the board reloads when something changes, and a table downloads", async () => {
    const { page, errors, context } = await suite.open("supervisor", { downloads: true });
    const streaming = page.waitForResponse((r) => r.url().endsWith("/supervision/events"));
    await page.click('nav a[href="/supervision"]');
    await page.waitForSelector('[data-testid="request-lights"]');
    expect(await page.textContent('[data-testid="request-lights"]')).toContain("红灯");
    expect(await page.textContent('[data-testid="bank-times"]')).toContain("中国工商银行");

    // an answer comes in somewhere: the open board asks for its live part again
    const reload = page.waitForRequest((r) => r.url().endsWith("/supervision/live"), { timeout: 10_000 });
    await streaming;
    suite.server.deps.events.publish("supervision", "request", "1");
    await reload;

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="export-bankTimes"] a:has-text("XLSX")'),
    ]);
    expect(download.suggestedFilename()).toEndWith(".xlsx");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
