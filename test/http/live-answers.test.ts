// Issue 13: the center hears answers live, onward stop-payments can go out by themselves,
// opening a sent request at the desk acknowledges it, and supervisors urge (督办) what is late.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { apiClient, readLive, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const ICBC_CARD = "6222 0202 0011 2233 445";
const ABC_CARD = "6228480011223344556";
const MIN = 60_000;
type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

async function makeCase(p: TestPlatform, createdBy: number | null = null): Promise<number> {
  const now = p.clock.now();
  return (
    (await sqlOne(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_by, created_at, updated_at)
         values (?, '朝阳区', 'fake_investment', 10000000, '王小明', 'received', ?, ?, ?) returning id`,
      now,
      createdBy,
      now,
      now,
    )) as { id: number }
  ).id;
}

/** An agent (signed in) sends a level-1 stop-payment to ICBC from its page form. */
async function level1(env: Record<string, string> = {}) {
  const p = await testPlatform(env);
  const agent = await signIn(p, "agent");
  const officer = await signIn(p, "agent");
  const caseId = await makeCase(p, officer.userId);
  const icbc = await apiClient(p, "bank", "ICBC");
  const res = await agent.request("/requests", {
    form: {
      caseId: String(caseId),
      kind: "stop_payment",
      value: ICBC_CARD,
      institution: "ICBC",
      amount: "10000",
      nonce: crypto.randomUUID(),
    },
  });
  expect(res.status).toBe(303);
  const l1 = Number(/\/requests\/(\d+)/.exec(res.headers.get("location")!)![1]);
  return { p, agent, officer, caseId, icbc, l1 };
}

async function confirmWithOnward(s: Awaited<ReturnType<typeof level1>>) {
  const at = new Date(s.p.clock.now() - 5 * MIN).toISOString();
  const res = await s.icbc.call(`/api/v1/requests/${s.l1}/responses`, {
    json: {
      action: "confirm",
      amount: 400_000,
      balance: 400_000,
      onwardTransfers: [{ account: ABC_CARD, amount: 600_000, at }],
    },
  });
  expect(res.status).toBe(201);
  return (await sqlOne(
    s.p.deps.db,
    `select id, status, level, created_by as "createdBy" from requests where parent_request_id = ?`,
    s.l1,
  )) as { id: number; status: string; level: number; createdBy: number | null };
}

/** What a live stream sent until `until` matched (or 1.5 s passed). */
const readStream = async (res: Response, until: RegExp, ms = 1500) => (await readLive(res, until, ms)).text;

describe("ONWARD_AUTO_SEND", () => {
  test("the setting is off by default and refuses anything but true or false", () => {
    expect(loadConfig({}).onwardAutoSend).toBe(false);
    expect(loadConfig({ ONWARD_AUTO_SEND: "true" }).onwardAutoSend).toBe(true);
    expect(() => loadConfig({ ONWARD_AUTO_SEND: "yes" })).toThrow(/ONWARD_AUTO_SEND/);
  });

  test("off: the onward transfer's level-2 stop-payment waits as a draft drafted under the level-1 request's officer", async () => {
    const s = await level1();
    const l2 = await confirmWithOnward(s);
    expect(l2).toMatchObject({ status: "draft", level: 2, createdBy: s.agent.userId });
  });

  test("on: the level-2 stop-payment is sent the moment the bank reports the transfer, signed under the case's and the level-1 request's officers", async () => {
    const s = await level1({ ONWARD_AUTO_SEND: "true" });
    const l2 = await confirmWithOnward(s);
    expect(l2).toMatchObject({ status: "sent", level: 2 });
    const ins = (await sqlOne(
      s.p.deps.db,
      "select officer1_id as o1, officer2_id as o2 from instructions where request_id = ?",
      l2.id,
    )) as { o1: number; o2: number };
    expect([ins.o1, ins.o2].sort()).toEqual([s.agent.userId, s.officer.userId].sort());
    const audit = (await sqlOne(
      s.p.deps.db,
      "select actor from audit_log where action = 'send' and entity = 'request' and entity_id = ?",
      l2.id,
    )) as { actor: string };
    expect(audit.actor).toContain("onward-auto-send");
    // the next bank's desk has it
    const abc = await apiClient(s.p, "bank", "ABC");
    expect((await json(await abc.call("/api/v1/requests"))).requests.map((r: Json) => r.id)).toContain(l2.id);
  });

  test("on: the agent's live stream says the stop-payment went, with no send button", async () => {
    const s = await level1({ ONWARD_AUTO_SEND: "true" });
    const stream = await s.agent.request("/live/events");
    const reading = readStream(stream, /banner-onward-\d+[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    const l2 = await confirmWithOnward(s);
    const text = await reading;
    expect(text).toContain(`data-testid="banner-onward-${l2.id}"`);
    expect(text).toContain("已自动发送");
    expect(text).not.toContain(`banner-send-${l2.id}`);
  });
});

describe("the center's live stream", () => {
  test("an agent hears a bank's confirmation as a banner naming the bank, the request and a link", async () => {
    const s = await level1();
    const stream = await s.agent.request("/live/events");
    const reading = readStream(stream, /banner-answer-\d+[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    await s.icbc.call(`/api/v1/requests/${s.l1}/responses`, {
      json: { action: "confirm", amount: 1_000_000, balance: 1_000_000 },
    });
    const text = await reading;
    expect(text).toContain("event: banner");
    expect(text).toContain(`data-testid="banner-answer-${s.l1}"`);
    expect(text).toContain("已办结");
    expect(text).toContain(`href="/requests/${s.l1}"`);
  });

  test("another bank's desk stream carries nothing of the center's answers", async () => {
    const s = await level1();
    const abcUser = await signIn(s.p, "bank", "ABC");
    const stream = await abcUser.request("/live/events");
    const reading = readStream(stream, /banner/, 600);
    await new Promise((r) => setTimeout(r, 50));
    await s.icbc.call(`/api/v1/requests/${s.l1}/responses`, {
      json: { action: "confirm", amount: 1_000_000, balance: 1_000_000 },
    });
    const text = await reading;
    expect(text).toStartWith("event: ready");
    expect(text).not.toContain("banner");
  });
});

describe("new targets in the queue", () => {
  test("an agent's stream announces targets added to the queue, and not a claim", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    const api = await apiClient(p, "agent");
    const stream = await agent.request("/live/events");
    const reading = readStream(stream, /banner-targets[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } });
    const text = await reading;
    expect(text).toContain('data-testid="banner-targets"');
    expect(text).toContain("新增 1 个待劝阻对象");
  });
});

describe("opening a sent request at the desk acknowledges it", () => {
  test("a GET of the desk page writes nothing: the page posts to /open once loaded", async () => {
    const s = await level1();
    const bank = await signIn(s.p, "bank", "ICBC");
    const before = await sqlOne(
      s.p.deps.db,
      "select count(*) as n from audit_log where entity = 'request' and entity_id = ? and action in ('acknowledge', 'open')",
      s.l1,
    );
    const page = await bank.request(`/desk/${s.l1}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`hx-post="/desk/${s.l1}/open"`);
    expect(html).toContain('hx-trigger="load"');
    expect(
      ((await sqlOne(s.p.deps.db, "select status from requests where id = ?", s.l1)) as { status: string }).status,
    ).toBe("sent");
    expect(
      await sqlOne(
        s.p.deps.db,
        "select count(*) as n from responses where request_id = ? and action = 'acknowledge'",
        s.l1,
      ),
    ).toEqual({ n: 0 });
    expect(
      await sqlOne(
        s.p.deps.db,
        "select count(*) as n from audit_log where entity = 'request' and entity_id = ? and action in ('acknowledge', 'open')",
        s.l1,
      ),
    ).toEqual(before);
  });

  test("the bank's staff opening it acknowledges it once: recorded as an acknowledgement and audited as made by opening", async () => {
    const s = await level1();
    const bank = await signIn(s.p, "bank", "ICBC");
    const open = await bank.request(`/desk/${s.l1}/open`, { form: {}, htmx: true });
    expect(open.status).toBe(200);
    const swapped = await open.text();
    expect(swapped).toContain('id="desk-request-title"');
    expect(swapped).not.toContain("hx-post"); // acknowledged: the title no longer posts
    expect(swapped).toContain('id="desk-ack" hx-swap-oob="true"');
    const page = await bank.request(`/desk/${s.l1}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="confirm"');
    expect(html).not.toContain('data-testid="acknowledge"');
    expect(html).not.toContain(`/desk/${s.l1}/open`);
    await bank.request(`/desk/${s.l1}/open`, { form: {}, htmx: true }); // a second opening records nothing more
    const rows = await sqlAll(
      s.p.deps.db,
      "select action, from_status as f, to_status as t, user_id as u from responses where request_id = ? order by id",
      s.l1,
    );
    expect(rows).toEqual([
      { action: "send", f: "draft", t: "sent", u: s.agent.userId },
      { action: "acknowledge", f: "sent", t: "acknowledged", u: bank.userId },
    ]);
    const audit = (await sqlAll(
      s.p.deps.db,
      "select action, detail from audit_log where entity = 'request' and entity_id = ? and action in ('acknowledge', 'open') order by id",
      s.l1,
    )) as { action: string; detail: string }[];
    expect(audit.map((a) => a.action)).toEqual(["acknowledge", "open"]);
    expect(JSON.parse(audit[1]!.detail)).toEqual({ acknowledged: true });
  });

  test("pressing 签收 after the page's opening acknowledged it shows the request, not an error, and records nothing more", async () => {
    const s = await level1();
    const bank = await signIn(s.p, "bank", "ICBC");
    await bank.request(`/desk/${s.l1}/open`, { form: {}, htmx: true });
    const late = await bank.request(`/desk/${s.l1}/respond`, { form: { action: "acknowledge" } });
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toBe(`/desk/${s.l1}`);
    expect(
      await sqlOne(
        s.p.deps.db,
        "select count(*) as n from responses where request_id = ? and action = 'acknowledge'",
        s.l1,
      ),
    ).toEqual({ n: 1 });
  });

  test("another bank's staff cannot open it (404) and it stays unacknowledged", async () => {
    const s = await level1();
    const other = await signIn(s.p, "bank", "ABC");
    expect((await other.request(`/desk/${s.l1}/open`, { form: {}, htmx: true })).status).toBe(404);
    expect((await other.request(`/desk/${s.l1}`)).status).toBe(404);
    expect(
      ((await sqlOne(s.p.deps.db, "select status from requests where id = ?", s.l1)) as { status: string }).status,
    ).toBe("sent");
  });

  test("an answered request opened again is not acknowledged a second time", async () => {
    const s = await level1();
    expect(
      (
        await s.icbc.call(`/api/v1/requests/${s.l1}/responses`, {
          json: { action: "reject", reason: "account closed", reasonCode: "account_mismatch" },
        })
      ).status,
    ).toBe(201);
    const before = await sqlOne(s.p.deps.db, "select count(*) as n from responses where request_id = ?", s.l1);
    const bank = await signIn(s.p, "bank", "ICBC");
    expect((await bank.request(`/desk/${s.l1}/open`, { form: {}, htmx: true })).status).toBe(200);
    expect(await sqlOne(s.p.deps.db, "select count(*) as n from responses where request_id = ?", s.l1)).toEqual(before);
  });
});

describe("urging (督办)", () => {
  async function overdue() {
    const s = await level1();
    s.p.clock.advance(6 * MIN); // past the 5-minute acknowledgement deadline
    return s;
  }

  test("an agent cannot urge (403) and nothing is recorded", async () => {
    const s = await overdue();
    expect((await s.agent.request(`/supervision/urge/request/${s.l1}`, { form: {} })).status).toBe(403);
    expect(await sqlOne(s.p.deps.db, "select count(*) as n from urges")).toEqual({ n: 0 });
  });

  test("a request not yet overdue is refused (409) naming why", async () => {
    const s = await level1();
    const sup = await signIn(s.p, "supervisor");
    const res = await sup.request(`/supervision/urge/request/${s.l1}`, { form: {} });
    expect(res.status).toBe(409);
    expect(await sqlOne(s.p.deps.db, "select count(*) as n from urges")).toEqual({ n: 0 });
  });

  test("a supervisor's urge is recorded, audited, on the request's history and on the board, and reaches the desk live", async () => {
    const s = await overdue();
    const sup = await signIn(s.p, "supervisor");
    const bank = await signIn(s.p, "bank", "ICBC");
    const stream = await bank.request("/live/events");
    const reading = readStream(stream, /banner-urged[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    const res = await sup.request(`/supervision/urge/request/${s.l1}`, { form: { note: "请立即签收" } });
    expect(res.status).toBe(303);
    const text = await reading;
    expect(text).toContain(`data-testid="banner-urged-request-${s.l1}"`);
    expect(text).toContain("请立即签收");
    expect(await sqlAll(s.p.deps.db, "select request_id as r, by_user_id as u, note from urges")).toEqual([
      { r: s.l1, u: sup.userId, note: "请立即签收" },
    ]);
    expect(
      await sqlOne(
        s.p.deps.db,
        "select count(*) as n from audit_log where action = 'urge' and entity = 'request' and entity_id = ?",
        s.l1,
      ),
    ).toEqual({ n: 1 });
    const history = await (await s.agent.request(`/requests/${s.l1}`)).text();
    expect(history).toMatch(/<td>督办<\/td>/);
    expect(history).not.toContain(`data-testid="urge-request-${s.l1}"`); // the button is the supervisors'
    expect(await (await sup.request(`/requests/${s.l1}`)).text()).toContain(`data-testid="urge-request-${s.l1}"`);
    const board = await (await sup.request("/supervision")).text();
    expect(board).toContain(`data-testid="urged-request-${s.l1}"`);
    expect(board).toContain('data-testid="urges"');
  });

  test("an overdue target's urge reaches the agents' live stream and its timeline", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    const sup = await signIn(p, "supervisor");
    const api = await apiClient(p, "agent");
    const t = (await json(await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } })))
      .target;
    p.clock.advance(11 * MIN); // past the high grade's 10 minutes
    const stream = await agent.request("/live/events");
    const reading = readStream(stream, /banner-urged[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    expect((await sup.request(`/supervision/urge/target/${t.id}`, { form: {} })).status).toBe(303);
    expect(await reading).toContain(`data-testid="banner-urged-target-${t.id}"`);
    const page = await (await agent.request(`/targets/${t.id}`)).text();
    expect(page).toContain("督办：");
    expect(page).not.toContain(`data-testid="urge-target-${t.id}"`); // an agent has no urge button
    expect(await (await sup.request(`/targets/${t.id}`)).text()).toContain(`data-testid="urge-target-${t.id}"`);
  });
});

describe("requests from a case, without retyping", () => {
  test("each suspect row on the case page offers the requests that fit an account (stop-payment, freeze), prefilled with the case and suspect", async () => {
    const s = await level1();
    const sid = (
      (await sqlOne(s.p.deps.db, "select suspect_id as id from requests where id = ?", s.l1)) as { id: number }
    ).id;
    const html = await (await s.agent.request(`/cases/${s.caseId}`)).text();
    expect(html).toContain(`href="/requests/new?caseId=${s.caseId}&amp;suspectId=${sid}&amp;kind=stop_payment"`);
    expect(html).toContain(`data-testid="suggest-freeze-${sid}"`);
    expect(html).not.toContain(`suggest-suspend_number-${sid}`);
    // the prefilled form names the suspect instead of asking for the account
    const form = await (await s.agent.request(`/requests/new?caseId=${s.caseId}&suspectId=${sid}&kind=freeze`)).text();
    expect(form).toContain(`name="suspectId" value="${sid}"`);
    expect(form).not.toContain('name="value"');
  });

  test("the new-request form for a case lists the case's suspects to pick", async () => {
    const s = await level1();
    const sid = (
      (await sqlOne(s.p.deps.db, "select suspect_id as id from requests where id = ?", s.l1)) as { id: number }
    ).id;
    const form = await (await s.agent.request(`/requests/new?caseId=${s.caseId}`)).text();
    expect(form).toContain(`data-testid="pick-suspect-${sid}"`);
    expect(form).toContain("6222 0202 0011 2233 445");
  });
});
