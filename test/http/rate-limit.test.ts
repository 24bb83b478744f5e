// The per-token rate limit on the JSON API (API_RATE_LIMIT_PER_MIN).
import { describe, expect, test } from "bun:test";
import { apiClient, testPlatform } from "../helpers";

describe("per-token rate limit", () => {
  test("a token over its limit gets 429 with Retry-After in the JSON error shape", async () => {
    const p = await testPlatform({ API_RATE_LIMIT_PER_MIN: "3" });
    const bank = await apiClient(p, "bank", "ICBC");
    for (let i = 0; i < 3; i++) expect((await bank.call("/api/v1/lookup?value=13800138000")).status).toBe(200);
    const res = await bank.call("/api/v1/lookup?value=13800138000");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBe(20); // one request's worth at 3 a minute
    expect(await res.json()).toEqual({
      error: {
        code: "rate_limited",
        message: expect.stringContaining("3 a minute"),
        issues: [],
        requestId: res.headers.get("X-Request-Id"),
      },
    });
  });

  test("another token is not held back by the first one's flood", async () => {
    const p = await testPlatform({ API_RATE_LIMIT_PER_MIN: "2" });
    const icbc = await apiClient(p, "bank", "ICBC");
    for (let i = 0; i < 3; i++) await icbc.call("/api/v1/me");
    expect((await icbc.call("/api/v1/me")).status).toBe(429);
    expect((await (await apiClient(p, "bank", "CCB")).call("/api/v1/me")).status).toBe(200);
  });

  test("the bucket refills with time: after Retry-After the token is served again", async () => {
    const p = await testPlatform({ API_RATE_LIMIT_PER_MIN: "2" });
    const bank = await apiClient(p, "bank", "ICBC");
    await bank.call("/api/v1/me");
    await bank.call("/api/v1/me");
    const refused = await bank.call("/api/v1/me");
    expect(refused.status).toBe(429);
    p.clock.advance(Number(refused.headers.get("Retry-After")) * 1000);
    expect((await bank.call("/api/v1/me")).status).toBe(200);
  });

  test("0 turns the limit off", async () => {
    const p = await testPlatform({ API_RATE_LIMIT_PER_MIN: "0" });
    const bank = await apiClient(p, "bank", "ICBC");
    for (let i = 0; i < 50; i++) expect((await bank.call("/api/v1/me")).status).toBe(200);
  });

  test("the default is generous: 6000 a minute", async () => {
    expect((await testPlatform()).config.apiRateLimitPerMin).toBe(6000);
  });
});
