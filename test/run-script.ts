// Runs one of the project's scripts (src/cli.ts, src/main.ts) as its own Bun process, to its end.
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

/** Exit code and output of `bun <script> …args` in the project, with `env` over this process's; killed after `ms`. */
export async function runScript(script: string, args: string[], env: Record<string, string>, ms = 60_000) {
  const proc = Bun.spawn([process.execPath, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill(), ms);
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
