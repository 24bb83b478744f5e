// Cases (警情): intake with the suspects it names (one transaction), list, detail, status changes.

import { and, count, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Db } from "../db";
import { inOrder, transaction } from "../db";
import { type IdempotencyKey, once } from "../db/idempotency";
import { cases, caseTransactions, institutions, instructions, requests, suspects } from "../db/schema";
import { districtIssue } from "../districts/service";
import {
  type CaseData,
  type CaseDates,
  type CaseStatus,
  type CaseTransaction,
  caseTransition,
  checkCaseDates,
  type FraudType,
  intakeDates,
  normalizeIdNumber,
  type Victim,
} from "../domain/cases";
import { type Identifier, normalizeIdentifier, normalizePhone } from "../domain/identifiers";
import { CASE_SUSPECT_RISK } from "../domain/suspects";
import { startOfShanghaiDay } from "../domain/time";
import { type Issue, invalid, notFound, refusalIssue } from "../http/errors";
import { type Conn, reportSuspect, type SuspectRecord, suspectsOfCase } from "../suspects/service";
import type { CaseFilter } from "./schemas";

export type CaseRecord = CaseDates & {
  id: number;
  district: string;
  fraudType: FraudType;
  lossFen: number;
  victim: Victim;
  narrative: string | null;
  suspectsDetained: number;
  createdAt: number;
  suspects: (SuspectRecord & { level: number })[];
  transactions: CaseTransaction[];
};

/**
 * Everything that can be wrong with a case, all at once: the victim's phone and ID number, the
 * status dates and their order, and each suspect row (`suspects.<i>.value`). A case with any
 * issue is not saved at all.
 */
export function checkCase(
  d: CaseData,
  now: number,
): {
  issues: Issue[];
  dates: CaseDates;
  victim: Victim;
  suspects: Identifier[];
  names: Map<string, { holderName?: string; branch?: string }>;
  receiving: (Identifier | null)[];
} {
  const issues: Issue[] = [];
  const victim = { ...d.victim };
  if (d.victim.phone) {
    const p = normalizePhone(d.victim.phone);
    if (p.ok) victim.phone = p.value;
    else issues.push(refusalIssue("victim.phone", p));
  }
  if (d.victim.idNumber) {
    const n = normalizeIdNumber(d.victim.idNumber);
    if (n.ok) victim.idNumber = n.value;
    else issues.push(refusalIssue("victim.idNumber", n));
  }
  const dates = intakeDates(
    { status: d.status, receivedAt: d.receivedAt, filedAt: d.filedAt, solvedAt: d.solvedAt },
    now,
  );
  issues.push(...checkCaseDates(dates, now));
  // the same number written twice in one case is one suspect, one sighting
  const suspects = new Map<string, Identifier>();
  const names = new Map<string, { holderName?: string; branch?: string }>();
  d.suspects.forEach((row, i) => {
    const id = normalizeIdentifier(row.value, row.kind);
    if (id.ok) {
      suspects.set(`${id.kind}:${id.value}`, id);
      if (row.holderName || row.branch)
        names.set(`${id.kind}:${id.value}`, { holderName: row.holderName, branch: row.branch });
    } else issues.push(refusalIssue(`suspects.${i}.value`, id));
  });
  // the account each transfer went to; it becomes a suspect of the case if not named already
  const receiving = (d.transactions ?? []).map((x, i) => {
    if (!x.account) return null;
    const id = normalizeIdentifier(x.account, "bank_account");
    if (!id.ok) {
      issues.push(refusalIssue(`transactions.${i}.account`, id));
      return null;
    }
    if (!suspects.has(`${id.kind}:${id.value}`)) suspects.set(`${id.kind}:${id.value}`, id);
    return id;
  });
  return { issues, dates, victim, suspects: [...suspects.values()], names, receiving };
}

/** Intake: the case, its suspects recorded (or merged) and linked, and the audit, in one transaction. */
/** With `idem`, a repeat of the key (a double submit, a retried API call) returns the first case and creates nothing. */
export async function createCase(db: Db, who: AuditWho, d: CaseData, idem?: IdempotencyKey): Promise<CaseRecord> {
  const { issues, dates, victim, suspects, names, receiving } = checkCase(d, who.at);
  // only a district on the center's list (any while the list is empty)
  const unlisted = await districtIssue(db, "district", d.district);
  if (unlisted) issues.push(unlisted);
  if (issues.length) throw invalid(issues);
  return await transaction(db, async (tx) => {
    const { value } = await once(tx, idem, async () => {
      const at = new Date(who.at);
      const { id } = await tx
        .insert(cases)
        .values({
          receivedAt: new Date(dates.receivedAt),
          district: d.district,
          fraudType: d.fraudType,
          lossFen: d.lossFen,
          victimName: victim.name,
          victimPhone: victim.phone,
          victimIdNumber: victim.idNumber,
          victimAge: victim.age,
          narrative: d.narrative,
          status: dates.status,
          filedAt: dates.filedAt === null ? null : new Date(dates.filedAt),
          solvedAt: dates.solvedAt === null ? null : new Date(dates.solvedAt),
          closedAt: dates.closedAt === null ? null : new Date(dates.closedAt),
          suspectsDetained: d.suspectsDetained,
          createdBy: who.actor?.kind === "user" ? who.actor.id : null,
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: cases.id })
        .get();
      // the victim stays out of the audit detail: the log is read more widely than the case
      await recordAudit(tx, who, {
        action: "create",
        entity: "case",
        entityId: id,
        detail: { fraudType: d.fraudType, district: d.district, status: dates.status, suspects: suspects.length },
      });
      const suspectIds = new Map<string, number>();
      for (const identifier of suspects) {
        const key = `${identifier.kind}:${identifier.value}`;
        const rec = await reportSuspect(tx, who, {
          identifier,
          riskLevel: CASE_SUSPECT_RISK,
          source: `case:${id}`,
          caseId: id,
          at: who.at,
          ...names.get(key),
        });
        suspectIds.set(key, rec.suspect.id);
      }
      await inOrder(d.transactions ?? [], async (x, i) => {
        const to = receiving[i];
        await tx
          .insert(caseTransactions)
          .values({
            caseId: id,
            suspectId: to ? (suspectIds.get(`${to.kind}:${to.value}`) ?? null) : null,
            at: new Date(x.at),
            amountFen: x.amountFen,
            payerAccount: x.payerAccount,
            payerName: x.payerName,
            serialNo: x.serialNo,
          })
          .run();
      });
      return { id };
    });
    return (await readCase(tx, value.id))!;
  });
}

async function readCase(tx: Conn, id: number): Promise<CaseRecord | null> {
  const c = await tx.select().from(cases).where(eq(cases.id, id)).get();
  if (!c) return null;
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  return {
    id: c.id,
    receivedAt: c.receivedAt.getTime(),
    district: c.district,
    fraudType: c.fraudType,
    lossFen: c.lossFen,
    victim: { name: c.victimName, phone: c.victimPhone, idNumber: c.victimIdNumber, age: c.victimAge },
    narrative: c.narrative,
    status: c.status,
    filedAt: ms(c.filedAt),
    solvedAt: ms(c.solvedAt),
    closedAt: ms(c.closedAt),
    suspectsDetained: c.suspectsDetained,
    createdAt: c.createdAt.getTime(),
    suspects: await suspectsOfCase(tx, id),
    transactions: await transactionsOfCase(tx, id),
  };
}

async function transactionsOfCase(tx: Conn, caseId: number): Promise<CaseTransaction[]> {
  return (
    await tx
      .select({
        at: caseTransactions.at,
        amountFen: caseTransactions.amountFen,
        account: suspects.value,
        payerAccount: caseTransactions.payerAccount,
        payerName: caseTransactions.payerName,
        serialNo: caseTransactions.serialNo,
      })
      .from(caseTransactions)
      .leftJoin(suspects, eq(suspects.id, caseTransactions.suspectId))
      .where(eq(caseTransactions.caseId, caseId))
      .orderBy(caseTransactions.at, caseTransactions.id)
      .all()
  ).map((x) => ({ ...x, at: x.at.getTime() }));
}

/** A case's detail, and the audit entry every view of it leaves (the victim is personal data). */
export async function viewCase(db: Db, who: AuditWho, id: number): Promise<CaseRecord> {
  const rec = await readCase(db, id);
  if (!rec) throw notFound("case");
  await recordAudit(db, who, { action: "view", entity: "case", entityId: id });
  return rec;
}

/** received → filed → solved / closed; the new status's date is `at`, checked against the others. */
export async function changeCaseStatus(
  db: Db,
  who: AuditWho,
  id: number,
  change: { status: CaseStatus; at: number | null; suspectsDetained: number | null },
): Promise<CaseRecord> {
  return await transaction(db, async (tx) => {
    const cur = await readCase(tx, id);
    if (!cur) throw notFound("case");
    const t = caseTransition(cur, change.status, change.at ?? who.at, who.at);
    if (!t.ok) throw invalid(t.issues);
    const d = t.dates;
    await tx
      .update(cases)
      .set({
        status: d.status,
        filedAt: d.filedAt === null ? null : new Date(d.filedAt),
        solvedAt: d.solvedAt === null ? null : new Date(d.solvedAt),
        closedAt: d.closedAt === null ? null : new Date(d.closedAt),
        suspectsDetained: change.suspectsDetained ?? cur.suspectsDetained,
        updatedAt: new Date(who.at),
      })
      .where(eq(cases.id, id))
      .run();
    await recordAudit(tx, who, {
      action: "update",
      entity: "case",
      entityId: id,
      detail: {
        from: cur.status,
        to: d.status,
        at: new Date(change.at ?? who.at).toISOString(),
        suspectsDetained: change.suspectsDetained ?? undefined,
      },
    });
    return (await readCase(tx, id))!;
  });
}

// ---------------------------------------------------------------------------------------------
// The list

const PAGE_SIZE = 50;

/** Newest first; dates are Shanghai calendar days, `to` inclusive. The victim is not listed. */
export async function listCases(db: Db, f: CaseFilter) {
  const where: SQL[] = [];
  if (f.status) where.push(eq(cases.status, f.status));
  if (f.fraudType) where.push(eq(cases.fraudType, f.fraudType));
  if (f.district) where.push(eq(cases.district, f.district));
  if (f.from) where.push(gte(cases.receivedAt, new Date(startOfShanghaiDay(f.from))));
  if (f.to) where.push(lt(cases.receivedAt, new Date(startOfShanghaiDay(f.to) + 86_400_000)));
  const cond = where.length ? and(...where) : undefined;
  const total = (await db.select({ n: count() }).from(cases).where(cond).get())?.n ?? 0;
  const rows = await db
    .select({
      id: cases.id,
      receivedAt: cases.receivedAt,
      district: cases.district,
      fraudType: cases.fraudType,
      lossFen: cases.lossFen,
      status: cases.status,
      suspects: sql<number>`(select count(*) from case_suspects cs where cs.case_id = ${cases.id})`,
    })
    .from(cases)
    .where(cond)
    .orderBy(desc(cases.receivedAt), desc(cases.id))
    .limit(PAGE_SIZE)
    .offset((f.page - 1) * PAGE_SIZE)
    .all();
  return { rows, total, page: f.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

export type CaseList = Awaited<ReturnType<typeof listCases>>;

/** Districts already used, for the form's suggestions (the district index makes this cheap). */
export async function knownDistricts(db: Db): Promise<string[]> {
  return (
    await db.selectDistinct({ district: cases.district }).from(cases).orderBy(cases.district).limit(200).all()
  ).map((r) => r.district);
}

/** Requests sent about this case's suspects, for its page. */
export async function caseRequests(db: Db, caseId: number) {
  return (
    await db
      .select({
        id: requests.id,
        kind: requests.kind,
        status: requests.status,
        institution: institutions.code,
        suspectId: requests.suspectId,
        createdAt: requests.createdAt,
        amountFen: requests.amountFen,
        doneAmountFen: requests.doneAmountFen,
        // the request's notice (文书): the first instruction issued for it
        documentNo: sql<
          string | null
        >`(select ${instructions.documentNo} from ${instructions} where ${instructions.requestId} = ${requests.id} order by ${instructions.id} limit 1)`,
      })
      .from(requests)
      .innerJoin(institutions, eq(institutions.id, requests.institutionId))
      .where(eq(requests.caseId, caseId))
      .orderBy(desc(requests.createdAt))
      .limit(200)
      .all()
  ).map((r) => ({ ...r, createdAt: r.createdAt.getTime() }));
}
