// `npm run cluster`: the failover topology on this machine, to try by hand (README: Failover).
// A PostgreSQL primary with a synchronous streaming standby in a temporary directory (Debian's
// binaries, loopback), two application nodes on the multi-host URL with the demo loaded. Type
// k (Enter) to kill the primary's machine, p to promote the standby; Ctrl-C stops everything.
// It lives beside the test clusters it is built from (test/pg-cluster.ts), as the benchmarks do:
// a tool for trying the product, not part of what src/ ships.
import { type AppNode, killMachine, pgBin, pgRun, startNode, startReplicatedPair } from "./pg-cluster";

const base = Number(process.env.PORT ?? 3001);
const say = (line: string) => console.log(line);

say("Starting a PostgreSQL primary and a synchronous standby (initdb, pg_basebackup)…");
const pair = await startReplicatedPair();
await pgRun("createdb", ["-h", "127.0.0.1", "-p", String(pair.primary.port), "-U", "postgres", "fanzha"]);
const url = pair.url("fanzha");

const nodes: AppNode[] = [];
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say("\nStopping the nodes and both PostgreSQL servers, deleting their directories…");
  await Promise.all(nodes.map((n) => n.stop()));
  await pair.destroy();
  process.exit(code);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

try {
  say(`Node a on :${base}: migrating and loading the demo (a minute or two)…`);
  const env = { ACCESS_LOG: "false", LOG_LEVEL: "warn" };
  nodes.push(
    await startNode({
      name: "a",
      databaseUrl: url,
      port: base,
      env: { ...env, FANZHA_DEMO: "auto" },
      readyWithinMs: 15 * 60_000,
    }),
  );
  say(`Node b on :${base + 1}…`);
  nodes.push(await startNode({ name: "b", databaseUrl: url, port: base + 1, env }));
} catch (e) {
  console.error((e as Error).message);
  await stop(1);
}

const [a, b] = nodes as [AppNode, AppNode];
// what node a printed at start: the admin's password (once) and the demo sign-ins
const startup = a
  .output()
  .split("\n")
  .filter((l) => /admin|sign-ins|^\s{2}\S/.test(l));
const asPostgres = process.getuid?.() === 0 ? "runuser -u postgres -- " : "";
say(`
Fanzha on two nodes, one database:
  node a  ${a.url}/
  node b  ${b.url}/
${startup.join("\n")}

PostgreSQL (synchronous: a commit returns once the standby has it on disk):
  primary  127.0.0.1:${pair.primary.port}   ${pair.primary.data}
  standby  127.0.0.1:${pair.standby.port}   ${pair.standby.data}
  the nodes' DATABASE_URL: ${url}

Try a failover: sign in on both nodes, then
  k + Enter   kill -9 the primary's postmaster and every backend (its machine is lost)
  p + Enter   promote the standby (${asPostgres}${pgBin()}/pg_ctl -D ${pair.standby.data} promote)
While no server takes writes, pages and the API answer 503 ("try again in a few seconds"); after
the promotion both nodes find the new primary by themselves. Ctrl-C stops everything.
`);

// one failover per run: after it the old primary is gone, and a new standby would be made from the
// new primary (pg_basebackup again, or pg_rewind of the old one) as on real machines
let state: "replicating" | "killed" | "promoted" = "replicating";
for await (const line of console) {
  const cmd = line.trim().toLowerCase();
  if (cmd === "k" && state === "replicating") {
    await killMachine(pair.primary);
    state = "killed";
    say(`primary killed at ${new Date().toISOString()}; p + Enter promotes the standby`);
  } else if (cmd === "p" && state === "replicating") {
    say("kill the primary first (k): a standby promoted while its primary runs makes two primaries");
  } else if (cmd === "p" && state === "killed") {
    const t = performance.now();
    await pair.promote();
    state = "promoted";
    say(`standby promoted in ${((performance.now() - t) / 1000).toFixed(2)} s: it is the primary now, alone`);
  } else if (cmd) {
    say(
      state === "promoted"
        ? "failed over: the standby is the primary (no standby now). Ctrl-C stops; run again for another try"
        : "k: kill the primary · p: promote the standby · Ctrl-C: stop",
    );
  }
}
