// Audit from a route: the actor, address and time come from the request context.
import type { Context } from "hono";
import { type AuditEntry, type AuditWho, recordAudit } from "../audit/service";
import { clientIp } from "../auth/middleware";
import type { AppEnv } from "./context";

export function who(c: Context<AppEnv>): AuditWho {
  return { actor: c.var.actor, ip: clientIp(c), at: c.var.deps.clock.now() };
}

export function audit(c: Context<AppEnv>, entry: AuditEntry): void {
  recordAudit(c.var.deps.db, who(c), entry);
}
