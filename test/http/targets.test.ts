// Targets and the queue over HTTP: the JSON API contract, merging, "next" and its leases,
// contacts and outcomes, and the queue and target pages.

import type { SQLQueryBindings } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { engineFromEnv } from "../../src/db/engine";
import { whenSettled } from "../../src/imports/engine";
import { JOBS } from "../../src/jobs";
import { claimNextSql } from "../../src/targets/service";
import { apiClient, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const MIN = 60_000;
type TargetJson = {
  id: number;
  phone: string;
  riskGrade: string;
  status: string;
  light: string;
  claimedBy: string | null;
  suspect: { id: number; kind: string; value: string } | null;
  [k: string]: unknown;
};

const rows = async <T>(p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  (await sqlAll(p.deps.db, sql, ...args)) as T[];
const one = async <T>(p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  (await sqlOne(p.deps.db, sql, ...args)) as T;

async function post(client: Awaited<ReturnType<typeof apiClient>>, path: string, json?: unknown) {
  const res = await client.call(path, json === undefined ? { method: "POST" } : { json });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
}

async function addTarget(
  p: TestPlatform,
  client: Awaited<ReturnType<typeof apiClient>>,
  phone: string,
  riskGrade: "high" | "medium" | "low",
  extra: object = {},
): Promise<TargetJson> {
  const r = await post(client, "/api/v1/targets", { phone, riskGrade, ...extra });
  if (r.status !== 201 && r.status !== 200) throw new Error(`add target: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.target;
}

describe("POST /api/v1/targets", () => {
  test("a new target is 201 with its phone normalised to E.164", async () => {
    const p = await testPlatform();
    const r = await post(await apiClient(p, "agent"), "/api/v1/targets", {
      phone: "+86 138-0013-8000",
      riskGrade: "high",
      name: "王芳",
      district: "江北区",
      age: 67,
      amountAtRisk: 5_000_000,
    });
    expect(r.status).toBe(201);
    expect(r.body.merged).toBe(false);
    expect(r.body.target).toMatchObject({
      id: expect.any(Number),
      phone: "+8613800138000",
      name: "王芳",
      district: "江北区",
      age: 67,
      riskGrade: "high",
      amountAtRisk: 5_000_000,
      status: "open",
      source: "feed",
      light: "green",
    });
  });

  test("a target for a phone with an open target merges into it with 200", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const first = await addTarget(p, api, "13800138000", "low");
    const r = await post(api, "/api/v1/targets", { phone: "１３８ 0013-8000", riskGrade: "high", name: "王芳" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ merged: true, target: { id: first.id, riskGrade: "high", name: "王芳" } });
    expect((await one<{ n: number }>(p, "select count(*) as n from targets")).n).toBe(1);
  });

  test("a closed target does not absorb a new report: the phone gets a new open target", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const first = await addTarget(p, api, "13800138000", "low");
    await post(api, "/api/v1/warnings", { targetId: first.id, channel: "manual_call", outcome: "dissuaded" });
    const r = await post(api, "/api/v1/targets", { phone: "13800138000", riskGrade: "medium" });
    expect(r.status).toBe(201);
    expect(r.body.target.id).not.toBe(first.id);
  });

  test("the suspect behind the reason is found or created through the suspects service", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const a = await addTarget(p, api, "13800138000", "high", {
      reason: "paying_to",
      suspectValue: "6222 0212 3456 7890 128",
    });
    const b = await addTarget(p, api, "13900139000", "high", { suspectValue: "6222-0212-3456-7890-128" });
    expect(a.suspect).toMatchObject({ kind: "bank_account", value: "6222021234567890128" });
    expect(b.suspect!.id).toBe(a.suspect!.id);
    expect(b.reason).toBe("paying_to");
    expect(
      (await one<{ sightings: number }>(p, "select sightings from suspects where id = ?", a.suspect!.id)).sightings,
    ).toBe(2);
  });

  test("a suspect number contacting the target is recorded as a phone suspect", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "medium", {
      reason: "contacted_by",
      suspectValue: "+86 170 1234 5678",
    });
    expect(t.suspect).toMatchObject({ kind: "phone", value: "+8617012345678" });
  });

  test("an unreadable phone is a 422 naming the field and why", async () => {
    const p = await testPlatform();
    const r = await post(await apiClient(p, "agent"), "/api/v1/targets", { phone: "138001", riskGrade: "high" });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("invalid_input");
    expect(r.body.error.issues).toEqual([
      { path: "phone", message: expect.stringContaining("not a valid phone number") },
    ]);
  });

  test("a single target with a bad grade reports that field, not the batch form", async () => {
    const p = await testPlatform();
    const r = await post(await apiClient(p, "agent"), "/api/v1/targets", { phone: "13800138000", riskGrade: "urgent" });
    expect(r.status).toBe(422);
    expect(r.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["riskGrade"]);
  });

  test("a batch answers in input order and an invalid entry gets its own error", async () => {
    const p = await testPlatform();
    const r = await post(await apiClient(p, "agent"), "/api/v1/targets", {
      targets: [
        { phone: "13800138000", riskGrade: "high" },
        { phone: "not a phone", riskGrade: "low" },
        { riskGrade: "low" },
        { phone: "13800138000", riskGrade: "low" },
        { phone: "13900139000", riskGrade: "medium" },
      ],
    });
    expect(r.status).toBe(200);
    const res = r.body.results;
    expect(res).toHaveLength(5);
    expect(res[0]).toMatchObject({ merged: false, target: { phone: "+8613800138000" } });
    expect(res[1].error).toMatchObject({ code: "invalid_input", issues: [{ path: "phone" }] });
    expect(res[2].error.issues[0].path).toBe("phone");
    expect(res[3]).toMatchObject({ merged: true, target: { id: res[0].target.id, riskGrade: "high" } });
    expect(res[4]).toMatchObject({ merged: false, target: { phone: "+8613900139000" } });
    expect((await one<{ n: number }>(p, "select count(*) as n from targets")).n).toBe(2);
  });

  test("a batch of more than 1000 is refused whole", async () => {
    const p = await testPlatform();
    const targets = Array.from({ length: 1001 }, (_, i) => ({
      phone: `138${String(i).padStart(8, "0")}`,
      riskGrade: "low",
    }));
    const r = await post(await apiClient(p, "agent"), "/api/v1/targets", { targets });
    expect(r.status).toBe(422);
    expect((await one<{ n: number }>(p, "select count(*) as n from targets")).n).toBe(0);
  });

  test("a bank token may not report targets", async () => {
    const p = await testPlatform();
    const r = await post(await apiClient(p, "bank", "ICBC"), "/api/v1/targets", {
      phone: "13800138000",
      riskGrade: "high",
    });
    expect(r.status).toBe(403);
  });

  test("creating and merging are audited", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "low");
    await addTarget(p, api, "13800138000", "high");
    const actions = (
      await rows<{ action: string }>(
        p,
        "select action from audit_log where entity = 'target' and entity_id = ? order by id",
        String(t.id),
      )
    ).map((r) => r.action);
    expect(actions).toEqual(["create", "merge"]);
  });
});

describe("POST /api/v1/targets/next", () => {
  test("hands out high before medium before low, then the longest waiting", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const low = await addTarget(p, api, "13800000001", "low");
    p.clock.advance(MIN);
    const medium = await addTarget(p, api, "13800000002", "medium");
    p.clock.advance(MIN);
    const high2 = await addTarget(p, api, "13800000003", "high");
    p.clock.advance(MIN);
    const high3 = await addTarget(p, api, "13800000004", "high");
    const order: number[] = [];
    for (let i = 0; i < 4; i++) order.push((await post(api, "/api/v1/targets/next")).body.target.id);
    expect(order).toEqual([high2.id, high3.id, medium.id, low.id]);
  });

  test("the claimed target carries who holds it and until when", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800138000", "high");
    const r = await post(api, "/api/v1/targets/next");
    expect(r.status).toBe(200);
    expect(r.body.target.claimedBy).toMatch(/^token:/);
    expect(Date.parse(r.body.target.leaseExpiresAt)).toBe(p.clock.now() + p.config.queueLeaseMs);
  });

  test("answers 204 when nothing is waiting", async () => {
    const p = await testPlatform();
    const r = await (await apiClient(p, "agent")).call("/api/v1/targets/next", { method: "POST" });
    expect(r.status).toBe(204);
    expect(await r.text()).toBe("");
  });

  test("a target another agent holds is not handed out", async () => {
    const p = await testPlatform();
    const a = await apiClient(p, "agent");
    const b = await apiClient(p, "agent");
    await addTarget(p, a, "13800138000", "high");
    expect((await post(a, "/api/v1/targets/next")).status).toBe(200);
    expect((await post(b, "/api/v1/targets/next")).status).toBe(204);
  });

  test("a lease that lapses puts the target back at its place in the queue", async () => {
    const p = await testPlatform();
    const a = await apiClient(p, "agent");
    const b = await apiClient(p, "agent");
    const t = await addTarget(p, a, "13800138000", "high");
    await post(a, "/api/v1/targets/next");
    p.clock.advance(p.config.queueLeaseMs - 1);
    expect((await post(b, "/api/v1/targets/next")).status).toBe(204);
    p.clock.advance(1);
    const r = await post(b, "/api/v1/targets/next");
    expect(r.status).toBe(200);
    expect(r.body.target.id).toBe(t.id);
  });

  test("the queue page shows a lapsed lease as waiting without clearing it; the sweep job clears it", async () => {
    const p = await testPlatform();
    const a = await apiClient(p, "agent");
    const t = await addTarget(p, a, "13800138000", "high", { name: "王高" });
    await post(a, "/api/v1/targets/next");
    p.clock.advance(p.config.queueLeaseMs);
    const html = await (await (await signIn(p, "agent")).request("/targets")).text();
    expect(/data-testid="queue">[\s\S]*?<\/table>/.exec(html)![0]).toContain("王高");
    expect(html).toMatch(/data-testid="count-held"><div class="n">0</);
    expect(html).toMatch(/data-testid="count-high"><div class="n">1</);
    // the GET wrote nothing: the lapsed lease is still on the row
    const lease = async () =>
      (await one<{ lease_expires_at: number | null }>(p, "select lease_expires_at from targets where id = ?", t.id))
        .lease_expires_at;
    expect(await lease()).not.toBeNull();
    await JOBS.find((j) => j.name === "targets.sweep")!.run(p.deps, p.clock.now());
    expect(await lease()).toBeNull();
  });

  test("many agents asking at once never get the same target", async () => {
    const p = await testPlatform();
    const feed = await apiClient(p, "agent");
    const targets = Array.from({ length: 60 }, (_, i) => ({
      phone: `138${String(i).padStart(8, "0")}`,
      riskGrade: (["high", "medium", "low"] as const)[i % 3],
    }));
    await post(feed, "/api/v1/targets", { targets });
    const agents: Awaited<ReturnType<typeof apiClient>>[] = [];
    for (let i = 0; i < 20; i++) agents.push(await apiClient(p, "agent"));
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(agents[i % agents.length]!, "/api/v1/targets/next")),
    );
    const ids = answers.filter((a) => a.status === 200).map((a) => a.body.target.id as number);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(answers.filter((a) => a.status === 204)).toHaveLength(40);
    expect(
      (await one<{ n: number }>(p, "select count(*) as n from targets where lease_expires_at > ?", p.clock.now())).n,
    ).toBe(60);
  });

  test("the claim walks the queue index rather than sorting", async () => {
    const p = await testPlatform();
    const claim = claimNextSql(p.deps.db);
    // each engine says its plan in its own words: SQLite sorts in a "TEMP B-TREE", PostgreSQL in a "Sort"
    const pg = engineFromEnv() === "postgres";
    const plan = (
      (await sqlAll(
        p.deps.db,
        `${pg ? "explain" : "explain query plan"} ${claim.sql}`,
        ...(claim.params as SQLQueryBindings[]),
      )) as { detail?: string; "QUERY PLAN"?: string }[]
    )
      .map((r) => r.detail ?? r["QUERY PLAN"])
      .join("\n");
    expect(plan).toContain("targets_queue_free_idx");
    expect(plan).not.toContain(pg ? "Sort" : "TEMP B-TREE");
  });

  test("the stored queue rank follows the grades' order", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    for (const [phone, grade] of [
      ["13800000001", "low"],
      ["13800000002", "high"],
      ["13800000003", "medium"],
    ] as const)
      await addTarget(p, api, phone, grade);
    expect(
      await rows<{ risk_grade: string; queue_rank: number }>(
        p,
        "select risk_grade, queue_rank from targets order by queue_rank",
      ),
    ).toEqual([
      { risk_grade: "high", queue_rank: 0 },
      { risk_grade: "medium", queue_rank: 1 },
      { risk_grade: "low", queue_rank: 2 },
    ]);
  });

  test("each claim is audited", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/targets/next");
    expect(
      await rows(
        p,
        "select 1 from audit_log where entity = 'target' and entity_id = ? and action = 'claim'",
        String(t.id),
      ),
    ).toHaveLength(1);
  });
});

describe("POST /api/v1/warnings", () => {
  test("a call without an outcome goes to the local outbox when Twilio is not configured", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const r = await post(api, "/api/v1/warnings", { targetId: t.id, channel: "call" });
    expect(r.status).toBe(201);
    expect(r.body.warning).toMatchObject({
      targetId: t.id,
      channel: "call",
      outcome: null,
      provider: "outbox",
      providerStatus: "queued",
      providerSid: expect.stringMatching(/^OB/),
    });
    const msg = await one<{ warning_id: number; body: string }>(p, "select warning_id, body from telephony_messages");
    expect(msg.warning_id).toBe(r.body.warning.id);
    expect(msg.body).toContain('<Say language="cmn-CN"');
  });

  test("a repeated Idempotency-Key returns the first warning and places no second call", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const send = () =>
      api.call("/api/v1/warnings", {
        json: { targetId: t.id, channel: "call" },
        headers: { "Idempotency-Key": "call-1" },
      });
    const first = (await (await send()).json()) as { warning: { id: number } };
    const again = (await (await send()).json()) as { warning: { id: number } };
    expect(again.warning.id).toBe(first.warning.id);
    expect(await rows(p, "select 1 from telephony_messages")).toHaveLength(1);
  });

  test("the warning row exists before telephony is asked: the outbox entry names it", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const r = await post(api, "/api/v1/warnings", { targetId: t.id, channel: "sms", message: "请勿转账" });
    const line = JSON.parse((await Bun.file(`${p.config.outboxDir}/outbox.jsonl`).text()).trim());
    expect(line).toMatchObject({
      warningId: r.body.warning.id,
      channel: "sms",
      body: "请勿转账",
      statusCallback: `http://localhost/webhooks/twilio/message-status?warning=${r.body.warning.id}`,
    });
  });

  test("a contact with outcome dissuaded closes the target and it leaves the queue", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const r = await post(api, "/api/v1/warnings", {
      targetId: t.id,
      channel: "manual_call",
      outcome: "dissuaded",
      note: "已劝阻",
    });
    expect(r.status).toBe(201);
    expect(r.body.warning).toMatchObject({ outcome: "dissuaded", note: "已劝阻" });
    expect(
      await one<{ status: string; outcome: string }>(p, "select status, outcome from targets where id = ?", t.id),
    ).toEqual({ status: "closed", outcome: "dissuaded" });
    expect((await post(api, "/api/v1/targets/next")).status).toBe(204);
  });

  test("unreachable puts the target back in the queue 15 minutes later", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/targets/next");
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "manual_call", outcome: "unreachable" });
    expect((await one<{ status: string }>(p, "select status from targets where id = ?", t.id)).status).toBe("open");
    p.clock.advance(15 * MIN - 1);
    expect((await post(api, "/api/v1/targets/next")).status).toBe(204);
    p.clock.advance(1);
    expect((await post(api, "/api/v1/targets/next")).body.target.id).toBe(t.id);
  });

  test("already paid opens a case with the suspect and a draft stop-payment to its bank", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high", {
      name: "王芳",
      district: "江北区",
      suspectValue: "6222021234567890128",
      amountAtRisk: 2_000_000,
    });
    const r = await post(api, "/api/v1/warnings", {
      targetId: t.id,
      channel: "manual_call",
      outcome: "already_paid",
      paidAmount: 1_500_000,
      fraudType: "fake_investment",
    });
    expect(r.status).toBe(201);
    const { caseId, stopPaymentId } = r.body.warning;
    expect(caseId).toEqual(expect.any(Number));
    expect(
      await one(p, "select victim_name, victim_phone, district, fraud_type, loss_fen from cases where id = ?", caseId),
    ).toEqual({
      victim_name: "王芳",
      victim_phone: "+8613800138000",
      district: "江北区",
      fraud_type: "fake_investment",
      loss_fen: 1_500_000,
    });
    expect(
      (
        await one<{ n: number }>(
          p,
          "select count(*) as n from case_suspects where case_id = ? and suspect_id = ?",
          caseId,
          t.suspect!.id,
        )
      ).n,
    ).toBe(1);
    const req = await one<{ kind: string; status: string; code: string; case_id: number; amount_fen: number }>(
      p,
      "select r.kind, r.status, i.code, r.case_id, r.amount_fen from requests r join institutions i on i.id = r.institution_id where r.id = ?",
      stopPaymentId,
    );
    expect(req).toEqual({
      kind: "stop_payment",
      status: "draft",
      code: "ICBC",
      case_id: caseId,
      amount_fen: 1_500_000,
    });
    expect(await one(p, "select status, outcome, case_id from targets where id = ?", t.id)).toEqual({
      status: "closed",
      outcome: "already_paid",
      case_id: caseId,
    });
  });

  test("already paid with no account known opens the case and says what is missing", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high", { suspectValue: "+86 170 1234 5678" });
    const r = await post(api, "/api/v1/warnings", { targetId: t.id, channel: "manual_call", outcome: "already_paid" });
    expect(r.body.warning).toMatchObject({
      caseId: expect.any(Number),
      stopPaymentId: null,
      problem: expect.stringContaining("No bank account"),
    });
  });

  test("a target another agent holds is a 409 and nothing is recorded", async () => {
    const p = await testPlatform();
    const a = await apiClient(p, "agent");
    const t = await addTarget(p, a, "13800138000", "high");
    await post(a, "/api/v1/targets/next");
    const r = await post(await apiClient(p, "agent"), "/api/v1/warnings", { targetId: t.id, channel: "call" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("claimed");
    expect((await one<{ n: number }>(p, "select count(*) as n from warnings")).n).toBe(0);
  });

  test("a closed target takes no new contact", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "manual_call", outcome: "wrong_number" });
    expect((await post(api, "/api/v1/warnings", { targetId: t.id, channel: "sms" })).status).toBe(409);
  });

  test("an unknown target is a 404", async () => {
    const p = await testPlatform();
    expect(
      (await post(await apiClient(p, "agent"), "/api/v1/warnings", { targetId: 999, channel: "sms" })).status,
    ).toBe(404);
  });

  test("a visit needs someone to go", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const r = await post(api, "/api/v1/warnings", { targetId: t.id, channel: "visit" });
    expect(r.status).toBe(422);
    expect(r.body.error.issues[0].path).toBe("assignee");
  });

  test("a dispatched visit keeps the target out of the queue until two hours after the visit", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const at = new Date(p.clock.now() + 30 * MIN).toISOString();
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "visit", assignee: "城关派出所", scheduledAt: at });
    p.clock.advance(30 * MIN + 2 * 60 * MIN - 1);
    expect((await post(api, "/api/v1/targets/next")).status).toBe(204);
    p.clock.advance(1);
    expect((await post(api, "/api/v1/targets/next")).body.target.id).toBe(t.id);
  });

  test("the outcome of a placed call is recorded once", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    const w = (await post(api, "/api/v1/warnings", { targetId: t.id, channel: "call" })).body.warning;
    const r = await post(api, `/api/v1/warnings/${w.id}/outcome`, { outcome: "not_at_risk" });
    expect(r.status).toBe(200);
    expect(r.body.warning.outcome).toBe("not_at_risk");
    expect((await post(api, `/api/v1/warnings/${w.id}/outcome`, { outcome: "dissuaded" })).status).toBe(409);
  });

  test("a publicity token may not record warnings", async () => {
    const p = await testPlatform();
    expect(
      (await post(await apiClient(p, "publicity"), "/api/v1/warnings", { targetId: 1, channel: "sms" })).status,
    ).toBe(403);
  });
});

describe("queue and target pages", () => {
  test("the queue lists open targets in queue order with their traffic lights", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800000001", "low", { name: "李低" });
    await addTarget(p, api, "13800000002", "high", { name: "王高" });
    p.clock.advance(8 * MIN);
    const html = await (await (await signIn(p, "agent")).request("/targets")).text();
    expect(html.indexOf("王高")).toBeLessThan(html.indexOf("李低"));
    expect(html).toContain('class="light yellow"');
    expect(html).toContain('class="light green"');
  });

  test("a supervisor sees the overdue targets, most overdue first, in red", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800000001", "high", { name: "甲" });
    await addTarget(p, api, "13800000002", "low", { name: "乙" });
    p.clock.advance(11 * MIN);
    const res = await (await signIn(p, "supervisor")).request("/targets?overdue=1");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("甲");
    expect(html).not.toContain("乙");
    expect(html).toContain('class="light red"');
    expect(html).toMatch(/data-testid="count-overdue"><div class="n"><span class="bad">1<\/span>/);
  });

  test("take next on the page claims the most urgent target and opens it", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800000001", "low");
    const high = await addTarget(p, api, "13800000002", "high");
    const agent = await signIn(p, "agent");
    const res = await agent.request("/targets/next", { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/targets/${high.id}`);
    expect(
      (await one<{ claimed_by: number }>(p, "select claimed_by from targets where id = ?", high.id)).claimed_by,
    ).toBe(agent.userId);
  });

  test("take next with nothing waiting says so", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    const res = await agent.request("/targets/next", { form: {} });
    expect(res.headers.get("location")).toBe("/targets?none=1");
    expect(await (await agent.request("/targets?none=1")).text()).toContain('data-testid="nothing-waiting"');
  });

  test("every view of a target's page is audited", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}`);
    await agent.request(`/targets/${t.id}`);
    expect(
      await rows(
        p,
        "select 1 from audit_log where entity = 'target' and entity_id = ? and action = 'view' and actor = ?",
        String(t.id),
        agent.username,
      ),
    ).toHaveLength(2);
  });

  test("an invalid new-target form is shown again with the error and what was typed", async () => {
    const p = await testPlatform();
    const res = await (await signIn(p, "agent")).request("/targets", {
      form: { phone: "12345", riskGrade: "high", name: "赵六" },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("电话: 不是有效的电话号码：位数太少");
    expect(html).not.toContain("not a valid phone number");
    expect(html).toContain('value="赵六"');
    expect((await one<{ n: number }>(p, "select count(*) as n from targets")).n).toBe(0);
  });

  test("a target entered on the page opens its page", async () => {
    const p = await testPlatform();
    const res = await (await signIn(p, "agent")).request("/targets", {
      form: { phone: "138 0013 8000", riskGrade: "medium", amountAtRisk: "3,000.50" },
    });
    expect(res.status).toBe(303);
    const t = await one<{ id: number; amount_at_risk_fen: number; source: string }>(
      p,
      "select id, amount_at_risk_fen, source from targets",
    );
    expect(res.headers.get("location")).toBe(`/targets/${t.id}?created=1`);
    expect(t).toMatchObject({ amount_at_risk_fen: 300_050, source: "manual" });
  });

  test("a warning call from the page is placed and shown with its status", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    expect((await agent.request(`/targets/${t.id}/contacts`, { form: { channel: "call" } })).status).toBe(303);
    const html = await (await agent.request(`/targets/${t.id}`)).text();
    // the status in words (issue 13), its code kept in data-status
    expect(html).toMatch(
      /data-testid="provider-status-\d+"><span class="pill" data-status="queued" data-testid="call-status">排队中<\/span>/,
    );
    expect(html).toContain("未发送（本地发件箱）");
  });

  test("a double click on the call button places one call", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    const page = await (await agent.request(`/targets/${t.id}`)).text();
    const nonce = /name="channel" value="call"\/><input type="hidden" name="nonce" value="([^"]+)"/.exec(page)![1]!;
    for (let i = 0; i < 2; i++)
      expect((await agent.request(`/targets/${t.id}/contacts`, { form: { channel: "call", nonce } })).status).toBe(303);
    expect(await rows(p, "select 1 from warnings where target_id = ?", t.id)).toHaveLength(1);
    expect(await rows(p, "select 1 from telephony_messages")).toHaveLength(1);
  });

  test("a call connecting the agent's own phone dials it", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}/contacts`, { form: { channel: "call", connectTo: "139 0013 9000" } });
    expect((await one<{ body: string }>(p, "select body from telephony_messages")).body).toContain(
      "<Dial>+8613900139000</Dial>",
    );
  });

  test("an unreadable phone to connect is shown on the page by its label, kept as typed, and nothing is placed", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const res = await (await signIn(p, "agent")).request(`/targets/${t.id}/contacts`, {
      form: { channel: "call", connectTo: "abc" },
    });
    expect(res.status).toBe(422);
    // the field by its label, never its name in the code
    const html = await res.text();
    expect(html).toContain("我的电话: 不是有效的电话号码：含有字母");
    expect(html).not.toContain("connectTo:");
    expect(html).toContain('name="connectTo" type="tel" value="abc"'); // kept as typed
    expect((await one<{ n: number }>(p, "select count(*) as n from warnings")).n).toBe(0);
  });

  test("the holder's open page renews the lease, so the target is not handed to another agent", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request("/targets/next", { form: {} });
    expect(await (await agent.request(`/targets/${t.id}`)).text()).toContain(`hx-post="/targets/${t.id}/renew"`);
    p.clock.advance(p.config.queueLeaseMs - MIN);
    expect((await agent.request(`/targets/${t.id}/renew`, { method: "POST", htmx: true })).status).toBe(204);
    p.clock.advance(2 * MIN);
    expect((await post(await apiClient(p, "agent"), "/api/v1/targets/next")).status).toBe(204);
  });

  test("a target held by another agent shows who holds it and offers no contact", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800138000", "high");
    const t = (await post(api, "/api/v1/targets/next")).body.target;
    const html = await (await (await signIn(p, "agent")).request(`/targets/${t.id}`)).text();
    expect(html).toContain(t.claimedBy);
    expect(html).not.toContain('data-testid="contact"');
  });

  test("a contact refused because another agent holds the target says so in the reader's language", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    await addTarget(p, api, "13800138000", "high");
    const t = (await post(api, "/api/v1/targets/next")).body.target;
    const agent = await signIn(p, "agent");
    const zh = await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "manual_call", outcome: "dissuaded" },
    });
    expect(zh.status).toBe(409);
    expect(await zh.text()).toContain(`${t.claimedBy} 正在处理此对象（#${t.id}）`);
    const en = await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "manual_call", outcome: "dissuaded" },
      headers: { Cookie: "fz_lang=en" },
    });
    expect(await en.text()).toContain(`Target ${t.id} is being worked by ${t.claimedBy}`);
  });

  test("an outcome with a follow-up review schedules it, and the review is recorded", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "manual_call", outcome: "dissuaded", followUpAt: "2026-11-23T10:00" },
    });
    const f = await one<{ id: number; due_at: number; done_at: number | null }>(
      p,
      "select id, due_at, done_at from follow_ups where target_id = ?",
      t.id,
    );
    expect(f.due_at).toBe(Date.parse("2026-11-23T10:00:00+08:00"));
    expect(await (await agent.request("/targets")).text()).toContain(
      'data-testid="follow-ups-due"><h2 style="margin-top:0">待复核回访</h2><table>',
    );
    const res = await agent.request(`/targets/follow-ups/${f.id}`, { form: { outcome: "safe", note: "家属确认" } });
    expect(res.status).toBe(303);
    expect(await one(p, "select outcome, note from follow_ups where id = ?", f.id)).toEqual({
      outcome: "safe",
      note: "家属确认",
    });
  });

  test("submitting the follow-up form twice schedules one follow-up", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}/contacts`, { form: { channel: "manual_call", outcome: "dissuaded" } });
    const page = await (await agent.request(`/targets/${t.id}`)).text();
    const nonce = new RegExp(`action="/targets/${t.id}/follow-ups"[^>]*>.*?name="nonce" value="([^"]+)"`, "s").exec(
      page,
    )![1]!;
    for (let i = 0; i < 2; i++)
      expect(
        (await agent.request(`/targets/${t.id}/follow-ups`, { form: { dueAt: "2026-11-23T10:00", note: "", nonce } }))
          .status,
      ).toBe(303);
    expect((await one<{ n: number }>(p, "select count(*) as n from follow_ups where target_id = ?", t.id)).n).toBe(1);
  });

  test("a visit dispatched from the page waits in the visits list until reported", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "visit", assigneeKind: "grid_worker", assignee: "刘网格", scheduledAt: "2026-11-21T11:00" },
    });
    const visits = async () =>
      /data-testid="visits-pending">[\s\S]*?<\/section>/.exec(await (await agent.request("/targets")).text())![0];
    expect(await visits()).toContain("网格员 刘网格");
    const w = await one<{ id: number }>(p, "select id from warnings where channel = 'visit'");
    expect((await agent.request(`/targets/warnings/${w.id}/outcome`, { form: { outcome: "dissuaded" } })).status).toBe(
      303,
    );
    expect(await visits()).not.toContain("刘网格");
  });

  test("a refused outcome keeps the note and amount as typed, its error next to the amount", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "visit", assigneeKind: "grid_worker", assignee: "刘网格", scheduledAt: "2026-11-21T11:00" },
    });
    const w = await one<{ id: number }>(p, "select id from warnings where channel = 'visit'");
    const res = await agent.request(`/targets/warnings/${w.id}/outcome`, {
      form: { outcome: "already_paid", note: "家属说已转账", paidAmount: "一万", paidTo: "6222020200112233445" },
    });
    expect(res.status).toBe(422);
    const form = new RegExp(`data-testid="outcome-form-${w.id}"[\\s\\S]*?</form>`).exec(await res.text())![0];
    expect(form).toContain('name="note" maxlength="1000" value="家属说已转账"');
    expect(form).toMatch(/name="paidAmount"[^>]*value="一万"[^>]*\/>\s*<span class="field-error">/);
    expect(form).toContain('value="6222020200112233445"');
    expect(form).toContain('<option value="already_paid" selected="">');
    expect(
      (await one<{ outcome: string | null }>(p, "select outcome from warnings where id = ?", w.id)).outcome,
    ).toBeNull();
  });

  test("a manual call refused for want of its outcome keeps the note as typed", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/targets/${t.id}/contacts`, {
      form: { channel: "manual_call", outcome: "", note: "用座机打通了" },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('value="用座机打通了"');
    expect(html).toMatch(/name="outcome" required="">[\s\S]*?<\/select>\s*<span class="field-error">/);
    expect((await one<{ n: number }>(p, "select count(*) as n from warnings")).n).toBe(0);
  });

  test("a refused follow-up keeps its note as typed, its error next to the time", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/targets/${t.id}/follow-ups`, {
      form: { dueAt: "明天", note: "明早再打", nonce: crypto.randomUUID() },
    });
    expect(res.status).toBe(422);
    const form = /data-testid="follow-up-form"[\s\S]*?<\/form>/.exec(await res.text())![0];
    expect(form).toContain('value="明早再打"');
    expect(form).toMatch(/name="dueAt"[^>]*value="明天"[^>]*\/>\s*<span class="field-error">/);
    expect((await one<{ n: number }>(p, "select count(*) as n from follow_ups")).n).toBe(0);
  });

  test("a refused visit keeps the assignee and note as typed, its error next to the time", async () => {
    const p = await testPlatform();
    const t = await addTarget(p, await apiClient(p, "agent"), "13800138000", "high");
    const agent = await signIn(p, "agent");
    const res = await agent.request(`/targets/${t.id}/contacts`, {
      form: {
        channel: "visit",
        assigneeKind: "grid_worker",
        assignee: "刘网格",
        scheduledAt: "下午",
        note: "带上宣传册",
      },
    });
    expect(res.status).toBe(422);
    const form = /data-testid="visit-form"[\s\S]*?<\/form>/.exec(await res.text())![0];
    expect(form).toContain('value="刘网格"');
    expect(form).toContain('value="带上宣传册"');
    expect(form).toContain('<option value="grid_worker" selected="">');
    expect(form).toMatch(/name="scheduledAt"[^>]*value="下午"[^>]*\/>\s*<span class="field-error">/);
    expect((await one<{ n: number }>(p, "select count(*) as n from warnings")).n).toBe(0);
  });

  test("the target's timeline shows every contact", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "sms" });
    p.clock.advance(MIN);
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "manual_call", outcome: "refused" });
    const html = await (await (await signIn(p, "agent")).request(`/targets/${t.id}`)).text();
    const timeline = /<ol data-testid="timeline">[\s\S]*?<\/ol>/.exec(html)![0];
    expect(timeline).toContain("短信");
    expect(timeline).toContain("人工电话 · 拒绝沟通");
    expect(timeline).toContain("办结：拒绝沟通");
  });

  test("publicity staff cannot open the queue", async () => {
    const p = await testPlatform();
    expect((await (await signIn(p, "publicity")).request("/targets")).status).toBe(403);
  });
});

describe("the outbox screen", () => {
  test("lists what would have been sent, clearly marked as not sent", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "sms", message: "请勿向陌生账户转账" });
    const html = await (await (await signIn(p, "agent")).request("/outbox")).text();
    expect(html).toContain('data-testid="outbox-banner"');
    expect(html).toContain('data-testid="not-sent"');
    expect(html).toContain("请勿向陌生账户转账");
    expect(html).toContain("138 0013 8000");
  });

  test("each view of the outbox is audited", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    await agent.request("/outbox");
    expect(
      await rows(
        p,
        "select 1 from audit_log where entity = 'outbox' and action = 'view' and actor = ?",
        agent.username,
      ),
    ).toHaveLength(1);
  });

  test("an administrator sees the outbox with phone numbers masked", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const t = await addTarget(p, api, "13800138000", "high");
    await post(api, "/api/v1/warnings", { targetId: t.id, channel: "call" });
    const html = await (await (await signIn(p, "admin")).request("/outbox")).text();
    expect(html).toContain("138****8000");
    expect(html).not.toContain("138 0013 8000");
  });
});

describe("file import of targets", () => {
  const CSV = [
    "电话,风险等级,姓名,辖区,预警原因,涉诈号码/账户,涉险金额",
    "138 0013 8000,高,王芳,江北区,转账,6222021234567890128,50000",
    "13900139000,中危,李明,,被联系,+86 170 1234 5678,",
    "12345,高,坏号码,,,,",
    "13700137000,紧急,等级不明,,,,",
    "+86 138-0013-8000,低,,,,,",
  ].join("\n");

  async function upload(p: TestPlatform, csv: string) {
    const agent = await signIn(p, "agent");
    const body = new FormData();
    body.append("file", new File([csv], "targets.csv", { type: "text/csv" }));
    const res = await agent.request("/imports/targets", { method: "POST", body });
    expect(res.status).toBe(303);
    const id = Number(/\/imports\/(\d+)/.exec(res.headers.get("location")!)![1]);
    await whenSettled(p.deps, id);
    return await one<{ status: string; total_rows: number; imported: number; merged: number; rejected: number }>(
      p,
      "select status, total_rows, imported, merged, rejected from imports where id = ?",
      id,
    );
  }

  test("every row is imported, merged or rejected with its reason", async () => {
    const p = await testPlatform();
    expect(await upload(p, CSV)).toEqual({ status: "done", total_rows: 5, imported: 2, merged: 1, rejected: 2 });
    const reasons = await rows<{ line: number; reason: string }>(
      p,
      "select line, reason from import_rejections order by line",
    );
    expect(reasons.map((r) => r.line)).toEqual([4, 5]);
    expect(reasons[0]!.reason).toContain("not a valid phone number");
    expect(reasons[1]!.reason).toContain("紧急");
  });

  test("the import report gives a rejected row's reason in the reader's language", async () => {
    const p = await testPlatform();
    await upload(p, CSV);
    const id = (await one<{ id: number }>(p, "select id from imports")).id;
    const agent = await signIn(p, "agent");
    const page = (await (await agent.request(`/imports/${id}`)).text()).replace(/<[^>]+>/g, " ");
    expect(page).toContain("不是有效的电话号码");
    expect(page).toContain("无法识别的风险等级“紧急”");
  });

  test("a row refused for its suspect value names the suspect column, in the reader's language", async () => {
    const p = await testPlatform();
    await upload(p, ["电话,风险等级,预警原因,涉诈号码/账户", "13600136000,高,转账,6222 0"].join("\n"));
    const id = (await one<{ id: number }>(p, "select id from imports")).id;
    expect((await one<{ reason: string }>(p, "select reason from import_rejections")).reason).toBe(
      "suspect: not a valid bank account: too short (5 digits, need 12–30)",
    );
    const page = (await (await (await signIn(p, "agent")).request(`/imports/${id}`)).text()).replace(/<[^>]+>/g, " ");
    expect(page).toContain("涉诈号码/账户：不是有效的银行账号：位数太少（5 位，应为 12–30 位）");
  });

  test("imported targets join the queue with their suspects, and a repeat phone merges", async () => {
    const p = await testPlatform();
    await upload(p, CSV);
    const t = await one<{
      source: string;
      risk_grade: string;
      reason: string;
      amount_at_risk_fen: number;
      value: string;
    }>(
      p,
      "select t.source, t.risk_grade, t.reason, t.amount_at_risk_fen, s.value from targets t join suspects s on s.id = t.suspect_id where t.phone = '+8613800138000'",
    );
    expect(t).toEqual({
      source: "import",
      risk_grade: "high",
      reason: "paying_to",
      amount_at_risk_fen: 5_000_000,
      value: "6222021234567890128",
    });
    expect(await rows(p, "select 1 from audit_log where entity = 'target' and action = 'merge'")).toHaveLength(1);
  });

  test("importing the same file again changes nothing", async () => {
    const p = await testPlatform();
    await upload(p, CSV);
    const before = (await one<{ n: number }>(p, "select count(*) as n from audit_log where entity = 'target'")).n;
    await upload(p, CSV);
    expect((await one<{ n: number }>(p, "select count(*) as n from targets")).n).toBe(2);
    expect((await one<{ n: number }>(p, "select count(*) as n from audit_log where entity = 'target'")).n).toBe(before);
  });
});
