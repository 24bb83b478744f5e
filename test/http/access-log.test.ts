// Request ids and the access log: one JSON line per request with its id and route pattern, and
// never the phone number, account or password the request carried.
import { describe, expect, test } from "bun:test";
import { apiClient, testPlatform } from "../helpers";

/** A platform whose log lines are collected instead of written to standard output. */
async function logged(env: Record<string, string> = {}) {
  const lines: Record<string, any>[] = [];
  let raw = "";
  const stream = {
    write(s: string) {
      raw += s;
      lines.push(JSON.parse(s));
    },
  };
  const p = await testPlatform({ ACCESS_LOG: "true", ...env }, { logStream: stream });
  return { p, lines, raw: () => raw };
}

describe("access log", () => {
  test("a lookup logs one line with its request id and route pattern, and the phone number appears nowhere", async () => {
    const { p, lines, raw } = await logged();
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup?value=13911112222");
    expect(res.status).toBe(200);
    const id = res.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: "request",
      reqId: id,
      method: "GET",
      route: "/api/v1/lookup",
      status: 200,
      ms: expect.any(Number),
      by: expect.stringMatching(/^token:\d+$/),
    });
    expect(raw()).not.toContain("13911112222");
    expect(raw()).not.toContain("1391111");
  });

  test("a page route logs its pattern, not the id or query in its URL", async () => {
    const { p, lines, raw } = await logged();
    await p.app.request("/suspects/123?q=13911112222");
    expect(lines.at(-1)).toMatchObject({ route: "/suspects/:id{[0-9]+}", method: "GET" });
    expect(raw()).not.toContain("13911112222");
  });

  test("a sign-in logs neither the username nor the password", async () => {
    const { p, raw } = await logged();
    await p.app.request("/signin", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      body: new URLSearchParams({ username: "wangxiaoming", password: "secret-Pw-13911112222" }),
    });
    expect(raw()).toContain('"route":"/signin"');
    expect(raw()).not.toContain("wangxiaoming");
    expect(raw()).not.toContain("secret-Pw");
  });

  test("a refused request is logged with its status", async () => {
    const { p, lines } = await logged();
    await p.app.request("/api/v1/me");
    expect(lines[0]).toMatchObject({ status: 401, route: "/api/v1/me" });
  });

  test("ACCESS_LOG=false writes no access line", async () => {
    const { p, lines } = await logged({ ACCESS_LOG: "false" });
    await p.app.request("/healthz");
    expect(lines).toEqual([]);
  });
});

describe("request ids", () => {
  test("every answer carries X-Request-Id, each one different", async () => {
    const p = await testPlatform();
    const a = (await p.app.request("/healthz")).headers.get("X-Request-Id");
    const b = (await p.app.request("/healthz")).headers.get("X-Request-Id");
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });

  test("the JSON error body carries the request id", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/api/v1/me");
    const body = (await res.json()) as any;
    expect(body.error.requestId).toBe(res.headers.get("X-Request-Id")!);
  });

  test("an error page shows the request id", async () => {
    const p = await testPlatform();
    const { signIn } = await import("../helpers");
    const u = await signIn(p, "publicity");
    const res = await u.request("/suspects");
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain(`请求编号 ${res.headers.get("X-Request-Id")}`);
  });
});
