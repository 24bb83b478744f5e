// Timer jobs across nodes: two platforms on one database (a SQLite file, or one PostgreSQL database
// in the suite's PostgreSQL pass) tick with one injected clock; each period of a job runs on one node.
import { afterEach, describe, expect, test } from "bun:test";
import { closeDatabase } from "../../src/db";
import {
  claimPeriod,
  holdPeriod,
  type Job,
  NODE_ID,
  nextPeriod,
  pollEvery,
  runDueJobs,
  runIfDue,
  startJobs,
} from "../../src/jobs";
import { sharedDatabase, sqlOne, TestClock, type TestPlatform, testPlatform } from "../helpers";

const onPostgres = !!process.env.DATABASE_URL;
const EVERY = 15_000;

let open: TestPlatform[] = [];
afterEach(async () => {
  for (const p of open) await closeDatabase(p.deps.db);
  open = [];
});

/** Two nodes on one database, one clock; `lines` holds both nodes' log lines. */
async function twoNodes() {
  const env = await sharedDatabase();
  const clock = new TestClock();
  const lines: { msg: string; job?: string; node?: string }[] = [];
  const logStream = { write: (s: string) => void lines.push(JSON.parse(s)) };
  const a = await testPlatform(env, { clock, logStream });
  const b = await testPlatform(env, { clock, logStream });
  open.push(a, b);
  return { a, b, clock, lines };
}

/** A job that counts its runs. */
function counter(name = "count", everyMs = EVERY) {
  const job: Job & { runs: number } = {
    name,
    everyMs,
    runs: 0,
    run: async () => {
      job.runs++;
    },
  };
  return job;
}

/**
 * Both nodes' ticks at one moment. On PostgreSQL they race for real; two SQLite connections in one
 * process cannot (a second BEGIN IMMEDIATE would block the only thread the first needs to commit),
 * so there they go one after the other — separate processes, as real nodes are, simply wait.
 */
async function together<T>(...ticks: (() => Promise<T>)[]): Promise<T[]> {
  if (onPostgres) return await Promise.all(ticks.map((t) => t()));
  const out: T[] = [];
  for (const t of ticks) out.push(await t());
  return out;
}

const tickOf = async (p: TestPlatform, name: string) =>
  await sqlOne<{ due_at: number; node: string; ran_at: number }>(
    p.deps.db,
    "select due_at, node, ran_at from job_ticks where name = ?",
    name,
  );

describe("a job across two nodes", () => {
  test("two nodes ticking at the same moment: the job runs once", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    const won = await together(
      () => runIfDue(a.deps, job, clock.now(), "node-a"),
      () => runIfDue(b.deps, job, clock.now(), "node-b"),
    );
    expect(job.runs).toBe(1);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await tickOf(b, "count"))?.node).toBe(won[0] ? "node-a" : "node-b");
  });

  test("many claims racing for one period: exactly one wins", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    const claims = Array.from(
      { length: 10 },
      (_, i) => () => claimPeriod((i % 2 ? a : b).deps.db, job, clock.now(), `node-${i}`),
    );
    expect((await together(...claims)).filter(Boolean)).toHaveLength(1);
  });

  test("the next period runs once again", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    const both = () =>
      together(
        () => runIfDue(a.deps, job, clock.now(), "node-a"),
        () => runIfDue(b.deps, job, clock.now(), "node-b"),
      );
    await both();
    clock.advance(EVERY);
    await both();
    expect(job.runs).toBe(2);
  });

  test("a tick before the period is over runs nothing", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    await runIfDue(a.deps, job, clock.now(), "node-a");
    clock.advance(EVERY - 1);
    const won = await together(
      () => runIfDue(a.deps, job, clock.now(), "node-a"),
      () => runIfDue(b.deps, job, clock.now(), "node-b"),
    );
    expect(won).toEqual([false, false]);
    expect(job.runs).toBe(1);
  });

  test("a node that stops ticking hands the job over in the next period", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    expect(await runIfDue(a.deps, job, clock.now(), "node-a")).toBe(true);
    // node A is gone: only B ticks from here
    clock.advance(EVERY);
    expect(await runIfDue(b.deps, job, clock.now(), "node-b")).toBe(true);
    expect(job.runs).toBe(2);
    expect(await tickOf(b, "count")).toEqual({ due_at: clock.now() + EVERY, node: "node-b", ran_at: clock.now() });
  });

  test("a failing job is logged and still moves on to the next period", async () => {
    const { a, b, clock, lines } = await twoNodes();
    let calls = 0;
    const failing: Job = {
      name: "failing",
      everyMs: EVERY,
      run: async () => {
        calls++;
        throw new Error("boom");
      },
    };
    expect(await runIfDue(a.deps, failing, clock.now(), "node-a")).toBe(true);
    expect(lines.filter((l) => l.msg === "job failed")).toMatchObject([{ job: "failing", node: "node-a" }]);
    expect(await runIfDue(b.deps, failing, clock.now(), "node-b")).toBe(false); // the period is spent
    clock.advance(EVERY);
    expect(await runIfDue(b.deps, failing, clock.now(), "node-b")).toBe(true);
    expect(calls).toBe(2);
  });
});

describe("a run that outlasts its period", () => {
  test("its node holds the next period: the other node does not start the job beside it", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    await runIfDue(a.deps, job, clock.now(), "node-a"); // still running, say
    clock.advance(EVERY - pollEvery(EVERY));
    expect(await holdPeriod(a.deps.db, job, clock.now(), "node-a")).toBe(true);
    clock.advance(pollEvery(EVERY));
    expect(await runIfDue(b.deps, job, clock.now(), "node-b")).toBe(false);
    expect(job.runs).toBe(1);
  });

  test("a hold far from the period's end changes nothing", async () => {
    const { a, clock } = await twoNodes();
    const job = counter();
    await runIfDue(a.deps, job, clock.now(), "node-a");
    clock.advance(pollEvery(EVERY));
    expect(await holdPeriod(a.deps.db, job, clock.now(), "node-a")).toBe(false);
    expect((await tickOf(a, "count"))?.due_at).toBe(clock.now() - pollEvery(EVERY) + EVERY);
  });

  test("a node cannot hold a period another node claimed", async () => {
    const { a, b, clock } = await twoNodes();
    const job = counter();
    await runIfDue(a.deps, job, clock.now(), "node-a");
    clock.advance(EVERY);
    expect(await runIfDue(b.deps, job, clock.now(), "node-b")).toBe(true);
    expect(await holdPeriod(a.deps.db, job, clock.now(), "node-a")).toBe(false);
    expect((await tickOf(a, "count"))?.node).toBe("node-b");
  });
});

describe("periods", () => {
  test("periods are multiples of the job's period: a late claim does not shift the next one", async () => {
    const { a, clock } = await twoNodes();
    const job = counter();
    const start = clock.now(); // a multiple of 15 s
    clock.advance(EVERY / 2);
    await runIfDue(a.deps, job, clock.now(), "node-a");
    expect((await tickOf(a, "count"))?.due_at).toBe(start + EVERY);
    expect(nextPeriod(start, EVERY)).toBe(start + EVERY);
  });

  test("a tick runs every due job and names those it ran", async () => {
    const { a, clock } = await twoNodes();
    const fast = counter("fast", EVERY);
    const slow = counter("slow", 4 * EVERY);
    expect(await runDueJobs(a.deps, clock.now(), "node-a", [fast, slow])).toEqual(["fast", "slow"]);
    clock.advance(EVERY);
    expect(await runDueJobs(a.deps, clock.now(), "node-a", [fast, slow])).toEqual(["fast"]);
  });

  test("nodes look for due jobs five times a period, never more than once a second", () => {
    expect(pollEvery(15_000)).toBe(3_000);
    expect(pollEvery(2_000)).toBe(1_000);
  });

  test("a node is named by its host and process", () => {
    expect(NODE_ID).toEndWith(`:${process.pid}`);
  });
});

describe("timers", () => {
  test("started on two nodes, the timers run a due job once", async () => {
    const { a, b } = await twoNodes();
    const job = counter("timed", 1_000); // looked at every second
    const stops = [startJobs(a.deps, "node-a", [job]), startJobs(b.deps, "node-b", [job])];
    try {
      // both timers fire at least twice; the clock stands still, so one period only
      await Bun.sleep(2_500);
    } finally {
      for (const stop of stops) stop();
    }
    expect(job.runs).toBe(1);
  });

  test("a slow run on one node's timer is not overtaken by the other node's", async () => {
    const { a, b, clock } = await twoNodes();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let runs = 0;
    const slow: Job = {
      name: "slow",
      everyMs: 5_000, // looked at every second
      run: async () => {
        runs++;
        await gate;
      },
    };
    const stops = [startJobs(a.deps, "node-a", [slow]), startJobs(b.deps, "node-b", [slow])];
    const until = async (cond: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 100 && !(await cond()); i++) await Bun.sleep(100);
    };
    try {
      await until(() => runs === 1);
      const dueAt = async () => (await tickOf(a, "slow"))?.due_at ?? 0;
      const first = await dueAt();
      // the period nears its end while the run goes on: its node's next look holds the next one
      clock.t = first - 1_000;
      await until(async () => (await dueAt()) > first);
      expect(await dueAt()).toBe(first + 5_000);
      clock.t = first + 1;
      await Bun.sleep(2_200); // both nodes look twice
      expect(runs).toBe(1);
    } finally {
      release();
      for (const stop of stops) stop();
    }
  });
});
