// Per-token rate limit on the JSON API: one runaway institution system cannot take the desks down.
// A token bucket per caller, in this process's memory: it holds a minute's worth of requests and
// refills continuously, so a burst up to the limit passes and a steady flood is held to the rate.
import type { MiddlewareHandler } from "hono";
import { principalOf } from "../domain/access";
import type { AppEnv } from "../http/context";
import { AppError } from "../http/errors";

type Bucket = { tokens: number; at: number };

/** Middleware for routes that run after authentication: API_RATE_LIMIT_PER_MIN per token, 0 = off. */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  return async (c, next) => {
    const actor = c.get("actor");
    const { config, clock } = c.get("deps");
    const perMinute = config.apiRateLimitPerMin;
    if (!perMinute || !actor) return next();
    const perMs = perMinute / 60_000;
    const now = clock.now();
    const key = principalOf(actor);
    const b = buckets.get(key) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      c.header("Retry-After", String(retryAfter));
      throw new AppError(
        "rate_limited",
        `Too many requests: this token may make ${perMinute} a minute; retry after ${retryAfter} s`,
      );
    }
    b.tokens -= 1;
    return next();
  };
}
