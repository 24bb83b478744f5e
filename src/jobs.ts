// Work that runs on a timer: expiries, lapses, escalations. Each job is a function of
// (deps, now) so tests drive it with an injected clock.
import type { Deps } from "./http/context";

export type Job = { name: string; everyMs: number; run: (deps: Deps, now: number) => void };

export const JOBS: Job[] = [];

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
