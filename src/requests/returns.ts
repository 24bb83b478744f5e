// Return plans for a frozen account (返还方案): the shares by tracing or pro rata (domain/returns.ts),
// the 30-day public notice and its objections, and the return requests sent after it, each to
// the victim's original paying account (or another of theirs, with the reason).

import { and, asc, desc, eq } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { atomic, type Db, inOrder, storedColumns, transaction } from "../db";
import { stepKey } from "../db/idempotency";
import { caseSuspects, cases, requests, returnObjections, returnPlans, returnShares, users } from "../db/schema";
import type { Actor } from "../domain/access";
import { refuse } from "../domain/reasons";
import { isInForce, type RequestStatus, type ReturnClaim, returnableFen } from "../domain/requests";
import { type Claim, mayReturn, NOTICE_MS, plan, type ReturnMethod } from "../domain/returns";
import { formatInstant } from "../domain/time";
import type { Deps } from "../http/context";
import { conflict, type Issue, invalid, notFound } from "../http/errors";
import { centerAction, createRequest } from "./lifecycle";
import { getRequest, type RequestView } from "./read";
import { caseTransactionsInto } from "./transactions";

type Ctx = Pick<Deps, "db" | "config" | "events">;

type ShareView = {
  caseId: number;
  loss: number;
  amount: number;
  victimName: string | null;
  victimAccount: string | null;
};
export type Preview = { method: ReturnMethod; frozen: number; shares: ShareView[] };

async function freezeOf(db: Db, actor: Actor, id: number): Promise<RequestView> {
  const r = await getRequest(db, actor, id);
  if (r.kind !== "freeze" || !isInForce(r.status)) throw conflict(refuse("returns.not_frozen", { id }), "not_frozen");
  return r;
}

/** Frozen and not yet returned (nor asked back by a return still open). */
async function available(db: Db, freeze: RequestView): Promise<number> {
  const returns: ReturnClaim[] = await db
    .select({ status: requests.status, amountFen: requests.amountFen, doneAmountFen: requests.doneAmountFen })
    .from(requests)
    .where(and(eq(requests.parentRequestId, freeze.id), eq(requests.kind, "return")))
    .all();
  return returnableFen(freeze.doneAmountFen ?? 0, returns);
}

type CaseClaim = Claim & { victimName: string | null; victimAccount: string | null };

/** Every case naming the account, with its loss and the deposits traced into the account. */
async function claimsOn(db: Db, freeze: RequestView): Promise<CaseClaim[]> {
  const named = await db
    .select({
      caseId: caseSuspects.caseId,
      lossFen: cases.lossFen,
      level: caseSuspects.level,
      victimName: cases.victimName,
    })
    .from(caseSuspects)
    .innerJoin(cases, eq(cases.id, caseSuspects.caseId))
    .where(eq(caseSuspects.suspectId, freeze.suspectId))
    .orderBy(caseSuspects.caseId)
    .all();
  return await inOrder(named, async (c) => {
    const txs = await caseTransactionsInto(db, c.caseId, freeze.suspectId, c.level);
    // the victim's original paying account: the one the largest traced transfer came from
    const payer = [...txs].sort((a, b) => b.amountFen - a.amountFen).find((x) => x.payerAccount)?.payerAccount ?? null;
    return {
      caseId: c.caseId,
      lossFen: c.lossFen,
      tracedFen: txs.length ? txs.reduce((s, x) => s + x.amountFen, 0) : null,
      victimName: c.victimName,
      victimAccount: payer,
    };
  });
}

async function planned(db: Db, freeze: RequestView, method: ReturnMethod): Promise<Preview> {
  const frozen = await available(db, freeze);
  const claims = await claimsOn(db, freeze);
  const p = plan(method, frozen, claims);
  if (!p.ok) {
    if (p.code === "not_traced") throw conflict(refuse("returns.not_traced", { caseId: p.caseId! }), "not_traced");
    if (p.code === "traced_exceeds_frozen") {
      const traced = claims.reduce((s, c) => s + Math.min(c.tracedFen ?? 0, c.lossFen), 0);
      throw conflict(
        refuse("returns.traced_exceeds_frozen", { traced: `${traced} fen`, frozen: `${frozen} fen` }),
        "traced_exceeds_frozen",
      );
    }
    throw conflict(refuse("returns.no_claims"), "no_claims");
  }
  const byCase = new Map(claims.map((c) => [c.caseId, c]));
  return {
    method,
    frozen,
    shares: p.shares.map((s) => ({
      ...s,
      victimName: byCase.get(s.caseId)!.victimName,
      victimAccount: byCase.get(s.caseId)!.victimAccount,
    })),
  };
}

/** The shares this method gives now (not stored). */
export async function previewPlan(db: Db, actor: Actor, freezeId: number, method: ReturnMethod): Promise<Preview> {
  return await planned(db, await freezeOf(db, actor, freezeId), method);
}

type StoredShare = ShareView & {
  toAccount: string | null;
  toAccountReason: string | null;
  returnRequestId: number | null;
  returnStatus: RequestStatus | null;
};
export type StoredPlan = {
  id: number;
  freezeRequestId: number;
  method: ReturnMethod;
  frozenFen: number;
  noticeOpenedAt: number | null;
  noticeClosesAt: number | null;
  sentAt: number | null;
  withdrawnAt: number | null;
  withdrawnReason: string | null;
  createdAt: number;
  shares: StoredShare[];
  objections: { id: number; text: string; objector: string; recordedBy: string | null; at: number }[];
};

/** Adopted, neither sent nor withdrawn: the freeze's page works on it, and no other plan may start. */
export const isPending = (p: Pick<StoredPlan, "sentAt" | "withdrawnAt">) => p.sentAt == null && p.withdrawnAt == null;

/** The freeze's latest plan, with its shares and objections. */
async function currentPlan(db: Db, freezeId: number): Promise<StoredPlan | null> {
  const pl = returnPlans;
  const p: Omit<StoredPlan, "shares" | "objections"> | undefined = await db
    .select(
      storedColumns({
        id: pl.id,
        freezeRequestId: pl.freezeRequestId,
        method: pl.method,
        frozenFen: pl.frozenFen,
        noticeOpenedAt: pl.noticeOpenedAt,
        noticeClosesAt: pl.noticeClosesAt,
        sentAt: pl.sentAt,
        withdrawnAt: pl.withdrawnAt,
        withdrawnReason: pl.withdrawnReason,
        createdAt: pl.createdAt,
      }),
    )
    .from(pl)
    .where(eq(pl.freezeRequestId, freezeId))
    .orderBy(desc(pl.id))
    .limit(1)
    .get();
  if (!p) return null;
  const s = returnShares;
  const shares: StoredShare[] = await db
    .select({
      caseId: s.caseId,
      loss: s.lossFen,
      amount: s.amountFen,
      victimName: cases.victimName,
      victimAccount: s.toAccount,
      toAccount: s.toAccount,
      toAccountReason: s.toAccountReason,
      returnRequestId: s.returnRequestId,
      returnStatus: requests.status,
    })
    .from(s)
    .innerJoin(cases, eq(cases.id, s.caseId))
    .leftJoin(requests, eq(requests.id, s.returnRequestId))
    .where(eq(s.planId, p.id))
    .orderBy(s.caseId)
    .all();
  const o = returnObjections;
  const objections: StoredPlan["objections"] = await db
    .select({
      ...storedColumns({ id: o.id, text: o.text, objector: o.objector, at: o.at }),
      recordedBy: users.displayName,
    })
    .from(o)
    .leftJoin(users, eq(users.id, o.recordedBy))
    .where(eq(o.planId, p.id))
    .orderBy(asc(o.at), asc(o.id))
    .all();
  return { ...p, shares, objections };
}

/** The return plan a freeze's page shows: the freeze (scoped to the actor) and its latest plan. */
export async function returnsPage(
  db: Db,
  actor: Actor,
  freezeId: number,
): Promise<{ freeze: RequestView; plan: StoredPlan | null }> {
  return { freeze: await freezeOf(db, actor, freezeId), plan: await currentPlan(db, freezeId) };
}

export type AccountChoice = { account?: string; reason?: string };

/**
 * Adopts the plan: the shares as they stand and where each goes. A pro-rata plan opens its
 * 30-day public notice now. Each share goes to the victim's original paying account unless
 * another account of theirs is given, with the reason.
 */
export async function adoptPlan(
  ctx: Ctx,
  who: AuditWho,
  freezeId: number,
  method: ReturnMethod,
  accounts: Record<number, AccountChoice>,
): Promise<StoredPlan> {
  const db = ctx.db;
  const id = await transaction(db, async (tx) => {
    const freeze = await freezeOf(tx, who.actor!, freezeId);
    const open = await currentPlan(tx, freezeId);
    if (open && isPending(open)) throw conflict(refuse("returns.plan_open", { id: open.id }), "plan_open");
    const p = await planned(tx, freeze, method);
    const issues: Issue[] = [];
    const dest = p.shares.map((s) => {
      const given = accounts[s.caseId]?.account?.replace(/[\s-]/g, "") || undefined;
      const reason = accounts[s.caseId]?.reason?.trim() || null;
      const to = given ?? s.victimAccount;
      if (s.amount > 0 && !to)
        issues.push({
          path: `account.${s.caseId}`,
          message: `case ${s.caseId}: enter the victim's account (no paying account is recorded with the case)`,
        });
      if (s.amount > 0 && to && s.victimAccount && to !== s.victimAccount && !reason)
        issues.push({
          path: `reason.${s.caseId}`,
          message: `case ${s.caseId}: another account than the victim's original paying account needs the reason`,
        });
      if (to && !/^\d{8,30}$/.test(to))
        issues.push({ path: `account.${s.caseId}`, message: `case ${s.caseId}: an account number is 8–30 digits` });
      return { to, reason: s.victimAccount && to !== s.victimAccount ? reason : null };
    });
    if (issues.length) throw invalid(issues, `${issues[0]!.path}: ${issues[0]!.message}`);
    const at = new Date(who.at);
    const { id } = await tx
      .insert(returnPlans)
      .values({
        freezeRequestId: freeze.id,
        method,
        frozenFen: p.frozen,
        noticeOpenedAt: method === "pro_rata" ? at : null,
        noticeClosesAt: method === "pro_rata" ? new Date(who.at + NOTICE_MS) : null,
        createdBy: who.actor?.kind === "user" ? who.actor.id : null,
        createdAt: at,
      })
      .returning({ id: returnPlans.id })
      .get();
    await inOrder(p.shares, async (s, i) => {
      await tx
        .insert(returnShares)
        .values({
          planId: id,
          caseId: s.caseId,
          lossFen: s.loss,
          amountFen: s.amount,
          toAccount: dest[i]!.to,
          toAccountReason: dest[i]!.reason,
        })
        .run();
    });
    await recordAudit(tx, who, {
      action: "create",
      entity: "return_plan",
      entityId: id,
      detail: {
        freezeRequestId: freeze.id,
        method,
        frozenFen: p.frozen,
        shares: p.shares.map((s) => [s.caseId, s.amount]),
      },
    });
    return id;
  });
  return await currentPlanById(db, id);
}

async function currentPlanById(db: Db, planId: number): Promise<StoredPlan> {
  const freezeId = (
    await db.select({ f: returnPlans.freezeRequestId }).from(returnPlans).where(eq(returnPlans.id, planId)).get()
  )?.f;
  if (freezeId == null) throw notFound("return plan");
  return (await currentPlan(db, freezeId))!;
}

/** The plan of this freeze with this id, as the actor may see it. */
async function planOf(db: Db, actor: Actor, freezeId: number, planId: number): Promise<StoredPlan> {
  await freezeOf(db, actor, freezeId);
  const p = await currentPlan(db, freezeId);
  if (!p || p.id !== planId) throw notFound("return plan");
  return p;
}

/** An objection during the public notice: who objected and what they said. */
export async function recordObjection(
  ctx: Ctx,
  who: AuditWho,
  freezeId: number,
  planId: number,
  objector: string,
  text: string,
): Promise<void> {
  const db = ctx.db;
  await transaction(db, async (tx) => {
    const p = await planOf(tx, who.actor!, freezeId, planId);
    if (p.method !== "pro_rata") throw conflict(refuse("returns.not_pro_rata"), "not_pro_rata");
    if (p.withdrawnAt != null) throw conflict(refuse("returns.withdrawn", { id: p.id }), "withdrawn");
    if (p.noticeClosesAt == null || who.at >= p.noticeClosesAt)
      throw conflict(refuse("returns.notice_closed", { until: formatInstant(p.noticeClosesAt) }), "notice_closed");
    const { id } = await tx
      .insert(returnObjections)
      .values({
        planId,
        text,
        objector,
        recordedBy: who.actor?.kind === "user" ? who.actor.id : null,
        at: new Date(who.at),
      })
      .returning({ id: returnObjections.id })
      .get();
    await recordAudit(tx, who, {
      action: "create",
      entity: "return_objection",
      entityId: id,
      detail: { planId, objector },
    });
  });
}

/**
 * Sends the plan's returns: one return request per share with money, to its account, each
 * numbered and signed as it goes. Refused before a pro-rata plan's notice has closed. A share
 * already sent is not sent again (a retry after a failure picks up where it stopped).
 */
export async function sendReturns(ctx: Ctx, who: AuditWho, freezeId: number, planId: number): Promise<number[]> {
  const db = ctx.db;
  const p = await planOf(db, who.actor!, freezeId, planId);
  if (p.sentAt != null) throw conflict(refuse("returns.already_sent", { id: p.id }), "already_sent");
  if (p.withdrawnAt != null) throw conflict(refuse("returns.withdrawn", { id: p.id }), "withdrawn");
  const may = mayReturn(p, who.at);
  if (!may.ok) throw conflict(refuse("returns.notice_open", { until: formatInstant(may.until) }), "notice_open");
  const freeze = await freezeOf(db, who.actor!, freezeId);
  const sent: number[] = [];
  for (const s of p.shares) {
    if (s.amount <= 0) continue;
    let requestId = s.returnRequestId;
    if (requestId == null) {
      const { request } = await createRequest(
        ctx,
        who,
        {
          kind: "return",
          suspectId: freeze.suspectId,
          institution: freeze.instCode,
          caseId: s.caseId,
          parentRequestId: freeze.id,
          amountFen: s.amount,
          note: `返还方案 #${p.id}（${p.method === "traced" ? "按资金流向" : "按比例"}）：返还至 ${s.toAccount}${s.toAccountReason ? `（${s.toAccountReason}）` : ""}`,
          draft: true,
        },
        // a retry after a crash between these steps finds the draft it made
        stepKey(`return-plan:${p.id}`, s.caseId),
      );
      requestId = request.id;
      await atomic(
        db,
        async (tx) =>
          await tx
            .update(returnShares)
            .set({ returnRequestId: requestId })
            .where(and(eq(returnShares.planId, p.id), eq(returnShares.caseId, s.caseId)))
            .run(),
      );
    }
    const status = (await db
      .select({ status: requests.status })
      .from(requests)
      .where(eq(requests.id, requestId))
      .get())!.status;
    if (status === "draft") await centerAction(ctx, who, requestId, "send");
    sent.push(requestId);
  }
  await transaction(db, async (tx) => {
    await tx
      .update(returnPlans)
      .set({ sentAt: new Date(who.at) })
      .where(eq(returnPlans.id, p.id))
      .run();
    await recordAudit(tx, who, { action: "send", entity: "return_plan", entityId: p.id, detail: { returns: sent } });
  });
  return sent;
}

/**
 * Withdraws a plan before its returns go out (an objection upheld, another case naming the
 * account), with the reason; its notice and objections stay on record, and a new plan may start.
 */
export async function withdrawPlan(
  ctx: Ctx,
  who: AuditWho,
  freezeId: number,
  planId: number,
  reason: string,
): Promise<void> {
  const db = ctx.db;
  await transaction(db, async (tx) => {
    const p = await planOf(tx, who.actor!, freezeId, planId);
    if (p.sentAt != null) throw conflict(refuse("returns.already_sent", { id: p.id }), "already_sent");
    if (p.withdrawnAt != null) throw conflict(refuse("returns.withdrawn", { id: p.id }), "withdrawn");
    await tx
      .update(returnPlans)
      .set({ withdrawnAt: new Date(who.at), withdrawnReason: reason })
      .where(eq(returnPlans.id, p.id))
      .run();
    await recordAudit(tx, who, { action: "withdraw", entity: "return_plan", entityId: p.id, detail: { reason } });
  });
}
