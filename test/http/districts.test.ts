import { describe, expect, test } from "bun:test";
import { loadDemo } from "../../src/demo/load";
import { addDistrict } from "../../src/districts/service";
import { normalizeIdNumber } from "../../src/domain/cases";
import { closeDistricts } from "../../src/domain/districts";
import { shanghaiDate } from "../../src/domain/time";
import { whenSettled } from "../../src/imports/engine";
import { apiClient, freshPostgres, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const SYSTEM = { actor: null, ip: null, at: Date.parse("2026-11-21T02:00:00Z"), label: "test" };
const count = async (p: TestPlatform, sql: string) => ((await sqlOne(p.deps.db, sql)) as { n: number }).n;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function listed(p: TestPlatform, ...names: string[]) {
  for (const n of names) expect((await addDistrict(p.deps.db, SYSTEM, n)).ok).toBe(true);
}

const CASE = {
  receivedAt: "2026-11-21T09:30:00+08:00",
  district: "南山区",
  fraudType: "fake_investment",
  loss: 1_234_567,
  victim: { name: "张三丰", phone: "139 0013 9000", age: 67 },
  narrative: "通过投资群被骗",
  suspects: [{ kind: "phone", value: "+86 138-0013-8000" }],
};

/** Uploads a targets CSV through the page and waits for the import to settle. */
async function importTargets(p: TestPlatform, csv: string) {
  const agent = await signIn(p, "agent");
  const body = new FormData();
  body.append("file", new File([csv], "targets.csv", { type: "text/csv" }));
  const res = await agent.request("/imports/targets", { method: "POST", body });
  expect(res.status).toBe(303);
  const id = Number(/\/imports\/(\d+)/.exec(res.headers.get("location")!)![1]);
  await whenSettled(p.deps, id);
  return { agent, id };
}

describe("close matches", () => {
  test("a name missing its suffix, mistyped or written with another character finds the listed name", () => {
    const list = ["东城区", "西城区", "南山区", "北湖区", "高新区"];
    expect(closeDistricts("南山", list)).toEqual(["南山区"]);
    expect(closeDistricts("南山去", list)[0]).toBe("南山区");
    expect(closeDistricts("东成区", list)[0]).toBe("东城区");
    // both two edits away, both sharing half the characters: the list's order
    expect(closeDistricts("浦东新区", list)).toEqual(["东城区", "高新区"]);
    expect(closeDistricts("江区", ["江北区", "江南区", "城关区"])).toEqual(["江北区", "江南区"]);
    expect(closeDistricts("Zzz", list)).toEqual([]);
  });
});

describe("districts from the admin's list", () => {
  test("GET /api/v1/districts lists them for any signed-in role's token", async () => {
    const p = await testPlatform();
    await listed(p, "南山区", "北湖区");
    for (const [role, inst] of [["agent"], ["bank", "ICBC"], ["publicity"]] as const) {
      const res = await (await apiClient(p, role, inst)).call("/api/v1/districts");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ districts: [{ name: "北湖区" }, { name: "南山区" }] });
    }
    expect((await p.app.request("/api/v1/districts")).status).toBe(401);
    const doc = (await (await p.app.request("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(doc.paths["/districts"]).toBeDefined();
  });

  test("while the list is empty, a case, a target and an import row accept any district", async () => {
    const p = await testPlatform();
    expect(
      (await (await apiClient(p, "agent")).call("/api/v1/cases", { json: { ...CASE, district: "随便什么区" } })).status,
    ).toBe(201);
    expect(
      (
        await (
          await apiClient(p, "agent")
        ).call("/api/v1/targets", {
          json: { phone: "13800138000", riskGrade: "high", district: "随便什么区" },
        })
      ).status,
    ).toBe(201);
    await importTargets(p, "电话,风险等级,辖区\n13900139000,高,另一个区\n");
    expect(await count(p, "select count(*) as n from targets where district = '另一个区'")).toBe(1);
  });

  test("case intake refuses a district not on the list, naming the close matches (API in English)", async () => {
    const p = await testPlatform();
    await listed(p, "南山区", "北湖区", "高新区");
    const res = await (await apiClient(p, "agent")).call("/api/v1/cases", { json: { ...CASE, district: "南山" } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues).toContainEqual({
      path: "district",
      message: `district "南山" is not on the center's list of districts; close: 南山区`,
    });
    expect(await count(p, "select count(*) as n from cases")).toBe(0);
    expect((await (await apiClient(p, "agent")).call("/api/v1/cases", { json: CASE })).status).toBe(201);
  });

  test("the intake page refuses an unlisted district in Chinese, by its field, keeping the form", async () => {
    const p = await testPlatform();
    await listed(p, "南山区", "北湖区");
    const u = await signIn(p, "agent");
    const f = new URLSearchParams({
      receivedAt: "2026-11-21T09:30",
      fraudType: "romance",
      district: "北湖",
      loss: "100",
      victimName: "张三",
      narrative: "x",
    });
    const res = await u.request("/cases", {
      method: "POST",
      body: f,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(text(html)).toContain("辖区“北湖”不在本中心的辖区列表中；相近的有：北湖区");
    expect(html).toContain('value="北湖"');
    expect(await count(p, "select count(*) as n from cases")).toBe(0);
  });

  test("the intake form suggests the listed districts", async () => {
    const p = await testPlatform();
    await listed(p, "北湖区", "南山区");
    const html = await (await (await signIn(p, "agent")).request("/cases/new")).text();
    const datalist = /<datalist id="districts">([\s\S]*?)<\/datalist>/.exec(html)![1]!;
    expect([...datalist.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).toEqual(["北湖区", "南山区"]);
  });

  test("the target API refuses an unlisted district with the close matches; a listed one is recorded", async () => {
    const p = await testPlatform();
    await listed(p, "江北区", "江南区", "城关区");
    const api = await apiClient(p, "agent");
    const res = await api.call("/api/v1/targets", {
      json: { phone: "13800138000", riskGrade: "high", district: "江北" },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues[0]).toEqual({
      path: "district",
      message: `district "江北" is not on the center's list of districts; close: 江北区`,
    });
    expect(await count(p, "select count(*) as n from targets")).toBe(0);
    expect(
      (await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high", district: "江北区" } }))
        .status,
    ).toBe(201);
  });

  test("an import row with an unlisted district is rejected with the close matches, in the reader's language", async () => {
    const p = await testPlatform();
    await listed(p, "江北区", "城关区");
    const { agent, id } = await importTargets(p, "电话,风险等级,辖区\n13800138000,高,江北区\n13900139000,高,城关\n");
    expect(await count(p, "select count(*) as n from targets")).toBe(1);
    const rejection = (await sqlOne(p.deps.db, "select line, reason, reason_code as code from import_rejections")) as {
      line: number;
      reason: string;
      code: string;
    };
    expect(rejection).toEqual({
      line: 3,
      reason: `district "城关" is not on the center's list of districts; close: 城关区`,
      code: "district.unlisted_near",
    });
    expect(text(await (await agent.request(`/imports/${id}`)).text())).toContain(
      "辖区“城关”不在本中心的辖区列表中；相近的有：城关区",
    );
  });

  test("a baseline row for an unlisted district is rejected with the close matches; the city-wide rows are kept", async () => {
    const p = await testPlatform();
    await listed(p, "南山区");
    const s = await signIn(p, "supervisor");
    const form = new FormData();
    form.append("file", new File(["月份,辖区,警情\n2025-07,,300\n2025-07,南山,40\n2025-07,南山区,41\n"], "b.csv"));
    const html = await (await s.request("/stats/baselines", { method: "POST", body: form, htmx: true })).text();
    expect(text(html)).toContain("新增 2 行");
    expect(text(html)).toContain("辖区“南山”不在本中心的辖区列表中；相近的有：南山区");
    expect(await count(p, "select count(*) as n from baseline_totals")).toBe(2);
  });

  test("the admin adds a district on the screen (303), and a name already listed is refused", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const res = await admin.request("/admin/districts", { form: { district: " 南山区 " } });
    expect(res.status).toBe(303);
    expect(await (await admin.request("/admin")).text()).toContain('<span class="pill">南山区</span>');
    const again = await admin.request("/admin/districts", { form: { district: "南山区" } });
    expect(again.status).toBe(422);
    expect(text(await again.text())).toContain("辖区“南山区”已在列表中");
    expect(await count(p, "select count(*) as n from districts")).toBe(1);
    expect(await count(p, "select count(*) as n from audit_log where entity = 'district' and action = 'create'")).toBe(
      1,
    );
  });

  test("only the admin may add districts on the screen", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    expect((await agent.request("/admin/districts", { form: { district: "南山区" } })).status).toBe(403);
  });

  test("the command line adds and lists districts", async () => {
    const { mkdtempSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const { tmpdir } = require("node:os") as typeof import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "fanzha-cli-"));
    const url = process.env.DATABASE_URL;
    const env = {
      ...process.env,
      // on PostgreSQL a database of its own, not the server's default one
      ...(url ? { DATABASE_URL: await freshPostgres(url) } : {}),
      DATABASE_PATH: join(dir, "db.sqlite"),
      OUTBOX_DIR: join(dir, "outbox"),
      FANZHA_DEMO: "false",
    };
    const cli = (...args: string[]) =>
      Bun.spawnSync([process.execPath, "src/cli.ts", ...args], { env, stderr: "pipe", stdout: "pipe" });
    const add = cli("district", "add", "南山区");
    expect(add.exitCode).toBe(0);
    expect(add.stdout.toString()).toContain("district 南山区 added; 1 listed");
    const again = cli("district", "add", "南山区");
    expect(again.exitCode).toBe(2);
    expect(again.stderr.toString()).toContain(`district "南山区" is already on the list`);
    cli("district", "add", "北湖区");
    expect(cli("district", "list").stdout.toString()).toBe("北湖区\n南山区\n");
  }, 30_000);

  test("the demo data lists the districts its cases and targets use; its victims' ID numbers agree with their ages", async () => {
    const p = await testPlatform();
    await loadDemo(p.deps);
    // read through the engine-neutral helper, sorted here (PostgreSQL's collation orders text its own way)
    const used = (
      await sqlAll<{ d: string }>(
        p.deps.db,
        "select distinct district as d from cases union select distinct district from targets where district is not null",
      )
    )
      .map((r) => r.d)
      .sort();
    const list = (await sqlAll<{ d: string }>(p.deps.db, "select name as d from districts")).map((r) => r.d).sort();
    expect(list).toEqual(used);
    const victims = await sqlAll<{ at: number; id: string; age: number }>(
      p.deps.db,
      "select received_at as at, victim_id_number as id, victim_age as age from cases",
    );
    const wrong = victims.filter((v) => {
      if (!normalizeIdNumber(v.id).ok) return true;
      const [y, m, d] = shanghaiDate(v.at).split("-").map(Number) as [number, number, number];
      const [by, bm, bd] = [Number(v.id.slice(6, 10)), Number(v.id.slice(10, 12)), Number(v.id.slice(12, 14))];
      return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0) !== v.age;
    });
    expect(victims.length).toBeGreaterThan(1000);
    expect(wrong).toEqual([]);
  }, 120_000);
});
