import { describe, expect, test } from "bun:test";
import { signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const count = async (p: TestPlatform, sql: string) => ((await sqlOne(p.deps.db, sql)) as { n: number }).n;
const shownToken = (html: string) => /data-testid="new-token">[^<]*<code>([^<]+)<\/code>/.exec(html)?.[1];

describe("API tokens on the administration screen", () => {
  test("creating a token answers 303; the page after it shows the token once, and a reload makes no second token", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const res = await admin.request("/admin/tokens", {
      form: { name: "icbc-core", role: "bank", institution: "ICBC" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    expect(res.headers.get("location")).not.toContain("token");
    const first = await (await admin.request("/admin")).text();
    const token = shownToken(first);
    expect(token).toBeDefined();
    // the token works, and it is the one just made
    const api = await p.app.request("/api/v1/openapi.json", { headers: { Authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    const reload = await (await admin.request("/admin")).text();
    expect(shownToken(reload)).toBeUndefined();
    expect(await count(p, "select count(*) as n from api_tokens where name = 'icbc-core'")).toBe(1);
  });

  test("a token shown once is not kept: the flash row is gone after the page read it", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    await admin.request("/admin/tokens", { form: { name: "feed", role: "agent" } });
    expect(await count(p, "select count(*) as n from flashes")).toBe(1);
    await admin.request("/admin");
    expect(await count(p, "select count(*) as n from flashes")).toBe(0);
  });

  test("another administrator's session does not see the new token", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const other = await signIn(p, "admin");
    await admin.request("/admin/tokens", { form: { name: "feed", role: "agent" } });
    expect(shownToken(await (await other.request("/admin")).text())).toBeUndefined();
    expect(shownToken(await (await admin.request("/admin")).text())).toBeDefined();
  });
});
