// The checkpoint thread: copies committed WAL pages into the database file from its own
// connection, so the copying and the fsync never run on the thread that answers requests.
import { Database } from "bun:sqlite";

declare const self: Worker;

export type CheckpointStart = { path: string; everyMs: number };

self.onmessage = (e: MessageEvent<CheckpointStart>) => {
  const db = new Database(e.data.path);
  // PASSIVE: never waits for readers or writers; what it cannot copy now, the next round does
  setInterval(() => {
    try {
      db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (err) {
      self.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  }, e.data.everyMs);
};
