// Work that runs on a timer: expiries, lapses, escalations. Each job is a function of
// (deps, now) so tests drive it with an injected clock.
import type { Deps } from "./http/context";
import { sweepLapsed } from "./targets/service";

export type Job = { name: string; everyMs: number; run: (deps: Deps, now: number) => void };

export const JOBS: Job[] = [
  // lapsed queue leases cleared (readers already count them as waiting, and a claim sweeps first)
  { name: "targets.sweep", everyMs: 60_000, run: (deps, now) => sweepLapsed(deps.db, now) },
];

export function startJobs(deps: Deps): () => void {
  const timers = JOBS.map((job) =>
    setInterval(() => {
      try {
        job.run(deps, deps.clock.now());
      } catch (e) {
        console.error(`job ${job.name} failed`, e);
      }
    }, job.everyMs),
  );
  return () => timers.forEach(clearInterval);
}
