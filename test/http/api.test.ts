import { describe, expect, test } from "bun:test";
import { TOKEN_CACHE_MS } from "../../src/auth/service";
import { apiClient, signIn, sqlOne, sqlRun, testPlatform } from "../helpers";

describe("JSON API shell", () => {
  test("a request without a token gets 401 in the JSON error shape", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/api/v1/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(await res.json()).toEqual({
      error: {
        code: "unauthenticated",
        message: expect.any(String),
        issues: [],
        requestId: res.headers.get("X-Request-Id"),
      },
    });
  });

  test("an unknown token gets 401", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/api/v1/me", { headers: { Authorization: "Bearer fz_nope" } });
    expect(res.status).toBe(401);
  });

  test("a token revoked on the admin screen gets 401 on its very next request", async () => {
    const p = await testPlatform();
    const bank = await apiClient(p, "bank", "ICBC");
    expect((await bank.call("/api/v1/me")).status).toBe(200); // resolved and kept
    const admin = await signIn(p, "admin");
    const id = (
      (await sqlOne(p.deps.db, "select id from api_tokens where revoked_at is null order by id desc")) as {
        id: number;
      }
    ).id;
    expect((await admin.request(`/admin/tokens/${id}/revoke`, { form: {} })).status).toBeLessThan(400);
    expect((await bank.call("/api/v1/me")).status).toBe(401);
  });

  test("a token revoked by another process stops working within the token cache time", async () => {
    const p = await testPlatform();
    const bank = await apiClient(p, "bank", "ICBC");
    expect((await bank.call("/api/v1/me")).status).toBe(200);
    await sqlRun(p.deps.db, "update api_tokens set revoked_at = ?", p.clock.now()); // not through this process's code
    p.clock.advance(TOKEN_CACHE_MS);
    expect((await bank.call("/api/v1/me")).status).toBe(401);
  });

  test("a token's last use is written at most once a minute", async () => {
    const p = await testPlatform();
    const bank = await apiClient(p, "bank", "ICBC");
    const lastUsed = async () =>
      ((await sqlOne(p.deps.db, "select last_used_at as at from api_tokens")) as { at: number | null }).at;
    await bank.call("/api/v1/me");
    const first = await lastUsed();
    expect(first).toBe(p.clock.now());
    p.clock.advance(30_000);
    await bank.call("/api/v1/me");
    expect(await lastUsed()).toBe(first);
    p.clock.advance(31_000);
    await bank.call("/api/v1/me");
    expect(await lastUsed()).toBe(p.clock.now());
  });

  test("a token sees who it belongs to, with its institution", async () => {
    const p = await testPlatform();
    const bank = await apiClient(p, "bank", "ICBC");
    const body = (await (await bank.call("/api/v1/me")).json()) as { role: string; institution: { code: string } };
    expect(body.role).toBe("bank");
    expect(body.institution.code).toBe("ICBC");
  });

  test("a token of the wrong role gets 403", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/audit");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });

  test("a supervisor token reads the audit trail", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "supervisor")).call("/api/v1/audit");
    expect(res.status).toBe(200);
  });

  test("malformed JSON is a 400 in the JSON error shape", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/lookup", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; issues: unknown[] } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(/JSON/i);
  });

  test("a body that is not JSON is refused with 415", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/lookup", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "13800138000",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
  });

  test("an oversized body is refused with 413 before it is read", async () => {
    const p = await testPlatform();
    const huge = JSON.stringify({ values: Array.from({ length: 200_000 }, () => "13800138000") });
    const res = await (await apiClient(p, "agent")).call("/api/v1/lookup", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: huge,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  test("an unknown API route is a JSON 404", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  test("the OpenAPI document is served without a token and lists the routes", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/me");
  });

  test("the browsable API reference is served from our own origin", async () => {
    const p = await testPlatform();
    const html = await (await p.app.request("/api/docs")).text();
    expect(html).toContain("/static/swagger-ui-bundle.js");
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/);
  });
});
