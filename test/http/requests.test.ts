import { describe, expect, test } from "bun:test";
import { runRequestClock } from "../../src/requests/clock";
import { apiClient, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const ICBC_CARD = "6222 0202 0011 2233 445";
const ABC_CARD = "6228480011223344556";
const CCB_CARD = "6217000011223344";
const CMCC_PHONE = "13800138000";
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function makeCase(p: TestPlatform, lossFen = 10_000_000): Promise<number> {
  const now = p.clock.now();
  const row = (await sqlOne(
    p.deps.db,
    `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, victim_phone, victim_id_number, status, created_at, updated_at)
       values (?, '朝阳区', 'fake_investment', ?, '王小明', '+8613911112222', '110101199001011234', 'received', ?, ?) returning id`,
    now,
    lossFen,
    now,
    now,
  )) as { id: number };
  return row.id;
}

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

async function setup(lossFen?: number) {
  const p = await testPlatform();
  const caseId = await makeCase(p, lossFen);
  const agent = await apiClient(p, "agent");
  const icbc = await apiClient(p, "bank", "ICBC");
  const abc = await apiClient(p, "bank", "ABC");
  const create = async (body: Json, headers: Record<string, string> = {}) =>
    agent.call("/api/v1/requests", { json: { caseId, ...body }, headers });
  const answer = (client: Awaited<ReturnType<typeof apiClient>>, id: number, body: Json) =>
    client.call(`/api/v1/requests/${id}/responses`, { json: body });
  return { p, caseId, agent, icbc, abc, create, answer };
}

describe("POST /api/v1/requests", () => {
  test("a stop-payment for an account goes to the bank its card number points to, sent at once", async () => {
    const { create, p } = await setup();
    const res = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 500_000 });
    expect(res.status).toBe(201);
    const { request } = await json(res);
    expect(request).toMatchObject({
      kind: "stop_payment",
      status: "sent",
      level: 1,
      institution: { code: "ICBC", name: "中国工商银行" },
      amount: 500_000,
      suspect: { kind: "bank_account", value: "6222020200112233445" },
    });
    expect(request.deadlineAt).toBe(new Date(p.clock.now() + 5 * MIN).toISOString());
  });

  test("draft: true keeps the request as a draft with no deadline", async () => {
    const { create } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    expect(request.status).toBe("draft");
    expect(request.deadlineAt).toBeNull();
  });

  test("a named institution overrides the inferred one", async () => {
    const { create } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, institution: "ABC" }));
    expect(request.institution.code).toBe("ABC");
  });

  test("a suspension for a phone goes to its carrier", async () => {
    const { create } = await setup();
    const { request } = await json(await create({ kind: "suspend_number", value: CMCC_PHONE }));
    expect(request.institution.code).toBe("CMCC");
  });

  test("a stop-payment for a phone number is refused naming the field", async () => {
    const { create } = await setup();
    const res = await create({ kind: "stop_payment", value: CMCC_PHONE });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("value");
  });

  test("a suspension sent to a bank is refused", async () => {
    const { create } = await setup();
    const res = await create({ kind: "suspend_number", value: CMCC_PHONE, institution: "ICBC" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("institution");
  });

  test("an account whose bank cannot be inferred needs the institution named", async () => {
    const { create } = await setup();
    const res = await create({ kind: "stop_payment", value: "9999 8888 7777 6666 555" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("institution");
  });

  test("a bank token may not create requests", async () => {
    const { icbc, caseId } = await setup();
    const res = await icbc.call("/api/v1/requests", { json: { caseId, kind: "stop_payment", value: ICBC_CARD } });
    expect(res.status).toBe(403);
  });

  test("every creation is audited", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const actions = (await sqlAll(
      p.deps.db,
      "select action from audit_log where entity = 'request' and entity_id = ? order by id",
      String(request.id),
    )) as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(["create", "send"]);
  });

  test("the suspect becomes 'requested' when the request is sent", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const s = (await sqlOne(p.deps.db, "select status from suspects where id = ?", request.suspect.id)) as {
      status: string;
    };
    expect(s.status).toBe("requested");
  });
});

describe("Idempotency-Key", () => {
  test("a repeated key returns the first answer and creates nothing", async () => {
    const { create, p } = await setup();
    const first = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 }, { "Idempotency-Key": "k-1" });
    const again = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 }, { "Idempotency-Key": "k-1" });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await json(again)).toEqual(await json(first));
    expect(((await sqlOne(p.deps.db, "select count(*) as n from requests")) as { n: number }).n).toBe(1);
  });

  test("a key reused with a different body is refused with 422 idempotency_key_reused, not answered with the first request", async () => {
    const { create, p } = await setup();
    await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 }, { "Idempotency-Key": "k-1" });
    const res = await create({ kind: "freeze", value: ICBC_CARD, amount: 100 }, { "Idempotency-Key": "k-1" });
    expect(res.status).toBe(422);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await json(res)).error).toMatchObject({ code: "idempotency_key_reused", message: expect.any(String) });
    expect(((await sqlOne(p.deps.db, "select count(*) as n from requests")) as { n: number }).n).toBe(1);
  });

  test("a different key creates a second request", async () => {
    const { create, p } = await setup();
    await create({ kind: "stop_payment", value: ICBC_CARD }, { "Idempotency-Key": "k-1" });
    await create({ kind: "stop_payment", value: ICBC_CARD }, { "Idempotency-Key": "k-2" });
    expect(((await sqlOne(p.deps.db, "select count(*) as n from requests")) as { n: number }).n).toBe(2);
  });

  test("the same key from another caller is a different request", async () => {
    const { create, p, caseId } = await setup();
    const other = await apiClient(p, "agent");
    await create({ kind: "stop_payment", value: ICBC_CARD }, { "Idempotency-Key": "same" });
    const res = await other.call("/api/v1/requests", {
      json: { caseId, kind: "stop_payment", value: ICBC_CARD },
      headers: { "Idempotency-Key": "same" },
    });
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await sqlOne(p.deps.db, "select count(*) as n from requests")) as { n: number }).n).toBe(2);
  });
});

describe("scoping: a bank sees only its own requests", () => {
  test("a bank token's list holds only its institution's requests", async () => {
    const { create, icbc } = await setup();
    await create({ kind: "stop_payment", value: ICBC_CARD });
    await create({ kind: "stop_payment", value: ABC_CARD });
    const { requests } = await json(await icbc.call("/api/v1/requests"));
    expect(requests.map((r: Json) => r.institution.code)).toEqual(["ICBC"]);
  });

  test("a bank token cannot read another bank's request", async () => {
    const { create, icbc } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ABC_CARD }));
    expect((await icbc.call(`/api/v1/requests/${request.id}`)).status).toBe(404);
  });

  test("a bank token cannot answer another bank's request", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ABC_CARD }));
    expect((await answer(icbc, request.id, { action: "acknowledge" })).status).toBe(404);
    expect(
      ((await sqlOne(p.deps.db, "select status from requests where id = ?", request.id)) as { status: string }).status,
    ).toBe("sent");
  });

  test("a bank does not see drafts addressed to it", async () => {
    const { create, icbc } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    expect((await icbc.call(`/api/v1/requests/${request.id}`)).status).toBe(404);
    expect((await json(await icbc.call("/api/v1/requests"))).requests).toEqual([]);
  });

  test("a bank sees no case number", async () => {
    const { create, icbc } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    expect((await json(await icbc.call(`/api/v1/requests/${request.id}`))).request.caseId).toBeNull();
  });

  test("a bank user's page list and detail hold only its institution's requests", async () => {
    const { create, p } = await setup();
    const mine = (await json(await create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    const theirs = (await json(await create({ kind: "stop_payment", value: ABC_CARD }))).request;
    const user = await signIn(p, "bank", "ICBC");
    const desk = await (await user.request("/desk")).text();
    expect(desk).toContain(`data-request-id="${mine.id}"`);
    expect(desk).not.toContain(`data-request-id="${theirs.id}"`);
    expect((await user.request(`/desk/${theirs.id}`)).status).toBe(404);
  });

  test("a bank user cannot answer another bank's request from the desk", async () => {
    const { create, p } = await setup();
    const theirs = (await json(await create({ kind: "stop_payment", value: ABC_CARD }))).request;
    const user = await signIn(p, "bank", "ICBC");
    const res = await user.request(`/desk/${theirs.id}/respond`, { form: { action: "acknowledge" } });
    expect(res.status).toBe(404);
  });
});

describe("answering", () => {
  test("acknowledge moves the deadline to the answer deadline", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const res = await answer(icbc, request.id, { action: "acknowledge" });
    expect(res.status).toBe(201);
    const r = (await json(res)).request;
    expect(r.status).toBe("acknowledged");
    expect(r.deadlineAt).toBe(new Date(p.clock.now() + 30 * MIN).toISOString());
  });

  test("confirm records the amount stopped and the balance, and the 48-hour hold", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 500_000 }));
    await answer(icbc, request.id, { action: "acknowledge" });
    const r = (await json(await answer(icbc, request.id, { action: "confirm", amount: 300_000, balance: 300_000 })))
      .request;
    expect(r).toMatchObject({ status: "completed", doneAmount: 300_000, balance: 300_000, deadlineAt: null });
    expect(r.expiresAt).toBe(new Date(p.clock.now() + 48 * HOUR).toISOString());
  });

  test("a confirmed stop-payment leaves the suspect 'stopped' with its bank confirmed", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 1, balance: 1 });
    const s = await sqlOne(
      p.deps.db,
      "select status, institution_inferred as inferred from suspects where id = ?",
      request.suspect.id,
    );
    expect(s).toEqual({ status: "stopped", inferred: 0 });
  });

  test("a second answer to an answered request is a 409 with the JSON error", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 100, balance: 100 });
    const res = await answer(icbc, request.id, { action: "reject", reason: "no" });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({
      code: "transition_refused",
      message: "Refused: cannot reject a stop_payment request that is completed",
    });
  });

  test("acknowledging twice is a 409", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "acknowledge" });
    expect((await answer(icbc, request.id, { action: "acknowledge" })).status).toBe(409);
  });

  test("a confirmation of a stop-payment without the amount is a 422 naming amount", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const res = await answer(icbc, request.id, { action: "confirm" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("amount");
  });

  test("a rejection needs a reason", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const res = await answer(icbc, request.id, { action: "reject" });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("reason");
  });

  test("a rejected stop-payment puts the suspect back to active", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "reject", reason: "account closed" });
    expect(
      (
        (await sqlOne(p.deps.db, "select status from suspects where id = ?", request.suspect.id)) as {
          status: string;
        }
      ).status,
    ).toBe("active");
  });

  test("an agent token may not answer", async () => {
    const { create, agent, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    expect((await answer(agent, request.id, { action: "acknowledge" })).status).toBe(403);
  });

  test("the detail lists the responses in order", async () => {
    const { create, icbc, answer } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "acknowledge" });
    await answer(icbc, request.id, { action: "partial", amount: 10, balance: 10 });
    const d = (await json(await icbc.call(`/api/v1/requests/${request.id}`))).request;
    expect(d.responses.map((r: Json) => `${r.action}:${r.from}>${r.to}`)).toEqual([
      "send:draft>sent",
      "acknowledge:sent>acknowledged",
      "partial:acknowledged>partially_completed",
    ]);
  });
});

describe("the onward-transfer chain", () => {
  async function level1Confirmed() {
    const s = await setup();
    const { request } = await json(await s.create({ kind: "stop_payment", value: ICBC_CARD, amount: 1_000_000 }));
    const at = new Date(s.p.clock.now() - 10 * MIN).toISOString();
    const res = await s.answer(s.icbc, request.id, {
      action: "partial",
      amount: 200_000,
      balance: 200_000,
      onwardTransfers: [
        { account: ABC_CARD, amount: 500_000, at },
        { account: CCB_CARD, bank: "CCB", amount: 300_000, at },
      ],
    });
    return { ...s, l1: request, res };
  }

  test("each onward transfer becomes a level-2 suspect linked to the case under the level-1 account", async () => {
    const { res, p, caseId, l1 } = await level1Confirmed();
    expect(res.status).toBe(201);
    const links = await sqlAll(
      p.deps.db,
      "select s.value, cs.level, cs.parent_suspect_id as parent from case_suspects cs join suspects s on s.id = cs.suspect_id where cs.case_id = ? order by cs.level, s.value",
      caseId,
    );
    expect(links).toEqual([
      { value: "6222020200112233445", level: 1, parent: null },
      { value: "6217000011223344", level: 2, parent: l1.suspect.id },
      { value: "6228480011223344556", level: 2, parent: l1.suspect.id },
    ]);
  });

  test("each onward transfer to a bank with a desk gets a draft level-2 stop-payment to that bank", async () => {
    const { p, l1 } = await level1Confirmed();
    const drafts = await sqlAll(
      p.deps.db,
      "select r.status, r.level, r.amount_fen as amount, i.code from requests r join institutions i on i.id = r.institution_id where r.parent_request_id = ? order by i.code",
      l1.id,
    );
    expect(drafts).toEqual([
      { status: "draft", level: 2, amount: 500_000, code: "ABC" },
      { status: "draft", level: 2, amount: 300_000, code: "CCB" },
    ]);
  });

  test("the agent sends the level-2 draft in one step and the next bank sees it", async () => {
    const { p, l1, abc } = await level1Confirmed();
    const draft = (await sqlOne(
      p.deps.db,
      "select r.id from requests r join institutions i on i.id = r.institution_id where r.parent_request_id = ? and i.code = 'ABC'",
      l1.id,
    )) as { id: number };
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/requests/${draft.id}/send`, { method: "POST" });
    expect(res.status).toBe(303);
    const seen = (await json(await abc.call(`/api/v1/requests/${draft.id}`))).request;
    expect(seen).toMatchObject({ status: "sent", level: 2 });
  });

  test("an onward transfer to a bank without a desk is kept with the bank as written and no draft", async () => {
    const s = await setup();
    const { request } = await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }));
    await s.answer(s.icbc, request.id, {
      action: "confirm",
      amount: 0,
      balance: 0,
      onwardTransfers: [
        { account: "9999888877776666555", bank: "某农商行", amount: 100, at: new Date(s.p.clock.now()).toISOString() },
      ],
    });
    const d = (await json(await s.agent.call(`/api/v1/requests/${request.id}`))).request;
    expect(d.onwardTransfers).toEqual([
      {
        account: "9999888877776666555",
        bank: "某农商行",
        amount: 100,
        at: new Date(s.p.clock.now()).toISOString(),
        level: 2,
        nextRequestId: null,
        holderName: null,
        serialNo: null,
      },
    ]);
  });

  test("an onward account that is not an account is refused and nothing is recorded", async () => {
    const s = await setup();
    const { request } = await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }));
    const res = await s.answer(s.icbc, request.id, {
      action: "confirm",
      amount: 0,
      balance: 0,
      onwardTransfers: [{ account: "12ab", amount: 1, at: new Date(s.p.clock.now()).toISOString() }],
    });
    expect(res.status).toBe(422);
    expect((await json(res)).error.issues[0].path).toBe("onwardTransfers.0.account");
    expect(
      ((await sqlOne(s.p.deps.db, "select status from requests where id = ?", request.id)) as { status: string })
        .status,
    ).toBe("sent");
  });

  test("the case's fund flow shows level 1 → 2 with the amounts moved and the requests' states", async () => {
    const { p, caseId } = await level1Confirmed();
    const agent = await signIn(p, "agent");
    const html = await (await agent.request(`/cases/${caseId}/flow`)).text();
    expect(html).toContain('data-level="1"');
    expect(html).toContain('data-level="2"');
    expect(html).toContain("¥5,000.00"); // moved on to ABC
    expect(html).toContain("6228 4800 1122 3344 556");
  });
  test("the fund flow's old address answers a permanent redirect to the case's", async () => {
    const { p, caseId } = await level1Confirmed();
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/requests/cases/${caseId}/flow`);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`/cases/${caseId}/flow`);
  });
});

describe("freezes, returns and the money adding up", () => {
  async function frozen(frozenFen = 800_000) {
    const s = await setup(1_000_000);
    const sp = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD, amount: 1_000_000 }))).request;
    await s.answer(s.icbc, sp.id, { action: "confirm", amount: frozenFen, balance: frozenFen });
    const fr = (await json(await s.create({ kind: "freeze", value: ICBC_CARD, amount: frozenFen }))).request;
    await s.answer(s.icbc, fr.id, { action: "confirm", amount: frozenFen, balance: frozenFen });
    return { ...s, sp, fr };
  }

  test("a freeze follows the account's stop-payment and releases it once confirmed", async () => {
    const { sp, fr, agent } = await frozen();
    expect(fr.parentRequestId).toBe(sp.id);
    expect((await json(await agent.call(`/api/v1/requests/${sp.id}`))).request.status).toBe("released");
  });

  test("a confirmed freeze holds for 6 months", async () => {
    const { fr, agent } = await frozen();
    const r = (await json(await agent.call(`/api/v1/requests/${fr.id}`))).request;
    expect(r.expiresAt).toBe("2027-05-21T02:00:00.000Z");
  });

  test("a return is drawn on the account's freeze", async () => {
    const { create, fr } = await frozen();
    const ret = (await json(await create({ kind: "return", value: ICBC_CARD, amount: 300_000 }))).request;
    expect(ret).toMatchObject({ parentRequestId: fr.id, status: "sent", institution: { code: "ICBC" } });
  });

  test("asking to return more than was frozen is refused with a clear error", async () => {
    const { create } = await frozen(800_000);
    const res = await create({ kind: "return", value: ICBC_CARD, amount: 800_001 });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({
      code: "return_exceeds_frozen",
      message: "Refused: returning 800001 fen is more than the 800000 fen still frozen",
    });
  });

  test("returns still open count against what is frozen", async () => {
    const { create } = await frozen(800_000);
    await create({ kind: "return", value: ICBC_CARD, amount: 500_000 });
    expect((await create({ kind: "return", value: ICBC_CARD, amount: 300_001 })).status).toBe(409);
  });

  test("a bank cannot confirm returning more than is frozen", async () => {
    const { create, icbc, answer } = await frozen(800_000);
    const ret = (await json(await create({ kind: "return", value: ICBC_CARD, amount: 800_000 }))).request;
    const res = await answer(icbc, ret.id, { action: "confirm", amount: 900_000 });
    expect(res.status).toBe(409);
  });

  test("a freeze returned in full is released", async () => {
    const { create, icbc, answer, agent, fr } = await frozen(800_000);
    const a = (await json(await create({ kind: "return", value: ICBC_CARD, amount: 500_000 }))).request;
    const b = (await json(await create({ kind: "return", value: ICBC_CARD, amount: 300_000 }))).request;
    await answer(icbc, a.id, { action: "confirm", amount: 500_000 });
    expect((await json(await agent.call(`/api/v1/requests/${fr.id}`))).request.status).toBe("completed");
    await answer(icbc, b.id, { action: "confirm", amount: 300_000 });
    expect((await json(await agent.call(`/api/v1/requests/${fr.id}`))).request.status).toBe("released");
  });

  test("the case's lost, stopped, frozen and returned add up on its flow page", async () => {
    const { create, icbc, answer, p, caseId } = await frozen(800_000);
    const ret = (await json(await create({ kind: "return", value: ICBC_CARD, amount: 300_000 }))).request;
    await answer(icbc, ret.id, { action: "confirm", amount: 300_000 });
    const agent = await signIn(p, "agent");
    const html = await (await agent.request(`/cases/${caseId}/flow`)).text();
    const figure = (k: string) => new RegExp(`data-testid="funds-${k}"[^>]*>([^<]+)<`).exec(html)?.[1];
    expect([
      figure("lost"),
      figure("stopped"),
      figure("frozen"),
      figure("returned"),
      figure("stillFrozen"),
      figure("unrecovered"),
    ]).toEqual(["¥10,000.00", "¥8,000.00", "¥8,000.00", "¥3,000.00", "¥5,000.00", "¥7,000.00"]);
  });
});

describe("the clock: escalation, expiry, lapse and reminders", () => {
  test("an unacknowledged request is escalated to the supervisors after 5 minutes, once", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const heard: string[] = [];
    p.deps.events.subscribe("supervision", (e) => heard.push(`${e.event}:${JSON.parse(e.data).requestId}`));
    p.clock.advance(5 * MIN - 1);
    expect((await runRequestClock(p.deps, p.clock.now())).escalated).toBe(0);
    p.clock.advance(1);
    expect((await runRequestClock(p.deps, p.clock.now())).escalated).toBe(1);
    expect((await runRequestClock(p.deps, p.clock.now())).escalated).toBe(0);
    expect(heard).toEqual([`escalated:${request.id}`]);
    const row = (await sqlOne(p.deps.db, "select escalated_at as at from requests where id = ?", request.id)) as {
      at: number;
    };
    expect(row.at).toBe(p.clock.now());
  });

  test("a stop-payment not renewed expires 48 hours after the stop", async () => {
    const { create, icbc, answer, agent, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 100, balance: 100 });
    p.clock.advance(48 * HOUR - 1);
    await runRequestClock(p.deps, p.clock.now());
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("completed");
    p.clock.advance(1);
    expect((await runRequestClock(p.deps, p.clock.now())).expired).toBe(1);
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("expired");
  });

  test("two stops in all: a renewed stop-payment holds another 48 hours from the old end, and a third stop is refused saying a freeze must follow", async () => {
    const { create, icbc, answer, agent, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 100, balance: 100 });
    // sessions last 12 hours: sign in again after each jump of the clock
    const renew = async () => (await signIn(p, "agent")).request(`/requests/${request.id}/renew`, { method: "POST" });
    p.clock.advance(40 * HOUR);
    expect((await renew()).status).toBe(303);
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.expiresAt).toBe(
      new Date(p.clock.now() - 40 * HOUR + 96 * HOUR).toISOString(),
    );
    p.clock.advance(48 * HOUR);
    const third = await renew();
    expect(third.status).toBe(409);
    expect(await third.text()).toContain("同一账户只能止付两次（首次止付和一次续止付），不能再续，请尽快冻结");
    const api = await agent.call(`/api/v1/requests/${request.id}/actions`, { json: { action: "renew" } });
    expect(api.status).toBe(409);
    expect((await json(api)).error.message).toBe(
      "Refused: an account may be stopped twice in all (the first stop and 1 renewal); a freeze must follow",
    );
    await runRequestClock(p.deps, p.clock.now());
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("completed");
    p.clock.advance(8 * HOUR);
    await runRequestClock(p.deps, p.clock.now());
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("expired");
  });

  test("an unrenewed freeze lapses after 6 months, with reminders before", async () => {
    const { create, icbc, answer, agent, p } = await setup();
    const { request } = await json(await create({ kind: "freeze", value: ICBC_CARD, amount: 100 }));
    await answer(icbc, request.id, { action: "confirm", amount: 100 });
    const reminders: string[] = [];
    p.deps.events.subscribe("supervision", (e) => e.event === "reminder" && reminders.push(e.data));
    let lapsed = 0;
    for (let day = 0; day < 190; day++) {
      p.clock.advance(DAY);
      lapsed += (await runRequestClock(p.deps, p.clock.now())).lapsed;
    }
    expect(reminders.length).toBe(3);
    expect(lapsed).toBe(1);
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("lapsed");
  });

  test("a freeze renewed and confirmed by its bank does not lapse at 6 months", async () => {
    const { create, icbc, answer, agent, p } = await setup();
    const { request } = await json(await create({ kind: "freeze", value: ICBC_CARD, amount: 100 }));
    await answer(icbc, request.id, { action: "confirm", amount: 100 });
    p.clock.advance(170 * DAY);
    const user = await signIn(p, "agent");
    expect((await user.request(`/requests/${request.id}/renew`, { method: "POST", form: { term: "6m" } })).status).toBe(
      303,
    );
    const renewal = (await sqlOne(
      p.deps.db,
      "select id from requests where parent_request_id = ? and kind = 'freeze_renewal'",
      request.id,
    )) as { id: number };
    expect((await answer(icbc, renewal.id, { action: "confirm" })).status).toBe(201);
    p.clock.advance(20 * DAY);
    await runRequestClock(p.deps, p.clock.now());
    const r = (await json(await agent.call(`/api/v1/requests/${request.id}`))).request;
    expect(r).toMatchObject({ status: "completed", renewals: 1, expiresAt: "2027-11-21T02:00:00.000Z" });
  });

  test("a lapsed freeze leaves its account active again", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "freeze", value: ICBC_CARD, amount: 100 }));
    await answer(icbc, request.id, { action: "confirm", amount: 100 });
    p.clock.advance(200 * DAY);
    await runRequestClock(p.deps, p.clock.now());
    expect(
      (
        (await sqlOne(p.deps.db, "select status from suspects where id = ?", request.suspect.id)) as {
          status: string;
        }
      ).status,
    ).toBe("active");
  });
});

describe("the carrier desk: suspension, appeal, restore", () => {
  test("a carrier's appeal on a suspension drafts a restore; restoring it releases the suspension and clears the number", async () => {
    const { create, p, agent } = await setup();
    const cmcc = await apiClient(p, "carrier", "CMCC");
    const { request } = await json(await create({ kind: "suspend_number", value: CMCC_PHONE }));
    await cmcc.call(`/api/v1/requests/${request.id}/responses`, { json: { action: "confirm" } });
    const appeal = await cmcc.call(`/api/v1/requests/${request.id}/responses`, {
      json: { action: "appeal", reason: "机主本人到营业厅核验" },
    });
    expect(appeal.status).toBe(201);
    const restore = (await sqlOne(
      p.deps.db,
      "select id, status, kind from requests where parent_request_id = ?",
      request.id,
    )) as { id: number; status: string; kind: string };
    expect(restore).toMatchObject({ status: "draft", kind: "restore_number" });
    const user = await signIn(p, "agent");
    await user.request(`/requests/${restore.id}/send`, { method: "POST" });
    await cmcc.call(`/api/v1/requests/${restore.id}/responses`, { json: { action: "confirm" } });
    expect((await json(await agent.call(`/api/v1/requests/${request.id}`))).request.status).toBe("released");
    expect(
      (
        (await sqlOne(p.deps.db, "select status from suspects where id = ?", request.suspect.id)) as {
          status: string;
        }
      ).status,
    ).toBe("cleared");
  });

  test("a carrier rejects a suspension when the owner re-verified in person", async () => {
    const { create, p } = await setup();
    const user = await signIn(p, "carrier", "CMCC");
    const { request } = await json(await create({ kind: "suspend_number", value: CMCC_PHONE }));
    const res = await user.request(`/desk/${request.id}/respond`, {
      form: { action: "reject", reason: "机主已现场实名核验" },
    });
    expect(res.status).toBe(303);
    expect(
      ((await sqlOne(p.deps.db, "select status from requests where id = ?", request.id)) as { status: string }).status,
    ).toBe("rejected");
  });
});

describe("the center's pages", () => {
  test("the new-request form preselects the institution inferred for the suspect", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    const agent = await signIn(p, "agent");
    const html = await (await agent.request(`/requests/new?kind=freeze&suspectId=${request.suspect.id}`)).text();
    expect(html).toMatch(/<option value="ICBC" selected="">/);
    expect(html).toContain("6222 0202 0011 2233 445");
  });

  test("typing a number asks for its inferred institution", async () => {
    const { p } = await setup();
    const agent = await signIn(p, "agent");
    const html = await (
      await agent.request(`/requests/new/institution?value=${encodeURIComponent(ABC_CARD)}`, { htmx: true })
    ).text();
    expect(html).toMatch(/<option value="ABC" selected="">/);
    expect(html).toContain("推断为 中国农业银行");
  });

  test("the form sends a stop-payment with the amount in yuan stored in fen", async () => {
    const { p, caseId } = await setup();
    const agent = await signIn(p, "agent");
    const res = await agent.request("/requests", {
      form: {
        kind: "stop_payment",
        value: ICBC_CARD,
        institution: "",
        caseId: String(caseId),
        amount: "12,345.67",
        note: "急",
        intent: "send",
        nonce: "nonce-0001",
      },
    });
    expect(res.status).toBe(303);
    const row = await sqlOne(p.deps.db, "select status, amount_fen as amount, note from requests");
    expect(row).toEqual({ status: "sent", amount: 1_234_567, note: "急" });
  });

  test("submitting the same form twice creates one request", async () => {
    const { p, caseId } = await setup();
    const agent = await signIn(p, "agent");
    const form = {
      kind: "stop_payment",
      value: ICBC_CARD,
      caseId: String(caseId),
      amount: "100",
      intent: "send",
      nonce: "nonce-twice-1",
    };
    const a = await agent.request("/requests", { form });
    const b = await agent.request("/requests", { form });
    expect(b.headers.get("location")).toBe(a.headers.get("location")!.replace(/\?.*$/, ""));
    expect(((await sqlOne(p.deps.db, "select count(*) as n from requests")) as { n: number }).n).toBe(1);
  });

  test("an invalid form is shown again with its errors and what was typed", async () => {
    const { p, caseId } = await setup();
    const agent = await signIn(p, "agent");
    const res = await agent.request("/requests", {
      form: {
        kind: "stop_payment",
        value: ICBC_CARD,
        caseId: String(caseId),
        amount: "12abc",
        intent: "send",
        nonce: "nonce-bad-01",
      },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("不是以元为单位的金额，例如 1234.50");
    expect(html).toContain('value="12abc"');
    expect(html).toContain(`value="${ICBC_CARD}"`);
  });

  test("a suspect value that is no number or account is refused on the page in Chinese", async () => {
    const { p, caseId } = await setup();
    const agent = await signIn(p, "agent");
    const res = await agent.request("/requests", {
      form: {
        kind: "stop_payment",
        value: "fraud@example.com",
        caseId: String(caseId),
        amount: "100",
        intent: "send",
        nonce: "nonce-bad-02",
      },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("不是电话号码或银行账号：含有字母");
    expect(html).not.toContain("not a phone number or bank account");
  });

  test("asking on the page to return more than is frozen says so in words", async () => {
    const { create, icbc, answer, p, caseId } = await setup();
    const fr = (await json(await create({ kind: "freeze", value: ICBC_CARD, amount: 100_000 }))).request;
    await answer(icbc, fr.id, { action: "confirm", amount: 100_000 });
    const agent = await signIn(p, "agent");
    const res = await agent.request("/requests", {
      form: {
        kind: "return",
        suspectId: String(fr.suspect.id),
        caseId: String(caseId),
        amount: "1000.01",
        parentRequestId: String(fr.id),
        intent: "send",
        nonce: "nonce-ret-01",
      },
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("返还金额超过尚冻结的金额（最多可返还 ¥1,000.00）");
  });

  test("the list shows a red light on an overdue request", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    p.clock.advance(6 * MIN);
    const agent = await signIn(p, "agent");
    const html = await (await agent.request("/requests?overdue=1")).text();
    expect(html).toMatch(new RegExp(`data-request-id="${request.id}"[^]*?data-light="red"`));
  });

  test("sending a draft twice (a double click) sends it once and shows no error", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    const agent = await signIn(p, "agent");
    expect((await agent.request(`/requests/${request.id}/send`, { method: "POST" })).status).toBe(303);
    expect((await agent.request(`/requests/${request.id}/send`, { method: "POST" })).status).toBe(303);
    expect(
      ((await sqlOne(p.deps.db, "select count(*) as n from responses where action = 'send'")) as { n: number }).n,
    ).toBe(1);
  });

  test("an appeal not upheld: the agent discards the restore draft with the reason, and it leaves the drafts", async () => {
    const { create, p, agent: api } = await setup();
    const cmcc = await apiClient(p, "carrier", "CMCC");
    const { request } = await json(await create({ kind: "suspend_number", value: CMCC_PHONE }));
    await cmcc.call(`/api/v1/requests/${request.id}/responses`, { json: { action: "confirm" } });
    await cmcc.call(`/api/v1/requests/${request.id}/responses`, { json: { action: "appeal", reason: "机主申诉" } });
    const restore = (await sqlOne(p.deps.db, "select id from requests where parent_request_id = ?", request.id)) as {
      id: number;
    };
    const agent = await signIn(p, "agent");
    expect(await (await agent.request(`/requests/${restore.id}`)).text()).toContain(
      `data-testid="discard-${restore.id}"`,
    );
    const res = await agent.request(`/requests/${restore.id}/discard`, { form: { reason: "核查后申诉不成立" } });
    expect(res.status).toBe(303);
    const seen = (await json(await api.call(`/api/v1/requests/${restore.id}`))).request;
    expect(seen.status).toBe("discarded");
    expect(
      await sqlAll(
        p.deps.db,
        "select action, from_status as f, to_status as t, reason from responses where request_id = ?",
        restore.id,
      ),
    ).toEqual([{ action: "discard", f: "draft", t: "discarded", reason: "核查后申诉不成立" }]);
    expect(
      await sqlOne(
        p.deps.db,
        "select count(*) as n from audit_log where entity = 'request' and entity_id = ? and action = 'discard'",
        restore.id,
      ),
    ).toEqual({ n: 1 });
    expect(await (await agent.request("/requests?status=draft")).text()).not.toContain(
      `data-request-id="${restore.id}"`,
    );
    // never sent: the carrier never sees it; the suspension stands
    expect((await cmcc.call(`/api/v1/requests/${restore.id}`)).status).toBe(404);
    expect((await json(await api.call(`/api/v1/requests/${request.id}`))).request.status).toBe("completed");
  });

  test("a draft is not discarded without a reason, and a sent request cannot be discarded", async () => {
    const { create, p } = await setup();
    const draft = (await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }))).request;
    const sent = (await json(await create({ kind: "stop_payment", value: ABC_CARD }))).request;
    const agent = await signIn(p, "agent");
    const bare = await agent.request(`/requests/${draft.id}/discard`, { form: { reason: " " } });
    expect(bare.status).toBe(422);
    expect(await bare.text()).toContain("请填写原因");
    const late = await agent.request(`/requests/${sent.id}/discard`, { form: { reason: "误发" } });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("不能对已发送的紧急止付指令执行“作废”");
    expect(
      await sqlAll(p.deps.db, "select status from requests where id in (?, ?) order by id", draft.id, sent.id),
    ).toEqual([{ status: "draft" }, { status: "sent" }]);
  });

  test("a refused discard keeps its reason as typed, the error beside it", async () => {
    const { create, p } = await setup();
    const draft = (await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }))).request;
    const agent = await signIn(p, "agent");
    const reason = "已由他行冻结".repeat(90); // past the 500-character limit
    const res = await agent.request(`/requests/${draft.id}/discard`, { form: { reason } });
    expect(res.status).toBe(422);
    const form = new RegExp(`data-testid="discard-form-${draft.id}"[\\s\\S]*?</form>`).exec(await res.text())![0];
    expect(form).toMatch(new RegExp(`value="${reason}"\\s*/>\\s*<span class="field-error">`));
    expect(
      ((await sqlOne(p.deps.db, "select status from requests where id = ?", draft.id)) as { status: string }).status,
    ).toBe("draft");
  });

  test("discarding a draft twice (a double click) discards it once and shows no error", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, draft: true }));
    const agent = await signIn(p, "agent");
    for (let i = 0; i < 2; i++)
      expect(
        (await agent.request(`/requests/${request.id}/discard`, { form: { reason: "已由他行冻结" } })).status,
      ).toBe(303);
    expect(
      ((await sqlOne(p.deps.db, "select count(*) as n from responses where action = 'discard'")) as { n: number }).n,
    ).toBe(1);
  });

  test("releasing a request twice is refused with a clear message", async () => {
    const { create, icbc, answer, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    await answer(icbc, request.id, { action: "confirm", amount: 1, balance: 1 });
    const agent = await signIn(p, "agent");
    await agent.request(`/requests/${request.id}/release`, { method: "POST" });
    const res = await agent.request(`/requests/${request.id}/release`, { method: "POST" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("不能对已解除的紧急止付指令执行“解除”");
  });

  test("a bank user cannot open the center's request pages", async () => {
    const { p } = await setup();
    const bank = await signIn(p, "bank", "ICBC");
    expect((await bank.request("/requests")).status).toBe(403);
  });

  test("an agent cannot open a desk", async () => {
    const { p } = await setup();
    const agent = await signIn(p, "agent");
    expect((await agent.request("/desk")).status).toBe(403);
  });
});

describe("the desk", () => {
  test("the desk lists the most urgent request first", async () => {
    const { create, p } = await setup();
    const first = (await json(await create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    p.clock.advance(MIN);
    const second = (await json(await create({ kind: "stop_payment", value: "6222021234567890123" }))).request;
    const icbcUser = await signIn(p, "bank", "ICBC");
    await icbcUser.request(`/desk/${first.id}/respond`, { form: { action: "acknowledge" } }); // now due in 30 min, later than the second's 5
    const html = await (await icbcUser.request("/desk")).text();
    expect(html.indexOf(`data-request-id="${second.id}"`)).toBeLessThan(html.indexOf(`data-request-id="${first.id}"`));
  });

  test("the desk shows a bank only what it needs to act: no victim, no case", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 }));
    const user = await signIn(p, "bank", "ICBC");
    const html = await (await user.request(`/desk/${request.id}`)).text();
    expect(html).toContain("6222 0202 0011 2233 445");
    expect(html).not.toContain("王小明");
    expect(html).not.toContain("110101199001011234");
    expect(html).not.toContain(`/cases/`);
  });

  test("a bank confirms on the desk with onward transfers typed in yuan", async () => {
    const { create, p } = await setup();
    const l1 = (await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 1_000_000 }))).request;
    const user = await signIn(p, "bank", "ICBC");
    const body = new URLSearchParams({ action: "confirm", amount: "2000", balance: "2000.50" });
    body.append("ot_account", ABC_CARD);
    body.append("ot_bank", "");
    body.append("ot_amount", "5,000");
    body.append("ot_at", "2026-11-21T09:55");
    body.append("ot_account", "");
    body.append("ot_bank", "");
    body.append("ot_amount", "");
    body.append("ot_at", "2026-11-21T10:00");
    const res = await user.request(`/desk/${l1.id}/respond`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(303);
    const r = await sqlOne(
      p.deps.db,
      "select status, done_amount_fen as done, balance_fen as balance from requests where id = ?",
      l1.id,
    );
    expect(r).toEqual({ status: "completed", done: 200_000, balance: 200_050 });
    const ot = await sqlAll(p.deps.db, "select amount_fen as amount, at from onward_transfers");
    expect(ot).toEqual([{ amount: 500_000, at: Date.parse("2026-11-21T09:55:00+08:00") }]);
  });

  test("a bad onward row is shown again with its error and nothing is answered", async () => {
    const s = await setup();
    const l1 = (await json(await s.create({ kind: "stop_payment", value: ICBC_CARD }))).request;
    const user = await signIn(s.p, "bank", "ICBC");
    const res = await user.request(`/desk/${l1.id}/respond`, {
      form: {
        action: "confirm",
        amount: "1",
        balance: "1",
        ot_account: "6228480011223344556",
        ot_bank: "",
        ot_amount: "lots",
        ot_at: "2026-11-21T09:55",
      },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("资金已转出 · 1");
    expect(html).toContain('value="lots"');
    expect(
      ((await sqlOne(s.p.deps.db, "select status from requests where id = ?", l1.id)) as { status: string }).status,
    ).toBe("sent");
  });

  test("answering twice on the desk says it was already answered", async () => {
    const { create, p } = await setup();
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD }));
    const user = await signIn(p, "bank", "ICBC");
    await user.request(`/desk/${request.id}/respond`, { form: { action: "confirm", amount: "1", balance: "1" } });
    const res = await user.request(`/desk/${request.id}/respond`, {
      form: { action: "confirm", amount: "1", balance: "1" },
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("不能对已办结的紧急止付指令执行“办结”");
  });

  test("the desk hears a request arrive over server-sent events, rendered for it", async () => {
    const { create, p } = await setup();
    const user = await signIn(p, "bank", "ICBC");
    const res = await user.request("/desk/events");
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await Bun.sleep(10); // the stream subscribes once it starts
    const { request } = await json(await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 }));
    let text = "";
    while (!text.includes("event: arrived")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`data-alert-id="${request.id}"`);
    expect(text).toContain("新指令到达");
  });

  test("another bank's desk hears nothing of it", async () => {
    const { create, p } = await setup();
    const heard: string[] = [];
    const abcId = ((await sqlOne(p.deps.db, "select id from institutions where code = 'ABC'")) as { id: number }).id;
    p.deps.events.subscribe(`desk:${abcId}`, (e) => heard.push(e.event));
    await create({ kind: "stop_payment", value: ICBC_CARD });
    expect(heard).toEqual([]);
  });
});

describe("the API document", () => {
  test("the requests routes are in the OpenAPI document", async () => {
    const p = await testPlatform();
    const doc = await json(await p.app.request("/api/v1/openapi.json"));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/requests", "/requests/{id}", "/requests/{id}/responses"]),
    );
    expect(doc.paths["/requests"].post.parameters.map((x: Json) => x.name)).toContain("idempotency-key");
  });
});
