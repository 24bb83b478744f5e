import { describe, expect, test } from "bun:test";
import { recordAudit } from "../../src/audit/service";
import { signIn, testPlatform } from "../helpers";

const count = (p: ReturnType<typeof testPlatform>) => (p.deps.db.$client.query("select count(*) as n from audit_log").get() as { n: number }).n;
const system = { actor: null, ip: null, at: Date.parse("2026-11-21T02:00:00Z"), label: "system:test" };

describe("audit log", () => {
  test("an audit entry written in a transaction that fails is rolled back with the change", () => {
    const p = testPlatform();
    expect(() =>
      p.deps.db.transaction((tx) => {
        recordAudit(tx, system, { action: "create", entity: "case", entityId: 1 });
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect(count(p)).toBe(0);
  });

  test("the database refuses to change or delete an audit entry", () => {
    const p = testPlatform();
    recordAudit(p.deps.db, system, { action: "create", entity: "case", entityId: 1 });
    expect(() => p.deps.db.$client.exec("update audit_log set actor = 'someone else'")).toThrow(/append-only/);
    expect(() => p.deps.db.$client.exec("delete from audit_log")).toThrow(/append-only/);
    expect(count(p)).toBe(1);
  });

  test("a system entry names the part of the system that acted", () => {
    const p = testPlatform();
    recordAudit(p.deps.db, system, { action: "escalate", entity: "request", entityId: 7 });
    expect((p.deps.db.$client.query("select actor from audit_log").get() as { actor: string }).actor).toBe("system:test");
  });

  test("a supervisor filters the audit screen by entity", async () => {
    const p = testPlatform();
    recordAudit(p.deps.db, system, { action: "escalate", entity: "request", entityId: 7 });
    recordAudit(p.deps.db, system, { action: "create", entity: "case", entityId: 8 });
    const s = await signIn(p, "supervisor");
    const html = await (await s.request("/audit?entity=request")).text();
    expect(html).toContain("escalate");
    expect(html).not.toContain(">case<");
  });

  test("an agent cannot open the audit screen", async () => {
    const p = testPlatform();
    const a = await signIn(p, "agent");
    expect((await a.request("/audit")).status).toBe(403);
  });
});
