import { describe, expect, test } from "bun:test";
import { recordAudit } from "../../src/audit/service";
import { transaction } from "../../src/db";
import { signIn, sqlOne, sqlRun, testPlatform } from "../helpers";

const count = async (p: Awaited<ReturnType<typeof testPlatform>>) =>
  ((await sqlOne(p.deps.db, "select count(*) as n from audit_log")) as { n: number }).n;
const system = { actor: null, ip: null, at: Date.parse("2026-11-21T02:00:00Z"), label: "system:test" };

describe("audit log", () => {
  test("an audit entry written in a transaction that fails is rolled back with the change", async () => {
    const p = await testPlatform();
    await expect(
      (async () =>
        await transaction(p.deps.db, async (tx) => {
          await recordAudit(tx, system, { action: "create", entity: "case", entityId: 1 });
          throw new Error("the change failed");
        }))(),
    ).rejects.toThrow("the change failed");
    expect(await count(p)).toBe(0);
  });

  test("the database refuses to change or delete an audit entry", async () => {
    const p = await testPlatform();
    await recordAudit(p.deps.db, system, { action: "create", entity: "case", entityId: 1 });
    expect(async () => await sqlRun(p.deps.db, "update audit_log set actor = 'someone else'")).toThrow(/append-only/);
    expect(async () => await sqlRun(p.deps.db, "delete from audit_log")).toThrow(/append-only/);
    expect(await count(p)).toBe(1);
  });

  test("a system entry names the part of the system that acted", async () => {
    const p = await testPlatform();
    await recordAudit(p.deps.db, system, { action: "escalate", entity: "request", entityId: 7 });
    expect(((await sqlOne(p.deps.db, "select actor from audit_log")) as { actor: string }).actor).toBe("system:test");
  });

  test("a supervisor filters the audit screen by entity", async () => {
    const p = await testPlatform();
    await recordAudit(p.deps.db, system, { action: "escalate", entity: "request", entityId: 7 });
    await recordAudit(p.deps.db, system, { action: "create", entity: "case", entityId: 8 });
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/audit?entity=request")).text();
    const rows = html.slice(html.indexOf('id="audit-rows"'));
    expect(rows).toContain("升级督办");
    expect(rows).toContain("#7");
    expect(rows).not.toContain("#8");
  });

  test("an entry reads in words: the action, the record, the institution by name and a change as 'label: old → new'", async () => {
    const p = await testPlatform();
    await recordAudit(p.deps.db, system, {
      action: "confirm",
      entity: "request",
      entityId: 7,
      detail: { kind: "freeze", from: "acknowledged", to: "completed", amountFen: 1_234_500 },
    });
    await recordAudit(p.deps.db, system, {
      action: "create",
      entity: "request",
      entityId: 8,
      detail: { kind: "stop_payment", institution: "ICBC", draft: false },
    });
    const s = await signIn(p, "supervisor");
    const zh = await (await s.request("/audit")).text();
    const rows = zh.slice(zh.indexOf('id="audit-rows"'));
    for (const words of [
      "止付冻结请求",
      "状态：已签收 → 已办结",
      "金额：¥12,345.00",
      "机构：中国工商银行",
      "草稿：否",
      "类型：紧急止付",
    ])
      expect(rows).toContain(words);
    for (const code of ["acknowledged", "ICBC", "stop_payment", "{&quot;", '{"']) expect(rows).not.toContain(code);
    const en = await (await s.request("/audit", { headers: { Cookie: "fz_lang=en" } })).text();
    expect(en).toContain("status: Acknowledged → Completed");
    expect(en).toContain("Industrial and Commercial Bank of China");
  });

  test("an agent cannot open the audit screen", async () => {
    const p = await testPlatform();
    const a = await signIn(p, "agent");
    expect((await a.request("/audit")).status).toBe(403);
  });
});
