// One-time messages across a POST's redirect (POST → 303 → GET): a reload of the page that
// follows never repeats the POST, and what the POST produced (a new API token, the outcome of a
// pasted list) is still shown once. Kept server-side per session, never in the URL; read once
// and deleted, and ignored after a few minutes.
import type { Context } from "hono";
import { prepared } from "../db";
import type { AppEnv } from "./context";

/** How long an unread flash waits for its page. */
export const FLASH_TTL_MS = 5 * 60_000;

/** Keeps `body` for this session's next page that takes `kind` (replacing an unread one). */
export function putFlash(c: Context<AppEnv>, kind: string, body: unknown): void {
  const session = c.var.session;
  if (!session) return;
  const db = c.var.deps.db;
  const now = c.var.deps.clock.now();
  db.transaction(() => {
    prepared(db, `delete from flashes where session_id = ? and (kind = ? or created_at < ?)`).run(session.id, kind, now - FLASH_TTL_MS);
    prepared(db, `insert into flashes (session_id, kind, body, created_at) values (?, ?, ?, ?)`).run(session.id, kind, JSON.stringify(body), now);
  });
}

/** This session's unread flash of `kind`, deleted as it is read; null when none (or too old). */
export function takeFlash<T>(c: Context<AppEnv>, kind: string): T | null {
  const session = c.var.session;
  if (!session) return null;
  const row = prepared<{ body: string; createdAt: number }, [string, string]>(
    c.var.deps.db,
    `delete from flashes where session_id = ? and kind = ? returning body, created_at as createdAt`,
  ).get(session.id, kind);
  if (!row || row.createdAt < c.var.deps.clock.now() - FLASH_TTL_MS) return null;
  return JSON.parse(row.body) as T;
}
