import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { weakPassword } from "../../src/auth/passwords";
import { createUser, THROTTLE } from "../../src/auth/service";
import { DEMO_PASSWORD } from "../../src/demo/load";
import { freshPostgres, ORIGIN, signIn, sqlAll, sqlOne, TEST_PASSWORD, testPlatform } from "../helpers";

const form = (o: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
  body: new URLSearchParams(o),
});

describe("sign-in", () => {
  test("a correct password starts a session with an HttpOnly SameSite cookie", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const res = await p.app.request("/signin", form({ username: "wang", password: TEST_PASSWORD }));
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain("fz_session=");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  test("the session cookie is Secure when the public address is https", async () => {
    const p = await testPlatform({ PUBLIC_BASE_URL: "https://fanzha.example.gov.cn" });
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const res = await p.app.request("/signin", {
      ...form({ username: "wang", password: TEST_PASSWORD }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://fanzha.example.gov.cn" },
    });
    expect(res.headers.get("set-cookie")).toContain("Secure");
  });

  test("a wrong password is refused with 401 and no session", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const res = await p.app.request("/signin", form({ username: "wang", password: "wrong-password" }));
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("the sixth attempt after five failures is throttled even with the right password", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    for (let i = 0; i < 5; i++)
      expect((await p.app.request("/signin", form({ username: "wang", password: "nope-nope" }))).status).toBe(401);
    const res = await p.app.request("/signin", form({ username: "wang", password: TEST_PASSWORD }));
    expect(res.status).toBe(429);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("throttling ends when the failures leave the window", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    for (let i = 0; i < 5; i++) await p.app.request("/signin", form({ username: "wang", password: "nope-nope" }));
    p.clock.advance(16 * 60_000);
    expect((await p.app.request("/signin", form({ username: "wang", password: TEST_PASSWORD }))).status).toBe(303);
  });

  test("a failed sign-in is written to the audit log", async () => {
    const p = await testPlatform();
    await p.app.request("/signin", form({ username: "ghost", password: "whatever-1" }));
    const row = (await sqlOne(p.deps.db, "select action, entity_id from audit_log")) as {
      action: string;
      entity_id: string;
    };
    expect(row).toEqual({ action: "sign_in_failed", entity_id: "ghost" });
  });

  test("the next parameter cannot redirect to another site", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const res = await p.app.request(
      "/signin",
      form({ username: "wang", password: TEST_PASSWORD, next: "//evil.example/" }),
    );
    expect(res.headers.get("location")).toBe("/");
  });
});

describe("sign-in throttling under load", () => {
  const burst = (p: Awaited<ReturnType<typeof testPlatform>>, passwords: string[], username = "wang") =>
    Promise.all(
      passwords.map(async (password) => (await p.app.request("/signin", form({ username, password }))).status),
    );
  const tally = (statuses: number[]) =>
    statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

  test("of 200 concurrent sign-ins for one user, at most the allowed number are evaluated and the rest get 429", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const statuses = await burst(
      p,
      Array.from({ length: 200 }, (_, i) => `guess-${i}-wrong`),
    );
    expect(tally(statuses)).toEqual({ 401: THROTTLE.maxFailures, 429: 200 - THROTTLE.maxFailures });
  });

  test("a correct password among the first allowed attempts of a concurrent burst still signs in", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
    const statuses = await burst(p, [TEST_PASSWORD, ...Array.from({ length: 49 }, (_, i) => `guess-${i}-wrong`)]);
    expect(statuses[0]).toBe(303);
    expect(tally(statuses)).toEqual({ 303: 1, 401: THROTTLE.maxFailures - 1, 429: 50 - THROTTLE.maxFailures });
  });
});

describe("sign-in throttling per address", () => {
  // app.request passes its third argument as the Bun server: this one reports a socket peer
  const from = (address: string) => ({
    requestIP: () => ({ address, family: address.includes(":") ? "IPv6" : "IPv4", port: 40000 }),
  });
  const signInFrom = (
    p: Awaited<ReturnType<typeof testPlatform>>,
    address: string,
    o: Record<string, string>,
    xff?: string,
  ) => {
    const init = form(o);
    return p.app.request(
      "/signin",
      { ...init, headers: { ...init.headers, ...(xff ? { "X-Forwarded-For": xff } : {}) } },
      from(address),
    );
  };
  const spray = async (p: Awaited<ReturnType<typeof testPlatform>>, address: string, xff?: string) => {
    const statuses = await Promise.all(
      Array.from(
        { length: THROTTLE.maxAddressFailures },
        async (_, i) => (await signInFrom(p, address, { username: `user${i}`, password: "wrong-guess" }, xff)).status,
      ),
    );
    expect(statuses.every((s) => s === 401)).toBe(true);
  };
  const slow = 30_000; // each failure hashes a password (argon2id)
  const auditIps = async (p: Awaited<ReturnType<typeof testPlatform>>) =>
    ((await sqlAll(p.deps.db, "select ip from audit_log order by id")) as { ip: string }[]).map((r) => r.ip);

  test(
    "failures from one address do not lock out another user who has signed in from it",
    async () => {
      const p = await testPlatform();
      await createUser(p.deps.db, { username: "wang", password: TEST_PASSWORD, role: "agent" });
      expect((await signInFrom(p, "198.51.100.7", { username: "wang", password: TEST_PASSWORD })).status).toBe(303);
      await spray(p, "198.51.100.7");
      expect((await signInFrom(p, "198.51.100.7", { username: "wang", password: TEST_PASSWORD })).status).toBe(303);
    },
    slow,
  );

  test(
    "once an address has too many failures, usernames never signed in from it are refused with 429",
    async () => {
      const p = await testPlatform();
      await createUser(p.deps.db, { username: "li", password: TEST_PASSWORD, role: "agent" });
      await spray(p, "198.51.100.7");
      expect((await signInFrom(p, "198.51.100.7", { username: "li", password: TEST_PASSWORD })).status).toBe(429);
      // the same user from another address is not affected
      expect((await signInFrom(p, "203.0.113.5", { username: "li", password: TEST_PASSWORD })).status).toBe(303);
    },
    slow,
  );

  test("X-Forwarded-For is ignored when the direct peer is not a trusted proxy", async () => {
    const p = await testPlatform();
    await signInFrom(p, "203.0.113.5", { username: "ghost", password: "wrong-guess" }, "198.51.100.7");
    expect(await auditIps(p)).toEqual(["203.0.113.5"]);
  });

  test("behind a trusted proxy the client is the right-most X-Forwarded-For address that is not a proxy", async () => {
    const p = await testPlatform({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" });
    await signInFrom(p, "10.0.0.2", { username: "ghost", password: "wrong-guess" }, "6.6.6.6, 198.51.100.7, 10.0.0.3");
    await signInFrom(p, "::1", { username: "ghost", password: "wrong-guess" }, "203.0.113.5");
    expect(await auditIps(p)).toEqual(["198.51.100.7", "203.0.113.5"]);
  });

  test(
    "behind a trusted proxy, failures of one client do not throttle another client",
    async () => {
      const p = await testPlatform({ TRUSTED_PROXIES: "10.0.0.1" });
      await createUser(p.deps.db, { username: "li", password: TEST_PASSWORD, role: "agent" });
      await spray(p, "10.0.0.1", "198.51.100.7");
      expect(
        (await signInFrom(p, "10.0.0.1", { username: "li", password: TEST_PASSWORD }, "198.51.100.7")).status,
      ).toBe(429);
      expect((await signInFrom(p, "10.0.0.1", { username: "li", password: TEST_PASSWORD }, "203.0.113.5")).status).toBe(
        303,
      );
    },
    slow,
  );
});

describe("sign-out", () => {
  test("signing out ends the session on the server", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    expect((await u.request("/signout", { method: "POST" })).status).toBe(303);
    const home = await u.request("/");
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toStartWith("/signin");
  });
});

describe("CSRF", () => {
  test("a signed-in POST without the CSRF token is refused and changes nothing", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await p.app.request("/signout", { method: "POST", headers: { Cookie: u.cookie, Origin: ORIGIN } });
    expect(res.status).toBe(403);
    expect((await u.request("/")).status).toBe(200);
  });

  test("a POST with a wrong CSRF token is refused", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request("/signout", { method: "POST", headers: { "X-CSRF-Token": "forged" } });
    expect(res.status).toBe(403);
  });

  test("a form post from another origin is refused", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await p.app.request("/signout", {
      method: "POST",
      headers: {
        Cookie: u.cookie,
        Origin: "https://evil.example",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": u.csrf,
      },
      body: "x=1",
    });
    expect(res.status).toBe(403);
  });

  test("the CSRF token is accepted from a hidden form field", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await p.app.request("/signout", {
      method: "POST",
      headers: { Cookie: u.cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: u.csrf }),
    });
    expect(res.status).toBe(303);
  });
});

describe("pages", () => {
  test("a page without a session redirects to sign-in, keeping the address", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/audit?entity=case");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/signin?next=%2Faudit%3Fentity%3Dcase");
  });

  test("pages carry a CSP and frame protection", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/signin");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("a full page starts with the doctype and an htmx request gets only the fragment", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "supervisor");
    const full = await (await u.request("/")).text();
    expect(full).toStartWith("<!DOCTYPE html>");
    const res = await u.request("/", { htmx: true });
    expect(res.headers.get("vary")).toContain("HX-Request");
    const part = await res.text();
    expect(part).not.toContain("<html");
    expect(part).toContain('data-testid="home-title"');
  });

  test("a history-restore request gets the full page", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "supervisor");
    const res = await u.request("/", { headers: { "HX-Request": "true", "HX-History-Restore-Request": "true" } });
    expect(await res.text()).toStartWith("<!DOCTYPE html>");
  });

  test("the interface is Chinese by default and English after switching", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    expect(await (await u.request("/")).text()).toContain("工作台");
    const sw = await u.request("/lang/en?back=/");
    const lang = sw.headers.get("set-cookie")!.split(";")[0]!;
    const res = await p.app.request("/", { headers: { Cookie: `${u.cookie}; ${lang}` } });
    expect(await res.text()).toContain("Sign out");
  });

  test("healthz answers without authentication", async () => {
    const p = await testPlatform();
    const res = await p.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("password strength", () => {
  test.each([
    ["12345678", "it is a commonly used password"],
    ["password", "it is a commonly used password"],
    ["aaaaaaaa", "it repeats characters"],
    ["zhangwei88", "it contains the username or the name"],
  ])("a user with the weak password %s is refused with the estimator's reason", async (password, why) => {
    const p = await testPlatform();
    const made = createUser(p.deps.db, { username: "zhangwei88", password, role: "agent" });
    expect(made).rejects.toThrow(`password is too easy to guess: ${why}`);
    await made.catch(() => {});
    expect(await sqlOne(p.deps.db, "select count(*) as n from users")).toEqual({ n: 0 });
  });

  test("a password made of the display name is refused", async () => {
    const p = await testPlatform();
    expect(
      createUser(p.deps.db, { username: "li", displayName: "lixiaolong", password: "lixiaolong", role: "agent" }),
    ).rejects.toThrow("it contains the username or the name");
  });

  test("the demo password passes the check for every demo user", () => {
    for (const u of ["agent", "agent2", "icbc", "ccb", "cmcc", "supervisor", "publicity"])
      expect(weakPassword(DEMO_PASSWORD, [u])).toBeNull();
  });

  test("the admin screen refuses a weak password with the reason in the reader's language", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const zh = await admin.request("/admin/users", { form: { username: "wang", role: "agent", password: "password" } });
    expect(zh.status).toBe(422);
    expect(await zh.text()).toContain("密码太容易被猜到：这是常用密码");
    const en = await admin.request("/admin/users", {
      form: { username: "wang", role: "agent", password: "aaaaaaaa" },
      headers: { Cookie: "fz_lang=en" },
    });
    expect(await en.text()).toContain("password is too easy to guess: it repeats characters");
  });

  test("the command line refuses a weak password, saying why, and creates no user", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fanzha-cli-"));
    const url = process.env.DATABASE_URL;
    const env = {
      ...process.env,
      ...(url ? { DATABASE_URL: await freshPostgres(url) } : {}),
      DATABASE_PATH: join(dir, "db.sqlite"),
      OUTBOX_DIR: join(dir, "outbox"),
    };
    const cli = (...args: string[]) =>
      Bun.spawnSync([process.execPath, "src/cli.ts", ...args], { env, stderr: "pipe", stdout: "pipe" });
    const weak = cli("user", "add", "--username", "wang", "--role", "agent", "--password", "12345678");
    expect(weak.exitCode).toBe(2);
    expect(weak.stderr.toString()).toContain("password is too easy to guess: it is a commonly used password");
    const strong = cli("user", "add", "--username", "wang", "--role", "agent", "--password", TEST_PASSWORD);
    expect(strong.exitCode).toBe(0);
    expect(strong.stdout.toString()).toContain("created user wang (agent)");
  }, 30_000);
});

describe("the administration screen", () => {
  test("a user the admin cannot create is refused in the reader's language, the form kept", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const res = await admin.request("/admin/users", {
      form: { username: "wang.bank", role: "bank", institution: "CMCC", password: TEST_PASSWORD },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("CMCC 是运营商，不是银行");
    expect(html).toContain('value="wang.bank"');
    const en = await admin.request("/admin/users", {
      form: { username: "wang.bank", role: "bank", password: TEST_PASSWORD },
      headers: { Cookie: "fz_lang=en" },
    });
    expect(await en.text()).toContain("role Bank desk needs an institution");
    expect(await sqlOne(p.deps.db, "select count(*) as n from users where username = 'wang.bank'")).toEqual({
      n: 0,
    });
  });

  test("the command line gets the same refusal in English", async () => {
    const p = await testPlatform();
    expect(
      createUser(p.deps.db, { username: "li", role: "carrier", institution: "ICBC", password: TEST_PASSWORD }),
    ).rejects.toThrow("ICBC is a bank, not a carrier");
  });
});
