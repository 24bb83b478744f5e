// The publicity team's high-risk lists: what they count, and that no response — page,
// fragment, export or API — carries a full phone number, a full name, or a bank detail.
import { beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { institutionIds } from "../../src/db/seed";
import { loadDemo } from "../../src/demo/load";
import { INSTITUTIONS } from "../../src/domain/institutions";
import { apiClient, signIn, sqlAll, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

const TABLES = ["fraudTypes", "districts", "ageBands", "suspectNumbers", "visitSummary", "visits"];

/** Everything a response shows a person, as text: XLSX cells included. */
async function textOf(res: Response): Promise<string> {
  if (!res.headers.get("content-type")?.includes("spreadsheetml")) return res.text();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
  return cells.join("\n");
}

const MOBILE = /(?<![\d*])(?:86)?1[3-9]\d{9}(?!\d)/; // 13800138000 or 8613800138000, never 138****8000
const PLUS86 = /(?:\+|%2B|00)\s*86[\s-]*1[3-9]\d[\s-]*\d{4}[\s-]*\d{4}/i;
const LONG_DIGITS = /\d{15,}/; // bank cards and accounts are 15–19 digits (ID numbers are caught too)
const CJK_RUN = /[\u4e00-\u9fff]+/g;

describe("masking on every publicity response", () => {
  let p: TestPlatform;
  let names: Set<string>;
  const responses: { what: string; text: string }[] = [];

  beforeAll(async () => {
    p = await testPlatform();
    await loadDemo(p.deps);
    names = new Set(
      (
        await sqlAll<{ n: string }>(
          p.deps.db,
          "select name n from targets where name is not null union select victim_name from cases",
        )
      )
        .map((r) => r.n)
        .filter((n) => [...n].length >= 2),
    );
    const s = await signIn(p, "publicity");
    const api = await apiClient(p, "publicity");
    const district = (await sqlOne<{ d: string }>(
      p.deps.db,
      "select district d from targets where district is not null limit 1",
    ))!.d;
    const periods = ["", "kind=ytd", "kind=quarter&quarter=2026-Q3", "kind=custom&from=2025-01-01&to=2026-11-21"];
    const paths: string[] = [];
    for (const q of periods) {
      paths.push(
        `/publicity?${q}`,
        `/publicity/visits?${q}`,
        `/publicity/visits?${q}&district=${encodeURIComponent(district)}`,
      );
      for (const table of TABLES)
        for (const format of ["csv", "xlsx"]) paths.push(`/publicity/export/${table}?format=${format}&${q}`);
    }
    paths.push(`/publicity/export/visits?format=csv&kind=ytd&district=${encodeURIComponent(district)}`);
    for (const path of paths) {
      for (const htmx of [false, true]) {
        if (htmx && path.includes("/export/")) continue;
        const res = await s.request(path, { htmx });
        expect(res.status).toBe(200);
        responses.push({ what: `${htmx ? "fragment" : "page"} ${path}`, text: await textOf(res) });
      }
    }
    for (const path of [
      "/api/v1/publicity/lists?from=2026-01-01&to=2026-11-21",
      "/api/v1/publicity/lists?from=2025-11-21&to=2026-11-21",
      "/api/v1/publicity/visits?from=2025-11-21&to=2026-11-21&limit=5000",
      `/api/v1/publicity/visits?from=2026-01-01&to=2026-11-21&district=${encodeURIComponent(district)}`,
    ]) {
      const res = await api.call(path);
      expect(res.status).toBe(200);
      responses.push({ what: `api ${path}`, text: await res.text() });
    }
  }, 120_000);

  test("the responses searched are real lists, with masked names and numbers in them", () => {
    expect(responses.length).toBeGreaterThan(70);
    const all = responses.map((r) => r.text).join("\n");
    expect(/1[3-9]\d\*{4}\d{4}/.test(all)).toBe(true); // 138****8000
    expect(/[\u4e00-\u9fff]\*{1,2}[,<"\n]/.test(all)).toBe(true); // 张*
  });

  test("no response carries an unmasked mobile number, bare or with +86", () => {
    const leaks = responses
      .filter((r) => MOBILE.test(r.text) || PLUS86.test(r.text))
      .map((r) => `${r.what}: ${(MOBILE.exec(r.text) ?? PLUS86.exec(r.text))![0]}`);
    expect(leaks).toEqual([]);
  });

  test("no response carries the full name of a seeded victim or target", () => {
    const leaks: string[] = [];
    for (const r of responses) {
      for (const run of r.text.match(CJK_RUN) ?? []) {
        const chars = [...run];
        for (let i = 0; i < chars.length; i++) {
          for (const len of [2, 3, 4]) {
            const s = chars.slice(i, i + len).join("");
            if (s.length >= 2 && names.has(s)) leaks.push(`${r.what}: ${s} in “${run}”`);
          }
        }
      }
    }
    expect(leaks.slice(0, 5)).toEqual([]);
  });

  test("no response carries a bank card or account number, nor a bank's name", () => {
    const banks = INSTITUTIONS.filter((i) => i.kind === "bank").flatMap((i) => [i.nameZh, i.nameEn]);
    const leaks = responses
      .filter((r) => LONG_DIGITS.test(r.text) || banks.some((b) => r.text.includes(b)))
      .map((r) => `${r.what}: ${LONG_DIGITS.exec(r.text)?.[0] ?? banks.find((b) => r.text.includes(b))}`);
    expect(leaks).toEqual([]);
  });

  test("no response carries an amount of money", () => {
    expect(responses.filter((r) => /[¥￥]|\bfen\b|amount/i.test(r.text)).map((r) => r.what)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The lists, on small hand-made data

function fixtures(p: TestPlatform) {
  let n = 0;
  return {
    async case(fraudType: string, at: string, suspectIds: number[] = []) {
      const { id } = (await sqlOne<{ id: number }>(
        p.deps.db,
        `insert into cases (received_at, district, fraud_type, victim_name, victim_phone) values (?, '南山区', ?, '受害人', '+8613900000000') returning id`,
        Date.parse(at),
        fraudType,
      ))!;
      for (const s of suspectIds)
        await sqlRun(p.deps.db, "insert into case_suspects (case_id, suspect_id) values (?, ?)", id, s);
      return id;
    },
    async suspect(kind: "phone" | "bank_account", value: string, institution?: string) {
      const inst = institution ? (await institutionIds(p.deps.db)).get(institution)! : null;
      return (await sqlOne<{ id: number }>(
        p.deps.db,
        "insert into suspects (kind, value, institution_id, first_seen_at, last_seen_at) values (?, ?, ?, 0, 0) returning id",
        kind,
        value,
        inst,
      ))!.id;
    },
    target(o: {
      at: string;
      district?: string | null;
      age?: number | null;
      grade?: string;
      status?: string;
      outcome?: string | null;
      name?: string;
    }) {
      const t = Date.parse(o.at);
      return sqlRun(
        p.deps.db,
        `insert into targets (phone, name, district, age, risk_grade, status, outcome, available_at, due_at, created_at) values (?,?,?,?,?,?,?,?,?,?)`,
        `+86137${String(++n).padStart(8, "0")}`,
        o.name ?? "李四",
        o.district === undefined ? "南山区" : o.district,
        o.age === undefined ? 30 : o.age,
        o.grade ?? "medium",
        o.status ?? "closed",
        o.outcome ?? "dissuaded",
        t,
        t + 600_000,
        t,
      );
    },
  };
}

const PERIOD = "from=2026-11-01&to=2026-11-21";
const lists = async (p: TestPlatform) =>
  (await (await (await apiClient(p, "publicity")).call(`/api/v1/publicity/lists?${PERIOD}`)).json()) as any;

describe("the high-risk lists", () => {
  test("fraud types are ordered by their rise in alerts against the same period last year", async () => {
    const p = await testPlatform();
    const f = fixtures(p);
    for (let i = 0; i < 5; i++) await f.case("romance", "2026-11-03T02:00:00Z");
    await f.case("romance", "2025-11-03T02:00:00Z");
    for (let i = 0; i < 3; i++) await f.case("fake_loan", "2026-11-04T02:00:00Z");
    for (let i = 0; i < 4; i++) await f.case("task_rebate", "2025-11-04T02:00:00Z");
    await f.case("task_rebate", "2026-10-04T02:00:00Z"); // outside the period
    const body = await lists(p);
    expect(body.fraudTypes.slice(0, 2)).toEqual([
      { fraudType: "romance", current: 5, previous: 1, change: 4, changePct: 400 },
      { fraudType: "fake_loan", current: 3, previous: 0, change: 3, changePct: null },
    ]);
    expect(body.fraudTypes.at(-1)).toEqual({
      fraudType: "task_rebate",
      current: 0,
      previous: 4,
      change: -4,
      changePct: -100,
    });
  });

  test("districts and age bands are ranked by the people at risk registered in the period", async () => {
    const p = await testPlatform();
    const f = fixtures(p);
    await f.target({ at: "2026-11-02T02:00:00Z", district: "东城区", age: 70, grade: "high" });
    await f.target({ at: "2026-11-03T02:00:00Z", district: "东城区", age: 68 });
    await f.target({ at: "2026-11-03T02:00:00Z", district: "西城区", age: 20 });
    await f.target({ at: "2025-11-03T02:00:00Z", district: "东城区", age: 66 });
    await f.target({ at: "2026-11-04T02:00:00Z", district: null, age: null });
    const body = await lists(p);
    expect(body.districts[0]).toEqual({ district: "东城区", targets: 2, highRisk: 1, previous: 1, changePct: 100 });
    expect(body.districts.map((d: any) => d.district).sort()).toEqual([null, "东城区", "西城区"].sort());
    expect(body.ageBands[0]).toEqual({ band: "65plus", targets: 2, highRisk: 1, previous: 1, changePct: 100 });
    expect(body.ageBands.map((b: any) => b.band)).toContain("unknown");
  });

  test("the numbers for public warnings are phones only, ranked by the cases they reached, and masked", async () => {
    const p = await testPlatform();
    const f = fixtures(p);
    const busy = await f.suspect("phone", "+8613800138000", "CMCC");
    const quiet = await f.suspect("phone", "+8618612345678", "CUCC");
    const account = await f.suspect("bank_account", "6222021234567890123", "ICBC");
    for (let i = 0; i < 3; i++) await f.case("romance", "2026-11-03T02:00:00Z", [busy, account]);
    await f.case("romance", "2026-11-05T02:00:00Z", [quiet, account]);
    const body = await lists(p);
    expect(body.suspectNumbers.map((s: any) => [s.number, s.carrier, s.cases])).toEqual([
      ["138****8000", "CMCC", 3],
      ["186****5678", "CUCC", 1],
    ]);
  });

  test("the door-to-door list holds the high-risk people a call did not settle, masked", async () => {
    const p = await testPlatform();
    const f = fixtures(p);
    await f.target({ at: "2026-11-02T02:00:00Z", grade: "high", status: "open", outcome: null, name: "张三丰" });
    await f.target({ at: "2026-11-03T02:00:00Z", grade: "high", outcome: "unreachable", name: "王五" });
    await f.target({ at: "2026-11-03T02:00:00Z", grade: "high", outcome: "dissuaded", name: "赵六" });
    await f.target({ at: "2026-11-03T02:00:00Z", grade: "medium", status: "open", outcome: null, name: "钱七" });
    const body = (await (
      await (await apiClient(p, "publicity")).call(`/api/v1/publicity/visits?${PERIOD}`)
    ).json()) as any;
    expect(body.visits.map((v: any) => [v.name, v.state])).toEqual([
      ["王*", "unreachable"],
      ["张**", "open"],
    ]);
    expect(body.visits[0].phone).toMatch(/^137\*{4}\d{4}$/);
  });

  test("the visit list can be narrowed to one district", async () => {
    const p = await testPlatform();
    const f = fixtures(p);
    await f.target({
      at: "2026-11-02T02:00:00Z",
      grade: "high",
      status: "open",
      outcome: null,
      district: "东城区",
      name: "张三",
    });
    await f.target({
      at: "2026-11-02T02:00:00Z",
      grade: "high",
      status: "open",
      outcome: null,
      district: "西城区",
      name: "李四",
    });
    const s = await signIn(p, "publicity");
    const html = await (
      await s.request(`/publicity/visits?kind=custom&${PERIOD}&district=${encodeURIComponent("西城区")}`)
    ).text();
    const table = html.slice(html.indexOf('data-testid="visits"'));
    expect(table).toContain("李*");
    expect(table).not.toContain("张*");
  });
});

describe("who may see the lists, and the record of it", () => {
  for (const [role, inst] of [
    ["bank", "ICBC"],
    ["carrier", "CMCC"],
    ["agent", undefined],
    ["admin", undefined],
  ] as const) {
    test(`the ${role} role cannot open the high-risk lists`, async () => {
      const p = await testPlatform();
      const s = await signIn(p, role, inst);
      expect((await s.request("/publicity")).status).toBe(403);
      expect((await s.request("/publicity/visits")).status).toBe(403);
      expect((await s.request("/publicity/export/visits?format=csv")).status).toBe(403);
    });
  }

  test("a bank token cannot read the lists through the API", async () => {
    const p = await testPlatform();
    expect((await (await apiClient(p, "bank", "ICBC")).call(`/api/v1/publicity/lists?${PERIOD}`)).status).toBe(403);
    expect((await (await apiClient(p, "bank", "ICBC")).call(`/api/v1/publicity/visits?${PERIOD}`)).status).toBe(403);
  });

  test("a supervisor may open the high-risk lists", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    expect((await s.request("/publicity")).status).toBe(200);
  });

  test("every export is written to the audit log with its table, format and period", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "publicity");
    for (const table of TABLES)
      for (const format of ["csv", "xlsx"])
        await (await s.request(`/publicity/export/${table}?format=${format}&kind=custom&${PERIOD}`)).arrayBuffer();
    const rows = await sqlAll<{ actor: string; detail: string }>(
      p.deps.db,
      "select actor, detail from audit_log where action = 'export' and entity = 'publicity'",
    );
    expect(rows).toHaveLength(TABLES.length * 2);
    expect(rows.every((r) => r.actor === s.username)).toBe(true);
    const d = JSON.parse(rows[0]!.detail);
    expect([d.table, d.format, d.from, d.to]).toEqual(["fraudTypes", "csv", "2026-11-01", "2026-11-21"]);
  });

  test("opening the door-to-door list is written to the audit log, by page and by API", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "publicity");
    await s.request(`/publicity/visits?kind=custom&${PERIOD}`);
    await (await apiClient(p, "publicity")).call(`/api/v1/publicity/visits?${PERIOD}`);
    const n = (await sqlOne<{ n: number }>(
      p.deps.db,
      "select count(*) n from audit_log where action = 'view' and entity = 'publicity_visits'",
    ))!;
    expect(n.n).toBe(2);
  });

  test("a period that ends before it starts is a 422 with the reason, for the page and the API", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "publicity");
    const res = await s.request("/publicity?kind=custom&from=2026-11-10&to=2026-11-01");
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("开始日期不能晚于结束日期");
    const api = await (await apiClient(p, "publicity")).call("/api/v1/publicity/lists?from=2026-11-10&to=2026-11-01");
    expect(api.status).toBe(422);
    expect(((await api.json()) as any).error.issues[0].path).toBe("from");
  });
});

describe("numbers typed into free text are masked on every publicity view", () => {
  const TYPED = "朝阳区 联系人13911112222";
  const MASKED = "朝阳区 联系人139****2222";
  async function setup() {
    const p = await testPlatform();
    const f = fixtures(p);
    await f.target({
      at: "2026-11-02T02:00:00Z",
      grade: "high",
      status: "open",
      outcome: null,
      district: TYPED,
      name: "张三",
    });
    return { p, s: await signIn(p, "publicity"), api: await apiClient(p, "publicity") };
  }

  test("the lists page and the visit list show the district masked", async () => {
    const { s } = await setup();
    for (const path of [`/publicity?kind=custom&${PERIOD}`, `/publicity/visits?kind=custom&${PERIOD}`]) {
      const html = await (await s.request(path)).text();
      expect(html).not.toContain("13911112222");
      expect(html).toContain(MASKED);
    }
  });

  test("the API's lists and visits show the district masked", async () => {
    const { api } = await setup();
    const l = (await (await api.call(`/api/v1/publicity/lists?${PERIOD}`)).json()) as any;
    expect(l.districts.map((d: any) => d.district)).toEqual([MASKED]);
    expect(l.visitsByDistrict.map((d: any) => d.district)).toEqual([MASKED]);
    const v = await (await api.call(`/api/v1/publicity/visits?${PERIOD}`)).text();
    expect(v).not.toContain("13911112222");
    expect(JSON.parse(v).visits[0].district).toBe(MASKED);
  });

  test("every export, CSV and XLSX, shows the district masked", async () => {
    const { s } = await setup();
    for (const table of ["districts", "visitSummary", "visits"]) {
      for (const format of ["csv", "xlsx"]) {
        const text = await textOf(await s.request(`/publicity/export/${table}?format=${format}&kind=custom&${PERIOD}`));
        expect(text).not.toContain("13911112222");
        expect(text).toContain(MASKED);
      }
    }
  });

  test("the statistics publicity reads show a district typed with a number masked, on screen and in the export", async () => {
    const { p, s } = await setup();
    await sqlRun(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, victim_name, victim_phone) values (?, ?, 'fake_investment', '受害人', '+8613900000000')`,
      Date.parse("2026-11-02T02:00:00Z"),
      TYPED,
    );
    for (const path of [
      `/stats?kind=custom&${PERIOD}`,
      `/stats/export?table=districts&format=csv&kind=custom&${PERIOD}`,
      `/stats/export?table=districts&format=xlsx&kind=custom&${PERIOD}`,
      `/stats/bulletin?month=2026-11`,
    ]) {
      const res = await s.request(path);
      expect(res.status).toBe(200);
      const text = await textOf(res);
      expect(text).not.toContain("13911112222");
      expect(text).toContain(MASKED);
    }
  });

  test("the visit list narrowed to the masked district finds its people", async () => {
    const { s, api } = await setup();
    const html = await (
      await s.request(`/publicity/visits?kind=custom&${PERIOD}&district=${encodeURIComponent(MASKED)}`)
    ).text();
    expect(html.slice(html.indexOf('data-testid="visits"'))).toContain("张*");
    const v = (await (
      await api.call(`/api/v1/publicity/visits?${PERIOD}&district=${encodeURIComponent(MASKED)}`)
    ).json()) as any;
    expect(v.visits).toHaveLength(1);
  });
});
