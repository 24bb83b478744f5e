// The supervision board: lights, overdue and escalated lists, response times against a
// hand-made set of requests, role refusal, exports, live refresh.
import { describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { institutionIds } from "../../src/db/seed";
import { apiClient, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

async function fixtures(p: TestPlatform) {
  const ids = await institutionIds(p.deps.db);
  let n = 0;
  const id = async (q: string, ...params: unknown[]) => (await sqlOne<{ id: number }>(p.deps.db, q, ...params))!.id;
  const suspect = (kind: "phone" | "bank_account") =>
    id(
      "insert into suspects (kind, value, first_seen_at, last_seen_at) values (?, ?, 0, 0) returning id",
      kind,
      kind === "phone" ? `+86138${String(++n).padStart(8, "0")}` : `6222020000000${String(++n).padStart(6, "0")}`,
    );
  const account = await suspect("bank_account");
  const phone = await suspect("phone");
  return {
    /** A request sent at `sent`, acknowledged and answered after the given minutes (null: not yet). */
    request(o: {
      inst: string;
      sent: number;
      ackMin?: number | null;
      answerMin?: number | null;
      kind?: string;
      status?: string;
      deadline?: number | null;
      escalated?: number | null;
      expires?: number | null;
    }) {
      const carrier = ["CMCC", "CUCC", "CTCC", "CBN"].includes(o.inst);
      const status = o.status ?? (o.answerMin != null ? "completed" : o.ackMin != null ? "acknowledged" : "sent");
      return id(
        `insert into requests (kind, status, suspect_id, institution_id, sent_at, acknowledged_at, responded_at, deadline_at, escalated_at, expires_at, created_at)
         values (?,?,?,?,?,?,?,?,?,?,?) returning id`,
        o.kind ?? (carrier ? "suspend_number" : "stop_payment"),
        status,
        carrier ? phone : account,
        ids.get(o.inst)!,
        o.sent,
        o.ackMin == null ? null : o.sent + o.ackMin * MIN,
        o.answerMin == null ? null : o.sent + o.answerMin * MIN,
        o.deadline ?? null,
        o.escalated ?? null,
        o.expires ?? null,
        o.sent,
      );
    },
    target(o: {
      grade: "high" | "medium" | "low";
      created: number;
      due: number;
      district?: string;
      status?: "open" | "closed";
    }) {
      return id(
        `insert into targets (phone, name, district, risk_grade, status, available_at, due_at, created_at) values (?,?,?,?,?,?,?,?) returning id`,
        `+86139${String(++n).padStart(8, "0")}`,
        "测试对象",
        o.district ?? "南山区",
        o.grade,
        o.status ?? "open",
        o.created,
        o.due,
        o.created,
      );
    },
  };
}

/** The hand-made set: ICBC and CCB this November, ICBC last November, CMCC this November. */
async function handMade(p: TestPlatform) {
  const f = await fixtures(p);
  const nov = at("2026-11-05T02:00:00Z");
  // ICBC: ack 1, 2, 3, 4, 10 min → median 3, P90 4 + 0.6 × 6 = 7.6; answers 5, 10, 20, 30, 60 → median 20, P90 48
  for (const [i, [ack, ans]] of [
    [1, 5],
    [2, 10],
    [3, 20],
    [4, 30],
    [10, 60],
  ].entries())
    await f.request({ inst: "ICBC", sent: nov + i * 3_600_000, ackMin: ack, answerMin: ans });
  // CCB: an even count → the median is the mean of the middle two; one answered without an acknowledgement
  await f.request({ inst: "CCB", sent: nov, ackMin: 2, answerMin: 4 });
  await f.request({ inst: "CCB", sent: nov, ackMin: null, answerMin: 8 });
  // ICBC last year, same period: one answer in 40 min
  await f.request({ inst: "ICBC", sent: at("2025-11-10T02:00:00Z"), ackMin: 5, answerMin: 40 });
  // outside both periods: must not count
  await f.request({ inst: "ICBC", sent: at("2026-10-20T02:00:00Z"), ackMin: 500, answerMin: 900 });
  // a carrier: acknowledged, not yet answered
  await f.request({ inst: "CMCC", sent: nov, ackMin: 6, answerMin: null, status: "completed" });
  return f;
}

const PERIOD = "from=2026-11-01&to=2026-11-21";

describe("response times", () => {
  test("median and 90th percentile of acknowledgement and answer times match the hand-computed figures", async () => {
    const p = await testPlatform();
    await handMade(p);
    const res = await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const icbc = body.institutions.find((i: any) => i.code === "ICBC");
    expect(icbc.current.sent).toBe(5);
    expect(icbc.current.ack).toEqual({ count: 5, median: 3 * MIN, p90: 7.6 * MIN });
    expect(icbc.current.answer).toEqual({ count: 5, median: 20 * MIN, p90: 48 * MIN });
  });

  test("with an even number of answers the median is the mean of the middle two", async () => {
    const p = await testPlatform();
    await handMade(p);
    const body = (await (
      await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}`)
    ).json()) as any;
    const ccb = body.institutions.find((i: any) => i.code === "CCB");
    expect(ccb.current.answer).toEqual({ count: 2, median: 6 * MIN, p90: 7.6 * MIN });
  });

  test("an answer without an acknowledgement counts as acknowledged when answered", async () => {
    const p = await testPlatform();
    await handMade(p);
    const body = (await (
      await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}`)
    ).json()) as any;
    const ccb = body.institutions.find((i: any) => i.code === "CCB");
    // acks 2 and 8 (the answer): median 5
    expect(ccb.current.ack).toEqual({ count: 2, median: 5 * MIN, p90: 7.4 * MIN });
  });

  test("the same period last year is the comparison, and requests outside both periods are left out", async () => {
    const p = await testPlatform();
    await handMade(p);
    const body = (await (
      await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}`)
    ).json()) as any;
    expect([body.previousFrom, body.previousTo]).toEqual(["2025-11-01", "2025-11-21"]);
    const icbc = body.institutions.find((i: any) => i.code === "ICBC");
    expect(icbc.previous.answer).toEqual({ count: 1, median: 40 * MIN, p90: 40 * MIN });
    expect(icbc.answerMedianChangePct).toBe(-50);
  });

  test("an institution with no requests in the period shows no figures rather than zero", async () => {
    const p = await testPlatform();
    await handMade(p);
    const body = (await (
      await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}`)
    ).json()) as any;
    const boc = body.institutions.find((i: any) => i.code === "BOC");
    expect(boc.current).toEqual({
      sent: 0,
      ack: { count: 0, median: null, p90: null },
      answer: { count: 0, median: null, p90: null },
    });
  });

  test("the board shows banks and carriers in separate tables with readable durations", async () => {
    const p = await testPlatform();
    await handMade(p);
    const s = await signIn(p, "supervisor");
    const html = await (await s.request(`/supervision?kind=custom&${PERIOD}`)).text();
    const banks = html.slice(
      html.indexOf('data-testid="bank-times"'),
      html.indexOf('data-testid="section-carrierTimes"'),
    );
    const icbcRow = banks.slice(
      banks.indexOf('data-institution="ICBC"'),
      banks.indexOf("</tr>", banks.indexOf('data-institution="ICBC"')),
    );
    expect(icbcRow).toContain("3分");
    expect(icbcRow).toContain("7分 36秒");
    expect(icbcRow).toContain("20分");
    expect(icbcRow).toContain("-50.00%");
    expect(banks).not.toContain('data-institution="CMCC"');
    const carriers = html.slice(html.indexOf('data-testid="carrier-times"'));
    expect(carriers).toContain('data-institution="CMCC"');
  });

  test("a request kind filter narrows the figures to that kind", async () => {
    const p = await testPlatform();
    const f = await handMade(p);
    await f.request({ inst: "ICBC", sent: at("2026-11-06T02:00:00Z"), ackMin: 100, answerMin: 200, kind: "freeze" });
    const body = (await (
      await (await apiClient(p, "supervisor")).call(`/api/v1/supervision/response-times?${PERIOD}&requestKind=freeze`)
    ).json()) as any;
    const icbc = body.institutions.find((i: any) => i.code === "ICBC");
    expect(icbc.current.answer).toEqual({ count: 1, median: 200 * MIN, p90: 200 * MIN });
  });

  test("a period that ends before it starts is refused with the reason on the page", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    const res = await s.request("/supervision?kind=custom&from=2026-11-10&to=2026-11-01");
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("开始日期不能晚于结束日期");
  });
});

describe("traffic lights and overdue lists", () => {
  async function live(p: TestPlatform) {
    const f = await fixtures(p);
    const now = p.clock.now();
    const window = 30 * MIN;
    await f.request({ inst: "ICBC", sent: now - 5 * MIN, deadline: now - 5 * MIN + window }); // green
    await f.request({ inst: "ABC", sent: now - 25 * MIN, deadline: now + 5 * MIN }); // yellow: 5 of 30 minutes left
    const late = await f.request({ inst: "CCB", sent: now - 90 * MIN, deadline: now - 60 * MIN }); // red, overdue
    const escalated = await f.request({
      inst: "CMCC",
      sent: now - 3 * 60 * MIN,
      deadline: now - 2 * 60 * MIN,
      escalated: now - 100 * MIN,
    }); // red, overdue, escalated
    await f.request({ inst: "BOC", sent: now - 5 * MIN, ackMin: 1, answerMin: 2, status: "completed" }); // answered, no clock: not on the board
    const highLate = await f.target({
      grade: "high",
      created: now - 20 * MIN,
      due: now - 10 * MIN,
      district: "东城区",
    });
    await f.target({ grade: "low", created: now - 60 * MIN, due: now + 23 * 60 * MIN });
    return { late, escalated, highLate };
  }

  test("requests are counted green, yellow and red by their answer deadline, overdue and escalated apart", async () => {
    const p = await testPlatform();
    await live(p);
    const body = (await (await (await apiClient(p, "supervisor")).call("/api/v1/supervision/board")).json()) as any;
    expect(body.requests.total).toEqual({ green: 1, yellow: 1, red: 2, overdue: 2, escalated: 1, total: 4 });
    expect(body.requests.byKind.find((k: any) => k.kind === "suspend_number").counts.escalated).toBe(1);
  });

  test("open targets are counted by the queue's lights and the overdue are red", async () => {
    const p = await testPlatform();
    await live(p);
    const body = (await (await (await apiClient(p, "supervisor")).call("/api/v1/supervision/board")).json()) as any;
    expect(body.targets.total).toEqual({ green: 1, yellow: 0, red: 1, overdue: 1, escalated: 0, total: 2 });
    expect(body.targets.byGrade.find((g: any) => g.grade === "high").counts.overdue).toBe(1);
  });

  test("the overdue list names the institution, the kind and how late the request is", async () => {
    const p = await testPlatform();
    const { late } = await live(p);
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/supervision")).text();
    const list = html.slice(
      html.indexOf('data-testid="overdue-requests"'),
      html.indexOf('data-testid="section-escalatedRequests"'),
    );
    expect(list).toContain(`/requests/${late}`);
    expect(list).toContain("中国建设银行");
    expect(list).toContain("紧急止付");
    expect(list).toContain("1小时 30分"); // age since sent
    expect(list).toContain("1小时"); // overdue by
  });

  test("escalated requests still unanswered are listed with their escalation time", async () => {
    const p = await testPlatform();
    const { escalated, late } = await live(p);
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/supervision")).text();
    const list = html.slice(
      html.indexOf('data-testid="escalated-requests"'),
      html.indexOf('data-testid="section-overdueTargets"'),
    );
    expect(list).toContain(`/requests/${escalated}`);
    expect(list).toContain("中国移动");
    expect(list).not.toContain(`/requests/${late}"`);
  });

  test("targets past their warning deadline are on the overdue list without personal data", async () => {
    const p = await testPlatform();
    const { highLate } = await live(p);
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/supervision")).text();
    const list = html.slice(html.indexOf('data-testid="overdue-targets"'));
    expect(list).toContain(`/targets/${highLate}`);
    expect(list).toContain("东城区");
    expect(list).not.toContain("测试对象");
  });

  test("the live part is served alone for polling, without the page around it", async () => {
    const p = await testPlatform();
    await live(p);
    const s = await signIn(p, "supervisor");
    const res = await s.request("/supervision/live", { htmx: true });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toStartWith('<div id="supervision-live"');
    expect(html).toContain('hx-trigger="every 15s, sse:changed"');
    expect(html).not.toContain("<html");
  });

  for (const channel of ["supervision", "requests", "queue"]) {
    test(`the event stream tells open boards to reload when the ${channel} channel speaks`, async () => {
      const p = await testPlatform();
      const s = await signIn(p, "supervisor");
      const res = await s.request("/supervision/events");
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      p.deps.events.publish(channel, "changed", "42");
      let text = "";
      while (!text.includes("event: changed")) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toContain("data: ");
      await reader.cancel();
    });
  }
});

describe("who may see the board", () => {
  for (const role of ["agent", "publicity", "admin"] as const) {
    test(`the ${role} role cannot open the supervision board`, async () => {
      const p = await testPlatform();
      const s = await signIn(p, role);
      expect((await s.request("/supervision")).status).toBe(403);
      expect((await s.request("/supervision/live")).status).toBe(403);
      expect((await s.request("/supervision/export/overdueRequests?format=csv")).status).toBe(403);
    });
  }

  test("a bank desk cannot open the board nor read it through the API", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "bank", "ICBC");
    expect((await s.request("/supervision")).status).toBe(403);
    expect((await (await apiClient(p, "bank", "ICBC")).call("/api/v1/supervision/board")).status).toBe(403);
  });

  test("an agent's token cannot read response times", async () => {
    const p = await testPlatform();
    expect((await (await apiClient(p, "agent")).call(`/api/v1/supervision/response-times?${PERIOD}`)).status).toBe(403);
  });
});

describe("exports", () => {
  const TABLES = [
    "requestLights",
    "targetLights",
    "overdueRequests",
    "escalatedRequests",
    "overdueTargets",
    "bankTimes",
    "carrierTimes",
  ];

  test("every table of the board exports as CSV and XLSX, and each export is audited", async () => {
    const p = await testPlatform();
    await handMade(p);
    const s = await signIn(p, "supervisor");
    for (const table of TABLES) {
      for (const format of ["csv", "xlsx"]) {
        const res = await s.request(`/supervision/export/${table}?format=${format}&kind=custom&${PERIOD}`);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-disposition")).toContain(`.${format}`);
        await res.arrayBuffer();
      }
    }
    const rows = await sqlAll<{ detail: string }>(
      p.deps.db,
      "select detail from audit_log where action = 'export' and entity = 'supervision'",
    );
    const seen = rows.map((r) => JSON.parse(r.detail)).map((d) => `${d.table}.${d.format}`);
    expect(seen.sort()).toEqual(TABLES.flatMap((t) => [`${t}.csv`, `${t}.xlsx`]).sort());
  });

  test("the XLSX of bank response times holds the same minutes as the screen", async () => {
    const p = await testPlatform();
    await handMade(p);
    const s = await signIn(p, "supervisor");
    const res = await s.request(`/supervision/export/bankTimes?format=xlsx&kind=custom&${PERIOD}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const icbc = (ws.getRow(2).values as unknown[]).slice(1);
    expect(icbc[0]).toBe("中国工商银行");
    expect(icbc[header.indexOf("签收中位（分钟）")]).toBe(3);
    expect(icbc[header.indexOf("签收90分位（分钟）")]).toBe(7.6);
    expect(icbc[header.indexOf("反馈90分位（分钟）")]).toBe(48);
  });

  test("an unknown table is a 400, not a download", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    expect((await s.request("/supervision/export/victims?format=csv")).status).toBe(400);
    expect((await s.request("/supervision/export/overdueRequests?format=pdf")).status).toBe(400);
  });
});
