// The new-request form offers the case's suspects (picked, not retyped).
import type { Db } from "../db";

export type CaseSuspectOption = { id: number; kind: "phone" | "bank_account"; value: string; level: number };

export function caseSuspectOptions(db: Db, caseId: number): CaseSuspectOption[] {
  return db.$client
    .query(`select s.id, s.kind, s.value, cs.level from case_suspects cs join suspects s on s.id = cs.suspect_id where cs.case_id = ? order by cs.level, s.id limit 100`)
    .all(caseId) as CaseSuspectOption[];
}
