// Audit from a route: the actor, address and time come from the request context.
import type { Context } from "hono";
import { type AuditEntry, type AuditWho, recordAudit } from "../audit/service";
import { clientIp } from "../auth/middleware";
import { transaction } from "../db";
import type { AppEnv } from "./context";

export function who(c: Context<AppEnv>): AuditWho {
  return { actor: c.var.actor, ip: clientIp(c), at: c.var.deps.clock.now() };
}

export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  await transaction(c.var.deps.db, async (tx) => await recordAudit(tx, who(c), entry));
}
