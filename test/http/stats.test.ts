import { describe, expect, test } from "bun:test";
import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { Hono } from "hono";
import type { Db } from "../../src/db";
import { engineFromEnv } from "../../src/db/engine";
import { institutionIds } from "../../src/db/seed";
import { METRICS, type Metric } from "../../src/domain/yoy";
import { sendTable } from "../../src/exports/tabular";
import type { AppEnv } from "../../src/http/context";
import { compare, recountDifferences } from "../../src/stats/service";
import { apiClient, signIn, sqlAll, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

/** An instant given as Shanghai wall-clock time. */
const sh = (s: string) => Date.parse(`${s.replace(" ", "T")}:00+08:00`);

/** Raw SQL writes, as the demo loader and imports do: the triggers must see them all. */
async function records(db: Db) {
  const bank = (await institutionIds(db)).get("ICBC")!;
  const carrier = (await institutionIds(db)).get("CMCC")!;
  let n = 0;
  const id = async (q: string, ...params: unknown[]) => (await sqlOne<{ id: number }>(db, q, ...params))!.id;
  const suspect = (kind: "phone" | "bank_account") =>
    id(
      "INSERT INTO suspects (kind, value, institution_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, 0, 0) RETURNING id",
      kind,
      `v${++n}`,
      kind === "phone" ? carrier : bank,
    );
  return {
    addCase(c: { at: string; district?: string; fraud?: string; filed?: string; solved?: string; detained?: number }) {
      return id(
        `INSERT INTO cases (received_at, district, fraud_type, victim_name, status, filed_at, solved_at, suspects_detained)
         VALUES (?, ?, ?, '张三', 'received', ?, ?, ?) RETURNING id`,
        sh(c.at),
        c.district ?? "东城区",
        c.fraud ?? "task_rebate",
        c.filed ? sh(c.filed) : null,
        c.solved ? sh(c.solved) : null,
        c.detained ?? 0,
      );
    },
    addTarget(t: { district?: string | null; caseId?: number | null } = {}) {
      const phone = `+86138${String(++n).padStart(8, "0")}`;
      return id(
        `INSERT INTO targets (phone, district, risk_grade, status, available_at, due_at, case_id) VALUES (?, ?, 'high', 'closed', 0, 0, ?) RETURNING id`,
        phone,
        t.district === undefined ? "西城区" : t.district,
        t.caseId ?? null,
      );
    },
    addWarning(targetId: number, at: string) {
      return id(
        `INSERT INTO warnings (target_id, channel, created_at, updated_at) VALUES (?, 'call', ?, ?) RETURNING id`,
        targetId,
        sh(at),
        sh(at),
      );
    },
    async addRequest(r: {
      kind: string;
      status: string;
      caseId?: number | null;
      effective?: string | null;
      responded?: string | null;
      done?: number | null;
    }) {
      const s = await suspect(r.kind === "suspend_number" ? "phone" : "bank_account");
      return id(
        `INSERT INTO requests (kind, status, case_id, suspect_id, institution_id, effective_at, responded_at, done_amount_fen)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        r.kind,
        r.status,
        r.caseId ?? null,
        s,
        r.kind === "suspend_number" ? carrier : bank,
        r.effective ? sh(r.effective) : null,
        r.responded ? sh(r.responded) : null,
        r.done ?? null,
      );
    },
    run: (q: string, ...params: (string | number | null)[]) => sqlRun(db, q, ...params),
  };
}

const totals = async (p: TestPlatform, from: string, to: string, district: string | null = null) =>
  Object.fromEntries((await compare(p.deps.db, { from, to }, district)).rows.map((r) => [r.metric, r.current.value]));

describe("metrics from the records", () => {
  test("a case counts as an alert on its Shanghai day, not its UTC day", async () => {
    const p = await testPlatform();
    await (await records(p.deps.db)).addCase({ at: "2026-07-01 00:30" }); // 2026-06-30 16:30 UTC
    expect((await totals(p, "2026-07-01", "2026-07-01")).alerts).toBe(1);
    expect((await totals(p, "2026-06-30", "2026-06-30")).alerts).toBe(0);
  });

  test("filed, solved and detained count on the days the case was filed and solved", async () => {
    const p = await testPlatform();
    await (await records(p.deps.db)).addCase({
      at: "2026-06-20 10:00",
      filed: "2026-06-21 10:00",
      solved: "2026-07-05 10:00",
      detained: 3,
    });
    expect(await totals(p, "2026-06-01", "2026-06-30")).toMatchObject({
      alerts: 1,
      casesFiled: 1,
      casesSolved: 0,
      suspectsDetained: 0,
    });
    expect(await totals(p, "2026-07-01", "2026-07-31")).toMatchObject({
      alerts: 0,
      casesFiled: 0,
      casesSolved: 1,
      suspectsDetained: 3,
    });
  });

  test("a person warned twice counts once, at the first warning; each warning counts", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    const t = await r.addTarget();
    await r.addWarning(t, "2026-05-10 09:00");
    await r.addWarning(t, "2026-03-02 09:00");
    expect(await totals(p, "2026-03-01", "2026-03-31")).toMatchObject({ peopleWarned: 1, warnings: 1 });
    expect(await totals(p, "2026-05-01", "2026-05-31")).toMatchObject({ peopleWarned: 0, warnings: 1 });
    expect(await totals(p, "2026-01-01", "2026-12-31")).toMatchObject({ peopleWarned: 1, warnings: 2 });
  });

  test("a stop-payment counts at its effective time once it took effect, with its confirmed amount", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addRequest({ kind: "stop_payment", status: "sent" });
    await r.addRequest({ kind: "stop_payment", status: "completed", effective: "2026-04-03 23:50", done: 150_000 });
    await r.addRequest({ kind: "stop_payment", status: "expired", effective: "2026-04-04 10:00", done: 50_000 });
    await r.addRequest({ kind: "stop_payment", status: "rejected", responded: "2026-04-04 11:00" });
    expect(await totals(p, "2026-04-03", "2026-04-03")).toMatchObject({ stopPayments: 1, amountStopped: 150_000 });
    expect(await totals(p, "2026-04-01", "2026-04-30")).toMatchObject({ stopPayments: 2, amountStopped: 200_000 });
  });

  test("freezes, returns, number suspensions and card closures count in their own metrics", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addRequest({ kind: "freeze", status: "partially_completed", effective: "2026-04-05 10:00", done: 80_000 });
    await r.addRequest({ kind: "return", status: "completed", effective: "2026-04-06 10:00", done: 30_000 });
    await r.addRequest({ kind: "suspend_number", status: "completed", responded: "2026-04-07 10:00" });
    await r.addRequest({ kind: "close_card", status: "completed", effective: "2026-04-08 10:00" });
    await r.addRequest({ kind: "restore_number", status: "completed", effective: "2026-04-08 10:00" });
    expect(await totals(p, "2026-04-01", "2026-04-30")).toMatchObject({
      freezes: 1,
      amountFrozen: 80_000,
      amountReturned: 30_000,
      numbersCutOff: 1,
      cardsCutOff: 1,
    });
  });

  test("breakdowns follow the case's fraud type and district; a warning the target's district", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    const c = await r.addCase({ at: "2026-04-01 10:00", district: "南山区", fraud: "romance" });
    await r.addCase({ at: "2026-04-02 10:00", district: "北湖区", fraud: "fake_loan" });
    await r.addRequest({ kind: "freeze", status: "completed", caseId: c, effective: "2026-04-02 10:00", done: 1 });
    await r.addWarning(await r.addTarget({ district: "高新区", caseId: c }), "2026-04-03 10:00");
    const romance = async (metric: Metric) =>
      (await compare(p.deps.db, { from: "2026-04-01", to: "2026-04-30" }, null, metric)).breakdown!.byFraudType.find(
        (b) => b.key === "romance",
      )!.current;
    expect([await romance("alerts"), await romance("freezes"), await romance("warnings")]).toEqual([1, 1, 1]);
    const warningsByDistrict = (await compare(p.deps.db, { from: "2026-04-01", to: "2026-04-30" }, null, "warnings"))
      .breakdown!.byDistrict;
    expect(warningsByDistrict).toEqual([{ key: "高新区", current: 1, previous: 0 }]);
    expect(await totals(p, "2026-04-01", "2026-04-30", "南山区")).toMatchObject({ alerts: 1, freezes: 1, warnings: 0 });
  });
});

describe("pre-aggregated figures", () => {
  test("equal a full recount after inserts, updates and deletions on every source table", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    const c1 = await r.addCase({ at: "2026-01-31 23:59", filed: "2026-02-01 08:00", detained: 2 });
    const c2 = await r.addCase({ at: "2026-02-28 12:00", district: "西城区", fraud: "fake_investment" });
    const t1 = await r.addTarget({ caseId: c1 });
    const t2 = await r.addTarget({ district: null });
    const w1 = await r.addWarning(t1, "2026-02-03 10:00");
    await r.addWarning(t1, "2026-02-01 10:00");
    const w3 = await r.addWarning(t2, "2026-03-01 00:10");
    const q1 = await r.addRequest({ kind: "stop_payment", status: "sent", caseId: c1 });
    const q2 = await r.addRequest({
      kind: "freeze",
      status: "completed",
      caseId: c2,
      effective: "2026-03-01 09:00",
      done: 500,
    });
    expect(await recountDifferences(p.deps.db)).toEqual([]);

    // updates: lifecycle, moved timestamps, re-classified cases, re-assigned targets and warnings
    await r.run(
      "UPDATE requests SET status = 'completed', effective_at = ?, done_amount_fen = 900 WHERE id = ?",
      sh("2026-02-02 10:00"),
      q1,
    );
    await r.run("UPDATE requests SET status = 'lapsed' WHERE id = ?", q2);
    await r.run(
      "UPDATE cases SET solved_at = ?, status = 'solved', suspects_detained = 4 WHERE id = ?",
      sh("2026-03-03 10:00"),
      c1,
    );
    await r.run("UPDATE cases SET district = '南山区', fraud_type = 'romance' WHERE id = ?", c1);
    await r.run("UPDATE targets SET district = '北湖区', case_id = ? WHERE id = ?", c2, t2);
    await r.run("UPDATE warnings SET created_at = ? WHERE id = ?", sh("2026-01-15 10:00"), w1);
    await r.run("UPDATE warnings SET target_id = ? WHERE id = ?", t1, w3);
    await r.run("UPDATE cases SET received_at = ? WHERE id = ?", sh("2026-01-01 00:00"), c2);
    expect(await recountDifferences(p.deps.db)).toEqual([]);

    // deletions
    await r.run("DELETE FROM warnings WHERE id = ?", w1);
    await r.run("DELETE FROM requests WHERE id = ?", q2);
    await r.run("DELETE FROM targets WHERE id = ?", t2);
    await r.run("DELETE FROM requests WHERE case_id = ?", c1);
    await r.run("DELETE FROM warnings WHERE target_id = ?", t1);
    await r.run("DELETE FROM targets WHERE id = ?", t1);
    await r.run("DELETE FROM cases WHERE id = ?", c1);
    expect(await recountDifferences(p.deps.db)).toEqual([]);
    expect(await totals(p, "2026-01-01", "2026-12-31")).toMatchObject({
      alerts: 1,
      casesFiled: 0,
      warnings: 0,
      freezes: 0,
    });
  });

  test("a recount notices a figure changed behind the triggers' back, in every table", async () => {
    const p = await testPlatform();
    await (await records(p.deps.db)).addCase({ at: "2026-05-05 10:00" });
    // the triggers that carry a stats_daily row on: two on SQLite, one on PostgreSQL
    await sqlRun(
      p.deps.db,
      engineFromEnv() === "postgres"
        ? "DROP TRIGGER stats_daily_ai ON stats_daily"
        : "DROP TRIGGER stats_daily_ai; DROP TRIGGER stats_daily_city_ai",
    );
    await sqlRun(
      p.deps.db,
      "INSERT INTO stats_daily (metric, day, district, fraud_type, value) VALUES ('alerts', '2026-05-06', '东城区', 'other', 1)",
    );
    expect((await recountDifferences(p.deps.db)).map((d) => d.table)).toEqual([
      "stats_daily",
      "stats_monthly",
      "stats_daily_city",
      "stats_monthly_city",
    ]);
  });

  test("answer with the same figures as a recount computed straight from the records", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    for (let i = 0; i < 40; i++)
      await r.addCase({
        at: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")} ${String(i % 24).padStart(2, "0")}:15`,
        filed: i % 3 ? "2026-09-10 10:00" : undefined,
      });
    const fromRecords = (await sqlOne(
      p.deps.db,
      "SELECT count(*) AS n FROM cases WHERE received_at >= ? AND received_at < ?",
      sh("2026-02-10 00:00"),
      sh("2026-07-20 00:00"),
    )) as { n: number };
    expect((await totals(p, "2026-02-10", "2026-07-19")).alerts).toBe(fromRecords.n);
  });

  test("rows written before the migration are counted by its backfill", async () => {
    const { Database } = await import("bun:sqlite");
    const { drizzle } = await import("drizzle-orm/bun-sqlite");
    const { migrate } = await import("drizzle-orm/bun-sqlite/migrator");
    const { mkdtempSync, readdirSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    // the migrations up to, but not including, the triggers
    const dir = mkdtempSync(join(tmpdir(), "fanzha-mig-"));
    const src = join(import.meta.dir, "../../migrations");
    mkdirSync(join(dir, "meta"));
    const journal = JSON.parse(readFileSync(join(src, "meta/_journal.json"), "utf8"));
    const upto = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_stats_triggers"));
    for (const f of readdirSync(src)) if (f.endsWith(".sql")) copyFileSync(join(src, f), join(dir, f));
    writeFileSync(
      join(dir, "meta/_journal.json"),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, upto) }),
    );
    const sqlite = new Database(":memory:", { strict: true });
    sqlite.exec("PRAGMA foreign_keys = ON");
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: dir });
    sqlite
      .query(
        "INSERT INTO cases (received_at, district, fraud_type, victim_name, filed_at) VALUES (?, '东城区', 'other', '李四', ?)",
      )
      .run(sh("2026-05-05 10:00"), sh("2026-05-06 10:00"));
    writeFileSync(join(dir, "meta/_journal.json"), JSON.stringify(journal));
    migrate(db, { migrationsFolder: dir });
    expect(
      sqlite.query("SELECT metric, value FROM stats_monthly WHERE month = '2026-05' ORDER BY metric").all(),
    ).toEqual([
      { metric: "alerts", value: 1 },
      { metric: "casesFiled", value: 1 },
    ]);
    expect(await recountDifferences(db as unknown as Db)).toEqual([]);
  });
});

describe("baselines against records", () => {
  async function withBaseline(p: TestPlatform) {
    const ins = (...row: (string | number)[]) =>
      sqlRun(p.deps.db, "INSERT INTO baseline_totals (metric, month, district, value) VALUES (?, ?, ?, ?)", ...row);
    await ins("alerts", "2025-07", "", 300);
    await ins("alerts", "2025-08", "", 280);
    await ins("alerts", "2025-09", "", 250);
    await ins("alerts", "2025-07", "南山区", 40);
    await ins("amountFrozen", "2025-07", "", 1_000_000);
    return await records(p.deps.db);
  }

  test("a month without records takes its imported baseline and says so", async () => {
    const p = await testPlatform();
    await (await withBaseline(p)).addCase({ at: "2026-07-03 10:00" });
    const cmp = await compare(p.deps.db, { from: "2026-07-01", to: "2026-09-30" }, null);
    const alerts = cmp.rows.find((r) => r.metric === "alerts")!;
    expect(alerts.previous).toEqual({ value: 830, source: "baseline" });
    expect(alerts.current).toEqual({ value: 1, source: "records" });
    expect(cmp.rows.find((r) => r.metric === "amountFrozen")!.previous).toEqual({
      value: 1_000_000,
      source: "baseline",
    });
  });

  test("where records exist for a month they win over the baseline", async () => {
    const p = await testPlatform();
    const r = await withBaseline(p);
    await r.addCase({ at: "2025-08-10 10:00" });
    await r.addCase({ at: "2025-08-11 10:00" });
    const alerts = (await compare(p.deps.db, { from: "2026-07-01", to: "2026-09-30" }, null)).rows.find(
      (x) => x.metric === "alerts",
    )!;
    expect(alerts.previous).toEqual({ value: 300 + 2 + 250, source: "mixed" });
  });

  test("a district takes its own baseline row only", async () => {
    const p = await testPlatform();
    await withBaseline(p);
    const cmp = await compare(p.deps.db, { from: "2026-07-01", to: "2026-07-31" }, "南山区");
    expect(cmp.rows.find((r) => r.metric === "alerts")!.previous).toEqual({ value: 40, source: "baseline" });
    expect(cmp.rows.find((r) => r.metric === "amountFrozen")!.previous).toEqual({ value: 0, source: "records" });
  });

  test("breakdowns still add up to the total, with the unclassified baseline in its own row", async () => {
    const p = await testPlatform();
    await withBaseline(p);
    const { breakdown } = await compare(p.deps.db, { from: "2026-07-01", to: "2026-07-31" }, null, "alerts");
    expect(Object.fromEntries(breakdown!.byDistrict.map((b) => [b.key, b.previous]))).toEqual({
      南山区: 40,
      "(baseline)": 260,
    });
    expect(breakdown!.byFraudType.reduce((s, b) => s + b.previous, 0)).toBe(300);
  });

  test("a month covered only in part leaves its baseline out and names the month", async () => {
    const p = await testPlatform();
    await withBaseline(p);
    const cmp = await compare(p.deps.db, { from: "2026-07-01", to: "2026-08-15" }, null);
    expect(cmp.rows.find((r) => r.metric === "alerts")!.previous.value).toBe(300);
    expect(cmp.partialBaselineMonths).toEqual(["2025-08"]);
  });

  test("the screen shows which source each figure came from", async () => {
    const p = await testPlatform();
    await (await withBaseline(p)).addCase({ at: "2026-07-03 10:00" });
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats?kind=quarter&quarter=2026-Q3")).text();
    const row = /data-testid="source-alerts">([^<]*)</.exec(html)![1];
    expect(row).toBe("系统记录 / 导入基线");
  });
});

describe("baseline import", () => {
  const upload = async (p: TestPlatform, name: string, body: BlobPart) => {
    const s = await signIn(p, "supervisor");
    const form = new FormData();
    form.append("file", new File([body], name));
    return s.request("/stats/baselines", { method: "POST", body: form, htmx: true });
  };
  const figures = async (p: TestPlatform) =>
    Object.fromEntries(
      (
        (await sqlAll(
          p.deps.db,
          "SELECT metric || ' ' || month || ' ' || district AS k, value FROM baseline_totals",
        )) as { k: string; value: number }[]
      ).map((r) => [r.k.trim(), r.value]),
    );

  test("a long CSV goes through the import engine; bad rows are rejected with their line and reason", async () => {
    const p = await testPlatform();
    const csv =
      '\uFEFF月份,指标,辖区,数值\n2025-01,警情,,320\n2025年2月,alerts,南山区,41\n2025-03,冻结金额（元）,,"12,345.67"\n2025-13,警情,,1\n2025-04,不存在,,3\n2025-05,立案,,3.5\n';
    const res = await upload(p, "基线.csv", csv);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("基线.csv：新增 3 行，更新 0 行（替换已有数值），拒绝 3 行");
    expect(html).toContain(
      '<td class="num">5</td><td><code>2025-13,警情,,1</code></td><td>月份“2025-13”不是有效的月份（YYYY-MM）</td>',
    );
    expect(html).toContain("无法识别的指标“不存在”");
    expect(html).toContain("立案：“3.5”不是整数");
    expect(html).toMatch(/data-testid="baseline-summary">.*冻结金额（元）<\/td><td>2025-03 – 2025-03<\/td>/);
    expect(await figures(p)).toEqual({
      "alerts 2025-01": 320,
      "alerts 2025-02 南山区": 41,
      "amountFrozen 2025-03": 1_234_567,
    });
    const audit = (await sqlOne(
      p.deps.db,
      "SELECT detail FROM audit_log WHERE entity = 'import' AND action = 'import'",
    )) as { detail: string };
    expect(JSON.parse(audit.detail)).toMatchObject({ kind: "baseline", imported: 3, rejected: 3 });
  });

  test("a wide XLSX (one column per metric) is imported; a later file replaces figures", async () => {
    const p = await testPlatform();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("2025");
    ws.addRow(["月份", "警情", "立案", "破案", "刑拘", "返还金额（元）"]);
    ws.addRow([new Date(Date.UTC(2025, 0, 1)), 300, 200, 50, 80, 1000.5]);
    ws.addRow(["2025-02", 280, 190, "", 70, 0]);
    const first = await upload(p, "baseline.xlsx", new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(await first.text()).toContain("新增 2 行，更新 0 行");
    const again = await upload(p, "fix.csv", "month,metric,value\n2025-01,alerts,299\n");
    expect(await again.text()).toContain("新增 0 行，更新 1 行");
    expect(await figures(p)).toMatchObject({
      "alerts 2025-01": 299,
      "casesSolved 2025-01": 50,
      "amountReturned 2025-01": 100_050,
      "alerts 2025-02": 280,
      "amountReturned 2025-02": 0,
    });
    expect((await figures(p))["casesSolved 2025-02"]).toBeUndefined();
  }, 20_000); // two imports, each in a reader thread: seconds on a loaded 2-core machine

  test("a file with neither a month column nor metric columns is refused as a whole", async () => {
    const p = await testPlatform();
    const noMonth = await upload(p, "x.csv", "指标,数值\n警情,3\n");
    expect(await noMonth.text()).toContain("没有可识别的表头");
    const noMetric = await upload(p, "y.csv", "月份,备注\n2025-01,x\n");
    expect(await noMetric.text()).toContain("没有指标列");
    expect(await sqlOne(p.deps.db, "SELECT count(*) AS n FROM baseline_totals")).toEqual({ n: 0 });
  }, 20_000);

  test("imported baselines show on the screen as the previous year's figures", async () => {
    const p = await testPlatform();
    await upload(p, "b.csv", "月份,警情,立案\n2025-07,300,100\n2025-08,200,90\n2025-09,100,80\n");
    await (await records(p.deps.db)).addCase({ at: "2026-07-03 10:00" });
    const body = (await (
      await (await apiClient(p, "agent")).call("/api/v1/stats/yoy?from=2026-07-01&to=2026-09-30")
    ).json()) as { metrics: { metric: string; previous: number; changePct: number | null }[] };
    expect(body.metrics.slice(0, 2)).toEqual([
      { metric: "alerts", current: 1, previous: 600, changePct: -99.83 },
      { metric: "casesFiled", current: 0, previous: 270, changePct: -100 },
    ] as never);
  });

  test("an upload sent without htmx answers 303, and the page shows its report once", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    const form = new FormData();
    form.append("file", new File(["月份,警情\n2025-07,300\n"], "plain.csv"));
    const res = await s.request("/stats/baselines", { method: "POST", body: form });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/stats/baselines");
    expect(await (await s.request("/stats/baselines")).text()).toContain("plain.csv：新增 1 行");
    expect(await (await s.request("/stats/baselines")).text()).not.toContain("plain.csv：新增 1 行");
  });

  test("an agent may read statistics but not import baselines", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    expect((await s.request("/stats")).status).toBe(200);
    expect((await s.request("/stats/baselines")).status).toBe(403);
    const form = new FormData();
    form.append("file", new File(["月份,警情\n2025-01,1\n"], "b.csv"));
    expect((await s.request("/stats/baselines", { method: "POST", body: form, htmx: true })).status).toBe(403);
  });
});

describe("GET /api/v1/stats/yoy", () => {
  test("answers every metric, in the documented shape and order", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-07-02 10:00" });
    await r.addCase({ at: "2025-07-02 10:00" });
    await r.addCase({ at: "2025-07-03 10:00" });
    await r.addCase({ at: "2026-08-01 10:00", solved: "2026-08-02 10:00", detained: 2 });
    const res = await (await apiClient(p, "publicity")).call("/api/v1/stats/yoy?from=2026-07-01&to=2026-09-30");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      metrics: { metric: string; current: number; previous: number; changePct: number | null }[];
    };
    expect(body).toMatchObject({
      from: "2026-07-01",
      to: "2026-09-30",
      previousFrom: "2025-07-01",
      previousTo: "2025-09-30",
    });
    expect(Object.keys(body).sort()).toEqual(["from", "metrics", "previousFrom", "previousTo", "to"]);
    expect(body.metrics.map((m) => m.metric)).toEqual([...METRICS]);
    expect(body.metrics[0]).toEqual({ metric: "alerts", current: 2, previous: 2, changePct: 0 });
    expect(body.metrics.find((m) => m.metric === "suspectsDetained")).toEqual({
      metric: "suspectsDetained",
      current: 2,
      previous: 0,
      changePct: null,
    });
  });

  test("a period ending on 29 February compares with 28 February", async () => {
    const p = await testPlatform();
    await (await records(p.deps.db)).addCase({ at: "2023-02-28 22:00" });
    const body = (await (
      await (await apiClient(p, "agent")).call("/api/v1/stats/yoy?from=2024-02-29&to=2024-02-29")
    ).json()) as { previousFrom: string; previousTo: string; metrics: { previous: number }[] };
    expect([body.previousFrom, body.previousTo]).toEqual(["2023-02-28", "2023-02-28"]);
    expect(body.metrics[0]!.previous).toBe(1);
  });

  test("filters by district", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-07-02 10:00", district: "南山区" });
    await r.addCase({ at: "2026-07-02 11:00", district: "北湖区" });
    const body = (await (
      await (
        await apiClient(p, "supervisor")
      ).call(`/api/v1/stats/yoy?from=2026-07-01&to=2026-07-31&district=${encodeURIComponent("南山区")}`)
    ).json()) as { metrics: { current: number }[] };
    expect(body.metrics[0]!.current).toBe(1);
  });

  test("refuses a range that ends before it starts, naming the field", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/stats/yoy?from=2026-09-01&to=2026-07-01");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "from: from must not be after to",
        issues: [{ path: "from", message: "from must not be after to" }],
        requestId: expect.any(String),
      },
    });
  });

  test("refuses dates that do not exist and missing dates", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    for (const q of ["from=2025-02-29&to=2025-03-01", "from=2026-7-1&to=2026-07-02", "to=2026-07-02"]) {
      const res = await api.call(`/api/v1/stats/yoy?${q}`);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path).toBe("from");
    }
  });

  test("a bank token may not read statistics", async () => {
    const p = await testPlatform();
    expect(
      (await (await apiClient(p, "bank", "ICBC")).call("/api/v1/stats/yoy?from=2026-07-01&to=2026-07-31")).status,
    ).toBe(403);
  });

  test("is described in the OpenAPI document", async () => {
    const p = await testPlatform();
    const doc = (await (await p.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
    };
    expect(doc.paths["/stats/yoy"]!.get!.parameters.map((x) => x.name)).toEqual(["from", "to", "district"]);
  });
});

describe("the statistics screen and its exports", () => {
  test("a publicity user sees the quarter's figures with the change coloured by good direction", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2025-07-02 10:00" });
    await r.addCase({ at: "2025-07-03 10:00" });
    await r.addCase({ at: "2026-07-02 10:00", solved: "2026-07-09 10:00" });
    await r.addCase({ at: "2025-08-02 10:00", solved: "2025-08-09 10:00" });
    await r.addCase({ at: "2025-08-05 10:00", solved: "2025-08-19 10:00" });
    const s = await signIn(p, "publicity");
    const html = await (await s.request("/stats?kind=quarter&quarter=2026-Q3")).text();
    expect(html).toContain("本期 2026-07-01 至 2026-09-30，去年同期 2025-07-01 至 2025-09-30");
    expect(html).toMatch(/data-testid="change-alerts"><span class="good">-75\.00%/);
    expect(html).toMatch(/data-testid="change-casesSolved"><span class="bad">-50\.00%/);
    expect(html).toMatch(/data-testid="change-freezes"><span class="muted">—/);
    expect(html).toContain('data-chart="');
    expect(html).toContain('<script src="/static/charts.js" defer="">');
  });

  test("a range that ends before it starts is shown again with the error and what was typed", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    const res = await s.request("/stats?kind=custom&from=2026-09-01&to=2026-07-01");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("开始日期不能晚于结束日期");
    expect(html).toContain('name="from" value="2026-09-01"');
  });

  test("a bank user may not open statistics", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "bank", "ICBC");
    expect((await s.request("/stats")).status).toBe(403);
  });

  test("the CSV export is UTF-8 with a BOM, parses back to the screen's figures, and is audited", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-07-02 10:00" });
    await r.addRequest({ kind: "freeze", status: "completed", effective: "2026-07-03 10:00", done: 123_456 });
    const s = await signIn(p, "supervisor");
    const res = await s.request("/stats/export?kind=quarter&quarter=2026-Q3&table=metrics&format=csv");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("同比统计-主要指标-2026-07-01_2026-09-30.csv")}`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(Buffer.from(bytes), { bom: true }) as string[][];
    expect(rows[0]![0]).toBe("指标");
    expect(rows.find((x) => x[0] === "警情")!.slice(1, 4)).toEqual(["1", "0", "—"]);
    expect(rows.find((x) => x[0] === "冻结金额（元）")![1]).toBe("1234.56");
    expect(rows).toHaveLength(1 + METRICS.length);
    const audit = (await sqlOne(p.deps.db, "SELECT action, entity, detail FROM audit_log WHERE action = 'export'")) as {
      entity: string;
      detail: string;
    };
    expect(audit.entity).toBe("stats");
    expect(JSON.parse(audit.detail)).toMatchObject({
      table: "metrics",
      from: "2026-07-01",
      to: "2026-09-30",
      format: "csv",
    });
  });

  test("every table on the screen exports as XLSX that opens with its header and rows", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-07-02 10:00", fraud: "romance", district: "南山区" });
    const s = await signIn(p, "supervisor");
    // a quarter charts (and exports) its three months
    const expected = {
      metrics: ["指标", 1 + METRICS.length],
      fraudTypes: ["诈骗类型", 2],
      districts: ["辖区", 2],
      months: ["月份", 4],
    } as const;
    for (const [table, [header, rowCount]] of Object.entries(expected)) {
      const res = await s.request(`/stats/export?kind=quarter&quarter=2026-Q3&table=${table}&format=xlsx`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.getRow(1).getCell(1).value).toBe(header);
      expect(ws.actualRowCount).toBe(rowCount);
    }
    const romance = await s.request("/stats/export?kind=quarter&quarter=2026-Q3&table=fraudTypes&format=csv");
    expect(await romance.text()).toContain("网络婚恋交友,1,0,—");
  });

  test("an export of an unknown table is a 400", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    expect((await s.request("/stats/export?table=people&format=csv")).status).toBe(400);
  });

  test("the monthly bulletin reports two down, two up for the month and the year so far", async () => {
    const p = await testPlatform();
    const r = await records(p.deps.db);
    await r.addCase({ at: "2025-10-02 10:00" });
    await r.addCase({ at: "2025-10-03 10:00", filed: "2025-10-04 10:00" });
    await r.addCase({ at: "2026-10-02 10:00", filed: "2026-10-03 10:00", solved: "2026-10-20 10:00", detained: 2 });
    const s = await signIn(p, "supervisor");
    const res = await s.request("/stats/bulletin?month=2026-10");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("2026-10 反诈工作月通报");
    expect(html).toContain(
      "警情同比下降 50.00%；立案与去年同期持平；破案去年同期为零，无法比较；刑拘去年同期为零，无法比较",
    );
    expect(html).toContain("二、年初至本月累计（2026-01-01 至 2026-10-31）");
    expect(html).toContain("data-print");
  });

  test("a bulletin for a month that is not one is a 400", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    expect((await s.request("/stats/bulletin?month=2026-13")).status).toBe(400);
  });
});

describe("sensible periods", () => {
  /** A platform whose clock reads this Shanghai wall-clock time. */
  const at = async (shanghai: string) => {
    const p = await testPlatform();
    p.clock.t = sh(shanghai);
    return p;
  };
  const chartOf = (html: string, id: string) =>
    JSON.parse(new RegExp(`data-chart="([^"]+)" data-testid="${id}"`).exec(html)![1]!.replaceAll("&quot;", '"')) as {
      labels: string[];
      partial: number | null;
    };

  test("the screen opens on the last full month in Shanghai, even while UTC is still in the month before", async () => {
    // 1 December 01:00 in Shanghai is 30 November in UTC: November is over, October is not the answer
    const p = await at("2026-12-01 01:00");
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats")).text();
    expect(html).toContain("本期 2026-11-01 至 2026-11-30，去年同期 2025-11-01 至 2025-11-30");
    expect(html).toContain('name="month" value="2026-11"');
    expect(html).not.toContain('data-testid="partial-period"');
  });

  test("a quarter picked without naming one is the last full quarter", async () => {
    const p = await at("2026-11-21 10:00");
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats?kind=quarter")).text();
    expect(html).toContain("本期 2026-07-01 至 2026-09-30");
  });

  test("a period that includes today is marked on the table and the chart", async () => {
    const p = await at("2026-12-02 09:00");
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats?kind=month&month=2026-12")).text();
    expect(html).toContain("本期 2026-12-01 至 2026-12-02");
    expect(html).toContain(
      '<span class="pill warn" data-testid="partial-period">本期尚未结束：数据截至 2026-12-02</span>',
    );
    expect(html).toContain('data-partial="true">本期（未结束）</th>');
    const chart = chartOf(html, "yoy-chart");
    expect(chart.partial).toBe(11);
    expect(chart.labels[11]).toBe("12月（未完）");
    expect(html).toContain('data-testid="yoy-chart-partial">12月尚未结束，只含截至 2026-12-02 的数据');
  });

  test("a period that is over carries no partial marker", async () => {
    const p = await at("2026-12-02 09:00");
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats?kind=month&month=2026-11")).text();
    expect(html).not.toContain('data-testid="partial-period"');
    expect(html).toContain(">本期</th>");
  });

  test("the quarter view charts the quarter's three months against the same months last year", async () => {
    const p = await at("2026-11-21 10:00");
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-08-02 10:00" });
    await r.addCase({ at: "2025-09-02 10:00" });
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats?kind=quarter&quarter=2026-Q3")).text();
    const chart = chartOf(html, "yoy-chart") as unknown as {
      labels: string[];
      partial: null;
      metrics: { alerts: { current: number[]; previous: number[] } };
    };
    expect(chart.labels).toEqual(["7月", "8月", "9月"]);
    expect(chart.metrics.alerts).toMatchObject({ current: [0, 1, 0], previous: [0, 0, 1] });
    expect(chart.partial).toBeNull();
    expect(html).toContain("本季度与去年同季度逐月对比");
  });

  test("the bulletin opens on the last full month and offers a month picker", async () => {
    const p = await at("2026-12-02 09:00");
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/stats/bulletin")).text();
    expect(html).toContain("2026-11 反诈工作月通报");
    expect(html).toMatch(/<form method="get" action="\/stats\/bulletin"[^>]*data-testid="bulletin-month"/);
    expect(html).toContain('<input type="month" name="month" value="2026-11" max="2026-12" required=""/>');
    expect(html).not.toContain('data-testid="partial-period"');
  });

  test("the bulletin's month picker selects a month, and marks the running month as not over", async () => {
    const p = await at("2026-12-02 09:00");
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-09-02 10:00" });
    const s = await signIn(p, "supervisor");
    const september = await (await s.request("/stats/bulletin?month=2026-09")).text();
    expect(september).toContain("2026-09 反诈工作月通报");
    expect(september).toContain('name="month" value="2026-09"');
    expect(september).toMatch(/data-testid="metric-alerts"><td>警情<\/td><td class="num">1<\/td>/);
    const december = await (await s.request("/stats/bulletin?month=2026-12")).text();
    expect(december).toContain('data-testid="partial-period">本期尚未结束：数据截至 2026-12-02');
  });

  test("an XLSX export has a named sheet and money in yuan with two decimals", async () => {
    const p = await at("2026-11-21 10:00");
    const r = await records(p.deps.db);
    await r.addCase({ at: "2026-07-02 10:00" });
    await r.addRequest({ kind: "freeze", status: "completed", effective: "2026-07-03 10:00", done: 123_456_789 });
    const s = await signIn(p, "supervisor");
    const res = await s.request("/stats/export?kind=quarter&quarter=2026-Q3&table=metrics&format=xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("主要指标");
    const row = (label: string) => ws.getRows(2, ws.actualRowCount - 1)!.find((x) => x.getCell(1).value === label)!;
    expect(row("冻结金额（元）").getCell(2).value).toBe(1_234_567.89);
    expect(row("冻结金额（元）").getCell(2).numFmt).toBe("#,##0.00");
    expect(row("警情").getCell(2).value).toBe(1);
    expect(row("警情").getCell(2).numFmt).toBe("#,##0");
    const months = new ExcelJS.Workbook();
    await months.xlsx.load(
      Buffer.from(
        await (await s.request("/stats/export?kind=quarter&quarter=2026-Q3&table=months&format=xlsx")).arrayBuffer(),
      ) as unknown as ArrayBuffer,
    );
    expect(months.worksheets[0]!.name).toBe("逐月");
  });
});

describe("XLSX sheet names on the other screens", () => {
  const sheetOf = async (res: Response) => {
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    return wb.worksheets[0]!.name;
  };

  test("the publicity and supervision exports name their sheet after their table", async () => {
    const p = await testPlatform();
    const publicity = await signIn(p, "publicity");
    expect(await sheetOf(await publicity.request("/publicity/export/visits?format=xlsx&kind=ytd"))).toBe(
      "上门走访名单",
    );
    const supervisor = await signIn(p, "supervisor");
    expect(await sheetOf(await supervisor.request("/supervision/export/overdueRequests?format=xlsx"))).toBe(
      "超时未反馈指令",
    );
  }, 20_000);

  test("a name Excel would refuse is made acceptable: no []:*?/\\, at most 31 characters", async () => {
    const { sheetName } = await import("../../src/exports/tabular");
    expect(sheetName("a/b:c*d?e[f]g\\h")).toBe("a b c d e f g h");
    expect([...sheetName("同比统计".repeat(10))].length).toBe(31);
    expect(sheetName("  ")).toBe("Sheet1");
  });
});

describe("sendTable", () => {
  async function exportApp(p: TestPlatform) {
    const { userId } = await signIn(p, "publicity");
    return new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set("deps", p.deps);
        c.set("actor", { kind: "user", id: userId, name: "tester", role: "publicity", institutionId: null });
        await next();
      })
      .get(
        "/:format",
        async (c) =>
          await sendTable(c, {
            filename: "名单",
            format: c.req.param("format") as "csv" | "xlsx",
            columns: [
              { key: "name", header: "姓名" },
              { key: "n", header: "数量" },
              { key: "at", header: "时间" },
            ],
            rows: [
              { name: '王*, "引号"', n: 3, at: new Date(Date.UTC(2026, 0, 1, 16, 0)) },
              { name: "=HYPERLINK(1)", n: -2, at: null },
            ],
            audit: { entity: "publicity", detail: { list: "test" } },
          }),
      );
  }

  test("CSV quotes commas and quotes, defuses formulas, and writes instants in Shanghai time", async () => {
    const p = await testPlatform();
    const text = await (await (await exportApp(p)).request("/csv")).text();
    expect(parseCsv(text, { bom: true })).toEqual([
      ["姓名", "数量", "时间"],
      ['王*, "引号"', "3", "2026-01-02 00:00"],
      ["'=HYPERLINK(1)", "-2", ""],
    ]);
  });

  test("XLSX keeps numbers as numbers and records the export in the audit log", async () => {
    const p = await testPlatform();
    const res = await (await exportApp(p)).request("/xlsx");
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, '王*, "引号"', 3, "2026-01-02 00:00"]);
    const audit = (await sqlOne(p.deps.db, "SELECT action, entity, detail FROM audit_log WHERE action = 'export'")) as {
      action: string;
      entity: string;
      detail: string;
    };
    expect(audit).toMatchObject({ action: "export", entity: "publicity" });
    expect(JSON.parse(audit.detail)).toEqual({ list: "test", format: "xlsx", filename: "名单.xlsx", rows: 2 });
  });
});
