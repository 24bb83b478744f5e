// Reference data every installation has: the banks and carriers with desks in the center.
import { sql } from "drizzle-orm";
import { INSTITUTIONS } from "../domain/institutions";
import { atomic, type Db } from ".";
import { institutions } from "./schema";

export async function seedInstitutions(db: Db): Promise<void> {
  await atomic(
    db,
    async (tx) =>
      await tx
        .insert(institutions)
        .values(INSTITUTIONS.map((i) => ({ ...i })))
        .onConflictDoUpdate({
          target: institutions.code,
          set: { nameZh: sql`excluded.name_zh`, nameEn: sql`excluded.name_en` },
        })
        .run(),
  );
}

/** code → id, for services that route by institution code. */
export async function institutionIds(db: Db): Promise<Map<string, number>> {
  return new Map(
    (await db.select({ id: institutions.id, code: institutions.code }).from(institutions).all()).map((r) => [
      r.code,
      r.id,
    ]),
  );
}
