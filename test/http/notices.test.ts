import { describe, expect, test } from "bun:test";
import { apiClient, signIn, testPlatform, type TestPlatform } from "../helpers";

const ICBC_CARD = "6222020200112233445";
const CMCC_PHONE = "13800138000";
type Json = Record<string, any>;

function makeCase(p: TestPlatform, createdBy: number | null = null): number {
  const now = p.clock.now();
  return (
    p.deps.db.$client
      .query(`insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_by, created_at, updated_at) values (?, '朝阳区', 'fake_investment', 30000000, '王小明', 'received', ?, ?, ?) returning id`)
      .get(now, createdBy, now, now) as { id: number }
  ).id;
}

async function setup(env: Record<string, string> = {}) {
  const p = testPlatform(env);
  const caseId = makeCase(p);
  const agent = apiClient(p, "agent");
  const icbc = apiClient(p, "bank", "ICBC");
  const create = async (body: Json) => ((await (await agent.call("/api/v1/requests", { json: { caseId, ...body } })).json()) as Json).request as Json;
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
    const sent = await Promise.all(Array.from({ length: 20 }, () => create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })));
    const seqs = sent.map((r) => Number(/第(\d{6})号/.exec(r.documentNo)![1])).sort((x, y) => x - y);
    expect(new Set(sent.map((r) => r.documentNo)).size).toBe(20);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test("the numbering starts again at 1 in a new year (Shanghai time)", async () => {
    const { p, create } = await setup();
    expect((await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })).documentNo).toContain("〔2026〕第000001号");
    p.clock.t = Date.parse("2026-12-31T16:00:00Z"); // 1 January 2027, 00:00 in Shanghai
    expect((await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100 })).documentNo).toContain("止字〔2027〕第000001号");
  });

  test("a draft takes no number; sending it does", async () => {
    const { p, create } = await setup();
    const d = await create({ kind: "stop_payment", value: ICBC_CARD, amount: 100, draft: true });
    expect(d.documentNo).toBeNull();
    const agent = await signIn(p, "agent");
    await agent.request(`/requests/${d.id}/send`, { form: {} });
    const row = p.deps.db.$client.query(`select document_no as no from instructions where request_id = ?`).get(d.id) as { no: string };
    expect(row.no).toContain("止字〔2026〕第000001号");
  });
});
