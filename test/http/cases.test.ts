import { describe, expect, test } from "bun:test";
import { apiClient, ORIGIN, signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const count = async (p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  ((await sqlOne(p.deps.db, sql, ...args)) as { n: number }).n;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

const CASE = {
  receivedAt: "2026-11-21T09:30:00+08:00",
  district: "南山区",
  fraudType: "fake_investment",
  loss: 1_234_567,
  victim: { name: "张三丰", phone: "139 0013 9000", idNumber: "11010519491231002X", age: 67 },
  narrative: "通过投资群被骗",
  suspects: [
    { kind: "phone", value: "+86 138-0013-8000" },
    { kind: "bank_account", value: "6222 0212 3456 7890 128" },
  ],
};

async function post(p: TestPlatform, body: unknown) {
  const res = await (await apiClient(p, "agent")).call("/api/v1/cases", { json: body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The intake form as a browser posts it. */
function form(
  extra: Record<string, string> = {},
  suspects: [string, string][] = [
    ["", "13800138000"],
    ["", "6222021234567890128"],
  ],
) {
  const f = new URLSearchParams({
    receivedAt: "2026-11-21T09:30",
    fraudType: "romance",
    district: "南山区",
    loss: "12,345.67",
    "victim.name": "李四",
    "victim.phone": "",
    "victim.idNumber": "",
    "victim.age": "",
    narrative: "",
    status: "received",
    filedAt: "",
    solvedAt: "",
    suspectsDetained: "",
    ...extra,
  });
  for (const [kind, value] of suspects) {
    f.append("suspect.kind", kind);
    f.append("suspect.value", value);
  }
  return f;
}
const postForm = (u: Awaited<ReturnType<typeof signIn>>, f: URLSearchParams) =>
  u.request("/cases", { method: "POST", body: f, headers: { "Content-Type": "application/x-www-form-urlencoded" } });

describe("POST /api/v1/cases", () => {
  test("a case with two suspects is created with both, normalised and linked", async () => {
    const p = await testPlatform();
    const { status, body } = await post(p, CASE);
    expect(status).toBe(201);
    const c = body.case;
    expect(c).toMatchObject({
      id: expect.any(Number),
      receivedAt: "2026-11-21T01:30:00.000Z",
      district: "南山区",
      fraudType: "fake_investment",
      loss: 1_234_567,
      victim: { name: "张三丰", phone: "+8613900139000", idNumber: "11010519491231002X", age: 67, masked: false },
      status: "received",
      filedAt: null,
      solvedAt: null,
      suspectsDetained: 0,
    });
    expect(c.suspects.map((s: any) => [s.kind, s.value, s.institution.code, s.level])).toEqual([
      ["phone", "+8613800138000", "CMCC", 1],
      ["bank_account", "6222021234567890128", "ICBC", 1],
    ]);
  });

  test("suspects named in a case are high risk and sourced from the case", async () => {
    const p = await testPlatform();
    const { body } = await post(p, CASE);
    expect(body.case.suspects.every((s: any) => s.riskLevel === "high")).toBe(true);
    expect(await count(p, "select count(*) as n from suspect_sources where source = ?", `case:${body.case.id}`)).toBe(
      2,
    );
  });

  test("a suspect already known is merged, not duplicated", async () => {
    const p = await testPlatform();
    await (await apiClient(p, "agent")).call("/api/v1/suspects", { json: { value: "13800138000" } });
    const { body } = await post(p, CASE);
    expect(body.case.suspects[0].sightings).toBe(2);
    expect(await count(p, "select count(*) as n from suspects")).toBe(2);
  });

  test("a case with an invalid suspect saves nothing and names the row", async () => {
    const p = await testPlatform();
    const { status, body } = await post(p, {
      ...CASE,
      suspects: [CASE.suspects[0], { kind: "bank_account", value: "6222 02" }],
    });
    expect(status).toBe(422);
    expect(body.error.issues).toEqual([
      { path: "suspects.1.value", message: "not a valid bank account: too short (6 digits, need 12–30)" },
    ]);
    expect(await count(p, "select count(*) as n from cases")).toBe(0);
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
    expect(await count(p, "select count(*) as n from audit_log where entity in ('case', 'suspect')")).toBe(0);
  });

  test("a filed case without a filed time is filed now", async () => {
    const p = await testPlatform();
    const { body } = await post(p, { ...CASE, status: "filed" });
    expect(body.case.filedAt).toBe("2026-11-21T02:00:00.000Z");
  });

  test("a solved time before the filed time is refused", async () => {
    const p = await testPlatform();
    const { status, body } = await post(p, {
      ...CASE,
      status: "solved",
      filedAt: "2026-11-21T09:40:00+08:00",
      solvedAt: "2026-11-21T09:35:00+08:00",
      suspectsDetained: 2,
    });
    expect(status).toBe(422);
    expect(body.error.issues.map((i: any) => i.path)).toEqual(["solvedAt"]);
  });

  test("an unknown fraud type is refused with the allowed codes", async () => {
    const p = await testPlatform();
    const { status, body } = await post(p, { ...CASE, fraudType: "phishing" });
    expect(status).toBe(422);
    expect(body.error.issues[0].path).toBe("fraudType");
  });

  test("a wrong check character in the victim's ID number is refused", async () => {
    const p = await testPlatform();
    const { status, body } = await post(p, { ...CASE, victim: { ...CASE.victim, idNumber: "110105194912310021" } });
    expect(status).toBe(422);
    expect(body.error.issues[0].path).toBe("victim.idNumber");
  });
});

describe("double submits", () => {
  test("a repeated Idempotency-Key returns the first case and creates nothing", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const send = () => api.call("/api/v1/cases", { json: CASE, headers: { "Idempotency-Key": "intake-42" } });
    const first = (await (await send()).json()) as { case: { id: number } };
    const again = await send();
    expect(again.status).toBe(201);
    expect(((await again.json()) as { case: { id: number } }).case.id).toBe(first.case.id);
    expect(await count(p, "select count(*) as n from cases")).toBe(1);
  });

  test("the same Idempotency-Key from another caller is another case", async () => {
    const p = await testPlatform();
    for (const api of [await apiClient(p, "agent"), await apiClient(p, "agent")])
      await api.call("/api/v1/cases", { json: CASE, headers: { "Idempotency-Key": "intake-42" } });
    expect(await count(p, "select count(*) as n from cases")).toBe(2);
  });

  test("an Idempotency-Key reused with a different case is refused with 422 idempotency_key_reused and saves nothing", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await api.call("/api/v1/cases", { json: CASE, headers: { "Idempotency-Key": "intake-42" } });
    const res = await api.call("/api/v1/cases", {
      json: { ...CASE, district: "海淀区" },
      headers: { "Idempotency-Key": "intake-42" },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error).toMatchObject({
      code: "idempotency_key_reused",
      message: expect.stringContaining("Idempotency-Key"),
    });
    expect(await count(p, "select count(*) as n from cases")).toBe(1);
  });

  test("the same case with its keys in another order is a replay, not a reuse", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const first = (await (
      await api.call("/api/v1/cases", { json: CASE, headers: { "Idempotency-Key": "k" } })
    ).json()) as any;
    const reordered = Object.fromEntries(Object.entries(CASE).reverse());
    const again = await api.call("/api/v1/cases", { json: reordered, headers: { "Idempotency-Key": "k" } });
    expect(again.status).toBe(201);
    expect(((await again.json()) as any).case.id).toBe(first.case.id);
  });

  test("submitting the intake form twice saves one case", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const page = await (await u.request("/cases/new")).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)![1]!;
    const first = await postForm(u, form({ nonce }));
    const second = await postForm(u, form({ nonce }));
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(await count(p, "select count(*) as n from cases")).toBe(1);
  });
});

describe("GET /api/v1/cases/:id", () => {
  test("returns the case with its suspects and audits the view", async () => {
    const p = await testPlatform();
    const { body } = await post(p, CASE);
    const res = await (await apiClient(p, "supervisor")).call(`/api/v1/cases/${body.case.id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).case.suspects).toHaveLength(2);
    const row = (await sqlOne(
      p.deps.db,
      "select actor, entity_id as id from audit_log where action = 'view' and entity = 'case'",
    )) as { actor: string; id: string };
    expect(row.id).toBe(String(body.case.id));
    expect(row.actor).toStartWith("token:supervisor-");
  });

  test("an unknown case is a 404", async () => {
    const p = await testPlatform();
    expect((await (await apiClient(p, "agent")).call("/api/v1/cases/77")).status).toBe(404);
  });

  test("bank and publicity tokens may not read or create cases", async () => {
    const p = await testPlatform();
    await post(p, CASE);
    for (const client of [await apiClient(p, "bank", "ICBC"), await apiClient(p, "publicity")]) {
      expect((await client.call("/api/v1/cases/1")).status).toBe(403);
      expect((await client.call("/api/v1/cases", { json: CASE })).status).toBe(403);
    }
  });
});

describe("the intake form", () => {
  test("opens with the received time set to now in Shanghai time", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    expect(await (await u.request("/cases/new")).text()).toContain('name="receivedAt" value="2026-11-21T10:00"');
  });

  test("a case with its suspects is saved in one go, the loss read from yuan", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await postForm(u, form());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/cases/1?saved=1");
    const c = (await sqlOne(
      p.deps.db,
      "select loss_fen as loss, received_at as at, created_by as by from cases",
    )) as Record<string, number>;
    expect(c).toEqual({ loss: 1_234_567, at: Date.parse("2026-11-21T01:30:00Z"), by: u.userId });
    expect(await count(p, "select count(*) as n from case_suspects where case_id = 1")).toBe(2);
  });

  test("blank suspect rows are ignored", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    expect(
      (
        await postForm(
          u,
          form({}, [
            ["", ""],
            ["phone", "13800138000"],
            ["", "  "],
          ]),
        )
      ).status,
    ).toBe(303);
    expect(await count(p, "select count(*) as n from case_suspects")).toBe(1);
  });

  test("an invalid suspect row re-renders the form with the row's error, keeps the input, saves nothing", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await postForm(
      u,
      form({}, [
        ["", "13800138000"],
        ["phone", "1380013800"],
      ]),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(text(html)).toContain("涉案号码/账户 · 第 2 行: 不是有效的电话号码：手机号码应为 11 位，这里是 10 位");
    expect(html).toContain('value="1380013800"');
    expect(html).toContain('value="12,345.67"');
    expect(await count(p, "select count(*) as n from cases")).toBe(0);
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });

  test("a reader in English sees why a suspect row is refused in English", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await p.app.request("/cases", {
      method: "POST",
      body: form({}, [["phone", "1380013800"]]),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `${u.cookie}; fz_lang=en`,
        Origin: ORIGIN,
        "X-CSRF-Token": u.csrf,
      },
    });
    expect(res.status).toBe(422);
    expect(text(await res.text())).toContain("not a valid phone number: a Chinese mobile has 11 digits, not 10");
  });

  test("the API names a refused suspect in English, with no interface codes in its issues", async () => {
    const p = await testPlatform();
    const res = await post(p, { ...CASE, suspects: [{ kind: "phone", value: "1380013800" }] });
    expect(res.status).toBe(422);
    expect(res.body.error.issues).toEqual([
      { path: "suspects.0.value", message: "not a valid phone number: a Chinese mobile has 11 digits, not 10" },
    ]);
  });

  test("a solved case without its filed time is refused in Chinese, naming the status by its label", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await postForm(u, form({ status: "solved" }));
    expect(res.status).toBe(422);
    const html = text(await res.text());
    expect(html).toContain("“已破案”的案件须填写立案时间");
    expect(html).not.toContain("needs the time it was filed");
  });

  test("every mistake is reported at once, each next to its field", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await postForm(u, form({ loss: "12.345,67", "victim.name": "", "victim.phone": "12" }, [["", "abc"]]));
    const html = text(await res.text());
    for (const msg of [
      "损失金额（元）: 不是以元为单位的金额，例如 12,345.67",
      "受害人姓名: 必填",
      "受害人电话: 不是有效的电话号码",
      "第 1 行: 不是电话号码或银行账号：含有字母",
    ]) {
      expect(html).toContain(msg);
    }
  });

  test("a publicity user cannot open the case screens", async () => {
    const p = await testPlatform();
    await post(p, CASE);
    const u = await signIn(p, "publicity");
    for (const path of ["/cases", "/cases/new", "/cases/1"]) expect((await u.request(path)).status).toBe(403);
    expect((await postForm(u, form())).status).toBe(403);
  });
});

describe("the case page", () => {
  test("shows the victim in full to an agent and audits the view", async () => {
    const p = await testPlatform();
    await post(p, CASE);
    const u = await signIn(p, "agent");
    const html = text(await (await u.request("/cases/1")).text());
    expect(html).toContain("张三丰");
    expect(html).toContain("11010519491231002X");
    expect(html).toContain("138 0013 8000");
    expect(
      await count(
        p,
        "select count(*) as n from audit_log where action = 'view' and entity = 'case' and entity_id = '1'",
      ),
    ).toBe(1);
  });

  test("filing a received case sets its filed time and is audited", async () => {
    const p = await testPlatform();
    await post(p, CASE);
    const u = await signIn(p, "agent");
    const res = await u.request("/cases/1/status", {
      form: { status: "filed", at: "2026-11-21T09:45", suspectsDetained: "" },
    });
    expect(res.status).toBe(303);
    const c = await sqlOne(p.deps.db, `select status, filed_at as "filedAt" from cases where id = 1`);
    expect(c).toEqual({ status: "filed", filedAt: Date.parse("2026-11-21T01:45:00Z") });
    expect(await count(p, "select count(*) as n from audit_log where action = 'update' and entity = 'case'")).toBe(1);
  });

  test("solving a case that was never filed is refused with the reason", async () => {
    const p = await testPlatform();
    await post(p, CASE);
    const u = await signIn(p, "agent");
    const res = await u.request("/cases/1/status", { form: { status: "solved", at: "", suspectsDetained: "3" } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("“已接警”的案件不能改为“已破案”");
    expect(await count(p, "select count(*) as n from cases where status = 'received'")).toBe(1);
  });
});

describe("the case list", () => {
  async function three() {
    const p = await testPlatform();
    await post(p, CASE);
    await post(p, { ...CASE, fraudType: "romance", receivedAt: "2026-11-19T09:00:00+08:00", suspects: [] });
    await post(p, {
      ...CASE,
      district: "北湖区",
      status: "filed",
      receivedAt: "2026-11-20T23:30:00+08:00",
      suspects: [],
    });
    return { p, u: await signIn(p, "agent") };
  }
  const ids = async (u: Awaited<ReturnType<typeof signIn>>, qs: string) =>
    [...(await (await u.request(`/cases?${qs}`)).text()).matchAll(/href="\/cases\/(\d+)"/g)].map((m) => Number(m[1]));

  test("lists the newest first", async () => {
    const { u } = await three();
    expect(await ids(u, "")).toEqual([1, 3, 2]);
  });
  test("filters by status, fraud type and district", async () => {
    const { u } = await three();
    expect(await ids(u, "status=filed")).toEqual([3]);
    expect(await ids(u, "fraudType=romance")).toEqual([2]);
    expect(await ids(u, "district=北湖区")).toEqual([3]);
  });
  test("filters by Shanghai calendar dates, both days included", async () => {
    const { u } = await three();
    expect(await ids(u, "from=2026-11-20&to=2026-11-20")).toEqual([3]);
    expect(await ids(u, "from=2026-11-19&to=2026-11-20")).toEqual([3, 2]);
  });
  test("pages by 50", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    for (let i = 0; i < 51; i++) await api.call("/api/v1/cases", { json: { ...CASE, suspects: [] } });
    const u = await signIn(p, "agent");
    expect(await ids(u, "page=1")).toHaveLength(50);
    expect(await ids(u, "page=2")).toEqual([1]);
  });
  test("does not list victims", async () => {
    const { u } = await three();
    expect(await (await u.request("/cases")).text()).not.toContain("张三丰");
  });
});
