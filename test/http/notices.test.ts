import { describe, expect, test } from "bun:test";
import { setBadge } from "../../src/admin/badges";
import { apiClient, signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const SYSTEM = { actor: null, ip: "test", at: Date.parse("2026-11-21T02:00:00Z"), label: "system:test" };

const ICBC_CARD = "6222020200112233445";
const CMCC_PHONE = "13800138000";
type Json = Record<string, any>;

async function makeCase(p: TestPlatform, createdBy: number | null = null): Promise<number> {
  const now = p.clock.now();
  return (
    (await sqlOne(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_by, created_at, updated_at) values (?, '朝阳区', 'fake_investment', 30000000, '王小明', 'received', ?, ?, ?) returning id`,
      now,
      createdBy,
      now,
      now,
    )) as { id: number }
  ).id;
}

async function setup(env: Record<string, string> = {}) {
  const p = await testPlatform(env);
  const caseId = await makeCase(p);
  const agent = await apiClient(p, "agent");
  const icbc = await apiClient(p, "bank", "ICBC");
  const create = async (body: Json) =>
    ((await (await agent.call("/api/v1/requests", { json: { caseId, ...body } })).json()) as Json).request as Json;
  return { p, caseId, agent, icbc, create };
}

describe("document numbers", () => {
  test("a sent stop-payment is numbered in the center's format, per kind and year", async () => {
    const { create } = await setup({ CENTER_SHORT: "某公" });
    const a = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const b = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const s = await create({ kind: "suspend_number", value: CMCC_PHONE });
    expect(a.documentNo).toBe("某公反诈止字〔2026〕第000001号");
    expect(b.documentNo).toBe("某公反诈止字〔2026〕第000002号");
    expect(s.documentNo).toBe("某公反诈停字〔2026〕第000001号");
  });

  test("20 concurrent sends get 20 distinct consecutive numbers", async () => {
    const { create } = await setup();
    const sent = await Promise.all(
      Array.from({ length: 20 }, () => create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })),
    );
    const seqs = sent.map((r) => Number(/第(\d{6})号/.exec(r.documentNo)![1])).sort((x, y) => x - y);
    expect(new Set(sent.map((r) => r.documentNo)).size).toBe(20);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test("the numbering starts again at 1 in a new year (Shanghai time)", async () => {
    const { p, create } = await setup();
    expect((await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })).documentNo).toContain(
      "〔2026〕第000001号",
    );
    p.clock.t = Date.parse("2026-12-31T16:00:00Z"); // 1 January 2027, 00:00 in Shanghai
    expect((await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })).documentNo).toContain(
      "止字〔2027〕第000001号",
    );
  });

  test("a draft takes no number; sending it does", async () => {
    const { p, create } = await setup();
    const d = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100, draft: true });
    expect(d.documentNo).toBeNull();
    const agent = await signIn(p, "agent");
    await agent.request(`/requests/${d.id}/send`, { form: {} });
    const row = (await sqlOne(p.deps.db, `select document_no as no from instructions where request_id = ?`, d.id)) as {
      no: string;
    };
    expect(row.no).toContain("止字〔2026〕第000001号");
  });
});

describe("GET /requests/:id/notice", () => {
  async function sentBy(env: Record<string, string> = {}) {
    const p = await testPlatform(env);
    const officer = await signIn(p, "agent");
    const agent = await signIn(p, "agent");
    await setBadge(p.deps.db, SYSTEM, officer.userId, "110001");
    await setBadge(p.deps.db, SYSTEM, agent.userId, "110002");
    const caseId = await makeCase(p, officer.userId);
    const api = await apiClient(p, "agent");
    const draft = async (body: Json) =>
      ((await (await api.call("/api/v1/requests", { json: { caseId, draft: true, ...body } })).json()) as Json)
        .request as Json;
    const send = async (body: Json) => {
      const d = await draft(body);
      const res = await agent.request(`/requests/${d.id}/send`, { form: {} });
      expect(res.status).toBeLessThan(400);
      return d.id as number;
    };
    return { p, caseId, officer, agent, send, draft };
  }

  test("a stop-payment's notice names the law, the account, the bank and the amount in figures and capitals", async () => {
    const { p, agent, send } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 20_000_000 });
    const res = await agent.request(`/requests/${id}/notice`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("紧急止付通知书");
    expect(html).toContain("某公反诈止字〔2026〕第000001号");
    expect(html).toContain("《中华人民共和国反电信网络诈骗法》");
    expect(html).toContain(ICBC_CARD);
    expect(html).toContain("中国工商银行");
    expect(html).toContain("人民币贰拾万元整");
    expect(html).toContain("¥200,000.00");
    expect(html).toContain("四十八小时");
    expect(html).toContain("2026年11月21日");
    expect(html).toContain("@page { size: A4");
    void p;
  });

  test("a freeze's notice cites 刑事诉讼法 §144, states term, scope and interest, and carries the bank's receipt", async () => {
    const { agent, send } = await sentBy();
    const id = await send({ kind: "freeze", value: ICBC_CARD, amount: 12_345_678 });
    const html = await (await agent.request(`/requests/${id}/notice`)).text();
    expect(html).toContain("协助冻结财产通知书");
    expect(html).toContain("《中华人民共和国刑事诉讼法》第一百四十四条");
    expect(html).toContain("人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分");
    expect(html).toContain("冻结期限");
    expect(html).toContain("六个月");
    expect(html).toContain("冻结范围");
    expect(html).toContain("孳");
    expect(html).toContain("协助冻结财产回执");
    expect(html).toContain("某公反诈冻字〔2026〕第000001号");
  });

  test("the notice names the two officers in charge with their badge numbers: the sender and the case's officer", async () => {
    const { agent, officer, send, p } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const html = await (await agent.request(`/requests/${id}/notice`)).text();
    const name = async (uid: number) =>
      ((await sqlOne(p.deps.db, `select display_name as n from users where id = ?`, uid)) as { n: string }).n;
    expect(html).toContain(`${await name(agent.userId)}（警号 110002）`);
    expect(html).toContain(`${await name(officer.userId)}（警号 110001）`);
  });

  test("a carrier's suspension notice is 停机通知书", async () => {
    const { agent, send } = await sentBy();
    const id = await send({ kind: "suspend_number", value: CMCC_PHONE });
    const html = await (await agent.request(`/requests/${id}/notice`)).text();
    expect(html).toContain("停机通知书");
    expect(html).toContain("停字〔2026〕第000001号");
  });

  test("the bank it was sent to can open it; another bank gets a 404", async () => {
    const { p, send } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const icbc = await signIn(p, "bank", "ICBC");
    const abc = await signIn(p, "bank", "ABC");
    const mine = await icbc.request(`/requests/${id}/notice`);
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain(`href="/desk/${id}"`);
    expect((await abc.request(`/requests/${id}/notice`)).status).toBe(404);
  });

  test("a draft has no notice", async () => {
    const { agent, draft } = await sentBy();
    const d = await draft({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    expect((await agent.request(`/requests/${d.id}/notice`)).status).toBe(404);
  });

  test("opening a notice is written to the audit log with its number", async () => {
    const { p, agent, send } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    await agent.request(`/requests/${id}/notice`);
    const row = (await sqlOne(
      p.deps.db,
      `select detail from audit_log where action = 'view' and entity = 'request' and entity_id = ?`,
      String(id),
    )) as { detail: string };
    expect(JSON.parse(row.detail).notice).toContain("止字〔2026〕第000001号");
  });

  test("in English the page title is English and the notice stays the Chinese legal form", async () => {
    const { agent, send } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const html = await (await agent.request(`/requests/${id}/notice`, { headers: { Cookie: "fz_lang=en" } })).text();
    expect(html).toMatch(/<title>Notice · 紧急止付通知书/);
    expect(html).toContain("Print / save as PDF");
    expect(html).toContain("根据《中华人民共和国反电信网络诈骗法》");
  });

  test("the request page, the desk page and the case page link to the notice", async () => {
    const { p, caseId, agent, send } = await sentBy();
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const link = `/requests/${id}/notice`;
    expect(await (await agent.request(`/requests/${id}`)).text()).toContain(link);
    expect(await (await agent.request(`/cases/${caseId}`)).text()).toContain(link);
    const icbc = await signIn(p, "bank", "ICBC");
    expect(await (await icbc.request(`/desk/${id}`)).text()).toContain(link);
  });

  test("CENTER_NAME and CENTER_SHORT set the issuer and the number's prefix", async () => {
    const { agent, send } = await sentBy({ CENTER_NAME: "深圳市公安局反电信网络诈骗中心", CENTER_SHORT: "深公" });
    const id = await send({ kind: "stop_payment", value: ICBC_CARD, amount: 100 });
    const html = await (await agent.request(`/requests/${id}/notice`)).text();
    expect(html).toContain("深圳市公安局反电信网络诈骗中心");
    expect(html).toContain("深公反诈止字〔2026〕第000001号");
  });
});

describe("officers' badge numbers", () => {
  test("the admin sets a user's badge number on the user screen, and it is audited", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const agent = await signIn(p, "agent");
    expect((await admin.request(`/admin/users/${agent.userId}/badge`, { form: { badge: "110042" } })).status).toBe(303);
    expect(await sqlOne(p.deps.db, `select badge_no as b from users where id = ?`, agent.userId)).toEqual({
      b: "110042",
    });
    expect(await (await admin.request("/admin")).text()).toContain('value="110042"');
    const row = (await sqlOne(
      p.deps.db,
      `select detail from audit_log where entity = 'user' and entity_id = ? and action = 'update'`,
      String(agent.userId),
    )) as { detail: string };
    expect(JSON.parse(row.detail)).toEqual({ badgeNo: "110042" });
  });

  test("a badge number that is not 4–12 letters or digits is refused in the reader's language", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const agent = await signIn(p, "agent");
    const res = await admin.request(`/admin/users/${agent.userId}/badge`, { form: { badge: "12 3" } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("警号：4–12 位字母或数字");
  });

  test("cli user add --badge records it and cli keys rotate adds a signing key that is then published", async () => {
    const dir = (await import("node:fs")).mkdtempSync(
      (await import("node:path")).join((await import("node:os")).tmpdir(), "fanzha-cli-"),
    );
    // the CLI on a SQLite file, whichever engine the suite runs on (DATABASE_URL would win)
    const { DATABASE_URL: _, ...inherited } = process.env;
    const env = {
      ...inherited,
      DATABASE_PATH: `${dir}/f.sqlite`,
      OUTBOX_DIR: `${dir}/outbox`,
      FANZHA_DEMO: "false",
      FANZHA_ADMIN_PASSWORD: "admin-pass-123",
    };
    const run = (...args: string[]) =>
      Bun.spawnSync(["bun", "src/cli.ts", ...args], { env, cwd: `${import.meta.dir}/../..` });
    const add = run(
      "user",
      "add",
      "--username",
      "li",
      "--role",
      "agent",
      "--password",
      "pw-li-39571",
      "--badge",
      "123456",
    );
    expect(add.exitCode).toBe(0);
    const bad = run(
      "user",
      "add",
      "--username",
      "wang",
      "--role",
      "agent",
      "--password",
      "pw-wang-39571",
      "--badge",
      "1",
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.toString()).toContain("badge number: 4–12 letters or digits");
    expect(run("keys", "rotate").exitCode).toBe(0);
    const rotated = run("keys", "rotate");
    expect(rotated.stdout.toString()).toMatch(/signing key \S+ signs from now on/);
    const { Database } = await import("bun:sqlite");
    const db = new Database(`${dir}/f.sqlite`);
    expect(db.query(`select badge_no as b from users where username = 'li'`).get()).toEqual({ b: "123456" });
    expect(db.query(`select count(*) as n, sum(retired_at is null) as current from signing_keys`).get()).toEqual({
      n: 2,
      current: 1,
    });
    db.close();
  }, 30_000);
});

describe("renewal and release instructions", () => {
  async function confirmedFreeze() {
    const p = await testPlatform();
    const caseId = await makeCase(p);
    const api = await apiClient(p, "agent");
    const icbc = await apiClient(p, "bank", "ICBC");
    const freeze = (
      (await (
        await api.call("/api/v1/requests", { json: { caseId, kind: "freeze", value: ICBC_CARD, amount: 500_000 } })
      ).json()) as Json
    ).request as Json;
    expect(
      (await icbc.call(`/api/v1/requests/${freeze.id}/responses`, { json: { action: "confirm", amount: 500_000 } }))
        .status,
    ).toBe(201);
    const agent = await signIn(p, "agent");
    return { p, freeze, agent, api };
  }
  const childOf = async (p: TestPlatform, parent: number, kind: string) =>
    (await sqlOne(
      p.deps.db,
      `select id from requests where parent_request_id = ? and kind = ? order by id desc limit 1`,
      parent,
      kind,
    )) as { id: number };

  test("renewing a freeze sends a 继续冻结通知书 numbered 续冻 that names the original freeze's number", async () => {
    const { p, freeze, agent } = await confirmedFreeze();
    await agent.request(`/requests/${freeze.id}/renew`, { form: {} });
    const renewal = await childOf(p, freeze.id, "freeze_renewal");
    const html = await (await agent.request(`/requests/${renewal.id}/notice`)).text();
    expect(html).toContain("继续冻结通知书");
    expect(html).toContain("某公反诈续冻字〔2026〕第000001号");
    expect(html).toContain(`原文书：${freeze.documentNo}`);
    expect(html).toContain("继续冻结回执");
  });

  test("lifting a freeze sends a 解除冻结通知书 numbered 解冻", async () => {
    const { p, freeze, agent } = await confirmedFreeze();
    await agent.request(`/requests/${freeze.id}/release`, { form: {} });
    const release = await childOf(p, freeze.id, "freeze_release");
    const html = await (await agent.request(`/requests/${release.id}/notice`)).text();
    expect(html).toContain("解除冻结通知书");
    expect(html).toContain("某公反诈解冻字〔2026〕第000001号");
  });

  test("a stop-payment's second stop is a 续止 instruction on the same request, listed with the first", async () => {
    const p = await testPlatform();
    const caseId = await makeCase(p);
    const api = await apiClient(p, "agent");
    const icbc = await apiClient(p, "bank", "ICBC");
    const sp = (
      (await (
        await api.call("/api/v1/requests", {
          json: { caseId, kind: "stop_payment", value: ICBC_CARD, amount: 500_000 },
        })
      ).json()) as Json
    ).request as Json;
    expect(
      (
        await icbc.call(`/api/v1/requests/${sp.id}/responses`, {
          json: { action: "confirm", amount: 500_000, balance: 500_000 },
        })
      ).status,
    ).toBe(201);
    const agent = await signIn(p, "agent");
    await agent.request(`/requests/${sp.id}/renew`, { form: {} });
    const r = ((await (await api.call(`/api/v1/requests/${sp.id}`)).json()) as Json).request as Json;
    expect(r.documentNo).toBe(sp.documentNo);
    expect(r.instructions.map((x: Json) => [x.kind, x.documentNo])).toEqual([
      ["stop_payment", "某公反诈止字〔2026〕第000001号"],
      ["renew_stop_payment", "某公反诈续止字〔2026〕第000001号"],
    ]);
    const doc = r.instructions[1].documentNo;
    const second = (
      (await sqlOne(p.deps.db, `select id from instructions where document_no = ?`, doc)) as { id: number }
    ).id;
    expect(await (await agent.request(`/requests/${sp.id}/notice?doc=${second}`)).text()).toContain("继续止付通知书");
  });
});
