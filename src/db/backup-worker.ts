// The backup thread: VACUUM INTO from its own connection. On the request thread the whole backup
// (copy, integrity check, sync) stalls every request for its duration: 1.2-1.5 s for the 19 MB demo
// database at load average 9 (measured); from this thread the longest event-loop pause was 9-47 ms.
import { backupTo } from "./backup";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ source: string; dest: string }>) => {
  try {
    self.postMessage({ result: backupTo(e.data.source, e.data.dest) });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
