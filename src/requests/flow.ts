// A case's fund flow (资金流向): its accounts level 1 → 2 → 3 …, the money that moved between them
// and the requests on each, with amounts and states.
import { eq } from "drizzle-orm";
import { prepared, type Db } from "../db";
import { requests } from "../db/schema";
import { caseFunds, trafficLight, type CaseFunds, type Light } from "../domain/requests";
import type { Deps } from "../http/context";
import { selectRequests, type RequestView } from "./read";


export type FlowRequest = Pick<RequestView, "id" | "kind" | "status" | "amountFen" | "doneAmountFen" | "expiresAt" | "instCode"> & { light: Light };
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

export function fundFlow(db: Db, caseId: number, now: number, cfg: Deps["config"]): FundFlow | null {
  const kase = prepared<{ lossFen: number }, [number]>(db, `select loss_fen as lossFen from cases where id = ?`).get(caseId);
  if (!kase) return null;
  const links = prepared<
    { suspectId: number; kind: "phone" | "bank_account"; value: string; level: number; parentSuspectId: number | null; code: string | null; nameZh: string | null; nameEn: string | null },
    [number]
  >(
    db,
    `select cs.suspect_id as suspectId, s.kind, s.value, cs.level, cs.parent_suspect_id as parentSuspectId, i.code, i.name_zh as nameZh, i.name_en as nameEn
     from case_suspects cs join suspects s on s.id = cs.suspect_id left join institutions i on i.id = s.institution_id
     where cs.case_id = ? order by cs.level, cs.created_at, cs.suspect_id`,
  ).all(caseId);
  const reqs = selectRequests(db).where(eq(requests.caseId, caseId)).orderBy(requests.id).all();
  const inflow = new Map(
    prepared<{ suspectId: number; fen: number }, [number]>(
      db,
      `select o.suspect_id as suspectId, sum(o.amount_fen) as fen from onward_transfers o join requests r on r.id = o.request_id where r.case_id = ? group by o.suspect_id`,
    )
      .all(caseId)
      .map((x) => [x.suspectId, x.fen]),
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
    nodes.get(r.suspectId)?.requests.push({ id: r.id, kind: r.kind, status: r.status, amountFen: r.amountFen, doneAmountFen: r.doneAmountFen, expiresAt: r.expiresAt, instCode: r.instCode, light: trafficLight(r, now, cfg) });
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
