// A case's fund flow (资金流向): its accounts level 1 → 2 → 3 …, the money that moved between them
// and the requests on each, with amounts and states.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { caseSuspects, cases, institutions, onwardTransfers, requests, suspects } from "../db/schema";
import { type CaseFunds, caseFunds, type Light, trafficLight } from "../domain/requests";
import type { Deps } from "../http/context";
import { type RequestView, selectRequests } from "./read";

type FlowRequest = Pick<
  RequestView,
  "id" | "kind" | "status" | "amountFen" | "doneAmountFen" | "expiresAt" | "instCode"
> & { light: Light };
export type FlowNode = {
  suspectId: number;
  kind: "phone" | "bank_account";
  value: string;
  level: number;
  parentSuspectId: number | null;
  bank: { code: string; nameZh: string; nameEn: string } | null;
  /** money that moved into this account from its parent, as the parent's bank answered */
  inflowFen: number | null;
  requests: FlowRequest[];
  children: FlowNode[];
};
export type FundFlow = { caseId: number; lossFen: number; funds: CaseFunds; accounts: FlowNode[]; numbers: FlowNode[] };

export async function fundFlow(db: Db, caseId: number, now: number, cfg: Deps["config"]): Promise<FundFlow | null> {
  const kase = await db.select({ lossFen: cases.lossFen }).from(cases).where(eq(cases.id, caseId)).get();
  if (!kase) return null;
  const links = await db
    .select({
      suspectId: caseSuspects.suspectId,
      kind: suspects.kind,
      value: suspects.value,
      level: caseSuspects.level,
      parentSuspectId: caseSuspects.parentSuspectId,
      code: institutions.code,
      nameZh: institutions.nameZh,
      nameEn: institutions.nameEn,
    })
    .from(caseSuspects)
    .innerJoin(suspects, eq(suspects.id, caseSuspects.suspectId))
    .leftJoin(institutions, eq(institutions.id, suspects.institutionId))
    .where(eq(caseSuspects.caseId, caseId))
    .orderBy(caseSuspects.level, caseSuspects.createdAt, caseSuspects.suspectId)
    .all();
  const reqs = await selectRequests(db).where(eq(requests.caseId, caseId)).orderBy(requests.id).all();
  const inflow = new Map(
    (
      await db
        .select({ suspectId: onwardTransfers.suspectId, fen: sql<number>`sum(${onwardTransfers.amountFen})` })
        .from(onwardTransfers)
        .innerJoin(requests, eq(requests.id, onwardTransfers.requestId))
        .where(eq(requests.caseId, caseId))
        .groupBy(onwardTransfers.suspectId)
        .all()
    ).map((x) => [x.suspectId, x.fen]),
  );
  const nodes = new Map<number, FlowNode>();
  for (const l of links) {
    nodes.set(l.suspectId, {
      suspectId: l.suspectId,
      kind: l.kind,
      value: l.value,
      level: l.level,
      parentSuspectId: l.parentSuspectId,
      bank: l.code ? { code: l.code, nameZh: l.nameZh!, nameEn: l.nameEn! } : null,
      inflowFen: inflow.get(l.suspectId) ?? null,
      requests: [],
      children: [],
    });
  }
  for (const r of reqs) {
    nodes.get(r.suspectId)?.requests.push({
      id: r.id,
      kind: r.kind,
      status: r.status,
      amountFen: r.amountFen,
      doneAmountFen: r.doneAmountFen,
      expiresAt: r.expiresAt,
      instCode: r.instCode,
      light: trafficLight(r, now, cfg),
    });
  }
  const accounts: FlowNode[] = [];
  const numbers: FlowNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentSuspectId != null ? nodes.get(n.parentSuspectId) : undefined;
    if (parent && parent !== n) parent.children.push(n);
    else (n.kind === "phone" ? numbers : accounts).push(n);
  }
  return { caseId, lossFen: kase.lossFen, funds: caseFunds(kase.lossFen, reqs), accounts, numbers };
}
