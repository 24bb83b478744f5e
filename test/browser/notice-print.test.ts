// The bank's desk opens a freeze's notice and prints it to PDF: A4, the navigation hidden, the
// notice's text on the page, the receipt on a page of its own.
import { describe, expect, test } from "bun:test";
import { createToken } from "../../src/auth/service";
import { sqlOne } from "../helpers";
import { browserSuite } from "./harness";

const suite = browserSuite();

describe("printing a notice", () => {
  test("the bank opens a freeze's notice from its desk and prints it to an A4 PDF with the notice's text and its receipt page", async () => {
    const { server } = suite;
    const now = Date.now();
    const { id: caseId } = (await sqlOne(
      server.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at) values (?, '南山区', 'fake_investment', 30000000, '李四', 'received', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number };
    const { token } = await createToken(server.deps.db, { name: "center", role: "agent" });
    const res = await fetch(`${server.base}/api/v1/requests`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ caseId, kind: "freeze", value: "6222020200112233445", amount: 20_000_000 }),
    });
    expect(res.status).toBe(201);
    const { request } = (await res.json()) as { request: { id: number; documentNo: string } };

    const bank = await suite.open("bank", { institution: "ICBC" });
    await bank.page.goto(`${server.base}/desk/${request.id}`);
    await Promise.all([bank.page.waitForURL(/\/notice$/), bank.page.click(`[data-testid="notice-links"] a`)]);

    const text = await bank.page.innerText('[data-testid="notice"]');
    for (const s of [
      "协助冻结财产通知书",
      request.documentNo,
      "《中华人民共和国刑事诉讼法》第一百四十四条",
      "人民币贰拾万元整",
      "6222020200112233445",
      "协助冻结财产回执",
    ])
      expect(text).toContain(s);

    await bank.page.emulateMedia({ media: "print" });
    expect(await bank.page.isVisible("header.top")).toBe(false);
    expect(await bank.page.isVisible('[data-testid="print"]')).toBe(false);
    const pdf = await bank.page.pdf({ format: "A4", preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const raw = pdf.toString("latin1");
    // the notice on one page, the receipt on the next
    expect(raw.match(/\/Type\s*\/Page[^s]/g)?.length).toBe(2);
    // both pages A4 (595 × 842 points)
    const boxes = [...raw.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
      Math.round(Number(m[1])),
      Math.round(Number(m[2])),
    ]);
    expect(boxes).toEqual([
      [595, 842],
      [595, 842],
    ]);
    expect(bank.errors).toEqual([]);
  }, 60_000);
});
