import { describe, expect, test } from "bun:test";
import { transaction } from "../../src/db";
import { setSuspectStatus } from "../../src/suspects/service";
import { apiClient, signIn, sqlAll, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const count = async (p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  ((await sqlOne(p.deps.db, sql, ...args)) as { n: number }).n;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function report(p: TestPlatform, body: Record<string, unknown>) {
  const res = await (await apiClient(p, "agent")).call("/api/v1/suspects", { json: body });
  return { status: res.status, body: (await res.json()) as { suspect: Record<string, any> } };
}

describe("POST /api/v1/suspects", () => {
  test("a new phone number is created with the contract's fields", async () => {
    const p = await testPlatform();
    const { status, body } = await report(p, { kind: "phone", value: "+86 138-0013-8000" });
    expect(status).toBe(201);
    expect(body.suspect).toEqual({
      id: expect.any(Number),
      kind: "phone",
      value: "+8613800138000",
      display: "138 0013 8000",
      institution: { code: "CMCC", name: "中国移动", inferred: true },
      riskLevel: "medium",
      status: "active",
      statusReason: null,
      warnings: [],
      firstSeenAt: "2026-11-21T02:00:00.000Z",
      lastSeenAt: "2026-11-21T02:00:00.000Z",
      sightings: 1,
      holderName: null,
      branch: null,
    });
  });

  test("the same number in another written form merges: 200, same id, one more sighting", async () => {
    const p = await testPlatform();
    const first = await report(p, { kind: "phone", value: "13800138000" });
    p.clock.advance(60_000);
    const again = await report(p, { kind: "phone", value: "００８６ １３８ ００１３ ８０００" });
    expect(again.status).toBe(200);
    expect(again.body.suspect.id).toBe(first.body.suspect.id);
    expect(again.body.suspect.sightings).toBe(2);
    expect(again.body.suspect.lastSeenAt).toBe("2026-11-21T02:01:00.000Z");
    expect(await count(p, "select count(*) as n from suspects")).toBe(1);
  });

  test("a merge from a new source adds one source row", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000", source: "carrier-feed" });
    await report(p, { value: "138 0013 8000", source: "bank-feed" });
    await report(p, { value: "+8613800138000", source: "bank-feed" });
    expect(await count(p, "select count(*) as n from suspect_sources where suspect_id = ?", body.suspect.id)).toBe(2);
  });

  test("a merge raises the risk level but never lowers it", async () => {
    const p = await testPlatform();
    await report(p, { value: "13800138000", riskLevel: "low" });
    expect((await report(p, { value: "13800138000", riskLevel: "high" })).body.suspect.riskLevel).toBe("high");
    expect((await report(p, { value: "13800138000", riskLevel: "low" })).body.suspect.riskLevel).toBe("high");
  });

  test("a card failing the Luhn check is recorded with a warning", async () => {
    const p = await testPlatform();
    const { status, body } = await report(p, { kind: "bank_account", value: "6222 0212 3456 7890 120" });
    expect(status).toBe(201);
    expect(body.suspect.institution).toEqual({ code: "ICBC", name: "中国工商银行", inferred: true });
    expect(body.suspect.warnings[0]).toContain("Luhn");
  });

  test("an unparseable value is a 422 naming the field and why", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/suspects", {
      json: { kind: "phone", value: "12345" },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } };
    expect(body.error.issues[0]!.path).toBe("value");
    expect(body.error.issues[0]!.message).toStartWith("not a valid phone number");
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });

  test("a caseId that does not exist is a 422 and records nothing", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "agent")).call("/api/v1/suspects", {
      json: { value: "13800138000", caseId: 99 },
    });
    expect(res.status).toBe(422);
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });

  test("each report is audited as create or merge", async () => {
    const p = await testPlatform();
    await report(p, { value: "13800138000" });
    await report(p, { value: "13800138000" });
    const rows = await sqlAll(p.deps.db, "select action from audit_log where entity = 'suspect' order by id");
    expect(rows).toEqual([{ action: "create" }, { action: "merge" }]);
  });
});

describe("GET /api/v1/suspects/:id", () => {
  test("returns the suspect with its sources", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000", source: "carrier-feed" });
    const res = await (await apiClient(p, "supervisor")).call(`/api/v1/suspects/${body.suspect.id}`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as { suspect: { value: string }; sources: { source: string }[]; caseIds: number[] };
    expect(d.suspect.value).toBe("+8613800138000");
    expect(d.sources.map((s) => s.source)).toEqual(["carrier-feed"]);
    expect(d.caseIds).toEqual([]);
  });

  test("an unknown id is a 404", async () => {
    const p = await testPlatform();
    expect((await (await apiClient(p, "agent")).call("/api/v1/suspects/404")).status).toBe(404);
  });
});

describe("lookup", () => {
  test("any written form of a known number is flagged, with the suspect", async () => {
    const p = await testPlatform();
    await report(p, { value: "13800138000" });
    const res = await (await apiClient(p, "bank", "ICBC")).call(
      `/api/v1/lookup?value=${encodeURIComponent("+86 (138) 0013-8000")}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ value: "+8613800138000", kind: "phone", flagged: true });
    expect(body.suspect.sightings).toBe(1);
  });

  test("an unknown valid value is not flagged and has no suspect", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup?value=6222021234567890128");
    expect(await res.json()).toEqual({ value: "6222021234567890128", kind: "bank_account", flagged: false });
  });

  test("a cleared suspect is known but not flagged", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000" });
    await transaction(
      p.deps.db,
      async (tx) =>
        await setSuspectStatus(
          tx,
          { actor: null, ip: null, at: p.clock.now() },
          { suspectId: body.suspect.id, status: "cleared", reason: "wrong number" },
        ),
    );
    const res = await (await apiClient(p, "carrier", "CMCC")).call("/api/v1/lookup?value=13800138000");
    const r = (await res.json()) as Record<string, any>;
    expect(r.flagged).toBe(false);
    expect(r.suspect.status).toBe("cleared");
  });

  test("an unparseable value is a 422 with the reason", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup?value=hello");
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.code).toBe("invalid_value");
  });

  test("lookups are not written to the audit log", async () => {
    const p = await testPlatform();
    await report(p, { value: "13800138000" });
    const before = await count(p, "select count(*) as n from audit_log");
    await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup?value=13800138000");
    expect(await count(p, "select count(*) as n from audit_log")).toBe(before);
  });

  test("a batch answers in input order, each bad value with its own error", async () => {
    const p = await testPlatform();
    await report(p, { value: "13800138000" });
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup", {
      json: { values: ["abc", "138-0013-8000", "", "6222021234567890128", "12"] },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Record<string, any>[] };
    expect(results.map((r) => r.input)).toEqual(["abc", "138-0013-8000", "", "6222021234567890128", "12"]);
    expect(results.map((r) => (r.error ? "error" : r.flagged))).toEqual(["error", true, "error", false, "error"]);
    expect(results[0]!.error).toEqual({
      code: "invalid_value",
      message: "not a phone number or bank account: contains letters",
    });
  });

  test("a batch of more than 1000 values is refused", async () => {
    const p = await testPlatform();
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup", {
      json: { values: Array.from({ length: 1001 }, () => "13800138000") },
    });
    expect(res.status).toBe(422);
  });
});

describe("who may", () => {
  test("a bank token may look up but not create a suspect", async () => {
    const p = await testPlatform();
    const bank = await apiClient(p, "bank", "ICBC");
    expect((await bank.call("/api/v1/lookup?value=13800138000")).status).toBe(200);
    expect((await bank.call("/api/v1/suspects", { json: { value: "13800138000" } })).status).toBe(403);
    expect((await bank.call("/api/v1/suspects/1")).status).toBe(403);
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });

  test("a publicity token may neither look up nor read nor create suspects", async () => {
    const p = await testPlatform();
    await report(p, { value: "6222021234567890128" });
    const pub = await apiClient(p, "publicity");
    expect((await pub.call("/api/v1/lookup?value=6222021234567890128")).status).toBe(403);
    expect((await pub.call("/api/v1/lookup", { json: { values: ["6222021234567890128"] } })).status).toBe(403);
    expect((await pub.call("/api/v1/suspects/1")).status).toBe(403);
    expect((await pub.call("/api/v1/suspects", { json: { value: "13800138000" } })).status).toBe(403);
  });

  test("a publicity user is refused the suspect screens", async () => {
    const p = await testPlatform();
    await report(p, { value: "6222021234567890128" });
    const u = await signIn(p, "publicity");
    for (const path of ["/suspects", "/suspects/search?q=6222", "/suspects/1"])
      expect((await u.request(path)).status).toBe(403);
    expect((await u.request("/suspects/paste", { form: { text: "13800138000" } })).status).toBe(403);
  });

  test("the suspect and lookup routes are in the OpenAPI document", async () => {
    const p = await testPlatform();
    const doc = (await (await p.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths["/suspects"]!)).toEqual(["post"]);
    expect(Object.keys(doc.paths["/lookup"]!).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/suspects/{id}"]).toBeDefined();
  });
});

describe("search as you type", () => {
  test("a search longer than 200 characters is a 422 naming the field, not a scan", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request(`/suspects/search?q=${"1".repeat(201)}`, { htmx: true });
    expect(res.status).toBe(422);
    const zh = await res.text();
    expect(zh).toContain("查询: 最多 200 个字符");
    expect(zh).not.toContain("at most 200"); // the API's English summary stays off a Chinese page
    // an English reader gets the same in English
    const en = await p.app.request(`/suspects/search?q=${"1".repeat(201)}`, {
      headers: { Cookie: `${u.cookie}; fz_lang=en`, "HX-Request": "true" },
    });
    expect(await en.text()).toContain("at most 200 characters");
  });

  async function seeded() {
    const p = await testPlatform();
    await report(p, { value: "13800138000" });
    await report(p, { value: "6222021234567890128" });
    await report(p, { value: "0755 8888 1234" });
    return { p, u: await signIn(p, "agent") };
  }
  const found = async (u: Awaited<ReturnType<typeof signIn>>, q: string) => {
    const html = await (await u.request(`/suspects/search?q=${encodeURIComponent(q)}`, { htmx: true })).text();
    // each hit links to its suspect, its value in its written form: compare the digits
    return [...html.matchAll(/<a href="\/suspects\/\d+"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!.replace(/\D/g, ""));
  };

  test("the first digits of a mobile find it", async () => {
    const { u } = await seeded();
    expect(await found(u, "1380")).toEqual(["13800138000"]);
  });
  test("a number written with +86 and dashes finds it", async () => {
    const { u } = await seeded();
    expect(await found(u, "+86 138-0013-8000")).toEqual(["13800138000"]);
  });
  test("a landline's area code with its trunk 0 finds it", async () => {
    const { u } = await seeded();
    expect(await found(u, "0755 8888")).toEqual(["075588881234"]);
  });
  test("the first digits of a card find it", async () => {
    const { u } = await seeded();
    expect(await found(u, "6222 0212")).toEqual(["6222021234567890128"]);
  });
  test("the last four digits find a number by its middle or end", async () => {
    const { u } = await seeded();
    expect(await found(u, "0128")).toEqual(["6222021234567890128"]);
  });
  test("fewer than three digits asks for more", async () => {
    const { u } = await seeded();
    expect(text(await (await u.request("/suspects/search?q=13")).text())).toContain("至少输入 3 位数字");
  });
  test("the page without a query lists the newest suspects", async () => {
    const { u } = await seeded();
    const html = await (await u.request("/suspects")).text();
    expect(html).toContain('hx-trigger="input changed delay:200ms, search"');
    expect(html.indexOf("0755 8888 1234")).toBeLessThan(html.indexOf("138 0013 8000"));
  });
});

describe("paste many", () => {
  test("every pasted value is accounted for: created, merged, repeated or rejected with its line", async () => {
    const p = await testPlatform();
    await report(p, { value: "13900139000" });
    const u = await signIn(p, "agent");
    const res = await u.request("/suspects/paste", {
      form: { text: "13800138000\n139 0013 9000, not-a-number\n138-0013-8000", kind: "", riskLevel: "high" },
      htmx: true,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect([...html.matchAll(/data-outcome="(\w+)"/g)].map((m) => m[1])).toEqual([
      "created",
      "merged",
      "rejected",
      "duplicate",
    ]);
    expect(text(html)).toContain("新增 1，合并 1，重复 1，拒绝 1");
    expect(text(html)).toContain("2 not-a-number 拒绝 不是电话号码或银行账号：含有字母");
    expect(await count(p, "select count(*) as n from suspects")).toBe(2);
    expect(await count(p, "select sightings as n from suspects where value = '+8613900139000'")).toBe(2);
  });

  test("pasting nothing re-renders the box with its error", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request("/suspects/paste", { form: { text: " \n " } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("请至少粘贴一个号码或账号");
  });

  test("the paste box's check (核查) looks every value up and writes nothing", async () => {
    const p = await testPlatform();
    await report(p, { value: "13900139000" });
    const u = await signIn(p, "agent");
    const page = await (await u.request("/suspects")).text();
    expect(page).toContain('data-testid="paste-check">核查</button>');
    const before = {
      suspects: await count(p, "select count(*) as n from suspects"),
      audit: await count(p, "select count(*) as n from audit_log"),
      keys: await count(p, "select count(*) as n from idempotency_keys"),
    };
    const res = await u.request("/suspects/check", {
      form: { text: "13800138000\n139 0013 9000, not-a-number\n138-0013-8000", kind: "" },
      htmx: true,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect([...html.matchAll(/data-check="(\w+)"/g)].map((m) => m[1])).toEqual([
      "unknown",
      "known",
      "rejected",
      "duplicate",
    ]);
    expect(text(html)).toContain("已在库 1（其中在控 1），未在库 1，重复 1，无法识别 1");
    expect(html).toContain('data-testid="paste-add-submit">录入</button>');
    expect(await count(p, "select count(*) as n from suspects")).toBe(before.suspects);
    expect(await count(p, "select sightings as n from suspects where value = '+8613900139000'")).toBe(1);
    expect(await count(p, "select count(*) as n from audit_log")).toBe(before.audit);
    expect(await count(p, "select count(*) as n from idempotency_keys")).toBe(before.keys);
  });

  test("a plain-form check answers 303 and the page shows its answer once", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const res = await u.request("/suspects/check", { form: { text: "13800138000" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/suspects");
    const shown = await (await u.request("/suspects")).text();
    expect(shown).toContain('data-check="unknown"');
    expect(shown).toContain('name="text" value="13800138000"');
    expect(await (await u.request("/suspects")).text()).not.toContain('data-check="unknown"');
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });

  test("adding the checked values (录入) twice from the same form records them once", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const checked = await (await u.request("/suspects/check", { form: { text: "13800138000" }, htmx: true })).text();
    const nonce = /id="paste-nonce" value="([^"]+)"/.exec(checked)![1]!;
    for (let i = 0; i < 2; i++) {
      const res = await u.request("/suspects/paste", {
        form: { text: "13800138000", kind: "", riskLevel: "", note: "", nonce },
      });
      expect(res.status).toBe(303);
      expect(await (await u.request("/suspects")).text()).toContain('data-outcome="created"');
    }
    expect(await count(p, "select sightings as n from suspects where value = '+8613800138000'")).toBe(1);
    expect(await count(p, "select count(*) as n from audit_log where entity = 'suspect' and action = 'create'")).toBe(
      1,
    );
  });

  test("each check hands its Add form a new nonce, so the next paste is recorded", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const checked = await (await u.request("/suspects/check", { form: { text: "13800138000" }, htmx: true })).text();
      const nonce = /id="paste-nonce" value="([^"]+)"/.exec(checked)![1]!;
      nonces.push(nonce);
      const added = await (
        await u.request("/suspects/paste", { form: { text: "13800138000", nonce }, htmx: true })
      ).text();
      expect(added).toContain(i === 0 ? 'data-outcome="created"' : 'data-outcome="merged"');
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(await count(p, "select sightings as n from suspects where value = '+8613800138000'")).toBe(2);
  });

  test("more than 1000 values are refused whole, pointing to the file import", async () => {
    const p = await testPlatform();
    const u = await signIn(p, "agent");
    const many = Array.from({ length: 1001 }, (_, i) => `1380013${String(i).padStart(4, "0")}`).join("\n");
    const res = await u.request("/suspects/paste", { form: { text: many }, htmx: true });
    expect(text(await res.text())).toContain("一次最多粘贴 1000 个，更多请用文件导入");
    expect(await count(p, "select count(*) as n from suspects")).toBe(0);
  });
});

describe("the suspect page", () => {
  test("shows the suspect's cases, sources and history, and is audited", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000", source: "carrier-feed" });
    await (await apiClient(p, "agent")).call("/api/v1/cases", {
      json: {
        receivedAt: "2026-11-21T09:00:00+08:00",
        district: "南山区",
        fraudType: "romance",
        loss: 100,
        victim: { name: "张三" },
        suspects: [{ value: "13800138000" }],
      },
    });
    const u = await signIn(p, "agent");
    const html = await (await u.request(`/suspects/${body.suspect.id}`)).text();
    expect(html).toContain('href="/cases/1"');
    expect(html).toContain("carrier-feed");
    expect(text(html)).toContain("再次出现");
    expect(await count(p, "select count(*) as n from audit_log where action = 'view' and entity = 'suspect'")).toBe(1);
  });

  test("clearing a suspect without a reason is refused on the page", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000" });
    const u = await signIn(p, "agent");
    const res = await u.request(`/suspects/${body.suspect.id}/status`, { form: { status: "cleared", reason: "" } });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("从“在控”改为“已解除”须填写原因");
    expect(html).not.toContain("a reason is required");
    expect(await count(p, "select count(*) as n from suspects where status = 'active'")).toBe(1);
  });

  test("a refused status change keeps the status chosen and the reason as typed, the error beside the reason", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000" });
    const u = await signIn(p, "agent");
    const reason = "机主本人到场申诉".repeat(70); // past the 500-character limit
    const res = await u.request(`/suspects/${body.suspect.id}/status`, { form: { status: "cleared", reason } });
    expect(res.status).toBe(422);
    const form = /id="status-form"[\s\S]*?<\/form>/.exec(await res.text())![0];
    expect(form).toMatch(new RegExp(`value="${reason}"\\s*/>\\s*<span class="field-error">`));
    expect(form).toMatch(/<option value="cleared" selected="">/);
    expect(await count(p, "select count(*) as n from suspects where status = 'active'")).toBe(1);
  });

  test("a status change is saved, with its reason, and shows in the history", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: "13800138000" });
    const u = await signIn(p, "agent");
    const res = await u.request(`/suspects/${body.suspect.id}/status`, {
      form: { status: "cleared", reason: "owner appealed" },
    });
    expect(res.status).toBe(303);
    const html = text(await (await u.request(`/suspects/${body.suspect.id}`)).text());
    expect(html).toContain("在控 → 已解除: owner appealed");
  });
});

describe("lookup by a bank or carrier: another institution's request is never named", () => {
  const CCB_CARD = "6217000011223344";
  async function sentToCcb() {
    const p = await testPlatform();
    const agent = await apiClient(p, "agent");
    const now = p.clock.now();
    const { id: caseId } = (await sqlOne(
      p.deps.db,
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, victim_phone, victim_id_number, status, created_at, updated_at)
        values (?, '朝阳区', 'fake_investment', 100000, '王小明', '+8613911112222', '110101199001011234', 'received', ?, ?) returning id`,
      now,
      now,
      now,
    )) as { id: number };
    const res = await agent.call("/api/v1/requests", {
      json: { caseId, kind: "stop_payment", value: CCB_CARD, amount: 100_000 },
    });
    expect(res.status).toBe(201);
    const { request } = (await res.json()) as Record<string, any>;
    return { p, agent, request };
  }
  const reasonOf = async (res: Response) => ((await res.json()) as Record<string, any>).suspect.statusReason;

  test("ICBC's token sees the status of an account with a CCB request, but no reason naming it", async () => {
    const { p, request } = await sentToCcb();
    const res = await (await apiClient(p, "bank", "ICBC")).call(`/api/v1/lookup?value=${CCB_CARD}`);
    const body = (await res.json()) as Record<string, any>;
    expect(body.suspect.status).toBe("requested");
    expect(body.suspect.statusReason).toBeNull();
    expect(JSON.stringify(body)).not.toContain(`#${request.id}`);
  });

  test("ICBC's batch lookup withholds the reason too", async () => {
    const { p } = await sentToCcb();
    const res = await (await apiClient(p, "bank", "ICBC")).call("/api/v1/lookup", { json: { values: [CCB_CARD] } });
    const { results } = (await res.json()) as { results: Record<string, any>[] };
    expect(results[0]!.suspect.status).toBe("requested");
    expect(results[0]!.suspect.statusReason).toBeNull();
  });

  test("CCB's token reads the reason that names its own request", async () => {
    const { p, request } = await sentToCcb();
    expect(await reasonOf(await (await apiClient(p, "bank", "CCB")).call(`/api/v1/lookup?value=${CCB_CARD}`))).toBe(
      `request #${request.id} (stop_payment) sent`,
    );
  });

  test("a carrier's token does not read a bank's request either", async () => {
    const { p } = await sentToCcb();
    expect(
      await reasonOf(await (await apiClient(p, "carrier", "CMCC")).call(`/api/v1/lookup?value=${CCB_CARD}`)),
    ).toBeNull();
  });

  test("an agent's words on a cleared suspect are withheld from a bank, shown to the agent", async () => {
    const p = await testPlatform();
    const { body } = await report(p, { value: CCB_CARD });
    await transaction(
      p.deps.db,
      async (tx) =>
        await setSuspectStatus(
          tx,
          { actor: null, ip: null, at: p.clock.now() },
          { suspectId: body.suspect.id, status: "cleared", reason: "CCB says owner appealed" },
        ),
    );
    expect(
      await reasonOf(await (await apiClient(p, "bank", "ICBC")).call(`/api/v1/lookup?value=${CCB_CARD}`)),
    ).toBeNull();
    expect(await reasonOf(await (await apiClient(p, "agent")).call(`/api/v1/lookup?value=${CCB_CARD}`))).toBe(
      "CCB says owner appealed",
    );
  });
});

describe("a bank account's holder and branch", () => {
  test("reported with the account, they are recorded and read back; a lookup does not reveal them", async () => {
    const p = await testPlatform();
    const agent = await apiClient(p, "agent");
    const res = await agent.call("/api/v1/suspects", {
      json: { value: "6222 0202 0011 2233 445", holderName: "李四", branch: "工行朝阳支行" },
    });
    expect(res.status).toBe(201);
    const { suspect } = (await res.json()) as { suspect: Record<string, unknown> };
    expect(suspect).toMatchObject({ holderName: "李四", branch: "工行朝阳支行" });
    const bank = await apiClient(p, "bank", "ICBC");
    const found = (await (await bank.call("/api/v1/lookup?value=6222020200112233445")).json()) as {
      suspect: Record<string, unknown>;
    };
    expect(found.suspect).toMatchObject({ holderName: null, branch: null });
  });
});
