// What a bank checks before it stops or freezes (银发〔2016〕86号): the holder's name, the account,
// and the transactions being traced (time, amount, payer, the bank's serial number). A level-1
// request carries the victim's transfers entered with the case; a freeze those of the stop-payment
// it follows; a level n+1 request the onward transfer the bank reported.
import { and, eq, isNull } from "drizzle-orm";
import { prepared, type Db } from "../db";
import { requestTransactions, suspects } from "../db/schema";
import type { Conn } from "../suspects/service";

export type TransactionInput = { at: number; amountFen: number; payerAccount?: string | null; payerName?: string | null; serialNo?: string | null };
export type TransactionRow = { at: number; amountFen: number; payerAccount: string | null; payerName: string | null; serialNo: string | null };

const COLS = `at, amount_fen as amountFen, payer_account as payerAccount, payer_name as payerName, serial_no as serialNo`;

export function transactionsOf(db: Db, requestId: number): TransactionRow[] {
  return prepared<TransactionRow, [number]>(db, `select ${COLS} from request_transactions where request_id = ? order by at, id`).all(requestId);
}

export function recordTransactions(tx: Conn, requestId: number, rows: readonly TransactionInput[]): void {
  for (const x of rows) {
    tx.insert(requestTransactions)
      .values({ requestId, at: new Date(x.at), amountFen: x.amountFen, payerAccount: x.payerAccount ?? null, payerName: x.payerName ?? null, serialNo: x.serialNo ?? null })
      .run();
  }
}

/**
 * The victim's transfers into this account, as entered with the case: those naming the account,
 * and those naming none when the account is where the victim's money went first (level 1).
 */
export function caseTransactionsInto(db: Db, caseId: number, suspectId: number, level: number): TransactionRow[] {
  return prepared<TransactionRow, [number, number, number]>(
    db,
    `select ${COLS} from case_transactions where case_id = ? and (suspect_id = ? or (suspect_id is null and ? = 1)) order by at, id`,
  ).all(caseId, suspectId, level);
}

/** The suspect's holder name (户名), when known. */
export function holderOf(db: Db, suspectId: number): string | null {
  return prepared<{ h: string | null }, [number]>(db, `select holder_name as h from suspects where id = ?`).get(suspectId)?.h ?? null;
}

/** Learns a holder name for an account that had none (a bank's answer, a request naming it); never overwrites one. */
export function noteHolder(tx: Conn, suspectId: number, holderName: string | null | undefined): void {
  if (!holderName) return;
  tx.update(suspects).set({ holderName }).where(and(eq(suspects.id, suspectId), isNull(suspects.holderName))).run();
}
