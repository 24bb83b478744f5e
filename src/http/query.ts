// Query strings of page routes go through zod like every other input; ids in paths are read here too.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "./context";
import { notFound } from "./errors";

/** A numeric id in the path (`:id{[0-9]+}`, or another name); one too large to be an id names nothing. */
export function idOf(c: Context<AppEnv>, name = "id"): number {
  const n = Number(c.req.param(name));
  if (!Number.isSafeInteger(n) || n <= 0) throw notFound();
  return n;
}

/** A page's search box: free text, bounded so a pasted essay is a clear 400, not a long scan. */
export const SearchQuery = z.object({ q: z.string().trim().max(200, "at most 200 characters").default("") });
