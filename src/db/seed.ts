// Reference data every installation has: the banks and carriers with desks in the center.
import { sql } from "drizzle-orm";
import { INSTITUTIONS } from "../domain/institutions";
import type { Db } from ".";
import { institutions } from "./schema";

export function seedInstitutions(db: Db): void {
  db.insert(institutions)
    .values(INSTITUTIONS.map((i) => ({ ...i })))
    .onConflictDoUpdate({
      target: institutions.code,
      set: { nameZh: sql`excluded.name_zh`, nameEn: sql`excluded.name_en` },
    })
    .run();
}

/** code → id, for services that route by institution code. */
export function institutionIds(db: Db): Map<string, number> {
  return new Map(
    db
      .select({ id: institutions.id, code: institutions.code })
      .from(institutions)
      .all()
      .map((r) => [r.code, r.id]),
  );
}
