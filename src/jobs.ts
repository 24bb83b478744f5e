// Every timer job of the platform, in one list: expiries, lapses, escalations, backups. Each job
// is a function of (deps, now) so tests drive it with an injected clock.
import { runBackupJob } from "./db/backup";
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

export function startJobs(deps: Deps): () => void {
  const timers = JOBS.map((job) => {
    let running = false; // a slow tick is not overtaken by the next
    return setInterval(async () => {
      if (running) return;
      running = true;
      try {
        await job.run(deps, deps.clock.now());
      } catch (e) {
        console.error(`job ${job.name} failed`, e);
      } finally {
        running = false;
      }
    }, job.everyMs);
  });
  return () => timers.forEach(clearInterval);
}
