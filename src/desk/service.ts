// The desks (受理台) of the banks' and carriers' on-site staff: each desk's queue of open
// requests, what it answered lately, and the acknowledgement made by opening a sent request.

import { and, desc, eq, isNotNull, like, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { type Db, perConnection, rowsBy } from "../db";
import { requests, suspects } from "../db/schema";
import { institutionScope } from "../domain/access";
import type { Deps } from "../http/context";
import { AppError } from "../http/errors";
import { respond } from "../requests/lifecycle";
import { asRequests, getRequest, IS_OPEN, type RequestView, selectRequests } from "../requests/read";

type Ctx = Pick<Deps, "db" | "config" | "events">;

export type DeskQueue = { rows: RequestView[]; open: number; unacked: number; overdue: number };

/** How many open requests a desk screen lists: the most urgent; the counts cover them all. */
export const DESK_ROWS = 50;

const inst = sql.placeholder("inst");
const limit = sql.placeholder("limit");
const COUNTS = {
  open: sql<number>`count(*)`,
  unacked: sql<number>`coalesce(sum(case when ${requests.status} = 'sent' then 1 else 0 end), 0)`,
  overdue: sql<number>`coalesce(sum(case when ${requests.deadlineAt} <= ${sql.placeholder("now")} then 1 else 0 end), 0)`,
};
const asCounts = rowsBy(COUNTS);
// a desk's screen is a hot path: its queries are prepared once per connection
const statements = perConnection((db: Db) => ({
  // one index range per status (requests_desk_idx), merged: no sort of the whole queue
  range: selectRequests(db)
    .where(and(eq(requests.institutionId, inst), eq(requests.status, sql.placeholder("status"))))
    .orderBy(requests.deadlineAt, requests.id)
    .limit(limit)
    .prepare(),
  counts: db
    .select(COUNTS)
    .from(requests)
    .where(and(eq(requests.institutionId, inst), IS_OPEN))
    .prepare(),
  // answered = has an answer time; read backwards along requests_answered_idx
  answered: selectRequests(db)
    .where(and(eq(requests.institutionId, inst), isNotNull(requests.respondedAt)))
    .orderBy(desc(requests.respondedAt))
    .limit(limit)
    .prepare(),
  answeredLike: selectRequests(db)
    .where(
      and(
        eq(requests.institutionId, inst),
        isNotNull(requests.respondedAt),
        like(suspects.value, sql.placeholder("like")),
      ),
    )
    .orderBy(desc(requests.respondedAt))
    .limit(limit)
    .prepare(),
}));

/**
 * A desk's open requests, most urgent (earliest deadline) first, and its counts: raw values keyed
 * by their fields (asRequests, rowsBy), as drizzle's per-field mapping doubled the time.
 */
export async function deskQueue(db: Db, institutionId: number, now: number, limit = DESK_ROWS): Promise<DeskQueue> {
  const { range, counts } = statements(db);
  const rows = [
    ...asRequests(await range.values({ inst: institutionId, status: "sent", limit })),
    ...asRequests(await range.values({ inst: institutionId, status: "acknowledged", limit })),
  ]
    .sort((a, b) => (a.deadlineAt ?? Infinity) - (b.deadlineAt ?? Infinity) || a.id - b.id)
    .slice(0, limit);
  return { rows, ...asCounts(await counts.values({ inst: institutionId, now }))[0]! };
}

/** What a desk answered lately (newest first), optionally only accounts/numbers containing `digits`. */
export async function deskAnswered(
  db: Db,
  institutionId: number,
  digits: string | undefined,
  limit = 20,
): Promise<RequestView[]> {
  const { answered, answeredLike } = statements(db);
  return digits
    ? await answeredLike.all({ inst: institutionId, like: `%${digits}%`, limit })
    : await answered.all({ inst: institutionId, limit });
}

/**
 * Opening a sent request at the desk acknowledges it (签收): the institution's own staff, on its
 * page, only while it is still "sent". One fewer step than a separate button; recorded as an
 * acknowledgement in the request's history and audited as one made by opening the request.
 * True when this opening acknowledged the request. Another institution's request is a 404.
 */
export async function acknowledgeOnOpen(ctx: Ctx, who: AuditWho, id: number): Promise<boolean> {
  const actor = who.actor;
  if (!actor || actor.kind !== "user" || institutionScope(actor) == null) return false;
  const r = await getRequest(ctx.db, actor, id);
  if (r.status !== "sent") return false;
  try {
    await respond(ctx, who, id, { action: "acknowledge" });
  } catch (e) {
    // a colleague's acknowledgement got there first: nothing to do
    if (e instanceof AppError && e.status === 409) return false;
    throw e;
  }
  await recordAudit(ctx.db, who, { action: "open", entity: "request", entityId: id, detail: { acknowledged: true } });
  return true;
}
