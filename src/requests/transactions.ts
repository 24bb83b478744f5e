// What a bank checks before it stops or freezes (银发〔2016〕86号): the holder's name, the account,
// and the transactions being traced (time, amount, payer, the bank's serial number). A level-1
// request carries the victim's transfers entered with the case; a freeze those of the stop-payment
// it follows; a level n+1 request the onward transfer the bank reported.
import { and, asc, eq, isNull, or } from "drizzle-orm";
import { type Db, storedColumns } from "../db";
import { caseTransactions, requestTransactions, suspects } from "../db/schema";
import type { Conn } from "../suspects/service";

export type TransactionInput = {
  at: number;
  amountFen: number;
  payerAccount?: string | null;
  payerName?: string | null;
  serialNo?: string | null;
};
export type TransactionRow = {
  at: number;
  amountFen: number;
  payerAccount: string | null;
  payerName: string | null;
  serialNo: string | null;
};

const columns = <T extends typeof requestTransactions | typeof caseTransactions>(t: T) =>
  storedColumns({
    at: t.at,
    amountFen: t.amountFen,
    payerAccount: t.payerAccount,
    payerName: t.payerName,
    serialNo: t.serialNo,
  });

export async function transactionsOf(db: Db, requestId: number): Promise<TransactionRow[]> {
  const t = requestTransactions;
  return await db.select(columns(t)).from(t).where(eq(t.requestId, requestId)).orderBy(asc(t.at), asc(t.id)).all();
}

export async function recordTransactions(
  tx: Conn,
  requestId: number,
  rows: readonly TransactionInput[],
): Promise<void> {
  for (const x of rows) {
    await tx
      .insert(requestTransactions)
      .values({
        requestId,
        at: new Date(x.at),
        amountFen: x.amountFen,
        payerAccount: x.payerAccount ?? null,
        payerName: x.payerName ?? null,
        serialNo: x.serialNo ?? null,
      })
      .run();
  }
}

/**
 * The victim's transfers into this account, as entered with the case: those naming the account,
 * and those naming none when the account is where the victim's money went first (level 1).
 */
export async function caseTransactionsInto(
  db: Db,
  caseId: number,
  suspectId: number,
  level: number,
): Promise<TransactionRow[]> {
  const t = caseTransactions;
  const into = level === 1 ? or(eq(t.suspectId, suspectId), isNull(t.suspectId)) : eq(t.suspectId, suspectId);
  return await db
    .select(columns(t))
    .from(t)
    .where(and(eq(t.caseId, caseId), into))
    .orderBy(asc(t.at), asc(t.id))
    .all();
}

/** The suspect's holder name (户名), when known. */
export async function holderOf(db: Db, suspectId: number): Promise<string | null> {
  return (
    (await db.select({ h: suspects.holderName }).from(suspects).where(eq(suspects.id, suspectId)).get())?.h ?? null
  );
}

/** Learns a holder name for an account that had none (a bank's answer, a request naming it); never overwrites one. */
export async function noteHolder(tx: Conn, suspectId: number, holderName: string | null | undefined): Promise<void> {
  if (!holderName) return;
  await tx
    .update(suspects)
    .set({ holderName })
    .where(and(eq(suspects.id, suspectId), isNull(suspects.holderName)))
    .run();
}
