// The new-request form offers the case's suspects (picked, not retyped).
import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { caseSuspects, suspects } from "../db/schema";

export type CaseSuspectOption = Pick<typeof suspects.$inferSelect, "id" | "kind" | "value"> &
  Pick<typeof caseSuspects.$inferSelect, "level">;

export async function caseSuspectOptions(db: Db, caseId: number): Promise<CaseSuspectOption[]> {
  return await db
    .select({ id: suspects.id, kind: suspects.kind, value: suspects.value, level: caseSuspects.level })
    .from(caseSuspects)
    .innerJoin(suspects, eq(suspects.id, caseSuspects.suspectId))
    .where(eq(caseSuspects.caseId, caseId))
    .orderBy(caseSuspects.level, suspects.id)
    .limit(100)
    .all();
}
