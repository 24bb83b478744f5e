// The center's list of districts: read by every intake that names a district, kept by the admin
// (screen and `cli district add`). The rule (listed, or the list still empty) is domain/districts.
import { eq } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Conn, Db } from "../db";
import { districts } from "../db/schema";
import { checkDistrict } from "../domain/districts";
import { type Refusal, refuse } from "../domain/reasons";
import { type Issue, refusalIssue } from "../http/errors";

const DISTRICT_MAX = 50;

/** Every listed district, in the order people read them (pinyin for Chinese names). */
export function listDistricts(db: Conn): string[] {
  return db
    .select({ name: districts.name })
    .from(districts)
    .all()
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b, "zh"));
}

/**
 * Why `name` may not be used, or null. On the intake path: one probe of the unique index when the
 * name is listed; the whole (small) list only to word a refusal.
 */
export function districtRefusal(db: Conn, name: string | null | undefined): Refusal | null {
  const n = name?.trim();
  if (!n) return null;
  if (db.select({ id: districts.id }).from(districts).where(eq(districts.name, n)).get()) return null;
  if (!db.select({ id: districts.id }).from(districts).limit(1).get()) return null;
  return checkDistrict(n, listDistricts(db));
}

/** The refusal as an issue of the field at `path`, or null. */
export function districtIssue(db: Conn, path: string, name: string | null | undefined): Issue | null {
  const r = districtRefusal(db, name);
  return r && refusalIssue(path, r);
}

export type AddDistrict = { ok: true; name: string } | Refusal;

/** Adds a district to the list (audited); refused when empty, too long or already listed. */
export function addDistrict(db: Db, who: AuditWho, raw: string): AddDistrict {
  const name = raw.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (!name) return refuse("district.empty");
  if ([...name].length > DISTRICT_MAX) return refuse("district.too_long");
  return db.transaction((tx) => {
    const row = insertDistrict(tx, name, who.at);
    if (!row) return refuse("district.exists", { name });
    recordAudit(tx, who, { action: "create", entity: "district", entityId: row.id, detail: { name } });
    return { ok: true as const, name };
  });
}

/** Seeds the list with names not on it yet (demo data); returns how many were added. */
export function seedDistricts(db: Conn, names: readonly string[], at: number): number {
  return names.filter((n) => n.trim() && insertDistrict(db, n.trim(), at)).length;
}

/** The new row's id; none when the name is listed already. */
const insertDistrict = (db: Conn, name: string, at: number) =>
  db
    .insert(districts)
    .values({ name, createdAt: new Date(at) })
    .onConflictDoNothing({ target: districts.name })
    .returning({ id: districts.id })
    .get();
