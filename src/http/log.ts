// The server's log: JSON lines through pino, and one access line per request. A line names the
// route's pattern (/api/v1/lookup, /suspects/:id), never the URL: lookups and searches carry phone
// numbers and accounts in their query strings. Nothing a person typed goes into a line.
import { openSync, write, writeSync } from "node:fs";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config";
import type { AppEnv } from "./context";

/**
 * The logger of one process. Without a stream: standard output, buffered and written at least
 * once a second, so the hot lookup path pays for no system call per request.
 */
export function createLogger(config: Pick<Config, "logLevel">, stream?: DestinationStream): Logger {
  return pino({ level: config.logLevel, base: { pid: process.pid } }, stream ?? standardOutput());
}

const FLUSH_AT = 64 * 1024;
const MAX_WAITING = 16 * 1024 * 1024;

/**
 * Lines kept as they come and written in one go: at 64 KiB, at least once a second, and at exit.
 * pino's own buffered destination (sonic-boom) measured the byte length of its growing buffer at
 * every line: on the lookup path that cost more than making the line. Behind a write in flight
 * lines wait; past 16 MiB waiting they are dropped (a stuck reader must not take the memory).
 */
function lineBuffer(fd: number): DestinationStream {
  let lines: string[] = [];
  let size = 0;
  let writing = false;
  const take = () => {
    const chunk = Buffer.from(lines.join(""));
    lines = [];
    size = 0;
    return chunk;
  };
  const send = (chunk: Buffer) => {
    writing = true;
    write(fd, chunk, 0, chunk.length, null, (err, n) => {
      if (err?.code === "EAGAIN") return void setTimeout(() => send(chunk), 10);
      if (!err && n < chunk.length) return send(chunk.subarray(n));
      writing = false;
      if (size >= FLUSH_AT) send(take());
    });
  };
  const flush = () => {
    if (size && !writing) send(take());
  };
  setInterval(flush, 1000).unref();
  process.once("exit", () => {
    try {
      if (size) writeSync(fd, take());
    } catch {
      // a reader gone or full: the last second's lines may be lost, nothing else
    }
  });
  return {
    write(line: string) {
      if (size > MAX_WAITING) return;
      lines.push(line);
      size += line.length;
      if (size >= FLUSH_AT) flush();
    },
  };
}

let stdout: DestinationStream | null = null;

/** One buffered standard output per process, however many platforms it opens (the tests open many). */
function standardOutput() {
  stdout ??= lineBuffer(1);
  return stdout;
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
export const discardLog = () => lineBuffer(openSync("/dev/null", "w"));
