import { describe, expect, test } from "bun:test";
import { inOrder } from "../../src/db";
import { apiClient, signIn, sqlAll, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

const ICBC_CARD = "6222020200112233445";
const DAY = 86_400_000;
type Json = Record<string, any>;

async function makeCase(p: TestPlatform, lossFen: number, victim: string): Promise<number> {
  const now = p.clock.now();
  return (
    (await sqlOne(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at) values (?, '朝阳区', 'fake_investment', ?, ?, 'received', ?, ?) returning id`,
      now,
      lossFen,
      victim,
      now,
      now,
    )) as { id: number }
  ).id;
}

/** A freeze the bank confirmed on an account three cases name; `traced` adds each victim's transfer into it. */
async function frozen(opts: { frozenFen: number; losses: number[]; traced?: (number | null)[] }) {
  const p = await testPlatform();
  const cases = await inOrder(opts.losses, (l, i) => makeCase(p, l, ["张三", "李四", "王五"][i]!));
  const agentApi = await apiClient(p, "agent");
  const icbc = await apiClient(p, "bank", "ICBC");
  const res = await agentApi.call("/api/v1/requests", {
    json: { caseId: cases[0], kind: "freeze", value: ICBC_CARD, amount: opts.frozenFen },
  });
  expect(res.status).toBe(201);
  const freeze = ((await res.json()) as Json).request as Json;
  const ok = await icbc.call(`/api/v1/requests/${freeze.id}/responses`, {
    json: { action: "confirm", amount: opts.frozenFen },
  });
  expect(ok.status).toBe(201);
  const suspectId = freeze.suspect.id as number;
  for (const c of cases.slice(1))
    await sqlRun(
      p.deps.db,
      `insert into case_suspects (case_id, suspect_id, level, created_at) values (?, ?, 1, ?)`,
      c,
      suspectId,
      p.clock.now(),
    );
  for (const [i, fen] of (opts.traced ?? []).entries()) {
    if (fen == null) continue;
    await sqlRun(
      p.deps.db,
      `insert into case_transactions (case_id, suspect_id, at, amount_fen, payer_account, payer_name) values (?, ?, ?, ?, ?, ?)`,
      cases[i]!,
      suspectId,
      p.clock.now() - DAY,
      fen,
      `62170000111122${String(i).padStart(4, "0")}`,
      ["张三", "李四", "王五"][i]!,
    );
  }
  const agent = await signIn(p, "agent");
  const plan = async (method: string) => agentApi.call(`/api/v1/requests/${freeze.id}/return-plan?method=${method}`);
  return { p, cases, freeze, agent, agentApi, icbc, plan };
}

const shareSum = (b: Json) => (b.shares as Json[]).reduce((s, x) => s + x.amount, 0);

describe("GET /api/v1/requests/:id/return-plan", () => {
  test("pro rata shares a prime frozen amount among three victims exactly to the fen", async () => {
    const { plan, cases } = await frozen({ frozenFen: 1_000_003, losses: [1_234_567, 89_101, 999_983] });
    const res = await plan("pro_rata");
    expect(res.status).toBe(200);
    const b = (await res.json()) as Json;
    expect(b.method).toBe("pro_rata");
    expect(b.frozen).toBe(1_000_003);
    expect(b.shares.map((s: Json) => s.caseId)).toEqual(cases);
    expect(shareSum(b)).toBe(1_000_003);
  });

  test("reading a plan is audited: it names the victims' accounts", async () => {
    const { p, plan, freeze } = await frozen({ frozenFen: 1_000, losses: [1_000] });
    await plan("pro_rata");
    const row = (await sqlOne(
      p.deps.db,
      `select detail from audit_log where action = 'view' and entity = 'return_plan'`,
    )) as { detail: string };
    expect(JSON.parse(row.detail)).toEqual({ freezeRequestId: freeze.id, method: "pro_rata" });
  });

  test("pro rata never returns more than the losses; the rest stays frozen", async () => {
    const { plan } = await frozen({ frozenFen: 5_000_000, losses: [100_000, 200_000, 300_000] });
    const b = (await (await plan("pro_rata")).json()) as Json;
    expect(b.shares.map((s: Json) => s.amount)).toEqual([100_000, 200_000, 300_000]);
  });

  test("traced gives each victim their own deposits and names their paying account", async () => {
    const { plan } = await frozen({
      frozenFen: 1_000_000,
      losses: [500_000, 500_000, 500_000],
      traced: [300_000, 200_000, 100_000],
    });
    const b = (await (await plan("traced")).json()) as Json;
    expect(b.shares.map((s: Json) => [s.amount, s.victimAccount])).toEqual([
      [300_000, "621700001111220000"],
      [200_000, "621700001111220001"],
      [100_000, "621700001111220002"],
    ]);
  });

  test("traced is refused, naming the case, when a case has no deposits traced into the account", async () => {
    const { plan, cases } = await frozen({
      frozenFen: 1_000_000,
      losses: [500_000, 500_000, 500_000],
      traced: [300_000, null, 100_000],
    });
    const res = await plan("traced");
    expect(res.status).toBe(409);
    expect(((await res.json()) as Json).error.message).toContain(`case ${cases[1]} has no deposits traced`);
  });

  test("a bank cannot read a return plan", async () => {
    const { icbc, freeze } = await frozen({ frozenFen: 100, losses: [100] });
    expect((await icbc.call(`/api/v1/requests/${freeze.id}/return-plan`)).status).toBe(403);
  });

  test("a request that is not a freeze in force has no return plan", async () => {
    const { agentApi, cases } = await frozen({ frozenFen: 100, losses: [100] });
    const sp = (
      (await (
        await agentApi.call("/api/v1/requests", {
          json: { caseId: cases[0], kind: "stop_payment", value: ICBC_CARD, amount: 100 },
        })
      ).json()) as Json
    ).request;
    const res = await agentApi.call(`/api/v1/requests/${sp.id}/return-plan`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as Json).error.message).toContain("not a freeze in force");
  });
});

describe("the return plan page", () => {
  test("a pro-rata plan opens a 30-day notice: returns refused before it closes, objections recorded during it, returns sent after it", async () => {
    const {
      p,
      agent: first,
      freeze,
      cases,
    } = await frozen({ frozenFen: 1_000_003, losses: [1_000_000, 2_000_000, 3_000_000] });
    // no paying account recorded with these cases: the center enters the victims' accounts
    const form = {
      method: "pro_rata",
      [`account.${cases[0]}`]: "6217000011112222",
      [`account.${cases[1]}`]: "6217000011113333",
      [`account.${cases[2]}`]: "6217000011114444",
    };
    expect((await first.request(`/requests/${freeze.id}/returns`, { form })).status).toBe(303);
    const planId = (
      (await sqlOne(p.deps.db, `select id from return_plans where freeze_request_id = ?`, freeze.id)) as {
        id: number;
      }
    ).id;
    const page = await (await first.request(`/requests/${freeze.id}/returns`)).text();
    expect(page).toContain("公告期 2026-11-21 10:00 至 2026-12-21 10:00");

    const early = await first.request(`/requests/${freeze.id}/returns/${planId}/send`, { form: {} });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("30 日公告期至 2026-12-21 10:00 届满，届满后方可返还");
    expect(
      (
        await first.request(`/requests/${freeze.id}/returns/${planId}/objections`, {
          form: { objector: "赵六", text: "我也被骗转入此账户" },
        })
      ).status,
    ).toBe(303);
    expect(await (await first.request(`/requests/${freeze.id}/returns`)).text()).toContain("赵六: 我也被骗转入此账户");

    p.clock.advance(30 * DAY);
    const agent = await signIn(p, "agent"); // the first session has long expired
    const late = await agent.request(`/requests/${freeze.id}/returns/${planId}/objections`, {
      form: { objector: "钱七", text: "迟到的异议" },
    });
    expect(late.status).toBe(409);
    expect((await agent.request(`/requests/${freeze.id}/returns/${planId}/send`, { form: {} })).status).toBe(303);
    const returns = (await sqlAll(
      p.deps.db,
      `select r.id, r.status, r.amount_fen as amount, r.case_id as "caseId", r.parent_request_id as parent from requests r where r.kind = 'return' order by r.case_id`,
    )) as Json[];
    expect(returns.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(returns.every((r) => r.parent === freeze.id)).toBe(true);
    expect(returns.reduce((s, r) => s + r.amount, 0)).toBe(1_000_003);
    // each return is numbered, and says where the money goes
    const api = await apiClient(p, "bank", "ICBC");
    const r0 = ((await (await api.call(`/api/v1/requests/${returns[0]!.id}`)).json()) as Json).request;
    expect(r0.documentNo).toContain("返字〔2026〕第000001号");
    expect(JSON.parse(Buffer.from(r0.signedPayload, "base64url").toString("utf8")).returnTo).toEqual({
      account: "6217000011112222",
    });
  });

  test("a traced plan goes out at once, each return to the victim's paying account, due in 3 working days", async () => {
    const { p, agent, freeze } = await frozen({
      frozenFen: 1_000_000,
      losses: [500_000, 500_000, 500_000],
      traced: [300_000, 200_000, 100_000],
    });
    expect((await agent.request(`/requests/${freeze.id}/returns`, { form: { method: "traced" } })).status).toBe(303);
    const planId = (
      (await sqlOne(p.deps.db, `select id from return_plans where freeze_request_id = ?`, freeze.id)) as {
        id: number;
      }
    ).id;
    expect((await agent.request(`/requests/${freeze.id}/returns/${planId}/send`, { form: {} })).status).toBe(303);
    const rows = (await sqlAll(
      p.deps.db,
      `select s.to_account as "toAccount", r.amount_fen as amount, r.status from return_shares s join requests r on r.id = s.return_request_id order by s.case_id`,
    )) as Json[];
    expect(rows).toEqual([
      { toAccount: "621700001111220000", amount: 300_000, status: "sent" },
      { toAccount: "621700001111220001", amount: 200_000, status: "sent" },
      { toAccount: "621700001111220002", amount: 100_000, status: "sent" },
    ]);
  });

  test("another account than the victim's paying account is refused without the reason, naming the field", async () => {
    const { agent, freeze, cases } = await frozen({ frozenFen: 1_000_000, losses: [500_000], traced: [300_000] });
    const res = await agent.request(`/requests/${freeze.id}/returns`, {
      form: { method: "traced", [`account.${cases[0]}`]: "6217000099998888" },
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("another account than the victim");
  });

  test("a plan withdrawn during its notice (an objection upheld) sends nothing, keeps its record, and a new plan can start", async () => {
    const { p, agent, freeze, cases } = await frozen({ frozenFen: 1_000, losses: [1_000, 2_000] });
    const accounts = { [`account.${cases[0]}`]: "6217000011112222", [`account.${cases[1]}`]: "6217000011113333" };
    await agent.request(`/requests/${freeze.id}/returns`, { form: { method: "pro_rata", ...accounts } });
    const planId = (
      (await sqlOne(p.deps.db, `select id from return_plans where freeze_request_id = ?`, freeze.id)) as {
        id: number;
      }
    ).id;
    expect(
      (
        await agent.request(`/requests/${freeze.id}/returns/${planId}/withdraw`, {
          form: { reason: "异议成立：另有被害人" },
        })
      ).status,
    ).toBe(303);
    expect((await agent.request(`/requests/${freeze.id}/returns/${planId}/send`, { form: {} })).status).toBe(409);
    expect(await (await agent.request(`/requests/${freeze.id}/returns`)).text()).toContain("异议成立：另有被害人");
    expect(
      (await agent.request(`/requests/${freeze.id}/returns`, { form: { method: "pro_rata", ...accounts } })).status,
    ).toBe(303);
    expect(
      await sqlOne(p.deps.db, `select count(*) as n from return_plans where freeze_request_id = ?`, freeze.id),
    ).toEqual({ n: 2 });
    expect(await sqlOne(p.deps.db, `select count(*) as n from requests where kind = 'return'`)).toEqual({ n: 0 });
  });

  test("a refused objection keeps the objector as typed and a refused withdrawal its reason, each error beside its box", async () => {
    const { p, agent, freeze, cases } = await frozen({ frozenFen: 1_000, losses: [1_000] });
    await agent.request(`/requests/${freeze.id}/returns`, {
      form: { method: "pro_rata", [`account.${cases[0]}`]: "6217000011112222" },
    });
    const planId = (
      (await sqlOne(p.deps.db, `select id from return_plans where freeze_request_id = ?`, freeze.id)) as {
        id: number;
      }
    ).id;
    const objection = await agent.request(`/requests/${freeze.id}/returns/${planId}/objections`, {
      form: { objector: "赵六", text: " " },
    });
    expect(objection.status).toBe(422);
    const oform = /data-testid="objection-form"[\s\S]*?<\/form>/.exec(await objection.text())![0];
    expect(oform).toContain('value="赵六"');
    expect(oform).toMatch(/name="text"[^>]*\/>\s*<span class="field-error">/);
    const reason = "异议成立：另有被害人".repeat(60); // past the 500-character limit
    const withdraw = await agent.request(`/requests/${freeze.id}/returns/${planId}/withdraw`, { form: { reason } });
    expect(withdraw.status).toBe(422);
    const wform = /data-testid="withdraw-form"[\s\S]*?<\/form>/.exec(await withdraw.text())![0];
    expect(wform).toMatch(new RegExp(`value="${reason}"\\s*/>\\s*<span class="field-error">`));
    expect(await sqlOne(p.deps.db, `select withdrawn_at as w from return_plans where id = ?`, planId)).toEqual({
      w: null,
    });
  });

  test("a second plan cannot start while one is pending", async () => {
    const { agent, freeze, cases } = await frozen({ frozenFen: 1_000, losses: [1_000] });
    const form = { method: "pro_rata", [`account.${cases[0]}`]: "6217000011112222" };
    await agent.request(`/requests/${freeze.id}/returns`, { form });
    const again = await agent.request(`/requests/${freeze.id}/returns`, { form });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("尚未执行的返还方案");
  });

  test("the freeze's page links to its return plan", async () => {
    const { agent, freeze } = await frozen({ frozenFen: 1_000, losses: [1_000] });
    expect(await (await agent.request(`/requests/${freeze.id}`)).text()).toContain(`/requests/${freeze.id}/returns`);
  });
});

describe("the return plan page in English", () => {
  test("reads in English, with a refused method explained in English", async () => {
    const { agent, freeze, cases } = await frozen({ frozenFen: 1_000, losses: [1_000, 2_000] });
    const en = { headers: { Cookie: "fz_lang=en" } };
    const pro = await (await agent.request(`/requests/${freeze.id}/returns?method=pro_rata`, en)).text();
    expect(pro).toContain("Open the 30-day public notice");
    expect(pro).toContain("Loss into this account");
    const tr = await (await agent.request(`/requests/${freeze.id}/returns?method=traced`, en)).text();
    expect(tr).toContain(`case ${cases[0]} has no deposits traced into this account: return pro rata`);
  });
});
