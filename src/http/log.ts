// The server's log: JSON lines through pino, and one access line per request. A line names the
// route's pattern (/api/v1/lookup, /suspects/:id), never the URL: lookups and searches carry phone
// numbers and accounts in their query strings. Nothing a person typed goes into a line.
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config";
import type { AppEnv } from "./context";

export type { Logger };

/**
 * The logger of one process. Without a stream: standard output, buffered and written at least
 * once a second, so the hot lookup path pays for no system call per request.
 */
export function createLogger(config: Pick<Config, "logLevel">, stream?: DestinationStream): Logger {
  return pino({ level: config.logLevel, base: { pid: process.pid } }, stream ?? standardOutput());
}

let stdout: ReturnType<typeof pino.destination> | null = null;

/** One buffered standard output per process, however many platforms it opens (the tests open many). */
function standardOutput() {
  if (stdout) return stdout;
  const out = (stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 }));
  setInterval(() => out.flush(), 1000).unref();
  process.once("exit", () => {
    try {
      out.flushSync();
    } catch {
      // a write still in flight: the last second's lines may be lost, nothing else
    }
  });
  return out;
}

/** The handler's route pattern: the last route matched that is not a middleware (`use` routes are "ALL"). */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string | null {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== "ALL") return routes[i]!.path;
  return null;
}

/** One line per request: id, method, route pattern, status, milliseconds; and who (user:1, token:3), never a name. */
export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { config, log } = c.get("deps");
  if (!config.accessLog) return next();
  const started = performance.now();
  try {
    await next();
  } finally {
    const actor = c.get("actor");
    log.info(
      {
        reqId: c.get("requestId"),
        method: c.req.method,
        route: routeOf(c),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        ...(actor ? { by: `${actor.kind}:${actor.id}` } : {}),
      },
      "request",
    );
  }
};

/** Where the benchmarks send the log: the lines are made and written (their cost is measured), nobody reads them. */
export const discardLog = () => pino.destination({ dest: "/dev/null", sync: false, minLength: 4096 });
