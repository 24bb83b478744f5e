import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config";

describe("configuration", () => {
  test("an empty environment gives the embedded defaults", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databasePath).toBe("./data/fanzha.sqlite");
    expect(c.publicBaseUrl).toBe("http://localhost:3000");
    expect(c.twilio).toBeUndefined();
    expect(c.warningDeadlineMs).toEqual({ high: 600_000, medium: 3_600_000, low: 86_400_000 });
  });

  test("a bad PORT stops start-up with a message naming the variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
  });

  test("a bad PUBLIC_BASE_URL is refused naming the variable", () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: "not a url" })).toThrow(/PUBLIC_BASE_URL/);
  });

  test("an admin password shorter than 8 characters is refused", () => {
    expect(() => loadConfig({ FANZHA_ADMIN_PASSWORD: "short" })).toThrow(/FANZHA_ADMIN_PASSWORD/);
  });

  test("TRUSTED_PROXIES is empty by default and takes addresses and CIDRs; anything else is refused naming it", () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" }).trustedProxies).toEqual([
      { address: "10.0.0.0", prefix: 8, family: "ipv4" },
      { address: "::1", prefix: 128, family: "ipv6" },
    ]);
    for (const bad of ["proxy.local", "10.0.0.0/33", "10.0.0.1/8/2", "10.0.0.0/x"])
      expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
  });

  test("Twilio settings must come together", () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32) })).toThrow(ConfigError);
  });

  test("a malformed Twilio account SID is refused naming the variable", () => {
    expect(() =>
      loadConfig({
        TWILIO_ACCOUNT_SID: "xyz",
        TWILIO_AUTH_TOKEN: "0123456789abcdef0123",
        TWILIO_FROM: "+8610123456789",
      }),
    ).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  test("complete Twilio settings switch telephony to Twilio", () => {
    const c = loadConfig({
      TWILIO_ACCOUNT_SID: "AC" + "a".repeat(32),
      TWILIO_AUTH_TOKEN: "0123456789abcdef0123",
      TWILIO_FROM: "+8610123456789",
    });
    expect(c.twilio?.from).toBe("+8610123456789");
  });

  test("an https public address turns on secure cookies and drops a trailing slash", () => {
    const c = loadConfig({ PUBLIC_BASE_URL: "https://fz.example.cn/" });
    expect(c.secureCookies).toBe(true);
    expect(c.publicBaseUrl).toBe("https://fz.example.cn");
  });

  test("an empty variable counts as unset", () => {
    expect(loadConfig({ PORT: "" }).port).toBe(3000);
  });

  test("DATABASE_URL chooses PostgreSQL over DATABASE_PATH; empty counts as unset; only postgres:// URLs", () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: "" }).databaseUrl).toBeNull();
    const c = loadConfig({ DATABASE_URL: "postgres://fz:pw@db.example:5432/fanzha", DATABASE_PATH: "/tmp/x.sqlite" });
    expect(c.databaseUrl).toBe("postgres://fz:pw@db.example:5432/fanzha");
    expect(loadConfig({ DATABASE_URL: "postgresql://db.example/fanzha" }).databaseUrl).toBe(
      "postgresql://db.example/fanzha",
    );
    expect(() => loadConfig({ DATABASE_URL: "mysql://db.example/fanzha" })).toThrow(/DATABASE_URL/);
  });

  test("deadlines are read in minutes", () => {
    expect(loadConfig({ WARNING_DEADLINE_HIGH_MIN: "5" }).warningDeadlineMs.high).toBe(300_000);
  });
});
