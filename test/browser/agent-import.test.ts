// An agent's bulk import in a real browser: upload a file with bad rows, read the report, and
// download the rejected rows; a large file's progress is followed live.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launch, signInPage, startServer } from "./harness";

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const FIXTURE = join(import.meta.dir, "../fixtures/suspects-bad-rows.csv");

describe("agent: bulk import", () => {
  test("an agent imports a file with bad rows, reads the report and downloads the rejected rows", async () => {
    const u = await server.user("agent");
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await signInPage(page, server.base, u);

    await page.goto(`${server.base}/imports?kind=suspects`);
    await page.setInputFiles('[data-testid="import-file"]', FIXTURE);
    await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('[data-testid="import-submit"]')]);
    await page.waitForSelector('[data-testid="import-result"][data-status="done"]');

    expect(await page.textContent('[data-testid="count-rows"]')).toContain("8");
    expect(await page.textContent('[data-testid="count-imported"]')).toContain("4");
    expect(await page.textContent('[data-testid="count-merged"]')).toContain("1");
    expect(await page.textContent('[data-testid="count-rejected"]')).toContain("3");
    const lines = await page.locator('[data-testid="import-rejections"] tbody tr td:first-child').allTextContents();
    expect(lines).toEqual(["5", "8", "10"]);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="import-download"]'),
    ]);
    expect(download.suggestedFilename()).toBe("suspects-bad-rows-rejected.csv");
    const text = readFileSync((await download.path())!, "utf8");
    expect(text.replace(/^\uFEFF/, "").split("\r\n")).toEqual([
      "行号,原因,号码,类型,风险等级,备注",
      "5,不是电话号码或银行账号：含有字母,abc123,,,",
      "8,不是电话号码或银行账号：5 位数字,12345,,,",
      "10,无法识别的风险等级“urgent”：请填 高/中/低（high/medium/low）,0755 8888 8888,phone,urgent,",
      "",
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("a large file's progress is shown live, then its report replaces the bar without a reload", async () => {
    const u = await server.user("agent");
    const dir = mkdtempSync(join(tmpdir(), "fanzha-import-browser-"));
    const path = join(dir, "large.csv");
    const rows = ["电话,风险等级"];
    for (let i = 0; i < 200_000; i++) rows.push(`${13_000_000_000 + i * 7},${i % 1000 === 0 ? "bogus" : "高"}`);
    await Bun.write(path, rows.join("\n") + "\n");

    const context = await browser.newContext();
    const page = await context.newPage();
    await signInPage(page, server.base, u);
    await page.goto(`${server.base}/imports?kind=suspects`);
    await page.setInputFiles('[data-testid="import-file"]', path);
    await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('[data-testid="import-submit"]')]);
    // the page arrives while the rows are being recorded: a bar, not yet a result
    await page.waitForSelector('[data-testid="import-progress"] progress');
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.waitForSelector('[data-testid="import-result"][data-status="done"]', { timeout: 50_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.textContent('[data-testid="import-accounting"]')).toContain(
      "新增 199800 + 合并 0 + 拒绝 200 = 数据行 200000",
    );
    await context.close();
  });
});
