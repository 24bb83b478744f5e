// Smaller things seen in use (issue 13, item 10): each one behaviour.
import { describe, expect, test } from "bun:test";
import { apiClient, signIn, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function makeCase(p: TestPlatform): Promise<number> {
  const now = p.clock.now();
  return (
    (await sqlOne(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, victim_phone, status, created_at, updated_at)
         values (?, '朝阳区', 'fake_investment', 10000000, '王小明', '+8613911112222', 'received', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number }
  ).id;
}

describe("the desk's notice after an answer", () => {
  test("after an acknowledgement it reads 已签收, not 已反馈", async () => {
    const p = await testPlatform();
    const caseId = await makeCase(p);
    const sent = await (await apiClient(p, "agent")).call("/api/v1/requests", {
      json: { caseId, kind: "stop_payment", value: "6222 0202 0011 2233 445", amount: 500_000 },
    });
    expect(sent.status).toBe(201);
    const { request } = (await sent.json()) as { request: { id: number } };
    const desk = await signIn(p, "bank", "ICBC");
    const res = await desk.request(`/desk/${request.id}/respond`, { form: { action: "acknowledge" } });
    expect(res.status).toBe(303);
    const html = await (await desk.request(res.headers.get("location")!)).text();
    expect(html).toMatch(/<p class="notice" role="status">\s*已签收\s*<\/p>/);
    expect(html).not.toContain("已反馈");
  });
});

describe("a suspect's status picker", () => {
  test("starts on the suspect's current status; saving it unchanged records no change", async () => {
    const p = await testPlatform();
    const created = await (await apiClient(p, "agent")).call("/api/v1/suspects", { json: { value: "13800138000" } });
    const { suspect } = (await created.json()) as { suspect: { id: number; status: string } };
    const u = await signIn(p, "agent");
    const html = await (await u.request(`/suspects/${suspect.id}`)).text();
    const select = /<select name="status">([\s\S]*?)<\/select>/.exec(html)![1]!;
    expect(select).toMatch(/^<option value="active" selected="">在控（当前）<\/option>/);
    const before = (
      (await sqlOne(
        p.deps.db,
        "select count(*) as n from audit_log where entity = 'suspect' and action <> 'view'",
      )) as { n: number }
    ).n;
    const res = await u.request(`/suspects/${suspect.id}/status`, { form: { status: "active", reason: "" } });
    expect(res.status).toBe(303);
    expect(
      (
        (await sqlOne(
          p.deps.db,
          "select count(*) as n from audit_log where entity = 'suspect' and action <> 'view'",
        )) as { n: number }
      ).n,
    ).toBe(before);
  });
});

describe("live search", () => {
  test("keeps its query in the page's address (HX-Replace-Url), and that address shows the same results", async () => {
    const p = await testPlatform();
    await (await apiClient(p, "agent")).call("/api/v1/suspects", { json: { value: "13800138000" } });
    const u = await signIn(p, "agent");
    const live = await u.request("/suspects/search?q=138%200013", { htmx: true });
    expect(live.headers.get("HX-Replace-Url")).toBe(`/suspects?q=${encodeURIComponent("138 0013")}`);
    const page = await (await u.request(live.headers.get("HX-Replace-Url")!)).text();
    expect(page).toContain('value="138 0013"');
    expect(page).toContain("138 0013 8000</a>");
    expect((await u.request("/suspects/search?q=", { htmx: true })).headers.get("HX-Replace-Url")).toBe("/suspects");
  });
});

describe("the publicity visit list", () => {
  async function visits(p: TestPlatform, n: number) {
    const at = Date.parse("2026-11-02T02:00:00Z");
    for (let i = 0; i < n; i++)
      await sqlRun(
        p.deps.db,
        `insert into targets (phone, name, district, age, risk_grade, status, outcome, available_at, due_at, created_at) values (?, '李四', '南山区', 40, 'high', 'open', null, ?, ?, ?)`,
        `+86137${String(i).padStart(8, "0")}`,
        at + i * 1000,
        at + i * 1000 + 600_000,
        at + i * 1000,
      );
  }
  const rowsOf = (html: string) =>
    (html.slice(html.indexOf('data-testid="visits"')).match(/data-testid="visit-phone"/g) ?? []).length;

  test("is paged, 100 people a page, with links to the next and previous pages", async () => {
    const p = await testPlatform();
    await visits(p, 230);
    const s = await signIn(p, "publicity");
    const base = "/publicity/visits?kind=custom&from=2026-11-01&to=2026-11-21";
    const first = await (await s.request(base)).text();
    expect(rowsOf(first)).toBe(100);
    expect(text(first)).toContain("第 1 页（第 1–100 人）");
    expect(first).toContain('&amp;page=2" rel="next"');
    expect(first).not.toContain('rel="prev"');
    const last = await (await s.request(`${base}&page=3`)).text();
    expect(rowsOf(last)).toBe(30);
    expect(text(last)).toContain("第 3 页（第 201–230 人）");
    expect(last).toContain('&amp;page=2" rel="prev"');
    expect(last).not.toContain('rel="next"');
    // the pages together are the list, each person once
    const phones = new Set<string>();
    for (const page of [1, 2, 3])
      for (const m of (await (await s.request(`${base}&page=${page}`)).text()).matchAll(
        /data-testid="visit-phone">\s*([^<]+?)\s*</g,
      ))
        phones.add(m[1]!);
    expect(phones.size).toBe(230);
  });

  test("a list that fits one page shows no pager; a page that is not a number reads as the first", async () => {
    const p = await testPlatform();
    await visits(p, 3);
    const s = await signIn(p, "publicity");
    const html = await (await s.request("/publicity/visits?kind=custom&from=2026-11-01&to=2026-11-21&page=x")).text();
    expect(rowsOf(html)).toBe(3);
    expect(html).not.toContain('data-testid="visits-pager"');
  });
});
