// The desks (受理台) of the banks' and carriers' on-site staff: each desk's queue of open
// requests, what it answered lately, and the acknowledgement made by opening a sent request.
import { recordAudit, type AuditWho } from "../audit/service";
import { prepared, type Db } from "../db";
import { institutionScope } from "../domain/access";
import type { Deps } from "../http/context";
import { AppError } from "../http/errors";
import { getRequest, OPEN_SQL, SELECT, type RequestView } from "../requests/read";
import { respond } from "../requests/lifecycle";

type Ctx = Pick<Deps, "db" | "config" | "events">;

export type DeskQueue = { rows: RequestView[]; open: number; unacked: number; overdue: number };

/** How many open requests a desk screen lists: the most urgent; the counts cover them all. */
export const DESK_ROWS = 50;

/** A desk's open requests, most urgent (earliest deadline) first, and its counts. */
export function deskQueue(db: Db, institutionId: number, now: number, limit = DESK_ROWS): DeskQueue {
  // one index range per status (requests_desk_idx), merged: no sort of the whole queue
  const range = prepared<RequestView, [number, string, number]>(db, `${SELECT} where r.institution_id = ? and r.status = ? order by r.deadline_at, r.id limit ?`);
  const rows = [...range.all(institutionId, "sent", limit), ...range.all(institutionId, "acknowledged", limit)]
    .sort((a, b) => (a.deadlineAt ?? Infinity) - (b.deadlineAt ?? Infinity) || a.id - b.id)
    .slice(0, limit);
  const counts = prepared<{ open: number; unacked: number; overdue: number }, [number, number]>(
    db,
    `select count(*) as open, coalesce(sum(status = 'sent'), 0) as unacked, coalesce(sum(deadline_at <= ?), 0) as overdue
     from requests where institution_id = ? and status in ${OPEN_SQL}`,
  ).get(now, institutionId)!;
  return { rows, ...counts };
}

/**
 * What a desk answered lately (newest first), optionally only accounts/numbers containing
 * `digits`. Answered = has an answer time; read backwards along requests_answered_idx.
 */
export function deskAnswered(db: Db, institutionId: number, digits: string | undefined, limit = 20): RequestView[] {
  const where = `${SELECT} where r.institution_id = ? and r.responded_at is not null`;
  if (digits) {
    return prepared<RequestView, [number, string, number]>(db, `${where} and s.value like ? order by r.responded_at desc limit ?`).all(institutionId, `%${digits}%`, limit);
  }
  return prepared<RequestView, [number, number]>(db, `${where} order by r.responded_at desc limit ?`).all(institutionId, limit);
}

/**
 * Opening a sent request at the desk acknowledges it (签收): the institution's own staff, on its
 * page, only while it is still "sent". One fewer step than a separate button; recorded as an
 * acknowledgement in the request's history and audited as one made by opening the request.
 * True when this opening acknowledged the request. Another institution's request is a 404.
 */
export function acknowledgeOnOpen(ctx: Ctx, who: AuditWho, id: number): boolean {
  const actor = who.actor;
  if (!actor || actor.kind !== "user" || institutionScope(actor) == null) return false;
  const r = getRequest(ctx.db, actor, id);
  if (r.status !== "sent") return false;
  try {
    respond(ctx, who, id, { action: "acknowledge" });
  } catch (e) {
    // a colleague's acknowledgement got there first: nothing to do
    if (e instanceof AppError && e.status === 409) return false;
    throw e;
  }
  recordAudit(ctx.db, who, { action: "open", entity: "request", entityId: id, detail: { acknowledged: true } });
  return true;
}
