// The audit trail: who did what to which record, when, from where. Append-only.

import { and, desc, eq, gte, like, lt, type SQL, sql } from "drizzle-orm";
import { atomic, type Conn, type Db, perConnection } from "../db";
import { auditLog, institutions } from "../db/schema";
import type { Actor } from "../domain/access";

export type AuditEntry = {
  action: string; // view | create | update | delete | export | sign_in | sign_out | ...
  entity: string;
  entityId?: string | number | null;
  detail?: unknown;
};

/** Who acts: a person or token, or — when actor is null — the system part named by `label` (clock job, Twilio, CLI). */
export type AuditWho = { actor: Actor | null; ip: string | null; at: number; label?: string };

// Every change writes one row, so the insert is a drizzle prepared query built once per
// connection (the query builder costs ~40 µs a call, a prepared insert a few µs).
const inserts = perConnection((db: Conn) =>
  db
    .insert(auditLog)
    .values({
      at: sql.placeholder("at"),
      userId: sql.placeholder("userId"),
      tokenId: sql.placeholder("tokenId"),
      actor: sql.placeholder("actor"),
      action: sql.placeholder("action"),
      entity: sql.placeholder("entity"),
      entityId: sql.placeholder("entityId"),
      detail: sql.placeholder("detail"),
      ip: sql.placeholder("ip"),
    })
    .prepare(),
);

// takes the database or a transaction on it, so a change and its audit entry commit together
export async function recordAudit(db: Conn, who: AuditWho, e: AuditEntry): Promise<void> {
  await atomic(
    db,
    async (tx) =>
      await inserts(tx).run({
        at: new Date(who.at),
        userId: who.actor?.kind === "user" ? who.actor.id : null,
        tokenId: who.actor?.kind === "token" ? who.actor.id : null,
        actor: who.actor?.name ?? who.label ?? "anonymous",
        action: e.action,
        entity: e.entity,
        entityId: e.entityId == null ? null : String(e.entityId),
        detail: e.detail === undefined ? null : JSON.stringify(e.detail),
        ip: who.ip,
      }),
  );
}

export type AuditFilter = {
  actor?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  from?: number;
  to?: number;
  before?: number;
};

export async function listAudit(db: Db, f: AuditFilter, limit = 100) {
  const where: SQL[] = [];
  if (f.actor) where.push(like(auditLog.actor, `%${f.actor}%`));
  if (f.entity) where.push(eq(auditLog.entity, f.entity));
  if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.from != null) where.push(gte(auditLog.at, new Date(f.from)));
  if (f.to != null) where.push(lt(auditLog.at, new Date(f.to)));
  if (f.before != null) where.push(lt(auditLog.id, f.before));
  return await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all();
}

/** Institution names by code, for an entry's detail that names one by its code. */
export async function institutionNames(db: Db, lang: "zh" | "en"): Promise<Record<string, string>> {
  const rows = await db
    .select({ code: institutions.code, zh: institutions.nameZh, en: institutions.nameEn })
    .from(institutions)
    .all();
  return Object.fromEntries(rows.map((r) => [r.code, lang === "zh" ? r.zh : r.en]));
}
