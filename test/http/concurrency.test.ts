// Many callers at once, on either engine: one transaction per change, nothing made twice, no
// answer lost or counted twice (SQLite runs them one at a time; PostgreSQL under row and
// advisory locks).
import { describe, expect, test } from "bun:test";
import { apiClient, sqlAll, sqlOne, testPlatform } from "../helpers";

const CASE = {
  receivedAt: "2026-11-21T09:30:00+08:00",
  district: "南山区",
  fraudType: "fake_investment",
  loss: 1_234_567,
  victim: { name: "张三丰", phone: "139 0013 9000", idNumber: "11010519491231002X", age: 67 },
  suspects: [{ kind: "bank_account", value: "6222 0212 3456 7890 128" }],
};

describe("twenty at once", () => {
  test("20 requests with the same Idempotency-Key make one case, and all 20 answer with it", async () => {
    const p = await testPlatform();
    const agent = await apiClient(p, "agent");
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        agent.call("/api/v1/cases", { json: CASE, headers: { "Idempotency-Key": "intake-20" } }),
      ),
    );
    expect(answers.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    const ids = new Set(
      await Promise.all(answers.map(async (r) => ((await r.json()) as { case: { id: number } }).case.id)),
    );
    expect(ids.size).toBe(1);
    expect(await sqlOne(p.deps.db, "select count(*) as n from cases")).toEqual({ n: 1 });
  });

  test("20 answers at once to one request: one confirmation is recorded, the others are refused", async () => {
    const p = await testPlatform();
    const agent = await apiClient(p, "agent");
    const made = await agent.call("/api/v1/cases", { json: CASE });
    const caseId = ((await made.json()) as { case: { id: number } }).case.id;
    const sent = await agent.call("/api/v1/requests", {
      json: { caseId, kind: "stop_payment", value: "6222 0202 0011 2233 445", amount: 500_000 },
    });
    const requestId = ((await sent.json()) as { request: { id: number } }).request.id;
    const banks = await Promise.all(Array.from({ length: 20 }, () => apiClient(p, "bank", "ICBC")));
    const answers = await Promise.all(
      banks.map((b) =>
        b.call(`/api/v1/requests/${requestId}/responses`, {
          json: { action: "confirm", amount: 300_000, balance: 300_000 },
        }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    const confirms = await sqlAll(
      p.deps.db,
      "select id from responses where request_id = ? and action = 'confirm'",
      requestId,
    );
    expect(confirms).toHaveLength(1);
    expect(await sqlOne(p.deps.db, "select status, done_amount_fen from requests where id = ?", requestId)).toEqual({
      status: "completed",
      done_amount_fen: 300_000,
    });
  });

  test("20 reports at once of one known suspect are all counted: no report overwrites another", async () => {
    const p = await testPlatform();
    const agent = await apiClient(p, "agent");
    expect((await agent.call("/api/v1/suspects", { json: { value: "13800138000" } })).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        agent.call("/api/v1/suspects", { json: { value: "13800138000", source: `report-${i}` } }),
      ),
    );
    expect(answers.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    expect(await sqlOne(p.deps.db, "select sightings from suspects")).toEqual({
      sightings: 21,
    });
  });
});
