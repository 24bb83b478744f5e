// Requests as banks and the law know them (issue 12): what the bank checks (holder, transactions),
// two stops in all, freeze terms, renewals and releases the bank confirms, answers that add up,
// and the center's own actions in the API.
import { describe, expect, test } from "bun:test";
import { loadDemo } from "../../src/demo/load";
import { runRequestClock } from "../../src/requests/clock";
import { apiClient, signIn, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

const ICBC_CARD = "6222 0202 0011 2233 445";
const ABC_CARD = "6228480011223344556";
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

async function setup() {
  const p = await testPlatform();
  const agent = await apiClient(p, "agent");
  const icbc = await apiClient(p, "bank", "ICBC");
  const abc = await apiClient(p, "bank", "ABC");
  const now = p.clock.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MIN).toISOString();
  // the case as intake records it: the account with its holder, the victim's two transfers into it
  const kase = await json(
    await agent.call("/api/v1/cases", {
      json: {
        receivedAt: at(30),
        district: "朝阳区",
        fraudType: "fake_investment",
        loss: 1_500_000,
        victim: { name: "王小明" },
        suspects: [{ value: ICBC_CARD, holderName: "李四", branch: "工行北京朝阳支行" }],
        transactions: [
          {
            at: at(50),
            amount: 1_000_000,
            account: ICBC_CARD,
            payerAccount: "6217000011223344",
            payerName: "王小明",
            serialNo: "TX-0001",
          },
          {
            at: at(40),
            amount: 500_000,
            account: ICBC_CARD,
            payerAccount: "6217000011223344",
            payerName: "王小明",
            serialNo: "TX-0002",
          },
        ],
      },
    }),
  );
  const caseId = kase.case.id as number;
  const create = async (body: Json) => agent.call("/api/v1/requests", { json: { caseId, ...body } });
  const answer = (client: Awaited<ReturnType<typeof apiClient>>, id: number, body: Json) =>
    client.call(`/api/v1/requests/${id}/responses`, { json: body });
  const act = (id: number, body: Json) => agent.call(`/api/v1/requests/${id}/actions`, { json: body });
  const get = async (id: number) => (await json(await agent.call(`/api/v1/requests/${id}`))).request;
  return { p, caseId, kase: kase.case, agent, icbc, abc, create, answer, act, get, at };
}

async function frozen(s: Awaited<ReturnType<typeof setup>>, body: Json = {}) {
  const fr = (await json(await s.create({ kind: "freeze", value: ICBC_CARD, amount: 1_500_000, ...body }))).request;
  expect((await s.answer(s.icbc, fr.id, { action: "confirm", amount: 1_500_000 })).status).toBe(201);
  return s.get(fr.id);
}

describe("what the bank checks: holder and transactions", () => {
  test("the case intake records the account's holder and branch and the victim's transfers", async () => {
    const { kase } = await setup();
    expect(kase.suspects[0]).toMatchObject({
      value: "6222020200112233445",
      holderName: "李四",
      branch: "工行北京朝阳支行",
    });
    expect(kase.transactions.map((x: Json) => [x.amount, x.account, x.serialNo])).toEqual([
      [1_000_000, "6222020200112233445", "TX-0001"],
      [500_000, "6222020200112233445", "TX-0002"],
    ]);
  });

  test("a level-1 stop-payment carries the account's holder and the case's transfers into it, and its amount is their sum", async () => {
    const { create } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    expect(request.holderName).toBe("李四");
    expect(request.amount).toBe(1_500_000);
    expect(request.transactions.map((x: Json) => [x.amount, x.payerName, x.serialNo])).toEqual([
      [1_000_000, "王小明", "TX-0001"],
      [500_000, "王小明", "TX-0002"],
    ]);
  });

  test("holderName and transactions given in the API come back in the request JSON as given", async () => {
    const { create, get } = await setup();
    const transactions = [
      {
        at: "2026-11-21T09:31:07.000Z",
        amount: 250_000,
        payerAccount: "6217000099998888",
        payerName: "赵六",
        serialNo: "ICBC20261121-77",
      },
    ];
    const res = await create({ kind: "stop_payment", value: ABC_CARD, holderName: "钱七", transactions });
    expect(res.status).toBe(201);
    const { request } = await json(res);
    expect(request).toMatchObject({ holderName: "钱七", amount: 250_000, transactions });
    expect((await get(request.id)).transactions).toEqual(transactions);
  });

  test("a freeze that follows a stop-payment carries its transactions", async () => {
    const s = await setup();
    const sp = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    await s.answer(s.icbc, sp.id, { action: "confirm", amount: 1_500_000, balance: 1_500_000 });
    const fr = (await json(await s.create({ kind: "freeze", value: ICBC_CARD, amount: 1_500_000 }))).request;
    expect(fr.parentRequestId).toBe(sp.id);
    expect(fr.transactions.map((x: Json) => x.serialNo)).toEqual(["TX-0001", "TX-0002"]);
  });

  test("an onward transfer's holder and serial number go into the level-2 draft the bank will check", async () => {
    const s = await setup();
    const sp = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    const at = s.at(20);
    await s.answer(s.icbc, sp.id, {
      action: "partial",
      amount: 900_000,
      balance: 900_000,
      onwardTransfers: [{ account: ABC_CARD, amount: 600_000, at, holderName: "孙八", serialNo: "ICBC-OUT-9" }],
    });
    const d = await s.get(sp.id);
    expect(d.onwardTransfers[0]).toMatchObject({ account: ABC_CARD, holderName: "孙八", serialNo: "ICBC-OUT-9" });
    const l2 = await s.get(d.onwardTransfers[0].nextRequestId);
    expect(l2).toMatchObject({ kind: "stop_payment", level: 2, holderName: "孙八", amount: 600_000 });
    expect(l2.transactions).toEqual([
      { at, amount: 600_000, payerAccount: "6222020200112233445", payerName: "李四", serialNo: "ICBC-OUT-9" },
    ]);
  });

  test("the desk shows the bank a check list of name, account, amount and time", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const bank = await signIn(p, "bank", "ICBC");
    const html = await (await bank.request(`/desk/${request.id}`)).text();
    expect(html).toContain("核对清单：户名、账号、金额、交易时间");
    expect(/data-testid="check-holder">李四</.test(html)).toBe(true);
    expect(html).toContain("6222 0202 0011 2233 445");
    expect(html).toContain("TX-0001");
    expect(html).toContain("¥10,000.00");
  });

  test("a bank rejects for a name mismatch and the center sees why, in its language and in the API", async () => {
    const { create, p, get } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const bank = await signIn(p, "bank", "ICBC");
    expect(
      (
        await bank.request(`/desk/${request.id}/respond`, {
          form: { action: "reject", reasonCode: "name_mismatch", reason: "" },
        })
      ).status,
    ).toBe(303);
    const d = await get(request.id);
    expect(d.status).toBe("rejected");
    expect(d.responses.at(-1)).toMatchObject({ action: "reject", reasonCode: "name_mismatch" });
    const agent = await signIn(p, "agent");
    expect(await (await agent.request(`/requests/${request.id}`)).text()).toContain("户名不符");
    expect(
      await (await agent.request(`/requests/${request.id}`, { headers: { Cookie: "fz_lang=en" } })).text(),
    ).toMatch(/Holder(&#39;|')s name does not match/);
  });

  test("a rejection for no such transaction through the API needs no words", async () => {
    const { create, icbc, answer, get } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    expect((await answer(icbc, request.id, { action: "reject", reasonCode: "no_such_transaction" })).status).toBe(201);
    expect((await get(request.id)).responses.at(-1).reasonCode).toBe("no_such_transaction");
  });
});

describe("answers that add up", () => {
  test("a confirmed amount above what was asked is refused naming both amounts", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 500_000 }));
    const res = await answer(icbc, request.id, { action: "confirm", amount: 500_001, balance: 500_001 });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({
      code: "amount_exceeds_request",
      message: "Refused: 500001 fen confirmed is more than the 500000 fen asked",
    });
  });

  test("on the desk, an amount above the request is refused in words naming both amounts", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 500_000 }));
    const bank = await signIn(p, "bank", "ICBC");
    const res = await bank.request(`/desk/${request.id}/respond`, {
      form: { action: "confirm", amount: "6000", balance: "6000" },
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("办理金额 ¥6,000.00 超过指令要求的 ¥5,000.00");
  });

  test("a stop-payment, a freeze or a return of ¥0 is refused naming the amount", async () => {
    const { create } = await setup();
    for (const kind of ["stop_payment", "freeze", "return"]) {
      const res = await create({ kind, value: ICBC_CARD, amount: 0 });
      expect({ kind, status: res.status, path: (await json(res)).error.issues[0].path }).toEqual({
        kind,
        status: 422,
        path: "amount",
      });
    }
  });

  test("a confirmation of ¥0 with nothing moved on is refused", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const res = await answer(icbc, request.id, { action: "confirm", amount: 0, balance: 0 });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("amount");
  });

  test("a stop-payment confirmation records the balance stopped, and is refused without it", async () => {
    const { create, icbc, answer, get } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const missing = await answer(icbc, request.id, { action: "confirm", amount: 1_000_000 });
    expect(missing.status).toBe(422);
    expect((await json(missing)).error.issues.map((i: Json) => i.path)).toEqual(["balance"]);
    await answer(icbc, request.id, { action: "confirm", amount: 1_000_000, balance: 1_000_000 });
    expect(await get(request.id)).toMatchObject({ doneAmount: 1_000_000, balance: 1_000_000 });
  });

  test("onward transfers above what the account received are recorded with a warning the center sees", async () => {
    const s = await setup();
    const sp = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    const res = await s.answer(s.icbc, sp.id, {
      action: "partial",
      amount: 1,
      balance: 1,
      onwardTransfers: [{ account: ABC_CARD, amount: 1_600_000, at: s.at(10) }],
    });
    expect(res.status).toBe(201);
    const d = await s.get(sp.id);
    expect(d.onwardTransfers).toHaveLength(1);
    expect(d.warnings).toEqual(["onward_exceeds_received"]);
    const agent = await signIn(s.p, "agent");
    expect(await (await agent.request(`/requests/${sp.id}`)).text()).toContain(
      "注意：银行反馈的转出金额合计 ¥16,000.00，超过该账户收到的 ¥15,000.00",
    );
  });

  test("onward transfers within what the account received carry no warning", async () => {
    const s = await setup();
    const sp = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    await s.answer(s.icbc, sp.id, {
      action: "partial",
      amount: 1,
      balance: 1,
      onwardTransfers: [{ account: ABC_CARD, amount: 1_500_000, at: s.at(10) }],
    });
    expect((await s.get(sp.id)).warnings).toEqual([]);
  });
});

describe("freeze terms", () => {
  test("a freeze holds 6 months by default, for a sum, without interest", async () => {
    const s = await setup();
    const fr = await frozen(s);
    expect(fr).toMatchObject({
      term: "6m",
      approval: null,
      scope: "amount",
      includesInterest: false,
      expiresAt: "2027-05-21T02:00:00.000Z",
    });
  });

  test("a 12-month freeze without the city-level approval is refused naming the approval", async () => {
    const { create } = await setup();
    const res = await create({ kind: "freeze", value: ICBC_CARD, amount: 1_500_000, term: "12m" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0]).toEqual({
      path: "approval",
      message: "a 12-month freeze needs the city-level approval (by, at, ref) of a major, complex case",
    });
  });

  test("a 12-month freeze with the approval holds twelve calendar months from the freeze time, the approval recorded", async () => {
    const s = await setup();
    const approval = { by: "市公安局 张副局长", at: "2026-11-21T01:00:00.000Z", ref: "市公反诈批〔2026〕18号" };
    const fr = await frozen(s, { term: "12m", approval, scope: "account", includesInterest: true });
    expect(fr).toMatchObject({
      term: "12m",
      approval,
      scope: "account",
      includesInterest: true,
      expiresAt: "2027-11-21T02:00:00.000Z",
    });
  });

  test("terms belong to freezes: a stop-payment with a term is refused", async () => {
    const { create } = await setup();
    const res = await create({ kind: "stop_payment", value: ICBC_CARD, term: "6m" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("term");
  });

  test("the page form sends a 12-month freeze with its approval; without it the form says so in Chinese", async () => {
    const s = await setup();
    const agent = await signIn(s.p, "agent");
    const base = {
      kind: "freeze",
      value: ICBC_CARD,
      caseId: String(s.caseId),
      amount: "15000",
      term: "12m",
      scope: "amount",
      intent: "send",
    };
    const refused = await agent.request("/requests", { form: { ...base, nonce: "form-nonce-1" } });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("冻结 12 个月须有重大复杂案件的市级批准");
    const ok = await agent.request("/requests", {
      form: {
        ...base,
        nonce: "form-nonce-2",
        approvalBy: "张副局长",
        approvalAt: "2026-11-21T09:00",
        approvalRef: "批〔2026〕18号",
      },
    });
    expect(ok.status).toBe(303);
    const id = Number(/\/requests\/(\d+)/.exec(ok.headers.get("location")!)![1]);
    expect(await s.get(id)).toMatchObject({
      term: "12m",
      approval: { by: "张副局长", ref: "批〔2026〕18号", at: "2026-11-21T01:00:00.000Z" },
    });
  });
});

describe("renewing and releasing a freeze go to the bank", () => {
  test("a renewal is an instruction the bank confirms: the expiry moves by the term from the old expiry only then", async () => {
    const s = await setup();
    const fr = await frozen(s);
    s.p.clock.advance(150 * DAY);
    const res = await s.act(fr.id, { action: "renew" });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.request).toMatchObject({ id: fr.id, status: "completed", renewals: 0, expiresAt: fr.expiresAt });
    expect(body.instruction).toMatchObject({
      kind: "freeze_renewal",
      status: "sent",
      parentRequestId: fr.id,
      term: "6m",
      amount: 1_500_000,
      holderName: "李四",
      institution: { code: "ICBC" },
    });
    // the bank sees it on its desk and confirms it
    const desk = await json(await s.icbc.call("/api/v1/requests?status=sent"));
    expect(desk.requests.map((r: Json) => r.id)).toContain(body.instruction.id);
    expect((await s.answer(s.icbc, body.instruction.id, { action: "confirm" })).status).toBe(201);
    expect(await s.get(fr.id)).toMatchObject({
      status: "completed",
      renewals: 1,
      expiresAt: "2027-11-21T02:00:00.000Z",
    });
    expect((await s.get(body.instruction.id)).status).toBe("completed");
  });

  test("a renewal the bank rejects leaves the freeze's expiry as it was", async () => {
    const s = await setup();
    const fr = await frozen(s);
    const { instruction } = await json(await s.act(fr.id, { action: "renew" }));
    await s.answer(s.icbc, instruction.id, { action: "reject", reason: "账户已销户" });
    expect(await s.get(fr.id)).toMatchObject({ renewals: 0, expiresAt: fr.expiresAt });
  });

  test("a 12-month freeze is renewed for 12 months from its old expiry once the bank confirms", async () => {
    const s = await setup();
    const fr = await frozen(s, {
      term: "12m",
      approval: { by: "张副局长", at: "2026-11-21T01:00:00.000Z", ref: "批18" },
    });
    const { instruction } = await json(await s.act(fr.id, { action: "renew", term: "12m" }));
    expect(instruction).toMatchObject({ term: "12m", approval: { ref: "批18" } });
    await s.answer(s.icbc, instruction.id, { action: "confirm" });
    expect((await s.get(fr.id)).expiresAt).toBe("2028-11-21T02:00:00.000Z");
  });

  test("a refused renewal keeps the approver and approval number as typed, the missing time's error beside it", async () => {
    const s = await setup();
    const fr = await frozen(s, {
      term: "12m",
      approval: { by: "张副局长", at: "2026-11-21T01:00:00.000Z", ref: "批18" },
    });
    const agent = await signIn(s.p, "agent");
    const res = await agent.request(`/requests/${fr.id}/renew`, {
      form: { term: "12m", approvalBy: "李局长", approvalRef: "批〔2026〕31号" },
    });
    expect(res.status).toBe(422);
    const form = new RegExp(`data-testid="renew-form-${fr.id}"[\\s\\S]*?</form>`).exec(await res.text())![0];
    expect(form).toContain('value="李局长"');
    expect(form).toContain('value="批〔2026〕31号"');
    expect(form).toMatch(/name="approvalAt"[^>]*\/>\s*<span class="field-error">/);
    expect(await sqlOne(s.p.deps.db, "select count(*) as n from requests where parent_request_id = ?", fr.id)).toEqual({
      n: 0,
    });
  });

  test("a renewal longer than the freeze's own term is refused", async () => {
    const s = await setup();
    const fr = await frozen(s);
    const res = await s.act(fr.id, {
      action: "renew",
      term: "12m",
      approval: { by: "x", at: "2026-11-21T01:00:00.000Z", ref: "y" },
    });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("term");
  });

  test("a renewal still waiting for the bank when the freeze lapses is withdrawn, and a late confirmation is refused", async () => {
    const s = await setup();
    const fr = await frozen(s);
    s.p.clock.advance(180 * DAY);
    const { instruction } = await json(await s.act(fr.id, { action: "renew" }));
    s.p.clock.advance(2 * DAY);
    await runRequestClock(s.p.deps, s.p.clock.now());
    expect((await s.get(fr.id)).status).toBe("lapsed");
    const withdrawn = await s.get(instruction.id);
    expect(withdrawn.status).toBe("failed");
    expect(withdrawn.responses.at(-1).reason).toBe(
      "the freeze lapsed at 2027-05-21T02:00:00.000Z before the bank confirmed",
    );
    expect((await s.answer(s.icbc, instruction.id, { action: "confirm" })).status).toBe(409);
  });

  test("one instruction at a time: a second renewal while the first awaits the bank is a 409", async () => {
    const s = await setup();
    const fr = await frozen(s);
    expect((await s.act(fr.id, { action: "renew" })).status).toBe(200);
    const again = await s.act(fr.id, { action: "renew" });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("instruction_pending");
  });

  test("a release is an instruction the bank confirms: the freeze is released and the account active only then", async () => {
    const s = await setup();
    const fr = await frozen(s);
    const { request, instruction } = await json(await s.act(fr.id, { action: "release", reason: "案件撤销" }));
    expect(request.status).toBe("completed");
    expect(instruction).toMatchObject({ kind: "freeze_release", status: "sent", note: "案件撤销" });
    const status = async () =>
      ((await sqlOne(s.p.deps.db, "select status from suspects where id = ?", fr.suspect.id)) as { status: string })
        .status;
    expect(await status()).toBe("frozen");
    await s.answer(s.icbc, instruction.id, { action: "confirm" });
    expect((await s.get(fr.id)).status).toBe("released");
    expect(await status()).toBe("active");
  });

  test("renewing on the freeze's page sends the instruction; the bank confirms on its desk", async () => {
    const s = await setup();
    const fr = await frozen(s);
    const agent = await signIn(s.p, "agent");
    expect((await agent.request(`/requests/${fr.id}/renew`, { form: { term: "6m" } })).status).toBe(303);
    const renewal = (await sqlOne(
      s.p.deps.db,
      "select id from requests where parent_request_id = ? and kind = 'freeze_renewal'",
      fr.id,
    )) as { id: number };
    const bank = await signIn(s.p, "bank", "ICBC");
    const page = await (await bank.request(`/desk/${renewal.id}`)).text();
    expect(page).toContain("继续冻结");
    expect((await bank.request(`/desk/${renewal.id}/respond`, { form: { action: "confirm" } })).status).toBe(303);
    expect((await s.get(fr.id)).renewals).toBe(1);
  });
});

describe("POST /api/v1/requests/:id/actions", () => {
  test("send: a draft is sent and the updated request comes back with 200", async () => {
    const { create, act } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    const res = await act(request.id, { action: "send" });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.request).toMatchObject({ id: request.id, status: "sent" });
    expect(body.instruction).toBeNull();
  });

  test("an action the state machine refuses is a 409: sending twice, discarding a sent request", async () => {
    const { create, act } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const twice = await act(request.id, { action: "send" });
    expect(twice.status).toBe(409);
    expect((await json(twice)).error.code).toBe("transition_refused");
    expect((await act(request.id, { action: "discard", reason: "重复" })).status).toBe(409);
  });

  test("discard needs the reason", async () => {
    const { create, act } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    const res = await act(request.id, { action: "discard" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("reason");
    const ok = await act(request.id, { action: "discard", reason: "已由他行冻结" });
    expect((await json(ok)).request.status).toBe("discarded");
  });

  test("renew a stop-payment once (200), a second time refused (409): two stops in all", async () => {
    const { create, icbc, answer, act } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 1_500_000, balance: 1_500_000 });
    const first = await act(request.id, { action: "renew" });
    expect(first.status).toBe(200);
    expect((await json(first)).request.renewals).toBe(1);
    expect((await act(request.id, { action: "renew" })).status).toBe(409);
  });

  test("a bank token cannot use the center's actions", async () => {
    const { create, icbc } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    expect((await icbc.call(`/api/v1/requests/${request.id}/actions`, { json: { action: "send" } })).status).toBe(403);
  });

  test("the OpenAPI document describes the actions and the new request fields", async () => {
    const { agent } = await setup();
    const doc = await json(await agent.call("/api/v1/openapi.json"));
    expect(Object.keys(doc.paths)).toContain("/requests/{id}/actions");
    expect(Object.keys(doc.components.schemas.CreateRequest.properties)).toEqual(
      expect.arrayContaining(["holderName", "transactions", "term", "approval", "scope", "includesInterest"]),
    );
  });
});

describe("old requests keep working", () => {
  test("a freeze stored before terms reads as 6 months for a sum without interest", async () => {
    const s = await setup();
    const fr = await frozen(s);
    await sqlRun(
      s.p.deps.db,
      "update requests set term = null, scope = null, includes_interest = null where id = ?",
      fr.id,
    );
    expect(await s.get(fr.id)).toMatchObject({ term: "6m", scope: "amount", includesInterest: false });
  });
});

describe("the case intake form", () => {
  function intake(tx: Record<string, string>) {
    const f = new URLSearchParams({
      receivedAt: "2026-11-21T09:30",
      fraudType: "romance",
      district: "南山区",
      loss: "8,000",
      "victim.name": "周九",
      status: "received",
      nonce: crypto.randomUUID(),
    });
    f.append("suspect.kind", "");
    f.append("suspect.value", ICBC_CARD);
    f.append("suspect.holder", "吴十");
    f.append("suspect.branch", "工行南山支行");
    for (const [k, v] of Object.entries(tx)) f.append(`tx.${k}`, v);
    return f;
  }

  test("records the account's holder and the victim's transfer, which the level-1 stop-payment then carries", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request("/cases", {
      method: "POST",
      body: intake({
        at: "2026-11-21T09:05",
        amount: "8,000",
        account: ICBC_CARD,
        payerAccount: "6217000011223344",
        payerName: "周九",
        serialNo: "SN-42",
      }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(303);
    const caseId = Number(/\/cases\/(\d+)/.exec(res.headers.get("location")!)![1]);
    const page = await (await u.request(`/cases/${caseId}`)).text();
    expect(page).toContain("SN-42");
    expect(/data-testid="suspect-holder">吴十</.test(page)).toBe(true);
    const { request } = await json(
      await (await apiClient(p, "agent")).call("/api/v1/requests", {
        json: { caseId, kind: "stop_payment", value: ICBC_CARD },
      }),
    );
    expect(request).toMatchObject({
      holderName: "吴十",
      amount: 800_000,
      transactions: [
        {
          at: "2026-11-21T01:05:00.000Z",
          amount: 800_000,
          payerAccount: "6217000011223344",
          payerName: "周九",
          serialNo: "SN-42",
        },
      ],
    });
  });

  test("a transfer without a readable amount is shown again with the error beside its row, in Chinese", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request("/cases", {
      method: "POST",
      body: intake({
        at: "2026-11-21T09:05",
        amount: "lots",
        account: "",
        payerAccount: "",
        payerName: "",
        serialNo: "",
      }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    const row = /<div class="row tx-row" data-testid="tx-row">[\s\S]*?<\/div>/.exec(html)?.[0] ?? "";
    expect(row).toContain('value="lots"');
    expect(row).toContain("不是以元为单位的金额");
  });
});

describe("the demo data", () => {
  test("holds holders, the victims' transfers traced into the requests, and 6- and 12-month freezes with approvals", async () => {
    const p = await testPlatform();
    await loadDemo(p.deps);
    const n = async (sql: string) => ((await sqlOne(p.deps.db, sql)) as { n: number }).n;
    expect(await n("select count(*) as n from suspects where kind = 'bank_account' and holder_name is null")).toBe(0);
    expect(await n("select count(*) as n from case_transactions")).toBeGreaterThan(1000);
    expect(
      await n(
        "select count(*) as n from requests r where r.kind in ('stop_payment', 'freeze') and r.level = 1 and not exists (select 1 from request_transactions x where x.request_id = r.id)",
      ),
    ).toBe(0);
    expect(
      await n("select count(*) as n from requests where kind = 'freeze' and term = '12m' and approval_ref is not null"),
    ).toBeGreaterThan(10);
    expect(await n("select count(*) as n from requests where kind = 'freeze' and term = '6m'")).toBeGreaterThan(100);
    expect(
      await n("select count(*) as n from requests where kind = 'freeze' and term = '12m' and approval_ref is null"),
    ).toBe(0);
    // the traced transfers add up to what each case lost
    expect(
      await n(
        "select count(*) as n from cases c where exists (select 1 from case_transactions x where x.case_id = c.id) and c.loss_fen <> (select sum(amount_fen) from case_transactions x where x.case_id = c.id)",
      ),
    ).toBe(0);
  });
});

export type { TestPlatform };
