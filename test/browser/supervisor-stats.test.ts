// A supervisor opens the year-on-year screen for a quarter, sees the chart, downloads the XLSX.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { sqlRun } from "../helpers";
import { browserSuite } from "./harness";

// a fixed "today", so the quarters on offer and the periods do not move with the calendar
const suite = browserSuite({
  platform: { clock: { now: () => Date.parse("2026-11-21T10:00:00+08:00") } },
  async prepare(server) {
    const ins = (at: number, filed: number | null) =>
      sqlRun(
        server.deps.db,
        "INSERT INTO cases (received_at, district, fraud_type, victim_name, filed_at) VALUES (?, '南山区', 'fake_investment', '王五', ?)",
        at,
        filed,
      );
    // Q3 2025: three alerts, one filed; Q3 2026: two alerts, both filed
    for (const d of ["2025-07-04", "2025-08-09", "2025-09-30"])
      await ins(Date.parse(`${d}T10:00:00+08:00`), d === "2025-08-09" ? Date.parse(`${d}T12:00:00+08:00`) : null);
    for (const d of ["2026-07-14", "2026-09-02"])
      await ins(Date.parse(`${d}T10:00:00+08:00`), Date.parse(`${d}T12:00:00+08:00`));
  },
});

describe("year-on-year screen in the browser", () => {
  test("a supervisor picks a quarter, sees the chart drawn, and downloads the key figures as XLSX", async () => {
    const { page, errors, context } = await suite.open("supervisor", { downloads: true });

    await page.click('nav a[href="/stats"]');
    await page.selectOption('select[name="kind"]', "quarter");
    await page.selectOption('select[name="quarter"]', "2025-Q3");
    await Promise.all([
      page.waitForURL(/kind=quarter/),
      page.click('[data-testid="period-form"] button[type="submit"]'),
    ]);
    expect(await page.textContent('[data-testid="period-line"]')).toContain("2025-07-01 至 2025-09-30");
    await page.selectOption('select[name="quarter"]', "2026-Q3");
    await Promise.all([
      page.waitForURL(/quarter=2026-Q3/),
      page.click('[data-testid="period-form"] button[type="submit"]'),
    ]);
    expect(await page.textContent('[data-testid="period-line"]')).toContain(
      "本期 2026-07-01 至 2026-09-30，去年同期 2025-07-01 至 2025-09-30",
    );
    expect(await page.textContent('[data-testid="change-alerts"]')).toBe("-33.33%");

    // Chart.js drew on the canvas: it has a size and non-transparent pixels
    await page.waitForSelector('canvas[data-testid="yoy-chart"][data-rendered="true"]');
    const drawn = await page.$eval('canvas[data-testid="yoy-chart"]', (c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      return { width: canvas.width, height: canvas.height, painted };
    });
    expect(drawn.width).toBeGreaterThan(100);
    expect(drawn.height).toBeGreaterThan(100);
    expect(drawn.painted).toBeGreaterThan(500);
    // switching the chart's metric redraws without a page load
    await page.selectOption('select[data-chart-metric="yoy-chart"]', "casesFiled");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="export-metrics-xlsx"]'),
    ]);
    expect(download.suggestedFilename()).toBe("同比统计-主要指标-2026-07-01_2026-09-30.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toBe("指标");
    expect(ws.getRow(2).values).toEqual([undefined, "警情", 2, 3, -33.33, "系统记录", "系统记录"]);
    expect(ws.getRow(3).values).toEqual([undefined, "立案", 2, 1, 100, "系统记录", "系统记录"]);

    expect(errors).toEqual([]); // no CSP violations, no script errors
    await context.close();
  });
});
