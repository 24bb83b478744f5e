// Contacting a target (预警劝阻): a Twilio call or SMS (or the local outbox), a manual call, a
// visit dispatched; the outcome and what it does to the target; follow-up reviews (复核回访);
// the provider's status callbacks. The warning row is written first, then telephony is asked
// with its id, so every attempt is on the target's timeline even when the provider refuses it.

import { and, eq, getTableColumns, isNull, or, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { createCase } from "../cases/service";
import { atomic, type Conn, type Db, type Millis, stored, storedColumns, transaction } from "../db";
import { throughIndex } from "../db/dialect";
import { type IdempotencyKey, once } from "../db/idempotency";
import { apiTokens, followUps, targets, telephonyMessages, users, warnings, webhookEvents } from "../db/schema";
import type { CaseData } from "../domain/cases";
import type { FOLLOW_UP_OUTCOMES } from "../domain/enums";
import { type Identifier, normalizeIdentifier, normalizePhone } from "../domain/identifiers";
import {
  advancesStatus,
  type Outcome,
  outcomeEffect,
  type ProviderKind,
  RETRY_AFTER_MS,
  STANDARD_CALL_TEXT,
  STANDARD_SMS_TEXT,
  VISIT_REPORT_GRACE_MS,
} from "../domain/queue";
import { type Refusal, refuse } from "../domain/reasons";
import { iso } from "../domain/time";
import type { Deps } from "../http/context";
import { AppError, conflict, invalid, notFound, refusalIssue } from "../http/errors";
import { createRequest } from "../requests/lifecycle";
import { TelephonyError } from "../telephony";
import { assertFreeFor, claimIn, requireTarget, type TargetView } from "./service";

export type WarningCtx = Pick<Deps, "db" | "config" | "events" | "telephony">;
type Channel = "call" | "sms" | "manual_call" | "visit";

// A case opened from a target may not know the victim's name or district yet.
const UNKNOWN = "未知";

const CALL_STATUS_PATH = "/webhooks/twilio/call-status";
const MESSAGE_STATUS_PATH = "/webhooks/twilio/message-status";

// ---------------------------------------------------------------------------------------------
// Reading

type WarningRow = Millis<Omit<typeof warnings.$inferSelect, "agentId" | "agentToken" | "updatedAt">>;
export type WarningView = WarningRow & { provider: "twilio" | "outbox" | null; agentName: string | null };

const { agentId: _a, agentToken: _k, updatedAt: _u, ...warningColumns } = getTableColumns(warnings);
const selectWarnings = (db: Conn) =>
  db
    .select({
      ...storedColumns(warningColumns),
      provider: telephonyMessages.provider,
      agentName: sql<string | null>`coalesce(${users.displayName}, 'token:' || ${apiTokens.name})`,
    })
    .from(warnings)
    .leftJoin(users, eq(users.id, warnings.agentId))
    .leftJoin(apiTokens, eq(apiTokens.id, warnings.agentToken))
    .leftJoin(telephonyMessages, eq(telephonyMessages.sid, warnings.providerSid));

export async function getWarning(db: Db, id: number): Promise<WarningView | null> {
  return (await selectWarnings(db).where(eq(warnings.id, id)).get()) ?? null;
}

async function requireWarning(db: Db, id: number): Promise<WarningView> {
  const w = await getWarning(db, id);
  if (!w) throw notFound("warning");
  return w;
}

export async function warningsOf(db: Db, targetId: number): Promise<WarningView[]> {
  return await selectWarnings(db).where(eq(warnings.targetId, targetId)).orderBy(warnings.id).all();
}

/** `problem`: what the recorded contact could not go on to do (a call not placed, no stop-payment), as a coded refusal. */
export type ContactResult = {
  warning: WarningView;
  caseId: number | null;
  stopPaymentId: number | null;
  problem: Refusal | null;
};

/** The API's Warning. */
export function warningJson(
  r: ContactResult | { warning: WarningView; caseId?: null; stopPaymentId?: null; problem?: null },
) {
  const w = r.warning;
  return {
    id: w.id,
    targetId: w.targetId,
    channel: w.channel,
    outcome: w.outcome,
    note: w.note,
    providerSid: w.providerSid,
    providerStatus: w.providerStatus,
    provider: w.provider,
    assignee: w.assignee,
    scheduledAt: iso(w.scheduledAt),
    agent: w.agentName,
    createdAt: iso(w.createdAt)!,
    caseId: r.caseId ?? null,
    stopPaymentId: r.stopPaymentId ?? null,
    problem: r.problem?.reason ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export type OutcomeInput = {
  outcome: Outcome;
  note?: string | null;
  /** already_paid: what was paid, to which account, and the fraud type of the case it opens */
  paidAmountFen?: number | null;
  paidTo?: string | null;
  fraudType?: CaseData["fraudType"] | null;
  /** schedule a follow-up review (复核回访) at this time */
  followUpAt?: number | null;
};

type Settled = { warningId: number; caseId: number | null; stopPaymentId: number | null; problem: Refusal | null };

/**
 * Records an outcome and applies it to the target: closed; or back in the queue later
 * (unreachable); or closed with a case opened and a draft stop-payment (already paid).
 * A target already closed keeps its state; only a loss (already paid) is added to it.
 * `write` puts the outcome on the warning row inside the transaction and returns its id.
 */
async function settle(
  ctx: WarningCtx,
  who: AuditWho,
  t: TargetView,
  o: OutcomeInput,
  write: (tx: Conn) => Promise<number>,
): Promise<Settled> {
  const now = who.at;
  const effect = outcomeEffect(o.outcome);
  let paidTo: Identifier | null = null;
  if (effect === "close_with_case" && o.paidTo) {
    const id = normalizeIdentifier(o.paidTo, "bank_account");
    if (!id.ok) throw invalid([refusalIssue("paidTo", id)]);
    paidTo = id;
  }
  // the case runs its own transaction (intake, suspects, audit); nothing awaits in between, so
  // no other request can slip in before the outcome below is written
  const opened = effect === "close_with_case" ? await createCase(ctx.db, who, caseFromTarget(t, o, paidTo, now)) : null;
  const warningId = await transaction(ctx.db, async (tx) => {
    const id = await write(tx);
    if (t.status === "closed") {
      // a late report (a visit dispatched before the target was closed) changes the target only to record a loss
      if (opened)
        await tx
          .update(targets)
          .set({ outcome: o.outcome, caseId: opened.id, updatedAt: new Date(now) })
          .where(eq(targets.id, t.id))
          .run();
    } else if (effect === "retry") {
      await backInQueueAt(tx, t.id, now + RETRY_AFTER_MS, now);
    } else {
      await tx
        .update(targets)
        .set({
          status: "closed",
          outcome: o.outcome,
          closedAt: new Date(now),
          leaseExpiresAt: null,
          caseId: sql`coalesce(${opened?.id ?? null}, ${targets.caseId})`,
          updatedAt: new Date(now),
        })
        .where(eq(targets.id, t.id))
        .run();
    }
    if (o.followUpAt != null) await insertFollowUp(tx, who, t.id, o.followUpAt, null);
    await recordAudit(tx, who, {
      action: "outcome",
      entity: "target",
      entityId: t.id,
      detail: {
        warningId: id,
        outcome: o.outcome,
        caseId: opened?.id,
        retryAt: effect === "retry" ? now + RETRY_AFTER_MS : undefined,
      },
    });
    return id;
  });
  let stopPaymentId: number | null = null;
  let problem: Refusal | null = null;
  if (opened) {
    const account = paidTo?.value ?? (t.suspectKind === "bank_account" ? t.suspectValue : null);
    const suspect = account ? opened.suspects.find((s) => s.kind === "bank_account" && s.value === account) : undefined;
    if (!suspect) {
      problem = refuse("target.no_account");
    } else {
      try {
        const amountFen = opened.lossFen > 0 ? opened.lossFen : undefined;
        stopPaymentId = (
          await createRequest(ctx, who, {
            kind: "stop_payment",
            suspectId: suspect.id,
            caseId: opened.id,
            amountFen,
            draft: true,
          })
        ).request.id;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        problem = refuse("target.stop_payment_failed", { why: e.message });
      }
    }
  }
  ctx.events.publish("queue", "changed");
  return { warningId, caseId: opened?.id ?? null, stopPaymentId, problem };
}

/** Out of anyone's hands and back in the queue from `at`, at its place. */
async function backInQueueAt(tx: Conn, id: number, at: number, now: number): Promise<void> {
  await tx
    .update(targets)
    .set({
      availableAt: new Date(at),
      claimedBy: null,
      claimedByToken: null,
      leaseExpiresAt: null,
      updatedAt: new Date(now),
    })
    .where(eq(targets.id, id))
    .run();
}

function caseFromTarget(t: TargetView, o: OutcomeInput, paidTo: Identifier | null, now: number): CaseData {
  const suspects: CaseData["suspects"] = [];
  if (t.suspectValue) suspects.push({ kind: t.suspectKind!, value: t.suspectValue });
  if (paidTo && paidTo.value !== t.suspectValue) suspects.push({ kind: "bank_account", value: paidTo.value });
  return {
    receivedAt: now,
    district: t.district ?? UNKNOWN,
    fraudType: o.fraudType ?? "other",
    lossFen: o.paidAmountFen ?? t.amountAtRiskFen ?? 0,
    victim: { name: t.name ?? UNKNOWN, phone: t.phone, idNumber: null, age: t.age },
    narrative: `预警劝阻对象 #${t.id}：劝阻时已转账。${o.note ?? ""}`.trim(),
    status: "received",
    filedAt: null,
    solvedAt: null,
    suspectsDetained: 0,
    suspects,
  };
}

/**
 * The outcome of a contact made earlier (a call placed, a visit reported back). A target closed
 * meanwhile stays closed: the report goes on its timeline (and a loss still opens a case).
 */
export async function recordOutcome(
  ctx: WarningCtx,
  who: AuditWho,
  warningId: number,
  o: OutcomeInput,
): Promise<ContactResult> {
  const w = await requireWarning(ctx.db, warningId);
  if (w.outcome) throw conflict(refuse("warning.outcome_recorded", { id: warningId }), "outcome_recorded");
  const t = await requireTarget(ctx.db, w.targetId);
  assertFreeFor(t, who.actor!, who.at);
  const s = await settle(ctx, who, t, o, async (tx) => {
    await tx
      .update(warnings)
      .set({
        outcome: o.outcome,
        note: sql`coalesce(${o.note ?? null}, ${warnings.note})`,
        updatedAt: new Date(who.at),
      })
      .where(eq(warnings.id, warningId))
      .run();
    return warningId;
  });
  return {
    warning: (await getWarning(ctx.db, s.warningId))!,
    caseId: s.caseId,
    stopPaymentId: s.stopPaymentId,
    problem: s.problem,
  };
}

// ---------------------------------------------------------------------------------------------
// Contacting

export type ContactInput = {
  targetId: number;
  channel: Channel;
  note?: string | null;
  /** call: bridge the target to this phone (the agent's own) */
  connectTo?: string | null;
  /** call / sms: the text; the standard warning when empty */
  message?: string | null;
  /** visit: who goes, and when */
  assignee?: string | null;
  scheduledAt?: number | null;
} & Partial<OutcomeInput>;

async function insertWarning(tx: Conn, who: AuditWho, input: ContactInput, outcome: Outcome | null): Promise<number> {
  return (
    await tx
      .insert(warnings)
      .values({
        targetId: input.targetId,
        agentId: who.actor?.kind === "user" ? who.actor.id : null,
        agentToken: who.actor?.kind === "token" ? who.actor.id : null,
        channel: input.channel,
        outcome,
        note: input.note ?? null,
        assignee: input.assignee ?? null,
        scheduledAt: input.scheduledAt != null ? new Date(input.scheduledAt) : null,
        createdAt: new Date(who.at),
        updatedAt: new Date(who.at),
      })
      .returning({ id: warnings.id })
      .get()
  ).id;
}

/**
 * One contact with a target. With an outcome it is recorded as done (a manual call made, a visit
 * reported). Without, a call or SMS is placed through telephony, a visit is dispatched, a manual
 * call is noted; the contact claims the target for the caller (renewing their lease).
 */
/**
 * With `idem`, a repeat (a double click on "call") returns the first warning: one call, not two.
 * A contact with an outcome takes several transactions (the case, the outcome, the stop-payment),
 * so `once` stands around them outside any transaction: it reserves the key first, and a repeat
 * arriving meanwhile waits for the first to finish and replays it.
 */
export async function contact(
  ctx: WarningCtx,
  who: AuditWho,
  input: ContactInput,
  idem?: IdempotencyKey,
): Promise<ContactResult> {
  // the call or SMS to place once the warning is recorded (not on a repeat)
  let place = null as { phone: string; connectTo: string | undefined } | null;
  const { value: made, replayed } = await once(ctx.db, idem, async (): Promise<Settled> => {
    const t = await requireTarget(ctx.db, input.targetId);
    if (t.status !== "open") throw conflict(refuse("target.closed", { id: t.id }), "closed");
    assertFreeFor(t, who.actor!, who.at);
    let connectTo: string | undefined;
    if (input.channel === "call" && input.connectTo) {
      const p = normalizePhone(input.connectTo);
      if (!p.ok) throw invalid([refusalIssue("connectTo", p)]);
      connectTo = p.value;
    }
    if (input.channel === "visit" && !input.assignee)
      throw invalid([{ path: "assignee", message: "required for a visit" }], "assignee: who visits is required");
    const scheduledAt = input.channel === "visit" ? (input.scheduledAt ?? who.at) : null;
    const row = { ...input, scheduledAt };

    if (input.outcome) {
      return await settle(ctx, who, t, { ...input, outcome: input.outcome }, async (tx) => {
        const id = await insertWarning(tx, who, row, input.outcome!);
        await recordAudit(tx, who, {
          action: "create",
          entity: "warning",
          entityId: id,
          detail: { targetId: t.id, channel: input.channel },
        });
        return id;
      });
    }

    const id = await transaction(ctx.db, async (tx) => {
      await claimIn(tx, who, t.id, ctx.config.queueLeaseMs);
      const id = await insertWarning(tx, who, row, null);
      if (input.channel === "visit") {
        // out of the queue until the visit should have been reported; then back, so nobody is forgotten
        await backInQueueAt(tx, t.id, scheduledAt! + VISIT_REPORT_GRACE_MS, who.at);
      }
      await recordAudit(tx, who, {
        action: "create",
        entity: "warning",
        entityId: id,
        detail: { targetId: t.id, channel: input.channel, connect: connectTo ? true : undefined },
      });
      return id;
    });
    ctx.events.publish("queue", "changed");
    place = { phone: t.phone, connectTo };
    return { warningId: id, caseId: null, stopPaymentId: null, problem: null };
  });
  const id = made.warningId;
  let problem = made.problem;
  if (!replayed && place && (input.channel === "call" || input.channel === "sms")) {
    const { phone: to, connectTo } = place;
    try {
      const sent =
        input.channel === "call"
          ? await ctx.telephony.call({
              to,
              say: connectTo ? undefined : input.message || STANDARD_CALL_TEXT,
              connectTo,
              statusCallbackPath: `${CALL_STATUS_PATH}?warning=${id}`,
              warningId: id,
            })
          : await ctx.telephony.sms({
              to,
              body: input.message || STANDARD_SMS_TEXT,
              statusCallbackPath: `${MESSAGE_STATUS_PATH}?warning=${id}`,
              warningId: id,
            });
      // a callback may already have moved the status on: only the first known status is set here
      await atomic(
        ctx.db,
        async (tx) =>
          await tx
            .update(warnings)
            .set({
              providerSid: sent.sid,
              providerStatus: sql`coalesce(${warnings.providerStatus}, ${sent.status})`,
              updatedAt: new Date(who.at),
            })
            .where(eq(warnings.id, id))
            .run(),
      );
    } catch (e) {
      if (!(e instanceof TelephonyError)) throw e;
      problem = refuse("target.call_failed", { why: e.message });
      await transaction(ctx.db, async (tx) => {
        await tx
          .update(warnings)
          .set({ providerStatus: "failed", updatedAt: new Date(who.at) })
          .where(eq(warnings.id, id))
          .run();
        await recordAudit(tx, who, {
          action: "provider_status",
          entity: "warning",
          entityId: id,
          detail: { status: "failed", error: e.message },
        });
      });
    }
  }
  return { warning: (await getWarning(ctx.db, id))!, caseId: made.caseId, stopPaymentId: made.stopPaymentId, problem };
}

// ---------------------------------------------------------------------------------------------
// Provider status callbacks (Twilio)

export type StatusReport = {
  kind: ProviderKind;
  sid: string;
  status: string;
  eventKey: string;
  warningId: number | null;
};

/**
 * One status callback, taking effect once: the event key is recorded first and a repeat finds it
 * there. The status moves forward only (callbacks can arrive late or out of order).
 */
export async function applyProviderStatus(
  ctx: Pick<Deps, "db" | "events">,
  who: AuditWho,
  r: StatusReport,
): Promise<{ duplicate: boolean; warningId: number | null; changed: boolean }> {
  const out = await transaction(ctx.db, async (tx) => {
    const fresh = await tx
      .insert(webhookEvents)
      .values({ key: r.eventKey, receivedAt: new Date(who.at) })
      .onConflictDoNothing({ target: webhookEvents.key })
      .returning({ id: webhookEvents.id })
      .get();
    if (!fresh) return { duplicate: true, warningId: null, changed: false };
    const msg = await tx
      .select({ status: telephonyMessages.status, warningId: telephonyMessages.warningId })
      .from(telephonyMessages)
      .where(eq(telephonyMessages.sid, r.sid))
      .get();
    if (msg && advancesStatus(r.kind, msg.status, r.status))
      await tx.update(telephonyMessages).set({ status: r.status }).where(eq(telephonyMessages.sid, r.sid)).run();
    const w = await tx
      .select({ id: warnings.id, sid: warnings.providerSid, status: warnings.providerStatus })
      .from(warnings)
      .where(
        r.warningId !== null
          ? eq(warnings.id, r.warningId)
          : or(eq(warnings.providerSid, r.sid), eq(warnings.id, msg?.warningId ?? -1)),
      )
      .get();
    // a callback naming another call's warning changes nothing
    if (!w || (w.sid !== null && w.sid !== r.sid)) return { duplicate: false, warningId: null, changed: false };
    if (!advancesStatus(r.kind, w.status, r.status)) return { duplicate: false, warningId: w.id, changed: false };
    await tx
      .update(warnings)
      .set({ providerSid: r.sid, providerStatus: r.status, updatedAt: new Date(who.at) })
      .where(eq(warnings.id, w.id))
      .run();
    await recordAudit(tx, who, {
      action: "provider_status",
      entity: "warning",
      entityId: w.id,
      detail: { sid: r.sid, from: w.status, to: r.status },
    });
    return { duplicate: false, warningId: w.id, changed: true };
  });
  if (out.changed) ctx.events.publish(`warning:${out.warningId}`, "status", r.status);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Follow-up reviews (复核回访) and visits waiting to be reported

export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
type FollowUpRow = Millis<Omit<typeof followUps.$inferSelect, "assignedTo" | "createdBy" | "outcome">>;
export type FollowUpView = FollowUpRow & { outcome: FollowUpOutcome | null; assignedName: string | null };

const { assignedTo: _t, createdBy: _c, ...followUpColumns } = getTableColumns(followUps);
const selectFollowUps = (db: Conn) =>
  db
    .select({
      ...storedColumns(followUpColumns),
      outcome: sql<FollowUpOutcome | null>`${followUps.outcome}`,
      assignedName: users.displayName,
    })
    .from(followUps)
    .leftJoin(users, eq(users.id, followUps.assignedTo));

async function insertFollowUp(
  tx: Conn,
  who: AuditWho,
  targetId: number,
  dueAt: number,
  note: string | null,
): Promise<number> {
  const user = who.actor?.kind === "user" ? who.actor.id : null;
  const { id } = await tx
    .insert(followUps)
    .values({ targetId, dueAt: new Date(dueAt), assignedTo: user, note, createdBy: user, createdAt: new Date(who.at) })
    .returning({ id: followUps.id })
    .get();
  await recordAudit(tx, who, {
    action: "follow_up",
    entity: "target",
    entityId: targetId,
    detail: { followUpId: id, dueAt },
  });
  return id;
}

/** With `idem` (the form's nonce), a repeat returns the first follow-up: a double submit schedules one. */
export async function scheduleFollowUp(
  ctx: Pick<Deps, "db">,
  who: AuditWho,
  targetId: number,
  f: { dueAt: number; note?: string | null },
  idem?: IdempotencyKey,
): Promise<number> {
  await requireTarget(ctx.db, targetId);
  return await transaction(
    ctx.db,
    async (tx) =>
      (await once(tx, idem, async () => ({ id: await insertFollowUp(tx, who, targetId, f.dueAt, f.note ?? null) })))
        .value.id,
  );
}

export async function getFollowUp(db: Db, id: number): Promise<FollowUpView | null> {
  return (await selectFollowUps(db).where(eq(followUps.id, id)).get()) ?? null;
}

export async function completeFollowUp(
  ctx: Pick<Deps, "db">,
  who: AuditWho,
  id: number,
  f: { outcome: FollowUpOutcome; note?: string | null },
): Promise<FollowUpView> {
  return await transaction(ctx.db, async (tx) => {
    const cur = await getFollowUp(tx, id);
    if (!cur) throw notFound("follow-up");
    if (cur.doneAt !== null) throw conflict(refuse("follow_up.done", { id }), "follow_up_done");
    await tx
      .update(followUps)
      .set({ doneAt: new Date(who.at), outcome: f.outcome, note: sql`coalesce(${f.note ?? null}, ${followUps.note})` })
      .where(eq(followUps.id, id))
      .run();
    await recordAudit(tx, who, {
      action: "follow_up_done",
      entity: "target",
      entityId: cur.targetId,
      detail: { followUpId: id, outcome: f.outcome },
    });
    return (await getFollowUp(tx, id))!;
  });
}

export async function followUpsOf(db: Db, targetId: number): Promise<FollowUpView[]> {
  return await selectFollowUps(db).where(eq(followUps.targetId, targetId)).orderBy(followUps.dueAt).all();
}

export type PendingItem = { id: number; targetId: number; at: number; detail: string | null } & Pick<
  TargetView,
  "phone" | "name" | "riskGrade"
>;
const TARGET_OF_ITEM = { phone: targets.phone, name: targets.name, riskGrade: targets.riskGrade };

/** Follow-up reviews not yet done, soonest first. */
export async function followUpsDue(db: Db, limit = 20): Promise<PendingItem[]> {
  return await db
    .select({
      id: followUps.id,
      targetId: followUps.targetId,
      at: stored(followUps.dueAt),
      ...TARGET_OF_ITEM,
      detail: followUps.note,
    })
    .from(followUps)
    .innerJoin(targets, eq(targets.id, followUps.targetId))
    .where(isNull(followUps.doneAt))
    .orderBy(followUps.dueAt)
    .limit(limit)
    .all();
}

/** Visits dispatched and not reported back, by visit time. */
export async function visitsPending(db: Db, limit = 20): Promise<PendingItem[]> {
  // through the index of visits not yet reported, as small as the work outstanding
  return await db
    .select({
      id: stored(warnings.id),
      targetId: stored(warnings.targetId),
      at: sql<number>`${warnings.scheduledAt}`,
      ...TARGET_OF_ITEM,
      detail: stored(warnings.assignee),
    })
    .from(throughIndex(warnings, "warnings_open_visits_idx"))
    .innerJoin(targets, eq(targets.id, warnings.targetId))
    .where(sql`${warnings.channel} = 'visit' and ${warnings.outcome} is null`) // literal, as the index's condition
    .orderBy(warnings.scheduledAt)
    .limit(limit)
    .all();
}
