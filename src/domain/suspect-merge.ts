// How the kind and risk columns of an imported file are written, and the SQL form of the merge
// rule (domain/suspects.ts mergeSighting) for the bulk import's statements, on SQLite (a row at a
// time) and PostgreSQL (a batch at a time). Pure.
import type { SuspectKind } from "./identifiers";
import { type Refusal, refuse } from "./reasons";
import { DEFAULT_RISK, REOPEN_REASON, RISK_RANK, type RiskLevel } from "./suspects";

const word = (s: string) =>
  s
    .normalize("NFKC")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, "");

// each word as written and as normalised
const KIND_WORDS = new Map<string, SuspectKind>();
for (const w of [
  "phone",
  "mobile",
  "tel",
  "telephone",
  "number",
  "电话",
  "号码",
  "手机",
  "手机号",
  "手机号码",
  "电话号码",
  "涉诈号码",
  "固话",
])
  KIND_WORDS.set(w, "phone").set(word(w), "phone");
for (const w of [
  "bank_account",
  "account",
  "card",
  "bankcard",
  "银行卡",
  "银行账户",
  "银行账号",
  "账户",
  "账号",
  "卡号",
  "涉诈账户",
  "银行卡号",
])
  KIND_WORDS.set(w, "bank_account").set(word(w), "bank_account");

const RISK_WORDS = new Map<string, RiskLevel>();
for (const [level, words] of [
  ["high", ["high", "h", "高", "高风险", "高危"]],
  ["medium", ["medium", "med", "m", "中", "中风险", "中危", "一般"]],
  ["low", ["low", "l", "低", "低风险", "低危"]],
] as const) {
  for (const w of words) RISK_WORDS.set(w, level).set(word(w), level);
}

export type Parsed<T> = { ok: true; value: T | undefined } | Refusal;

/** 类型 column: phone / bank_account in English or Chinese; blank means "detect from the value". */
export function kindFromWord(s: string | undefined): Parsed<SuspectKind> {
  if (!s || !s.trim()) return { ok: true, value: undefined };
  // a file repeats a few spellings a million times: try the cell as written first
  const k = KIND_WORDS.get(s) ?? KIND_WORDS.get(word(s));
  return k ? { ok: true, value: k } : refuse("import.unknown_kind", { word: s.trim() });
}

/** 风险等级 column: high/medium/low or 高/中/低; blank means "not said". */
export function riskFromWord(s: string | undefined): Parsed<RiskLevel> {
  if (!s || !s.trim()) return { ok: true, value: undefined };
  const r = RISK_WORDS.get(s) ?? RISK_WORDS.get(word(s));
  return r ? { ok: true, value: r } : refuse("import.unknown_risk", { word: s.trim() });
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const rankSql = (expr: string) =>
  `(case ${expr} ${Object.entries(RISK_RANK)
    .map(([k, v]) => `when ${sqlString(k)} then ${v}`)
    .join(" ")} else -1 end)`;

/**
 * The merge rule as SQL, column for column, for prepared statements. Parameters: ?1 kind,
 * ?2 value, ?3 inferred institution id (or null), ?4 reported risk (or null), ?5 the sighting's
 * instant (ms), ?6 note, trimmed (or null).
 * - `insert`: firstSighting; does nothing (0 changes) when the suspect exists.
 * - `merge`: mergeSighting on the existing row (every right-hand side reads the old values);
 *   RETURNING its id.
 */
export function sightingSql(): { insert: string; merge: string } {
  return {
    insert: `insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, status_reason, first_seen_at, last_seen_at, sightings, note)
      values (?1, ?2, ?3, 1, coalesce(?4, ${sqlString(DEFAULT_RISK)}), 'active', null, ?5, ?5, 1, ?6)
      on conflict (value, kind) do nothing`,
    merge: `update suspects set
        sightings = sightings + 1,
        risk_level = case when ?4 is not null and ${rankSql("?4")} > ${rankSql("risk_level")} then ?4 else risk_level end,
        status = case when status = 'cleared' then 'active' else status end,
        status_reason = case when status = 'cleared' then ${sqlString(REOPEN_REASON)} else status_reason end,
        first_seen_at = min(first_seen_at, ?5),
        last_seen_at = max(last_seen_at, ?5),
        institution_inferred = case when institution_id is null then 1 else institution_inferred end,
        institution_id = coalesce(institution_id, ?3),
        note = case
          when ?6 is null then note
          when note is null then ?6
          when instr(char(10) || note || char(10), char(10) || ?6 || char(10)) > 0 then note
          else note || char(10) || ?6 end
      where value = ?2 and kind = ?1
      returning id`,
  };
}

/**
 * The same rule for PostgreSQL, a batch at a time: the rows come as arrays (unnest), one row per
 * suspect in a statement (a batch's repeats go in later rounds). Parameters: $1 kinds, $2 values,
 * $3 inferred institution ids, $4 reported risks, $5 notes (arrays, one element per row), $6 the
 * instant, $7 the source every recorded suspect gets (suspect_sources).
 * - `insert`: firstSighting for the rows whose suspect does not exist; selects the ordinals (from 1)
 *   of the rows it did not insert, to be merged.
 * - `merge`: mergeSighting on the existing rows (every right-hand side reads the old values);
 *   selects how many it merged.
 */
export function pgSightingSql(): { insert: string; merge: string } {
  const rows = "unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])";
  const nl = "E'\\n'";
  return {
    insert: `with t as (select * from ${rows} with ordinality as t(kind, value, institution_id, risk, note, ord)),
      ins as (
        insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, status_reason, first_seen_at, last_seen_at, sightings, note)
        select kind, value, institution_id, 1, coalesce(risk, ${sqlString(DEFAULT_RISK)}), 'active', null, $6, $6, 1, note from t
        on conflict (value, kind) do nothing
        returning id, kind, value),
      src as (insert into suspect_sources (suspect_id, source, first_at) select id, $7, $6 from ins on conflict do nothing)
      select t.ord from t
      where (select count(*) from ins) < cardinality($2::text[]) -- all inserted (the usual case): no search
        and not exists (select from ins where ins.value = t.value and ins.kind = t.kind)`,
    merge: `with upd as (
        update suspects s set
          sightings = s.sightings + 1,
          risk_level = case when t.risk is not null and ${rankSql("t.risk")} > ${rankSql("s.risk_level")} then t.risk else s.risk_level end,
          status = case when s.status = 'cleared' then 'active' else s.status end,
          status_reason = case when s.status = 'cleared' then ${sqlString(REOPEN_REASON)} else s.status_reason end,
          first_seen_at = least(s.first_seen_at, $6),
          last_seen_at = greatest(s.last_seen_at, $6),
          institution_inferred = case when s.institution_id is null then 1 else s.institution_inferred end,
          institution_id = coalesce(s.institution_id, t.institution_id),
          note = case
            when t.note is null then s.note
            when s.note is null then t.note
            when strpos(${nl} || s.note || ${nl}, ${nl} || t.note || ${nl}) > 0 then s.note
            else s.note || ${nl} || t.note end
        from ${rows} as t(kind, value, institution_id, risk, note)
        where s.value = t.value and s.kind = t.kind
        returning s.id),
      src as (insert into suspect_sources (suspect_id, source, first_at) select id, $7, $6 from upd on conflict do nothing)
      select count(*)::int as n from upd`,
  };
}
