// Contacting a target (预警劝阻): a Twilio call or SMS (or the local outbox), a manual call, a
// visit dispatched; the outcome and what it does to the target; follow-up reviews (复核回访);
// the provider's status callbacks. The warning row is written first, then telephony is asked
// with its id, so every attempt is on the target's timeline even when the provider refuses it.
import { recordAudit, type AuditWho } from "../audit/service";
import { once, type IdempotencyKey } from "../db/idempotency";
import { createCase, type CaseData } from "../cases/service";
import type { Db } from "../db";
import { normalizeIdentifier, normalizePhone, type Identifier } from "../domain/identifiers";
import { advancesStatus, type Outcome, outcomeEffect, type ProviderKind, RETRY_AFTER_MS, STANDARD_CALL_TEXT, STANDARD_SMS_TEXT, VISIT_REPORT_GRACE_MS } from "../domain/queue";
import type { FOLLOW_UP_OUTCOMES } from "../domain/enums";
import type { Deps } from "../http/context";
import { AppError, badRequest, conflict, notFound, refusalIssue } from "../http/errors";
import { refuse } from "../domain/reasons";
import { createRequest } from "../requests/service";
import type { Conn } from "../suspects/service";
import { TelephonyError } from "../telephony";
import { assertFreeFor, claimIn, prepared, requireTarget, type Named, type TargetView } from "./service";

export type WarningCtx = Pick<Deps, "db" | "config" | "events" | "telephony">;
type Channel = "call" | "sms" | "manual_call" | "visit";

// A case opened from a target may not know the victim's name or district yet.
const UNKNOWN = "未知";

export const CALL_STATUS_PATH = "/webhooks/twilio/call-status";
export const MESSAGE_STATUS_PATH = "/webhooks/twilio/message-status";

// ---------------------------------------------------------------------------------------------
// Reading

export type WarningView = {
  id: number;
  targetId: number;
  channel: Channel;
  outcome: Outcome | null;
  note: string | null;
  providerSid: string | null;
  providerStatus: string | null;
  provider: "twilio" | "outbox" | null;
  assignee: string | null;
  scheduledAt: number | null;
  agentName: string | null;
  createdAt: number;
};

const W_SELECT = `select w.id, w.target_id as targetId, w.channel, w.outcome, w.note, w.provider_sid as providerSid,
  w.provider_status as providerStatus, m.provider, w.assignee, w.scheduled_at as scheduledAt,
  coalesce(u.display_name, 'token:' || k.name) as agentName, w.created_at as createdAt
  from warnings w left join users u on u.id = w.agent_id left join api_tokens k on k.id = w.agent_token
  left join telephony_messages m on m.sid = w.provider_sid`;

export function getWarning(db: Db, id: number): WarningView | null {
  return prepared<WarningView, [number]>(db, `${W_SELECT} where w.id = ?`).get(id);
}

function requireWarning(db: Db, id: number): WarningView {
  const w = getWarning(db, id);
  if (!w) throw notFound("warning");
  return w;
}

export function warningsOf(db: Db, targetId: number): WarningView[] {
  return prepared<WarningView, [number]>(db, `${W_SELECT} where w.target_id = ? order by w.id`).all(targetId);
}

export type Problem = { code: "telephony_failed" | "no_account" | "stop_payment_failed"; message: string };
export type ContactResult = { warning: WarningView; caseId: number | null; stopPaymentId: number | null; problem: Problem | null };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API's Warning. */
export function warningJson(r: ContactResult | { warning: WarningView; caseId?: null; stopPaymentId?: null; problem?: null }) {
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
    problem: r.problem?.message ?? null,
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

type Settled = { warningId: number; caseId: number | null; stopPaymentId: number | null; problem: Problem | null };

/**
 * Records an outcome and applies it to the target: closed; or back in the queue later
 * (unreachable); or closed with a case opened and a draft stop-payment (already paid).
 * A target already closed keeps its state; only a loss (already paid) is added to it.
 * `write` puts the outcome on the warning row inside the transaction and returns its id.
 */
function settle(ctx: WarningCtx, who: AuditWho, t: TargetView, o: OutcomeInput, write: (tx: Conn) => number): Settled {
  const now = who.at;
  const effect = outcomeEffect(o.outcome);
  let paidTo: Identifier | null = null;
  if (effect === "close_with_case" && o.paidTo) {
    const id = normalizeIdentifier(o.paidTo, "bank_account");
    if (!id.ok) throw badRequest(`paidTo: ${id.reason}`, [refusalIssue("paidTo", id)]);
    paidTo = id;
  }
  // the case runs its own transaction (intake, suspects, audit); nothing awaits in between, so
  // no other request can slip in before the outcome below is written
  const opened = effect === "close_with_case" ? createCase(ctx.db, who, caseFromTarget(t, o, paidTo, now)) : null;
  const warningId = ctx.db.transaction((tx) => {
    const id = write(tx);
    if (t.status === "closed") {
      // a late report (a visit dispatched before the target was closed) changes the target only to record a loss
      if (opened) prepared(ctx.db, `update targets set outcome = ?, case_id = ?, updated_at = ? where id = ?`).run(o.outcome, opened.id, now, t.id);
    } else if (effect === "retry") {
      prepared(ctx.db, `update targets set available_at = ?, claimed_by = null, claimed_by_token = null, lease_expires_at = null, updated_at = ? where id = ?`).run(
        now + RETRY_AFTER_MS,
        now,
        t.id,
      );
    } else {
      prepared(
        ctx.db,
        `update targets set status = 'closed', outcome = ?, closed_at = ?, lease_expires_at = null, case_id = coalesce(?, case_id), updated_at = ? where id = ?`,
      ).run(o.outcome, now, opened?.id ?? null, now, t.id);
    }
    if (o.followUpAt != null) insertFollowUp(tx, ctx.db, who, t.id, o.followUpAt, null);
    recordAudit(tx, who, {
      action: "outcome",
      entity: "target",
      entityId: t.id,
      detail: { warningId: id, outcome: o.outcome, caseId: opened?.id, retryAt: effect === "retry" ? now + RETRY_AFTER_MS : undefined },
    });
    return id;
  });
  let stopPaymentId: number | null = null;
  let problem: Problem | null = null;
  if (opened) {
    const account = paidTo?.value ?? (t.suspectKind === "bank_account" ? t.suspectValue : null);
    const suspect = account ? opened.suspects.find((s) => s.kind === "bank_account" && s.value === account) : undefined;
    if (!suspect) {
      problem = { code: "no_account", message: "No bank account is known to stop payment at: add it on the case." };
    } else {
      try {
        const amountFen = opened.lossFen > 0 ? opened.lossFen : undefined;
        stopPaymentId = createRequest(ctx, who, { kind: "stop_payment", suspectId: suspect.id, caseId: opened.id, amountFen, draft: true }).request.id;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        problem = { code: "stop_payment_failed", message: e.message };
      }
    }
  }
  ctx.events.publish("queue", "changed");
  return { warningId, caseId: opened?.id ?? null, stopPaymentId, problem };
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
export function recordOutcome(ctx: WarningCtx, who: AuditWho, warningId: number, o: OutcomeInput): ContactResult {
  const w = requireWarning(ctx.db, warningId);
  if (w.outcome) throw conflict(refuse("warning.outcome_recorded", { id: warningId }), "outcome_recorded");
  const t = requireTarget(ctx.db, w.targetId);
  assertFreeFor(t, who.actor!, who.at);
  const s = settle(ctx, who, t, o, () => {
    prepared(ctx.db, `update warnings set outcome = ?, note = coalesce(?, note), updated_at = ? where id = ?`).run(o.outcome, o.note ?? null, who.at, warningId);
    return warningId;
  });
  return { warning: getWarning(ctx.db, s.warningId)!, caseId: s.caseId, stopPaymentId: s.stopPaymentId, problem: s.problem };
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

const INSERT_WARNING = `insert into warnings (target_id, agent_id, agent_token, channel, outcome, note, assignee, scheduled_at, created_at, updated_at)
  values ($target, $user, $token, $channel, $outcome, $note, $assignee, $scheduledAt, $now, $now) returning id`;

function insertWarning(db: Db, who: AuditWho, input: ContactInput, outcome: Outcome | null): number {
  return prepared<{ id: number }, [Named]>(db, INSERT_WARNING).get({
    target: input.targetId,
    user: who.actor?.kind === "user" ? who.actor.id : null,
    token: who.actor?.kind === "token" ? who.actor.id : null,
    channel: input.channel,
    outcome,
    note: input.note ?? null,
    assignee: input.assignee ?? null,
    scheduledAt: input.scheduledAt ?? null,
    now: who.at,
  })!.id;
}

/**
 * One contact with a target. With an outcome it is recorded as done (a manual call made, a visit
 * reported). Without, a call or SMS is placed through telephony, a visit is dispatched, a manual
 * call is noted; the contact claims the target for the caller (renewing their lease).
 */
/**
 * With `idem`, a repeat (a double click on "call") returns the first warning: one call, not two.
 * A contact with an outcome takes several transactions (the case, the outcome, the stop-payment),
 * so `once` stands around them; nothing awaits inside it, so no repeat can slip in between.
 */
export async function contact(ctx: WarningCtx, who: AuditWho, input: ContactInput, idem?: IdempotencyKey): Promise<ContactResult> {
  // the call or SMS to place once the warning is recorded (not on a repeat)
  let place = null as { phone: string; connectTo: string | undefined } | null;
  const { value: made, replayed } = once(ctx.db, idem, (): Settled => {
    const t = requireTarget(ctx.db, input.targetId);
    if (t.status !== "open") throw conflict(refuse("target.closed", { id: t.id }), "closed");
    assertFreeFor(t, who.actor!, who.at);
    let connectTo: string | undefined;
    if (input.channel === "call" && input.connectTo) {
      const p = normalizePhone(input.connectTo);
      if (!p.ok) throw badRequest(`connectTo: ${p.reason}`, [refusalIssue("connectTo", p)]);
      connectTo = p.value;
    }
    if (input.channel === "visit" && !input.assignee) throw badRequest("assignee: who visits is required", [{ path: "assignee", message: "required for a visit" }]);
    const scheduledAt = input.channel === "visit" ? (input.scheduledAt ?? who.at) : null;
    const row = { ...input, scheduledAt };

    if (input.outcome) {
      return settle(ctx, who, t, { ...input, outcome: input.outcome }, (tx) => {
        const id = insertWarning(ctx.db, who, row, input.outcome!);
        recordAudit(tx, who, { action: "create", entity: "warning", entityId: id, detail: { targetId: t.id, channel: input.channel } });
        return id;
      });
    }

    const id = ctx.db.transaction((tx) => {
      claimIn(tx, ctx.db, who, t.id, ctx.config.queueLeaseMs);
      const id = insertWarning(ctx.db, who, row, null);
      if (input.channel === "visit") {
        // out of the queue until the visit should have been reported; then back, so nobody is forgotten
        prepared(ctx.db, `update targets set available_at = ?, claimed_by = null, claimed_by_token = null, lease_expires_at = null, updated_at = ? where id = ?`).run(
          scheduledAt! + VISIT_REPORT_GRACE_MS,
          who.at,
          t.id,
        );
      }
      recordAudit(tx, who, { action: "create", entity: "warning", entityId: id, detail: { targetId: t.id, channel: input.channel, connect: connectTo ? true : undefined } });
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
          : await ctx.telephony.sms({ to, body: input.message || STANDARD_SMS_TEXT, statusCallbackPath: `${MESSAGE_STATUS_PATH}?warning=${id}`, warningId: id });
      // a callback may already have moved the status on: only the first known status is set here
      prepared(ctx.db, `update warnings set provider_sid = ?, provider_status = coalesce(provider_status, ?), updated_at = ? where id = ?`).run(
        sent.sid,
        sent.status,
        who.at,
        id,
      );
    } catch (e) {
      if (!(e instanceof TelephonyError)) throw e;
      problem = { code: "telephony_failed", message: e.message };
      ctx.db.transaction((tx) => {
        prepared(ctx.db, `update warnings set provider_status = 'failed', updated_at = ? where id = ?`).run(who.at, id);
        recordAudit(tx, who, { action: "provider_status", entity: "warning", entityId: id, detail: { status: "failed", error: e.message } });
      });
    }
  }
  return { warning: getWarning(ctx.db, id)!, caseId: made.caseId, stopPaymentId: made.stopPaymentId, problem };
}

// ---------------------------------------------------------------------------------------------
// Provider status callbacks (Twilio)

export type StatusReport = { kind: ProviderKind; sid: string; status: string; eventKey: string; warningId: number | null };

/**
 * One status callback, taking effect once: the event key is recorded first and a repeat finds it
 * there. The status moves forward only (callbacks can arrive late or out of order).
 */
export function applyProviderStatus(ctx: Pick<Deps, "db" | "events">, who: AuditWho, r: StatusReport): { duplicate: boolean; warningId: number | null; changed: boolean } {
  const out = ctx.db.transaction((tx) => {
    const fresh = prepared<{ id: number }, [string, number]>(ctx.db, `insert into webhook_events (key, created_at) values (?, ?) on conflict (key) do nothing returning id`).get(
      r.eventKey,
      who.at,
    );
    if (!fresh) return { duplicate: true, warningId: null, changed: false };
    const msg = prepared<{ status: string; warningId: number | null }, [string]>(ctx.db, `select status, warning_id as warningId from telephony_messages where sid = ?`).get(r.sid);
    if (msg && advancesStatus(r.kind, msg.status, r.status)) prepared(ctx.db, `update telephony_messages set status = ? where sid = ?`).run(r.status, r.sid);
    const w =
      r.warningId !== null
        ? prepared<{ id: number; sid: string | null; status: string | null }, [number]>(ctx.db, `select id, provider_sid as sid, provider_status as status from warnings where id = ?`).get(r.warningId)
        : prepared<{ id: number; sid: string | null; status: string | null }, [string, number]>(
            ctx.db,
            `select id, provider_sid as sid, provider_status as status from warnings where provider_sid = ? or id = ?`,
          ).get(r.sid, msg?.warningId ?? -1);
    // a callback naming another call's warning changes nothing
    if (!w || (w.sid !== null && w.sid !== r.sid)) return { duplicate: false, warningId: null, changed: false };
    if (!advancesStatus(r.kind, w.status, r.status)) return { duplicate: false, warningId: w.id, changed: false };
    prepared(ctx.db, `update warnings set provider_sid = ?, provider_status = ?, updated_at = ? where id = ?`).run(r.sid, r.status, who.at, w.id);
    recordAudit(tx, who, { action: "provider_status", entity: "warning", entityId: w.id, detail: { sid: r.sid, from: w.status, to: r.status } });
    return { duplicate: false, warningId: w.id, changed: true };
  });
  if (out.changed) ctx.events.publish(`warning:${out.warningId}`, "status", r.status);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Follow-up reviews (复核回访) and visits waiting to be reported

export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
export type FollowUpView = {
  id: number;
  targetId: number;
  dueAt: number;
  doneAt: number | null;
  outcome: FollowUpOutcome | null;
  note: string | null;
  assignedName: string | null;
  createdAt: number;
};

const F_SELECT = `select f.id, f.target_id as targetId, f.due_at as dueAt, f.done_at as doneAt, f.outcome, f.note,
  u.display_name as assignedName, f.created_at as createdAt from follow_ups f left join users u on u.id = f.assigned_to`;

function insertFollowUp(tx: Conn, db: Db, who: AuditWho, targetId: number, dueAt: number, note: string | null): number {
  const user = who.actor?.kind === "user" ? who.actor.id : null;
  const { id } = prepared<{ id: number }>(
    db,
    `insert into follow_ups (target_id, due_at, assigned_to, note, created_by, created_at) values (?,?,?,?,?,?) returning id`,
  ).get(targetId, dueAt, user, note, user, who.at)!;
  recordAudit(tx, who, { action: "follow_up", entity: "target", entityId: targetId, detail: { followUpId: id, dueAt } });
  return id;
}

/** With `idem` (the form's nonce), a repeat returns the first follow-up: a double submit schedules one. */
export function scheduleFollowUp(ctx: Pick<Deps, "db">, who: AuditWho, targetId: number, f: { dueAt: number; note?: string | null }, idem?: IdempotencyKey): number {
  requireTarget(ctx.db, targetId);
  return ctx.db.transaction((tx) => once(tx, idem, () => ({ id: insertFollowUp(tx, ctx.db, who, targetId, f.dueAt, f.note ?? null) })).value.id);
}

export function getFollowUp(db: Db, id: number): FollowUpView | null {
  return prepared<FollowUpView, [number]>(db, `${F_SELECT} where f.id = ?`).get(id);
}

export function completeFollowUp(ctx: Pick<Deps, "db">, who: AuditWho, id: number, f: { outcome: FollowUpOutcome; note?: string | null }): FollowUpView {
  return ctx.db.transaction((tx) => {
    const cur = getFollowUp(ctx.db, id);
    if (!cur) throw notFound("follow-up");
    if (cur.doneAt !== null) throw conflict(refuse("follow_up.done", { id }), "follow_up_done");
    prepared(ctx.db, `update follow_ups set done_at = ?, outcome = ?, note = coalesce(?, note) where id = ?`).run(who.at, f.outcome, f.note ?? null, id);
    recordAudit(tx, who, { action: "follow_up_done", entity: "target", entityId: cur.targetId, detail: { followUpId: id, outcome: f.outcome } });
    return getFollowUp(ctx.db, id)!;
  });
}

export function followUpsOf(db: Db, targetId: number): FollowUpView[] {
  return prepared<FollowUpView, [number]>(db, `${F_SELECT} where f.target_id = ? order by f.due_at`).all(targetId);
}

export type PendingItem = { id: number; targetId: number; at: number; phone: string; name: string | null; riskGrade: TargetView["riskGrade"]; detail: string | null };

/** Follow-up reviews not yet done, soonest first. */
export function followUpsDue(db: Db, limit = 20): PendingItem[] {
  return prepared<PendingItem, [number]>(
    db,
    `select f.id, f.target_id as targetId, f.due_at as at, t.phone, t.name, t.risk_grade as riskGrade, f.note as detail
     from follow_ups f join targets t on t.id = f.target_id where f.done_at is null order by f.due_at limit ?`,
  ).all(limit);
}

/** Visits dispatched and not reported back, by visit time. */
export function visitsPending(db: Db, limit = 20): PendingItem[] {
  return prepared<PendingItem, [number]>(
    db,
    `select w.id, w.target_id as targetId, w.scheduled_at as at, t.phone, t.name, t.risk_grade as riskGrade, w.assignee as detail
     from warnings w indexed by warnings_open_visits_idx join targets t on t.id = w.target_id
     where w.channel = 'visit' and w.outcome is null order by w.scheduled_at limit ?`,
  ).all(limit);
}
