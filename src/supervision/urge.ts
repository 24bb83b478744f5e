// Urging (督办): a supervisor presses an overdue request (its desk hears it) or an overdue target
// (the center's agents hear it), live; each urge is kept (urges table), audited, shown on the
// request's history or the target's timeline, and listed on the supervision board.
import { desc, eq, gte } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db";
import { requests, targets, urges, users } from "../db/schema";
import { refuse } from "../domain/reasons";
import { isOverdue, type RequestStatus } from "../domain/requests";
import type { Deps } from "../http/context";
import { notFound, refused } from "../http/errors";
import type { HistoryRow } from "../requests/read";

type Ctx = Pick<Deps, "db" | "events">;
export type UrgeSubject = "request" | "target";
export type UrgeRow = {
  id: number;
  requestId: number | null;
  targetId: number | null;
  by: string;
  note: string | null;
  at: number;
};

export async function urge(
  ctx: Ctx,
  who: AuditWho,
  what: UrgeSubject,
  id: number,
  note: string | null,
): Promise<UrgeRow> {
  const { db } = ctx;
  const now = who.at;
  const actor = who.actor!;
  let institutionId: number | null = null;
  if (what === "request") {
    const r = await db
      .select({ status: requests.status, deadlineAt: requests.deadlineAt, inst: requests.institutionId })
      .from(requests)
      .where(eq(requests.id, id))
      .get();
    if (!r) throw notFound("request");
    if (!isOverdue({ status: r.status, deadlineAt: r.deadlineAt?.getTime() ?? null }, now))
      throw refused("not_overdue", refuse("urge.not_overdue", { what: "request", id }));
    institutionId = r.inst;
  } else {
    const x = await db
      .select({ status: targets.status, dueAt: targets.dueAt })
      .from(targets)
      .where(eq(targets.id, id))
      .get();
    if (!x) throw notFound("target");
    if (x.status !== "open" || x.dueAt.getTime() > now)
      throw refused("not_overdue", refuse("urge.not_overdue", { what: "target", id }));
  }
  const row = await transaction(db, async (tx) => {
    const r = await tx
      .insert(urges)
      .values({
        requestId: what === "request" ? id : null,
        targetId: what === "target" ? id : null,
        byUserId: actor.id,
        note,
        at: new Date(now),
      })
      .returning({ id: urges.id })
      .get();
    await recordAudit(tx, who, { action: "urge", entity: what, entityId: id, detail: { note } });
    return r;
  });
  const by =
    (await db.select({ name: users.displayName }).from(users).where(eq(users.id, actor.id)).get())?.name ?? actor.name;
  const data = JSON.stringify({ [what === "request" ? "requestId" : "targetId"]: id, by, note });
  // after the commit: the desk that owes the answer, or the agents who work the queue
  if (institutionId != null) ctx.events.publish(`desk:${institutionId}`, "urged", data);
  else ctx.events.publish("center", "urged", data);
  ctx.events.publish("supervision", "urged", data);
  return {
    id: row.id,
    requestId: what === "request" ? id : null,
    targetId: what === "target" ? id : null,
    by,
    note,
    at: now,
  };
}

const SELECT = {
  id: urges.id,
  requestId: urges.requestId,
  targetId: urges.targetId,
  by: users.displayName,
  note: urges.note,
  at: urges.at,
};
const rows = (
  q: { id: number; requestId: number | null; targetId: number | null; by: string; note: string | null; at: Date }[],
): UrgeRow[] => q.map((u) => ({ ...u, at: u.at.getTime() }));

/** The urges of one request or target, oldest first (its history). */
export async function urgesOf(db: Db, what: UrgeSubject, id: number): Promise<UrgeRow[]> {
  const col = what === "request" ? urges.requestId : urges.targetId;
  return rows(
    await db
      .select(SELECT)
      .from(urges)
      .innerJoin(users, eq(users.id, urges.byUserId))
      .where(eq(col, id))
      .orderBy(urges.id)
      .all(),
  );
}

/** The board's list: the urges of the last day, newest first. */
export async function recentUrges(db: Db, now: number, limit = 50): Promise<UrgeRow[]> {
  return rows(
    await db
      .select(SELECT)
      .from(urges)
      .innerJoin(users, eq(users.id, urges.byUserId))
      .where(gte(urges.at, new Date(now - 86_400_000)))
      .orderBy(desc(urges.id))
      .limit(limit)
      .all(),
  );
}

/** A request's urges as lines of its history (views/requests/parts.tsx History), status unchanged. */
export async function urgeHistory(db: Db, requestId: number, status: RequestStatus): Promise<HistoryRow[]> {
  return (await urgesOf(db, "request", requestId)).map((u) => ({
    action: "urge" as HistoryRow["action"],
    fromStatus: status,
    toStatus: status,
    amountFen: null,
    balanceFen: null,
    reason: u.note,
    reasonCode: null,
    by: u.by,
    at: u.at,
  }));
}
