// Separation of duties (issue #11, finding 7): a supervisor or admin asked for on the admin screen
// takes effect only when a different supervisor approves it; the outbox shows admins masked text.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { decideGrant } from "../../src/admin/approvals";
import { createUser } from "../../src/auth/service";
import { apiClient, ORIGIN, signIn, sqlAll, sqlOne, TEST_PASSWORD, type TestPlatform, testPlatform } from "../helpers";

setDefaultTimeout(30_000); // every sign-in hashes a password (argon2id)

const signInAs = (p: TestPlatform, username: string) =>
  p.app.request("/signin", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ username, password: TEST_PASSWORD }),
  });
const one = async <T>(p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  (await sqlOne(p.deps.db, sql, ...args)) as T;
const grantOf = async (p: TestPlatform, subject: string, subjectId: number) =>
  (
    await one<{ id: number }>(
      p,
      "select id from privilege_grants where subject = ? and subject_id = ?",
      subject,
      subjectId,
    )
  ).id;
const userId = async (p: TestPlatform, username: string) =>
  (await one<{ id: number }>(p, "select id from users where username = ?", username)).id;

async function adminAddsUser(
  p: TestPlatform,
  admin: Awaited<ReturnType<typeof signIn>>,
  username: string,
  role: string,
) {
  const res = await admin.request("/admin/users", { form: { username, role, password: TEST_PASSWORD } });
  expect(res.status).toBe(303);
  return await userId(p, username);
}

describe("approval of supervisors and admins made on the admin screen", () => {
  test("a supervisor the admin creates cannot sign in until another supervisor approves it", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const id = await adminAddsUser(p, admin, "zhao", "supervisor");
    const refused = await signInAs(p, "zhao");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(await refused.text()).toContain("该账号尚待指挥督办人员审批");

    const sup = await signIn(p, "supervisor");
    const screen = await (await sup.request("/approvals")).text();
    expect(screen).toContain("zhao");
    expect((await sup.request(`/approvals/${await grantOf(p, "user", id)}/approve`, { method: "POST" })).status).toBe(
      303,
    );
    expect((await signInAs(p, "zhao")).status).toBe(303);
  });

  test("an admin the admin creates also waits for a supervisor's approval", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    await adminAddsUser(p, admin, "qian", "admin");
    expect((await signInAs(p, "qian")).status).toBe(403);
  });

  test("an agent the admin creates signs in at once", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    await adminAddsUser(p, admin, "sun", "agent");
    expect((await signInAs(p, "sun")).status).toBe(303);
    expect(await one(p, "select count(*) as n from privilege_grants")).toEqual({ n: 0 });
  });

  test("a supervisor made on the command line (no requester) signs in at once", async () => {
    const p = await testPlatform();
    await createUser(p.deps.db, { username: "li", password: TEST_PASSWORD, role: "supervisor" });
    expect((await signInAs(p, "li")).status).toBe(303);
  });

  test("a supervisor token minted on the admin screen is refused by the API until approved", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    expect((await admin.request("/admin/tokens", { form: { name: "command-board", role: "supervisor" } })).status).toBe(
      303,
    );
    const page = await (await admin.request("/admin")).text();
    const token = /<code>(fz_[^<]+)<\/code>/.exec(page)![1]!;
    expect(page).toContain('data-testid="approval"');
    const me = () => p.app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(401);
    const sup = await signIn(p, "supervisor");
    const tokenId = (await one<{ id: number }>(p, "select id from api_tokens where name = 'command-board'")).id;
    expect(
      (await sup.request(`/approvals/${await grantOf(p, "api_token", tokenId)}/approve`, { method: "POST" })).status,
    ).toBe(303);
    expect((await me()).status).toBe(200);
  });

  test("an admin can neither see nor decide approvals", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const id = await adminAddsUser(p, admin, "zhao", "supervisor");
    expect((await admin.request("/approvals")).status).toBe(403);
    expect((await admin.request(`/approvals/${await grantOf(p, "user", id)}/approve`, { method: "POST" })).status).toBe(
      403,
    );
    expect((await signInAs(p, "zhao")).status).toBe(403);
  });

  test("a supervisor token cannot approve: approval is a person's act", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const id = await adminAddsUser(p, admin, "zhao", "supervisor");
    const api = await apiClient(p, "supervisor");
    expect(
      (await api.call(`/approvals/${await grantOf(p, "user", id)}/approve`, { method: "POST" })).status,
    ).toBeGreaterThanOrEqual(400);
    await expect(
      (async () =>
        await decideGrant(p.deps.db, await grantOf(p, "user", id), "approved", {
          actor: { kind: "token", id: 1, name: "token:x", role: "supervisor", institutionId: null },
          ip: null,
          at: p.clock.now(),
        }))(),
    ).rejects.toThrow();
    expect((await signInAs(p, "zhao")).status).toBe(403);
  });

  test("the supervisor who asked cannot approve the request, and neither can the account it is for", async () => {
    const p = await testPlatform();
    const asker = await signIn(p, "supervisor");
    const u = await createUser(
      p.deps.db,
      { username: "zhou", password: TEST_PASSWORD, role: "supervisor" },
      {
        actor: { kind: "user", id: asker.userId, name: asker.username, role: "supervisor", institutionId: null },
        at: p.clock.now(),
      },
    );
    const grant = await grantOf(p, "user", u.id);
    const screen = await (await asker.request("/approvals", { headers: { Cookie: "fz_lang=en" } })).text();
    expect(screen).toContain("Your own request: another supervisor decides");
    expect(screen).not.toContain(`/approvals/${grant}/approve`);
    expect((await asker.request(`/approvals/${grant}/approve`, { method: "POST" })).status).toBe(403);
    await expect(
      (async () =>
        await decideGrant(p.deps.db, grant, "approved", {
          actor: { kind: "user", id: u.id, name: "zhou", role: "supervisor", institutionId: null },
          ip: null,
          at: p.clock.now(),
        }))(),
    ).rejects.toThrow("another supervisor must approve it");
    expect((await signInAs(p, "zhou")).status).toBe(403);
    const other = await signIn(p, "supervisor");
    expect((await other.request(`/approvals/${grant}/approve`, { method: "POST" })).status).toBe(303);
    expect((await signInAs(p, "zhou")).status).toBe(303);
  });

  test("a rejected supervisor stays refused, a decided request cannot be decided again, and both steps are audited", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const id = await adminAddsUser(p, admin, "zhao", "supervisor");
    const sup = await signIn(p, "supervisor");
    const grant = await grantOf(p, "user", id);
    expect((await sup.request(`/approvals/${grant}/reject`, { method: "POST" })).status).toBe(303);
    expect((await sup.request(`/approvals/${grant}/approve`, { method: "POST" })).status).toBe(409);
    expect((await signInAs(p, "zhao")).status).toBe(403);
    const steps = (await sqlAll(
      p.deps.db,
      "select actor, action, detail from audit_log where entity = 'user' and entity_id = ? order by id",
      String(id),
    )) as { actor: string; action: string; detail: string }[];
    expect(steps.map((s) => [s.actor, s.action])).toEqual([
      [admin.username, "create"],
      [sup.username, "reject"],
    ]);
    expect(JSON.parse(steps[0]!.detail)).toMatchObject({ role: "supervisor", approval: "pending" });
    expect(JSON.parse(steps[1]!.detail)).toMatchObject({ grant, role: "supervisor" });
    expect(await (await sup.request("/approvals")).text()).toContain("已驳回");
  });

  test("an approval is audited with the approving supervisor", async () => {
    const p = await testPlatform();
    const admin = await signIn(p, "admin");
    const id = await adminAddsUser(p, admin, "zhao", "supervisor");
    const sup = await signIn(p, "supervisor");
    await sup.request(`/approvals/${await grantOf(p, "user", id)}/approve`, { method: "POST" });
    expect(
      await one(
        p,
        "select actor, action from audit_log where entity = 'user' and entity_id = ? and action = 'approve'",
        String(id),
      ),
    ).toEqual({ actor: sup.username, action: "approve" });
  });

  test("supervisors find the approval screen in the navigation; admins do not", async () => {
    const p = await testPlatform();
    expect(await (await (await signIn(p, "supervisor")).request("/")).text()).toContain('href="/approvals"');
    expect(await (await (await signIn(p, "admin")).request("/")).text()).not.toContain('href="/approvals"');
  });
});

describe("the outbox for an admin", () => {
  test("shows the message text with numbers and the target's name masked; an agent reads it whole", async () => {
    const p = await testPlatform();
    const api = await apiClient(p, "agent");
    const added = await api.call("/api/v1/targets", {
      json: { phone: "13800138000", riskGrade: "high", name: "张伟" },
    });
    const target = ((await added.json()) as { target: { id: number } }).target;
    const sent = await api.call("/api/v1/warnings", {
      json: {
        targetId: target.id,
        channel: "sms",
        message: "张伟您好，请勿向 6222 0212 3456 7890 转账，回电 13911112222",
      },
    });
    expect(sent.status).toBeLessThan(300);
    const admin = await (await (await signIn(p, "admin")).request("/outbox")).text();
    expect(admin).toContain("张*您好，请勿向 622");
    expect(admin).not.toContain("张伟");
    expect(admin).not.toContain("3456 7890");
    expect(admin).not.toContain("13911112222");
    expect(admin).toContain("139****2222");
    const agent = await (await (await signIn(p, "agent")).request("/outbox")).text();
    expect(agent).toContain("张伟您好，请勿向 6222 0212 3456 7890 转账，回电 13911112222");
  });
});
