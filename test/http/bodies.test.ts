// Request bodies the server must not swallow: every path family has a body limit (413 before the
// body is read, or as soon as a streamed one passes it), and a body that cannot be parsed is the
// sender's mistake (400, one log line, no stack trace) wherever the route reads its form.
import { describe, expect, test } from "bun:test";
import { ORIGIN, signIn, testPlatform } from "../helpers";

const MiB = 1024 * 1024;

/** A platform whose log lines are collected. */
async function logged() {
  const lines: Record<string, any>[] = [];
  const p = await testPlatform({}, { logStream: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  return { p, lines };
}

/** A url-encoded body of `bytes` bytes. */
const bigForm = (bytes: number) => `username=a&password=${"x".repeat(bytes)}`;

/** A body sent in chunks, without a Content-Length, as a client streaming it would. */
function streamed(total: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(ctl) {
      if (sent >= total) return ctl.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      ctl.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

const BOUNDARY = "----fanzha-test-boundary";
/** A multipart body cut off before its final boundary. */
const truncatedMultipart = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\n\r\nagent\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="password"\r\n\r\nsecr`;
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

describe("body limits", () => {
  test("an oversized url-encoded POST to /signin is refused with 413 by its Content-Length, as a page in the reader's language", async () => {
    const p = await testPlatform();
    const body = bigForm(2 * MiB);
    const zh = await p.app.request("/signin", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: ORIGIN,
        "Content-Length": String(body.length),
      },
      body,
    });
    expect(zh.status).toBe(413);
    expect(await zh.text()).toContain("提交的内容超过 1024 KiB");
    const en = await p.app.request("/signin", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: ORIGIN,
        Cookie: "fz_lang=en",
        "Content-Length": String(body.length),
      },
      body,
    });
    expect(en.status).toBe(413);
    expect(await en.text()).toContain("the request is larger than 1024 KiB");
  });

  test("a streamed url-encoded POST to /signin without a Content-Length is cut off with 413 once it passes the limit", async () => {
    const p = await testPlatform();
    let pulled = 0;
    const source = streamed(100 * MiB);
    const reader = source.getReader();
    const counting = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        const r = await reader.read();
        if (r.done) return ctl.close();
        pulled += r.value.length;
        ctl.enqueue(r.value);
      },
    });
    const res = await p.app.request("/signin", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: counting,
    });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(2 * MiB); // read up to the limit, not the 100 MiB
  });

  test("an oversized POST to a Twilio webhook is refused with 413 in the JSON error shape", async () => {
    const p = await testPlatform();
    const body = `CallSid=CA1&CallStatus=${"x".repeat(MiB)}`;
    const res = await p.app.request("/webhooks/twilio/call-status", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) },
      body,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  test("an upload declaring more than the file limit is refused with 413 and the import's file message before it is read", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        pulled++;
        ctl.enqueue(new Uint8Array(1024));
      },
    });
    const res = await s.request("/imports/suspects", {
      method: "POST",
      headers: { "Content-Type": MULTIPART, "Content-Length": String(600 * MiB) },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("文件超过 512 MiB");
    expect(pulled).toBeLessThanOrEqual(1);
  });

  test("a streamed upload is cut off with 413 and the file message once it passes the file limit", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "supervisor");
    const head = new TextEncoder().encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="baseline.csv"\r\nContent-Type: text/csv\r\n\r\nmonth,district\r\n`,
    );
    const rest = streamed(50 * MiB);
    let first = true;
    let pulled = 0;
    const reader = rest.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (first) {
          first = false;
          return ctl.enqueue(head);
        }
        const r = await reader.read();
        if (r.done) return ctl.close();
        pulled += r.value.length;
        ctl.enqueue(r.value);
      },
    });
    const res = await s.request("/stats/baselines", {
      method: "POST",
      headers: { "Content-Type": MULTIPART, Cookie: "fz_lang=en" },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("the file is larger than 5 MiB");
    expect(pulled).toBeLessThan(7 * MiB);
  });

  test("a normal form still works: a paste of 1000 numbers is checked", async () => {
    const p = await testPlatform();
    const s = await signIn(p, "agent");
    const text = Array.from({ length: 1000 }, (_, i) => `1391111${String(i).padStart(4, "0")}`).join("\n");
    const res = await s.request("/suspects/check", { form: { text }, htmx: true });
    expect(res.status).toBe(200);
  });
});

describe("bodies that cannot be parsed", () => {
  /** The warn line the error handler wrote for an unreadable body: one, without a stack. */
  function oneQuietLine(lines: Record<string, any>[]) {
    const errors = lines.filter((l) => l.level >= 40);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ level: 40, msg: "unreadable request body" });
    expect(JSON.stringify(errors[0])).not.toContain("stack");
    expect(JSON.stringify(errors[0])).not.toContain("    at ");
  }

  test("a truncated multipart POST to /signin is a 400 with one log line and no stack trace", async () => {
    const { p, lines } = await logged();
    const res = await p.app.request("/signin", {
      method: "POST",
      headers: { "Content-Type": MULTIPART, Origin: ORIGIN },
      body: truncatedMultipart,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("提交的内容无法读取");
    oneQuietLine(lines);
  });

  for (const hook of ["call-status", "message-status"]) {
    test(`a truncated multipart POST to the ${hook} webhook is a 400 in the JSON error shape with one log line`, async () => {
      const { p, lines } = await logged();
      const res = await p.app.request(`/webhooks/twilio/${hook}`, {
        method: "POST",
        headers: { "Content-Type": MULTIPART },
        body: truncatedMultipart,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unreadable_body");
      oneQuietLine(lines);
    });
  }

  test("a truncated multipart POST to a signed-in form is a 400 with one log line and no stack trace", async () => {
    const { p, lines } = await logged();
    const s = await signIn(p, "agent");
    const res = await s.request("/suspects/check", {
      method: "POST",
      headers: { "Content-Type": MULTIPART, Cookie: "fz_lang=en" },
      body: truncatedMultipart,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("the request body cannot be read: missing final boundary");
    oneQuietLine(lines);
  });
});
