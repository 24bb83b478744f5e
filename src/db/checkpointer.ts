// WAL checkpoints in the background. By default SQLite checkpoints inside the commit that crosses
// 1000 WAL pages, so every few hundred writes one request pays for copying ~4 MB and an fsync:
// that request is the p99. The server hands the routine checkpoints to a worker thread instead and
// keeps the in-commit checkpoint only as a far-off safety net.
import { Database } from "bun:sqlite";
import type { Db } from ".";
import type { CheckpointStart } from "./checkpoint-worker";

/** In-commit checkpoint threshold while the worker runs (pages; ~40 MB): reached only if the worker stalls. */
export const SAFETY_NET_PAGES = 10_000;

/** Starts checkpointing `path` every `everyMs` from a worker thread; returns a stop function. */
export function startCheckpointer(db: Db, path: string, everyMs = 100): () => void {
  // PostgreSQL checkpoints by itself: nothing to start there
  if (path === ":memory:" || !(db.$client instanceof Database)) return () => {};
  db.$client.exec(`PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url).href);
  worker.onmessage = (e: MessageEvent<{ error: string }>) => console.error(`WAL checkpoint failed: ${e.data.error}`);
  worker.postMessage({ path, everyMs } satisfies CheckpointStart);
  (worker as Worker & { unref(): void }).unref(); // Bun: never what keeps the process alive
  return () => {
    worker.terminate();
    db.$client.exec("PRAGMA wal_autocheckpoint = 1000");
  };
}
