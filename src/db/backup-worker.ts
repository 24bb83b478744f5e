// The backup thread: VACUUM INTO from its own connection. On the main connection the copy would
// stall every request for its duration (133 ms for the 19 MB demo database; grows with the size).
import { backupTo } from "./backup";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ source: string; dest: string }>) => {
  try {
    self.postMessage({ result: backupTo(e.data.source, e.data.dest) });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
