// Every live stream (server-sent events) sends a first event at once: until its first bytes the
// browser's EventSource, and the page's load event, wait.
import { describe, expect, test } from "bun:test";
import { apiClient, signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

/** "At once": far below the 15 s keepalive, with room for a loaded 2-core machine. */
const FIRST_EVENT_MS = 3000;

/** The first chunk of a streamed body, or "timeout" after `ms`. */
async function firstChunk(res: Response, ms = FIRST_EVENT_MS): Promise<string> {
  const reader = res.body!.getReader();
  let timer: Timer | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  const read = reader.read().then((r) => new TextDecoder().decode(r.value));
  const out = await Promise.race([read, timeout]);
  clearTimeout(timer);
  await reader.cancel();
  return out;
}

async function warningId(p: TestPlatform): Promise<number> {
  const api = await apiClient(p, "agent");
  const t = (await (
    await api.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } })
  ).json()) as { target: { id: number } };
  return (
    (await (await api.call("/api/v1/warnings", { json: { targetId: t.target.id, channel: "sms" } })).json()) as {
      warning: { id: number };
    }
  ).warning.id;
}

async function importId(p: TestPlatform, userId: number): Promise<number> {
  const now = p.clock.now();
  return (await sqlOne<{ id: number }>(
    p.deps.db,
    `insert into imports (kind, filename, file_hash, status, created_by, created_at, finished_at) values ('suspects', 'a.csv', 'x', 'done', ?, ?, ?) returning id`,
    userId,
    now,
    now,
  ))!.id;
}

describe("every live stream sends a first event at once", () => {
  const streams: {
    name: string;
    role: "agent" | "supervisor" | "bank";
    institution?: string;
    path: (p: TestPlatform, userId: number) => Promise<string> | string;
    first: string;
  }[] = [
    { name: "the queue (/targets/events)", role: "agent", path: () => "/targets/events", first: "event: ready" },
    {
      name: "a call's status",
      role: "agent",
      path: async (p) => `/targets/warnings/${await warningId(p)}/events`,
      first: "event: status",
    },
    { name: "the supervision board", role: "supervisor", path: () => "/supervision/events", first: "event: ready" },
    { name: "the requests list", role: "agent", path: () => "/requests/events", first: "event: ready" },
    { name: "a bank's desk", role: "bank", institution: "ICBC", path: () => "/desk/events", first: "event: ready" },
    {
      name: "an import's progress",
      role: "agent",
      path: async (p, userId) => `/imports/${await importId(p, userId)}/events`,
      first: "event: ready",
    },
  ];
  for (const s of streams) {
    test(`${s.name} sends its first event at once`, async () => {
      const p = await testPlatform();
      const u = await signIn(p, s.role, s.institution);
      const started = performance.now();
      const res = await u.request(await s.path(p, u.userId));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const chunk = await firstChunk(res);
      expect(chunk).toStartWith(s.first);
      expect(performance.now() - started).toBeLessThan(FIRST_EVENT_MS);
    });
  }

  test("a quiet stream sends a keepalive comment, not silence", async () => {
    const { liveStream } = await import("../../src/events");
    const { Hono } = await import("hono");
    const app = new Hono().get("/s", (c) => liveStream(c, (live) => live.closed, { keepaliveMs: 30 }));
    const reader = (await app.request("/s")).body!.getReader();
    let text = "";
    while (!text.includes(": keepalive")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toStartWith("event: ready\n");
  });
});
