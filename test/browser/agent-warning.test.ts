// An agent's warning journey in a real browser, with Twilio configured against the loopback stub:
// take the next target, call it, watch Twilio's status callbacks arrive live, record "dissuaded",
// and see the target leave the queue.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { addTarget } from "../../src/targets/service";
import { signTwilio, startTwilioStub, stubHttpClient, type TwilioStub } from "../fixtures/twilio-stub";
import { sqlOne } from "../helpers";
import { launch, signInPage, startServer } from "./harness";

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

let stub: TwilioStub;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  stub = startTwilioStub({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  server = await startServer(
    { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: "+8657112345678" },
    { httpClient: stubHttpClient(stub.url) },
  );
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  server?.stop();
  stub?.stop();
});

/** Twilio calling back: a signed form POST to the public URL. */
async function twilioCallback(path: string, params: Record<string, string>) {
  const res = await fetch(server.base + path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": signTwilio(AUTH_TOKEN, server.base + path, params),
    },
    body: new URLSearchParams(params),
  });
  expect(res.status).toBe(204);
}

test("an agent takes the next target, calls, sees the call status live, records dissuaded, and the target leaves the queue", async () => {
  const who = { actor: null, ip: null, at: Date.now() };
  await addTarget(server.deps, who, { phone: "13900139000", riskGrade: "low", name: "李低危", source: "feed" });
  const { target } = await addTarget(server.deps, who, {
    phone: "13800138000",
    riskGrade: "high",
    name: "王高危",
    source: "feed",
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await signInPage(page, server.base, await server.user("agent"));

  await page.goto(`${server.base}/targets`);
  await Promise.all([page.waitForURL(`${server.base}/targets/${target.id}`), page.click('[data-testid="take-next"]')]);
  expect(await page.textContent('[data-testid="target-title"]')).toContain("王高危");

  await Promise.all([
    page.waitForURL(`${server.base}/targets/${target.id}`),
    page.click('[data-testid="call-warning"]'),
  ]);
  expect(stub.requests).toHaveLength(1);
  expect(stub.requests[0]!.params.To).toBe("+8613800138000");
  const warning = (await sqlOne(
    server.deps.db,
    "select id, provider_sid as sid from warnings where target_id = ?",
    target.id,
  )) as { id: number; sid: string };
  expect(warning.sid).toMatch(/^CA/);
  const status = page.locator(`[data-testid="contacts"] [data-testid="provider-status-${warning.id}"] [data-status]`);
  expect(await status.getAttribute("data-status")).toBe("queued");

  const path = `/webhooks/twilio/call-status?warning=${warning.id}`;
  const base = { AccountSid: ACCOUNT_SID, CallSid: warning.sid, To: "+8613800138000", Direction: "outbound-api" };
  await twilioCallback(path, { ...base, CallStatus: "ringing", SequenceNumber: "1" });
  await page.waitForSelector(`[data-testid="provider-status-${warning.id}"] [data-status="ringing"]`, {
    timeout: 10_000,
  });
  await twilioCallback(path, { ...base, CallStatus: "in-progress", SequenceNumber: "2" });
  await page.waitForSelector(`[data-testid="provider-status-${warning.id}"] [data-status="in-progress"]`, {
    timeout: 10_000,
  });

  await page.selectOption(`[data-testid="outcome-form-${warning.id}"] select[name="outcome"]`, "dissuaded");
  await Promise.all([
    page.waitForURL(`${server.base}/targets/${target.id}`),
    page.click(`[data-testid="outcome-form-${warning.id}"] button[type="submit"]`),
  ]);
  expect(await page.textContent(`[data-testid="outcome-${warning.id}"]`)).toContain("劝阻成功");

  await page.goto(`${server.base}/targets`);
  expect(await page.locator(`[data-target-id="${target.id}"]`).count()).toBe(0);
  expect(await page.textContent('[data-testid="queue"]')).toContain("李低危");
  expect(errors).toEqual([]);
  await context.close();
});
