// The clock's work on requests (a timer job, jobs.ts): escalation (督办) of answers overdue,
// expiry and lapse of holds, and reminders before either.
import { and, eq, gt, isNull, lte } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { requests } from "../db/schema";
import { dueReminder, expiryAction, needsEscalation } from "../domain/requests";
import { iso } from "../domain/time";
import { type Ctx, inTransaction, move, withdrawInstructions } from "./lifecycle";
import { IS_IN_FORCE, IS_OPEN, selectRequests } from "./read";

const SYSTEM = (now: number): AuditWho => ({
  actor: null,
  ip: "job:requests",
  at: now,
  label: "system:requests-clock",
});

export type ClockRun = { escalated: number; expired: number; lapsed: number; reminded: number };

export async function runRequestClock(ctx: Ctx, now: number): Promise<ClockRun> {
  const out: ClockRun = { escalated: 0, expired: 0, lapsed: 0, reminded: 0 };
  const db = ctx.db;
  const at = new Date(now);
  await inTransaction(ctx, SYSTEM(now), async (t) => {
    for (const r of await selectRequests(db)
      .where(and(IS_OPEN, lte(requests.deadlineAt, at), isNull(requests.escalatedAt)))
      .all()) {
      if (!needsEscalation(r, now)) continue;
      await t.tx
        .update(requests)
        .set({ escalatedAt: new Date(now) })
        .where(eq(requests.id, r.id))
        .run();
      await recordAudit(t.tx, t.who, {
        action: "escalate",
        entity: "request",
        entityId: r.id,
        detail: { kind: r.kind, status: r.status, institution: r.instCode, deadlineAt: r.deadlineAt },
      });
      t.live.push({
        channel: "supervision",
        event: "escalated",
        data: JSON.stringify({
          requestId: r.id,
          kind: r.kind,
          status: r.status,
          institution: r.instCode,
          deadlineAt: iso(r.deadlineAt),
        }),
      });
      t.live.push({ channel: "requests", event: "changed", data: String(r.id) });
      out.escalated++;
    }
    for (const r of await selectRequests(db)
      .where(and(IS_IN_FORCE, lte(requests.expiresAt, at)))
      .all()) {
      const action = expiryAction(r, now);
      if (!action) continue;
      await move(t, r, action, "system", {}, { reason: `ran out at ${iso(r.expiresAt)}` });
      if (r.kind === "freeze")
        await withdrawInstructions(t, r.id, `the freeze lapsed at ${iso(r.expiresAt)} before the bank confirmed`);
      out[action === "expire" ? "expired" : "lapsed"]++;
    }
    const horizon = Math.max(0, ...ctx.config.requestReminderMs.freeze, ...ctx.config.requestReminderMs.stop_payment);
    for (const r of await selectRequests(db)
      .where(and(IS_IN_FORCE, gt(requests.expiresAt, at), lte(requests.expiresAt, new Date(now + horizon))))
      .all()) {
      const due = dueReminder(r, now, ctx.config);
      if (due === null) continue;
      await t.tx
        .update(requests)
        .set({ remindedAt: new Date(now) })
        .where(eq(requests.id, r.id))
        .run();
      await recordAudit(t.tx, t.who, {
        action: "remind",
        entity: "request",
        entityId: r.id,
        detail: { kind: r.kind, expiresAt: iso(r.expiresAt), beforeMs: due },
      });
      t.live.push({
        channel: "supervision",
        event: "reminder",
        data: JSON.stringify({ requestId: r.id, kind: r.kind, institution: r.instCode, expiresAt: iso(r.expiresAt) }),
      });
      t.live.push({ channel: "requests", event: "changed", data: String(r.id) });
      out.reminded++;
    }
  });
  return out;
}
