// postgres.js (3.4.x) mended as Bun loads it (a preload in bunfig.toml), for a failover:
// 1. It crashes the process when a server dies under a transaction: BEGIN's ROLLBACK is written to a
//    connection whose socket is already gone, from a setImmediate, where no caller can catch it
//    (porsager/postgres#1066, #1154, #1208; fixes proposed in #1168, #1209, not released). A
//    failover kills every connection at once, so both nodes died. Now a write to a closed
//    connection rejects its query with CONNECTION_CLOSED (transaction() retries it), and a close
//    drops the unsent bytes, so a reconnection does not send them before its start-up message.
// 2. With several hosts in the URL, a query waited for as long as no host took it (its count of
//    hosts tried never grows), so every request hung until a standby was promoted. Now, as libpq
//    does, each host is tried once for it and then it fails: the request is refused with a 503.
import { plugin } from "bun";

const FIXES: [string, string][] = [
  [
    "function nextWrite(fn) {\n",
    "function nextWrite(fn) {\n    if (!socket) { chunk = nextWriteTimer = null; error(Errors.connection('CONNECTION_CLOSED', options)); return false } // fanzha: pg-driver-fix.ts\n",
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // fanzha: pg-driver-fix.ts\n    socket.removeListener('data', data)\n",
  ],
  [
    "    if (connection.queue === queues.connecting && options.host[retries + 1])\n",
    "    if (connection.queue === queues.connecting && options.host[++retries]) // fanzha: pg-driver-fix.ts\n",
  ],
  [
    "      initial = query\n      reconnect()\n",
    "      initial = query\n      retries = 0 // fanzha: pg-driver-fix.ts\n      reconnect()\n",
  ],
];

plugin({
  name: "postgres.js closed-socket write",
  setup(build) {
    build.onLoad({ filter: /[\\/]postgres[\\/]src[\\/]connection\.js$/ }, async ({ path }) => {
      let contents = await Bun.file(path).text();
      for (const [from, to] of FIXES) {
        // a release that changed these lines has its own answer: it loads unchanged, and says so
        if (!contents.includes(from)) {
          console.warn(`pg-driver-fix: ${path} has no "${from.trim()}"; loaded unchanged`);
          continue;
        }
        contents = contents.replace(from, to);
      }
      return { contents, loader: "js" };
    });
  },
});
