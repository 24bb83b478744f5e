// One-time messages across a POST's redirect (POST → 303 → GET): a reload of the page that
// follows never repeats the POST, and what the POST produced (a new API token, the outcome of a
// pasted list) is still shown once. Kept server-side per session, never in the URL; read once
// and deleted, and ignored after a few minutes.

import { and, eq, lt, or } from "drizzle-orm";
import type { Context } from "hono";
import { atomic, stored, transaction } from "../db";
import { flashes } from "../db/schema";
import type { AppEnv } from "./context";

/** How long an unread flash waits for its page. */
const FLASH_TTL_MS = 5 * 60_000;

/** Keeps `body` for this session's next page that takes `kind` (replacing an unread one). */
export async function putFlash(c: Context<AppEnv>, kind: string, body: unknown): Promise<void> {
  const session = c.var.session;
  if (!session) return;
  const db = c.var.deps.db;
  const now = c.var.deps.clock.now();
  await transaction(db, async (tx) => {
    await tx
      .delete(flashes)
      .where(
        and(
          eq(flashes.sessionId, session.id),
          or(eq(flashes.kind, kind), lt(flashes.createdAt, new Date(now - FLASH_TTL_MS))),
        ),
      )
      .run();
    await tx
      .insert(flashes)
      .values({ sessionId: session.id, kind, body: JSON.stringify(body), createdAt: new Date(now) })
      .run();
  });
}

/** This session's unread flash of `kind`, deleted as it is read; null when none (or too old). */
export async function takeFlash<T>(c: Context<AppEnv>, kind: string): Promise<T | null> {
  const session = c.var.session;
  if (!session) return null;
  const row = await atomic(
    c.var.deps.db,
    async (tx) =>
      await tx
        .delete(flashes)
        .where(and(eq(flashes.sessionId, session.id), eq(flashes.kind, kind)))
        .returning({ body: flashes.body, createdAt: stored(flashes.createdAt) })
        .get(),
  );
  if (!row || row.createdAt < c.var.deps.clock.now() - FLASH_TTL_MS) return null;
  return JSON.parse(row.body) as T;
}
