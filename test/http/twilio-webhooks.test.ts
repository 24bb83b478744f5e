// Calls and SMS through the real Twilio SDK (against the loopback stub of its REST API), and the
// status callbacks: signatures checked against PUBLIC_BASE_URL, each callback taking effect once,
// the status streamed live to the agent's page.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { signTwilio, startTwilioStub, stubHttpClient, type TwilioStub } from "../fixtures/twilio-stub";
import { apiClient, signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PUBLIC = "https://fanzha.example.gov.cn";
const TWILIO_ENV = {
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_FROM: "+8657112345678",
  PUBLIC_BASE_URL: PUBLIC,
};

let stub: TwilioStub;
beforeAll(() => {
  stub = startTwilioStub({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
});
afterAll(() => stub.stop());
beforeEach(() => stub.reset());

const platform = async () => await testPlatform(TWILIO_ENV, { httpClient: stubHttpClient(stub.url) });
const one = async <T>(p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  (await sqlOne(p.deps.db, sql, ...args)) as T;

/** A target, and a call (or SMS) to it placed through the API: the warning as answered. */
async function placed(p: TestPlatform, channel: "call" | "sms" = "call") {
  const api = await apiClient(p, "agent");
  const t = (await (
    await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } })
  ).json()) as { target: { id: number } };
  const res = await api.call("/api/v1/warnings", { json: { targetId: t.target.id, channel } });
  return (
    (await res.json()) as {
      warning: { id: number; providerSid: string; providerStatus: string; provider: string; problem: string | null };
    }
  ).warning;
}

/** Twilio's status callback, as it would POST it: form fields, signed over the public URL. */
function callback(
  p: TestPlatform,
  path: string,
  params: Record<string, string>,
  signature: string | null = signTwilio(AUTH_TOKEN, PUBLIC + path, params),
) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  return p.app.request(path, { method: "POST", headers, body: new URLSearchParams(params) });
}

const callStatus = (sid: string, status: string, seq: number) => ({
  AccountSid: ACCOUNT_SID,
  CallSid: sid,
  CallStatus: status,
  SequenceNumber: String(seq),
  To: "+8613800138000",
  Direction: "outbound-api",
});
const statusOf = async (p: TestPlatform, id: number) =>
  (await one<{ provider_status: string }>(p, "select provider_status from warnings where id = ?", id)).provider_status;

describe("placing calls and SMS through Twilio", () => {
  test("a warning call reaches Twilio and the warning keeps the SID and status it answered", async () => {
    const p = await platform();
    const w = await placed(p);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.authorized).toBe(true);
    expect(w).toMatchObject({
      provider: "twilio",
      providerSid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      providerStatus: "queued",
    });
    expect(stub.requests[0]!.params.To).toBe("+8613800138000");
  });

  test("the status callback URL is the public one and names the warning", async () => {
    const p = await platform();
    const w = await placed(p);
    expect(stub.requests[0]!.params.StatusCallback).toBe(`${PUBLIC}/webhooks/twilio/call-status?warning=${w.id}`);
  });

  test("a warning SMS goes to Twilio's Messages with the message-status callback", async () => {
    const p = await platform();
    const w = await placed(p, "sms");
    expect(stub.requests[0]!.resource).toBe("Messages");
    expect(stub.requests[0]!.params.StatusCallback).toBe(`${PUBLIC}/webhooks/twilio/message-status?warning=${w.id}`);
    expect(w.providerSid).toMatch(/^SM/);
  });

  test("a call Twilio refuses stays on the timeline as failed, with the reason", async () => {
    const p = await platform();
    stub.failNext({ status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    const w = await placed(p);
    expect(w.providerStatus).toBe("failed");
    expect(w.providerSid).toBeNull();
    expect(w.problem).toContain("Twilio error 21211");
  });

  test("the page says when Twilio refused the call", async () => {
    const p = await platform();
    const api = await apiClient(p, "agent");
    const t = (await (
      await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } })
    ).json()) as { target: { id: number } };
    stub.failNext({ status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/targets/${t.target.id}/contacts`, { form: { channel: "call" } });
    // 303, so a reload does not place the call again; the page it leads to says what happened, once
    expect(res.status).toBe(303);
    const html = await (await agent.request(res.headers.get("location")!)).text();
    expect(html).toContain("呼叫/短信未能发出");
    expect(html).toContain("Invalid &#39;To&#39; Phone Number");
    expect(await (await agent.request(res.headers.get("location")!)).text()).not.toContain("呼叫/短信未能发出");
    expect((await one<{ n: number }>(p, "select count(*) as n from warnings")).n).toBe(1);
  });
});

describe("POST /webhooks/twilio/call-status", () => {
  test("a correctly signed callback updates the warning's status", async () => {
    const p = await platform();
    const w = await placed(p);
    const res = await callback(
      p,
      `/webhooks/twilio/call-status?warning=${w.id}`,
      callStatus(w.providerSid, "ringing", 1),
    );
    expect(res.status).toBe(204);
    expect(await statusOf(p, w.id)).toBe("ringing");
    expect(
      (await one<{ status: string }>(p, "select status from telephony_messages where sid = ?", w.providerSid)).status,
    ).toBe("ringing");
  });

  test("a callback's audit entry names Twilio as the actor", async () => {
    const p = await platform();
    const w = await placed(p);
    await callback(p, `/webhooks/twilio/call-status?warning=${w.id}`, callStatus(w.providerSid, "ringing", 1));
    const row = await one<{ actor: string }>(
      p,
      "select actor from audit_log where action = 'provider_status' order by id desc limit 1",
    );
    expect(row.actor).toBe("system:twilio");
  });

  test("a tampered callback is refused with 403 and changes nothing", async () => {
    const p = await platform();
    const w = await placed(p);
    const path = `/webhooks/twilio/call-status?warning=${w.id}`;
    const signature = signTwilio(AUTH_TOKEN, PUBLIC + path, callStatus(w.providerSid, "ringing", 1));
    const res = await callback(p, path, callStatus(w.providerSid, "completed", 1), signature);
    expect(res.status).toBe(403);
    expect(await statusOf(p, w.id)).toBe("queued");
    expect((await one<{ n: number }>(p, "select count(*) as n from webhook_events")).n).toBe(0);
  });

  test("a callback whose signature covers another warning's URL is refused", async () => {
    const p = await platform();
    const w = await placed(p);
    const params = callStatus(w.providerSid, "ringing", 1);
    const res = await callback(
      p,
      `/webhooks/twilio/call-status?warning=${w.id}`,
      params,
      signTwilio(AUTH_TOKEN, `${PUBLIC}/webhooks/twilio/call-status?warning=${w.id + 1}`, params),
    );
    expect(res.status).toBe(403);
  });

  test("an unsigned callback is refused with 403 and changes nothing", async () => {
    const p = await platform();
    const w = await placed(p);
    const res = await callback(
      p,
      `/webhooks/twilio/call-status?warning=${w.id}`,
      callStatus(w.providerSid, "completed", 3),
      null,
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect(await statusOf(p, w.id)).toBe("queued");
  });

  test("a signature over the address the proxy used, not the public one, is refused", async () => {
    const p = await platform();
    const w = await placed(p);
    const path = `/webhooks/twilio/call-status?warning=${w.id}`;
    const params = callStatus(w.providerSid, "ringing", 1);
    expect((await callback(p, path, params, signTwilio(AUTH_TOKEN, `http://localhost${path}`, params))).status).toBe(
      403,
    );
  });

  test("a callback Twilio repeats takes effect once", async () => {
    const p = await platform();
    const w = await placed(p);
    const heard: string[] = [];
    p.deps.events.subscribe(`warning:${w.id}`, (e) => heard.push(e.data));
    const path = `/webhooks/twilio/call-status?warning=${w.id}`;
    for (let i = 0; i < 3; i++)
      expect((await callback(p, path, callStatus(w.providerSid, "ringing", 1))).status).toBe(204);
    expect(heard).toEqual(["ringing"]);
    expect((await one<{ n: number }>(p, "select count(*) as n from webhook_events")).n).toBe(1);
    expect(
      (
        await one<{ n: number }>(
          p,
          "select count(*) as n from audit_log where action = 'provider_status' and entity_id = ?",
          String(w.id),
        )
      ).n,
    ).toBe(1);
  });

  test("a late callback never moves the status backwards", async () => {
    const p = await platform();
    const w = await placed(p);
    const path = `/webhooks/twilio/call-status?warning=${w.id}`;
    await callback(p, path, callStatus(w.providerSid, "completed", 3));
    expect((await callback(p, path, callStatus(w.providerSid, "ringing", 1))).status).toBe(204);
    expect(await statusOf(p, w.id)).toBe("completed");
  });

  test("a callback for a call the warning did not place changes nothing", async () => {
    const p = await platform();
    const w = await placed(p);
    const other = `CA${"f".repeat(32)}`;
    expect(
      (await callback(p, `/webhooks/twilio/call-status?warning=${w.id}`, callStatus(other, "completed", 3))).status,
    ).toBe(204);
    expect(await statusOf(p, w.id)).toBe("queued");
  });

  test("a signed callback without a status is a 400", async () => {
    const p = await platform();
    const res = await callback(p, "/webhooks/twilio/call-status", { CallSid: `CA${"a".repeat(32)}` });
    expect(res.status).toBe(400);
  });

  test("without Twilio credentials every callback is refused", async () => {
    const p = await testPlatform({ PUBLIC_BASE_URL: PUBLIC });
    const w = await placed(p);
    const res = await callback(
      p,
      `/webhooks/twilio/call-status?warning=${w.id}`,
      callStatus(w.providerSid, "completed", 3),
    );
    expect(res.status).toBe(403);
    expect(await statusOf(p, w.id)).toBe("queued");
  });
});

describe("POST /webhooks/twilio/message-status", () => {
  test("a delivered SMS is recorded on its warning", async () => {
    const p = await platform();
    const w = await placed(p, "sms");
    const path = `/webhooks/twilio/message-status?warning=${w.id}`;
    const params = {
      AccountSid: ACCOUNT_SID,
      MessageSid: w.providerSid,
      SmsSid: w.providerSid,
      MessageStatus: "delivered",
      SmsStatus: "delivered",
    };
    expect((await callback(p, path, params)).status).toBe(204);
    expect(await statusOf(p, w.id)).toBe("delivered");
  });

  test("a message callback without the warning in its URL is matched by its SID", async () => {
    const p = await platform();
    const w = await placed(p, "sms");
    const params = { MessageSid: w.providerSid, MessageStatus: "sent" };
    expect((await callback(p, "/webhooks/twilio/message-status", params)).status).toBe(204);
    expect(await statusOf(p, w.id)).toBe("sent");
  });
});

describe("the live call status (server-sent events)", () => {
  async function readUntil(body: ReadableStream<Uint8Array>, needle: string, events: string[] = []): Promise<string[]> {
    const reader = body.getReader();
    const dec = new TextDecoder();
    let text = "";
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value);
    }
    await reader.cancel();
    for (const block of text.split("\n\n")) if (block.startsWith("event: status")) events.push(block);
    return events;
  }

  test("streams the current status, then each change a callback brings", async () => {
    const p = await platform();
    const w = await placed(p);
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/targets/warnings/${w.id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    setTimeout(
      () =>
        void callback(p, `/webhooks/twilio/call-status?warning=${w.id}`, callStatus(w.providerSid, "in-progress", 2)),
      20,
    );
    const events = await readUntil(res.body!, "in-progress");
    expect(events[0]).toContain('data-status="queued"');
    expect(events[1]).toContain('data-status="in-progress"');
  });

  test("the stream of an unknown warning is a 404", async () => {
    const p = await platform();
    expect((await (await signIn(p, "agent")).request("/targets/warnings/999/events")).status).toBe(404);
  });

  test("staff who may not see targets may not follow their calls", async () => {
    const p = await platform();
    const w = await placed(p);
    expect((await (await signIn(p, "bank", "ICBC")).request(`/targets/warnings/${w.id}/events`)).status).toBe(403);
  });
});
