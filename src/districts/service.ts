// The center's list of districts: read by every intake that names a district, kept by the admin
// (screen and `cli district add`). The rule (listed, or the list still empty) is domain/districts.
import { eq } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Conn, Db } from "../db";
import { transaction } from "../db";
import { districts } from "../db/schema";
import { checkDistrict } from "../domain/districts";
import { type Refusal, refuse } from "../domain/reasons";
import { type Issue, refusalIssue } from "../http/errors";

const DISTRICT_MAX = 50;

/** Every listed district, in the order people read them (pinyin for Chinese names). */
export async function listDistricts(db: Conn): Promise<string[]> {
  return (await db.select({ name: districts.name }).from(districts).all())
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b, "zh"));
}

/**
 * Why `name` may not be used, or null. On the intake path: one probe of the unique index when the
 * name is listed; the whole (small) list only to word a refusal.
 */
export async function districtRefusal(db: Conn, name: string | null | undefined): Promise<Refusal | null> {
  const n = name?.trim();
  if (!n) return null;
  if (await db.select({ id: districts.id }).from(districts).where(eq(districts.name, n)).get()) return null;
  if (!(await db.select({ id: districts.id }).from(districts).limit(1).get())) return null;
  return checkDistrict(n, await listDistricts(db));
}

/** The refusal as an issue of the field at `path`, or null. */
export async function districtIssue(db: Conn, path: string, name: string | null | undefined): Promise<Issue | null> {
  const r = await districtRefusal(db, name);
  return r && refusalIssue(path, r);
}

export type AddDistrict = { ok: true; name: string } | Refusal;

/** Adds a district to the list (audited); refused when empty, too long or already listed. */
export async function addDistrict(db: Db, who: AuditWho, raw: string): Promise<AddDistrict> {
  const name = raw.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (!name) return refuse("district.empty");
  if ([...name].length > DISTRICT_MAX) return refuse("district.too_long");
  return await transaction(db, async (tx) => {
    const row = await insertDistrict(tx, name, who.at);
    if (!row) return refuse("district.exists", { name });
    await recordAudit(tx, who, { action: "create", entity: "district", entityId: row.id, detail: { name } });
    return { ok: true as const, name };
  });
}

/** Seeds the list with names not on it yet (demo data); returns how many were added. */
export async function seedDistricts(db: Conn, names: readonly string[], at: number): Promise<number> {
  return await transaction(db, async (tx) => {
    let added = 0;
    for (const n of names) if (n.trim() && (await insertDistrict(tx, n.trim(), at))) added++;
    return added;
  });
}

/** The new row's id; none when the name is listed already. */
const insertDistrict = async (db: Conn, name: string, at: number) =>
  await db
    .insert(districts)
    .values({ name, createdAt: new Date(at) })
    .onConflictDoNothing({ target: districts.name })
    .returning({ id: districts.id })
    .get();
