// The center's list of districts: read by every intake that names a district, kept by the admin
// (screen and `cli district add`). The rule (listed, or the list still empty) is domain/districts.
import type { Database } from "bun:sqlite";
import { recordAudit, type AuditWho } from "../audit/service";
import { prepared, type Db } from "../db";
import { checkDistrict } from "../domain/districts";
import { refuse, type Refusal } from "../domain/reasons";
import { refusalIssue, type Issue } from "../http/errors";

export const DISTRICT_MAX = 50;

/** Every listed district, in the order people read them (pinyin for Chinese names). */
export function listDistricts(db: Db | Database): string[] {
  return prepared<{ name: string }, []>(db, `select name from districts`)
    .all()
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b, "zh"));
}

/**
 * Why `name` may not be used, or null. On the intake path: one probe of the unique index when the
 * name is listed; the whole (small) list only to word a refusal.
 */
export function districtRefusal(db: Db | Database, name: string | null | undefined): Refusal | null {
  const n = name?.trim();
  if (!n) return null;
  if (prepared<{ one: number }, [string]>(db, `select 1 as one from districts where name = ?`).get(n)) return null;
  if (!prepared<{ one: number }, []>(db, `select 1 as one from districts limit 1`).get()) return null;
  return checkDistrict(n, listDistricts(db));
}

/** The refusal as an issue of the field at `path`, or null. */
export function districtIssue(db: Db | Database, path: string, name: string | null | undefined): Issue | null {
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
    const row = prepared<{ id: number }, [string, number]>(db, `insert into districts (name, created_at) values (?, ?) on conflict (name) do nothing returning id`).get(name, who.at);
    if (!row) return refuse("district.exists", { name });
    recordAudit(tx, who, { action: "create", entity: "district", entityId: row.id, detail: { name } });
    return { ok: true as const, name };
  });
}

/** Seeds the list with names not on it yet (demo data); returns how many were added. */
export function seedDistricts(db: Db | Database, names: readonly string[], at: number): number {
  const insert = prepared<{ id: number }, [string, number]>(db, `insert into districts (name, created_at) values (?, ?) on conflict (name) do nothing returning id`);
  return names.filter((n) => n.trim() && insert.get(n.trim(), at)).length;
}
