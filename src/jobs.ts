// Every timer job of the platform, in one list: expiries, lapses, escalations, backups. Each job
// is a function of (deps, now) so tests drive it with an injected clock. Several nodes on one
// database run each period of a job once: the node that claims it in job_ticks runs it.
import { hostname } from "node:os";
import { and, eq, lte } from "drizzle-orm";
import { type Db, transaction } from "./db";
import { runBackupJob } from "./db/backup";
import { jobTicks } from "./db/schema";
import type { Deps } from "./http/context";
import { runRequestClock } from "./requests/clock";
import { sweepLapsed } from "./targets/service";

export type Job = { name: string; everyMs: number; run: (deps: Deps, now: number) => Promise<unknown> | undefined };

export const JOBS: Job[] = [
  // lapsed queue leases cleared (readers already count them as waiting, and a claim sweeps first)
  { name: "targets.sweep", everyMs: 60_000, run: async (deps, now) => await sweepLapsed(deps.db, now) },
  // requests: escalation of overdue answers, expiry and lapse of holds, reminders before either
  { name: "requests", everyMs: 15_000, run: async (deps, now) => await runRequestClock(deps, now) },
  // a backup when the newest in BACKUP_DIR is BACKUP_EVERY_HOURS old (SQLite's copy, or pg_dump on PostgreSQL)
  { name: "backup", everyMs: 5 * 60_000, run: (deps, now) => void runBackupJob(deps.config, now) },
];

/** This process among the nodes on one database, as job_ticks records it. */
export const NODE_ID = `${hostname()}:${process.pid}`;

/**
 * The start of the period after `now`. Periods are multiples of `everyMs` since the epoch, so the
 * nodes agree on them whenever each started, and a run claimed late does not shift the next one.
 */
export const nextPeriod = (now: number, everyMs: number): number => (Math.floor(now / everyMs) + 1) * everyMs;

/**
 * Claims the job's current period for this node: true on exactly one node per period. Time is the
 * node's clock (deps.clock: tests inject theirs; servers keep theirs synchronised by NTP), not the
 * database's: a node whose clock runs ahead by s claims a period up to s early, and still no
 * period is claimed twice, since the claim moves due_at past it in the same statement that checks it.
 */
export async function claimPeriod(db: Db, job: Job, now: number, node: string): Promise<boolean> {
  // not due yet: a read, no lock taken (most ticks end here)
  const [tick] = await db.select({ dueAt: jobTicks.dueAt }).from(jobTicks).where(eq(jobTicks.name, job.name)).all();
  if (tick && tick.dueAt.getTime() > now) return false;
  const claim = { dueAt: new Date(nextPeriod(now, job.everyMs)), node, ranAt: new Date(now) };
  // One statement: the row is made if missing, else moved forward only while still due. Two nodes
  // racing: on PostgreSQL the second waits for the first's row lock and then finds it no longer due
  // (no row returned); SQLite runs one write at a time.
  const won = await transaction(db, async (tx) =>
    tx
      .insert(jobTicks)
      .values({ name: job.name, ...claim })
      .onConflictDoUpdate({ target: jobTicks.name, set: claim, setWhere: lte(jobTicks.dueAt, new Date(now)) })
      .returning({ name: jobTicks.name })
      .all(),
  );
  return won.length > 0;
}

/**
 * Runs the job when this node claims its period. A failure is logged and the period stays spent:
 * the next period runs as usual (the jobs are sweeps, each catching up on what the last left).
 * A node that dies during a run loses that run only; the next period is claimed by another node.
 */
export async function runIfDue(deps: Deps, job: Job, now: number, node: string = NODE_ID): Promise<boolean> {
  if (!(await claimPeriod(deps.db, job, now, node))) return false;
  try {
    await job.run(deps, now);
  } catch (e) {
    deps.log.error({ job: job.name, node, err: e }, "job failed");
  }
  return true;
}

/** One tick of every job at `now` on this node, in order; the names of those it ran. */
export async function runDueJobs(
  deps: Deps,
  now: number,
  node: string = NODE_ID,
  jobs: Job[] = JOBS,
): Promise<string[]> {
  const ran: string[] = [];
  for (const job of jobs) if (await runIfDue(deps, job, now, node)) ran.push(job.name);
  return ran;
}

/**
 * How often a node looks whether a job is due: a fifth of its period (at least a second), so a period
 * starts at most that late on whichever node looks first, and a dead node's work is taken over then.
 */
export const pollEvery = (everyMs: number): number => Math.max(1000, Math.floor(everyMs / 5));

/**
 * A run that outlasts its period keeps the next one on its node: while the run goes on, each look
 * moves due_at past the next look (when it would come before), so no other node starts the job
 * beside it. A node that dies stops moving it, and the next look of another node after it takes over.
 */
export async function holdPeriod(db: Db, job: Job, now: number, node: string): Promise<boolean> {
  const nextLook = now + 2 * pollEvery(job.everyMs); // a look may come late: two looks' margin
  const held = await transaction(db, async (tx) =>
    tx
      .update(jobTicks)
      .set({ dueAt: new Date(nextPeriod(nextLook, job.everyMs)) })
      .where(and(eq(jobTicks.name, job.name), eq(jobTicks.node, node), lte(jobTicks.dueAt, new Date(nextLook))))
      .returning({ name: jobTicks.name })
      .all(),
  );
  return held.length > 0;
}

export function startJobs(deps: Deps, node: string = NODE_ID, jobs: Job[] = JOBS): () => void {
  const timers = jobs.map((job) => {
    let running = false; // a slow tick is not overtaken by the next, here or on another node
    let holding = false;
    return setInterval(async () => {
      if (running) {
        if (holding) return;
        holding = true;
        await holdPeriod(deps.db, job, deps.clock.now(), node)
          .catch((e) => deps.log.error({ job: job.name, node, err: e }, "job hold failed"))
          .finally(() => {
            holding = false;
          });
        return;
      }
      running = true;
      try {
        await runIfDue(deps, job, deps.clock.now(), node);
      } catch (e) {
        // the claim itself failed (the database unreachable): the next tick tries again
        deps.log.error({ job: job.name, node, err: e }, "job claim failed");
      } finally {
        running = false;
      }
    }, pollEvery(job.everyMs));
  });
  return () => timers.forEach(clearInterval);
}
