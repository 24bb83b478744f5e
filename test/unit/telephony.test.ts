// Telephony: the real Twilio SDK against a loopback stub, the local outbox, webhook signatures.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import twilio from "twilio";
import { type Config, loadConfig } from "../../src/config";
import { type Db, openDb } from "../../src/db";
import { telephonyMessages } from "../../src/db/schema";
import { createTelephony, type Telephony, TelephonyError } from "../../src/telephony";
import { signTwilio, startTwilioStub, stubHttpClient, type TwilioStub } from "../fixtures/twilio-stub";
import { testDb } from "../helpers";

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const FROM = "+8657112345678";
const PUBLIC = "https://fanzha.example.gov.cn";
const TARGET = "+8613800138000";
const AGENT = "+8613900139000";
const WARNING = "您好，这里是市反诈中心。近期有人冒充客服诱导您转账，请不要向任何陌生账户转账。";

let tmp: string;
let db: Db;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "fanzha-telephony-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  db = await testDb();
});

function config(env: Record<string, string> = {}): Config {
  return loadConfig({ PUBLIC_BASE_URL: PUBLIC, OUTBOX_DIR: join(tmp, crypto.randomUUID(), "outbox"), ...env });
}
const twilioEnv = (authToken = AUTH_TOKEN) => ({
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: authToken,
  TWILIO_FROM: FROM,
});
const stored = async () => await db.select().from(telephonyMessages).all();

describe("Twilio provider (real SDK against the loopback stub)", () => {
  let stub: TwilioStub;
  let tel: Telephony;

  beforeAll(() => {
    stub = startTwilioStub({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.reset();
    tel = createTelephony({ config: config(twilioEnv()), db, httpClient: stubHttpClient(stub.url) });
  });

  test("is chosen when Twilio credentials are configured", () => {
    expect(tel.provider).toBe("twilio");
  });

  test("an SMS reaches Twilio with To, From, Body and the public status callback URL", async () => {
    await tel.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/webhooks/twilio/sms-status" });

    expect(stub.requests).toHaveLength(1);
    const req = stub.requests[0]!;
    expect(req.resource).toBe("Messages");
    expect(req.authorized).toBe(true);
    expect(req.params).toMatchObject({
      To: TARGET,
      From: FROM,
      Body: WARNING,
      StatusCallback: `${PUBLIC}/webhooks/twilio/sms-status`,
    });
  });

  test("an accepted SMS is stored with the SID and status from the API response", async () => {
    const sent = await tel.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/webhooks/twilio/sms-status" });

    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe("queued");
    expect(await stored()).toEqual([
      expect.objectContaining({
        channel: "sms",
        provider: "twilio",
        to: TARGET,
        from: FROM,
        body: WARNING,
        sid: sent.sid,
        status: "queued",
        warningId: null,
      }),
    ]);
  });

  test("a warning call sends inline TwiML that reads the text in Mandarin (cmn-CN) twice", async () => {
    await tel.call({ to: TARGET, say: WARNING, statusCallbackPath: "/webhooks/twilio/call-status" });

    const req = stub.requests[0]!;
    expect(req.resource).toBe("Calls");
    expect(req.params.To).toBe(TARGET);
    expect(req.params.Url).toBeUndefined();
    const twiml = req.params.Twiml!;
    const says = [...twiml.matchAll(/<Say language="cmn-CN" voice="([^"]+)">([^<]*)<\/Say>/g)];
    expect(says).toHaveLength(2);
    expect(says.map((m) => m[2])).toEqual([WARNING, WARNING]);
    expect(says[0]![1]).toStartWith("Polly.Zhiyu");
    expect(twiml).not.toContain("<Dial");
  });

  test("a call requests initiated, ringing, answered and completed callbacks at the public URL", async () => {
    await tel.call({ to: TARGET, say: WARNING, statusCallbackPath: "/webhooks/twilio/call-status?w=7" });

    const req = stub.requests[0]!;
    expect(req.params.StatusCallback).toBe(`${PUBLIC}/webhooks/twilio/call-status?w=7`);
    expect(req.params.StatusCallbackMethod).toBe("POST");
    expect(req.all.StatusCallbackEvent).toEqual(["initiated", "ringing", "answered", "completed"]);
  });

  test("a call connecting the agent's phone dials that number and reads no warning", async () => {
    await tel.call({ to: TARGET, connectTo: AGENT, statusCallbackPath: "/webhooks/twilio/call-status" });

    const twiml = stub.requests[0]!.params.Twiml!;
    expect(twiml).toMatch(new RegExp(`<Dial callerId="\\${FROM}">\\${AGENT}</Dial>`));
    expect(twiml).not.toContain("<Say");
    expect(stub.requests[0]!.params.To).toBe(TARGET);
  });

  test("an accepted call is stored with the SID, status and the TwiML it runs", async () => {
    const sent = await tel.call({ to: TARGET, say: WARNING, statusCallbackPath: "/webhooks/twilio/call-status" });

    expect(sent).toEqual({ sid: expect.stringMatching(/^CA[0-9a-f]{32}$/), status: "queued" });
    const [row] = await stored();
    expect(row).toMatchObject({ channel: "call", provider: "twilio", to: TARGET, sid: sent.sid, status: "queued" });
    expect(row!.body).toBe(stub.requests[0]!.params.Twiml!);
  });

  test("a call with neither a warning nor a phone to connect is refused before anything is sent", async () => {
    await expect(tel.call({ to: TARGET, statusCallbackPath: "/x" })).rejects.toThrow(/say.*connectTo/);
    expect(stub.requests).toHaveLength(0);
  });

  test("wrong credentials throw a TelephonyError that says which settings to check", async () => {
    const bad = createTelephony({
      config: config(twilioEnv("ffffffffffffffffffffffffffffffff")),
      db,
      httpClient: stubHttpClient(stub.url),
    });

    const error = await bad.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/x" }).catch((e) => e);

    expect(error).toBeInstanceOf(TelephonyError);
    expect(error.message).toBe(
      "Twilio rejected the SMS: Authenticate (HTTP 401, Twilio error 20003). Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.",
    );
    expect(error.details).toMatchObject({ httpStatus: 401, twilioCode: 20003 });
    expect(stub.requests[0]!.authorized).toBe(false);
  });

  test("a request Twilio refuses stores nothing as sent", async () => {
    const bad = createTelephony({
      config: config(twilioEnv("ffffffffffffffffffffffffffffffff")),
      db,
      httpClient: stubHttpClient(stub.url),
    });

    await expect(bad.call({ to: TARGET, say: WARNING, statusCallbackPath: "/x" })).rejects.toThrow(TelephonyError);
    await expect(bad.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/x" })).rejects.toThrow(TelephonyError);
    expect(await stored()).toEqual([]);
  });

  test("a Twilio validation error is reported with its code", async () => {
    stub.failNext({ status: 400, code: 21211, message: "Invalid 'To' Phone Number: +86138" });

    await expect(tel.sms({ to: "+86138", body: WARNING, statusCallbackPath: "/x" })).rejects.toThrow(
      "Twilio rejected the SMS: Invalid 'To' Phone Number: +86138 (HTTP 400, Twilio error 21211).",
    );
    expect(await stored()).toEqual([]);
  });

  test("an unreachable Twilio throws a TelephonyError and stores nothing", async () => {
    const down = startTwilioStub({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    down.stop();
    const offline = createTelephony({ config: config(twilioEnv()), db, httpClient: stubHttpClient(down.url) });

    await expect(offline.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/x" })).rejects.toThrow(
      /^Could not reach Twilio to send the SMS: /,
    );
    expect(await stored()).toEqual([]);
  });
});

describe("webhook signatures (X-Twilio-Signature)", () => {
  const path = "/webhooks/twilio/sms-status";
  const params = { MessageSid: `SM${"a".repeat(32)}`, MessageStatus: "delivered", To: TARGET };
  let tel: Telephony;

  beforeEach(() => {
    tel = createTelephony({ config: config(twilioEnv()), db, httpClient: stubHttpClient("http://127.0.0.1:9") });
  });

  test("a signature over the public URL and the form params is valid", () => {
    expect(tel.validSignature(signTwilio(AUTH_TOKEN, PUBLIC + path, params), path, params)).toBe(true);
  });

  test("a tampered form param invalidates the signature", () => {
    const signature = signTwilio(AUTH_TOKEN, PUBLIC + path, params);
    expect(tel.validSignature(signature, path, { ...params, MessageStatus: "failed" })).toBe(false);
  });

  test("a missing signature header is invalid", () => {
    expect(tel.validSignature(undefined, path, params)).toBe(false);
    expect(tel.validSignature("", path, params)).toBe(false);
  });

  test("a signature over the URL the proxy handed us, not the public one, is invalid", () => {
    const signature = signTwilio(AUTH_TOKEN, `http://127.0.0.1:3000${path}`, params);
    expect(tel.validSignature(signature, path, params)).toBe(false);
  });

  test("a signature for another webhook path is invalid", () => {
    const signature = signTwilio(AUTH_TOKEN, `${PUBLIC}/webhooks/twilio/call-status`, params);
    expect(tel.validSignature(signature, path, params)).toBe(false);
  });

  test("a signature made with another auth token is invalid", () => {
    const signature = signTwilio("ffffffffffffffffffffffffffffffff", PUBLIC + path, params);
    expect(tel.validSignature(signature, path, params)).toBe(false);
  });

  test("the outbox accepts no signature, not even a correctly computed one", () => {
    const outbox = createTelephony({ config: config(), db });
    expect(outbox.validSignature(signTwilio(AUTH_TOKEN, PUBLIC + path, params), path, params)).toBe(false);
  });
});

describe("outbox provider (no Twilio credentials)", () => {
  let cfg: Config;
  let tel: Telephony;
  const outboxLines = () =>
    readFileSync(join(cfg.outboxDir, "outbox.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));

  beforeEach(() => {
    cfg = config();
    tel = createTelephony({ config: cfg, db });
  });

  test("is chosen when no Twilio credentials are configured", () => {
    expect(tel.provider).toBe("outbox");
  });

  test("an SMS is recorded with an OB SID and status queued", async () => {
    const sent = await tel.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/webhooks/twilio/sms-status" });

    expect(sent).toEqual({ sid: expect.stringMatching(/^OB[0-9a-f]{32}$/), status: "queued" });
    expect(await stored()).toEqual([
      expect.objectContaining({
        channel: "sms",
        provider: "outbox",
        to: TARGET,
        from: null,
        body: WARNING,
        sid: sent.sid,
        status: "queued",
      }),
    ]);
  });

  test("each message appends a JSON line to outbox.jsonl, creating the directory", async () => {
    expect(existsSync(cfg.outboxDir)).toBe(false);

    const sms = await tel.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/webhooks/twilio/sms-status" });
    const call = await tel.call({ to: TARGET, connectTo: AGENT, statusCallbackPath: "/webhooks/twilio/call-status" });

    const [first, second] = outboxLines();
    expect(first).toMatchObject({ sid: sms.sid, status: "queued", channel: "sms", to: TARGET, body: WARNING });
    expect(first.statusCallback).toBe(`${PUBLIC}/webhooks/twilio/sms-status`);
    expect(second).toMatchObject({ sid: call.sid, status: "queued", channel: "call", to: TARGET, connectTo: AGENT });
    expect(second.body).toContain(`<Dial>${AGENT}</Dial>`);
  });

  test("a warning call records the Mandarin TwiML the callee would hear", async () => {
    const sent = await tel.call({ to: TARGET, say: WARNING, statusCallbackPath: "/webhooks/twilio/call-status" });

    const [row] = await stored();
    expect(row).toMatchObject({ channel: "call", provider: "outbox", sid: sent.sid, status: "queued" });
    expect(row!.body).toContain(`<Say language="cmn-CN"`);
    expect(outboxLines()[0].body).toBe(row!.body);
  });

  describe("network isolation", () => {
    const spies: { mockRestore(): void }[] = [];
    afterEach(() => {
      for (const s of spies.splice(0)) s.mockRestore();
    });

    test("never opens a network connection, even when given an HTTP client", async () => {
      const tripped: string[] = [];
      class TripwireClient extends twilio.RequestClient {
        override async request(opts: { uri: string }): Promise<never> {
          tripped.push(opts.uri);
          throw new Error("network used");
        }
      }
      const trip = (what: string) => () => {
        tripped.push(what);
        throw new Error(`${what} called`);
      };
      spies.push(
        spyOn(globalThis, "fetch").mockImplementation(trip("fetch") as never),
        spyOn(http, "request").mockImplementation(trip("http.request") as never),
        spyOn(https, "request").mockImplementation(trip("https.request") as never),
        spyOn(net, "connect").mockImplementation(trip("net.connect") as never),
        spyOn(net, "createConnection").mockImplementation(trip("net.createConnection") as never),
      );
      const outbox = createTelephony({ config: cfg, db, httpClient: new TripwireClient() });

      await outbox.sms({ to: TARGET, body: WARNING, statusCallbackPath: "/s" });
      await outbox.call({ to: TARGET, say: WARNING, statusCallbackPath: "/c" });
      await outbox.call({ to: TARGET, connectTo: AGENT, statusCallbackPath: "/c" });

      expect(tripped).toEqual([]);
      expect(await stored()).toHaveLength(3);
    });
  });
});
