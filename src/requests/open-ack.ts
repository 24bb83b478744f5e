// Opening a sent request at the desk acknowledges it (签收): the institution's own staff, on its
// page, only while it is still "sent". One fewer step than a separate button; recorded as an
// acknowledgement in the request's history and audited as one made by opening the request.
import { recordAudit, type AuditWho } from "../audit/service";
import type { Deps } from "../http/context";
import { institutionScope } from "../domain/access";
import { AppError } from "../http/errors";
import { getRequest, respond } from "./service";

type Ctx = Pick<Deps, "db" | "config" | "events">;

/** True when this opening acknowledged the request. Another institution's request is a 404. */
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
