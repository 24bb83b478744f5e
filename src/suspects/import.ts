// Bulk import of suspects from CSV/XLSX: rows are normalised in the reader thread and recorded
// here with raw prepared statements — the same merge as mergeSuspect (domain/suspects.ts
// mergeSighting, as SQL in domain/suspect-merge.ts) — a million rows in a few seconds
// (test/bench/import.ts); on PostgreSQL a batch's rows go as arrays, a few statements a batch
// (handleBatchPg). One of the two bulk writers (with demo/load.ts) left on the driver's
// statements, outside the house's drizzle-only rule: DESIGN §6 measured drizzle's prepared insert
// ~3 s per million rows against 1.6–2.3 s raw, and this path's rows/s is a target. Not audited per row: the import itself is audited with its counts,
// and each suspect keeps the source "import:<id>".
import { Database, type Statement } from "bun:sqlite";
import type { Conn } from "../db";
import { normalizeIdentifier, type SuspectKind } from "../domain/identifiers";
import { refuse } from "../domain/reasons";
import { kindFromWord, pgSightingSql, riskFromWord, sightingSql } from "../domain/suspect-merge";
import type { RiskLevel } from "../domain/suspects";
import { type BatchContext, defineImport, type Outcome, rejectedBy } from "../imports/handler";

/** A prepared row: kind, normalised value, inferred institution code, reported risk, note. */
type Row = [kind: SuspectKind, value: string, institution: string | null, risk: RiskLevel | null, note: string | null];

/** The source a suspect gets from an import: one suspect_sources row per (suspect, import). */
export const importSource = (importId: number) => `import:${importId}`;

type Params = [SuspectKind, string, number | null, RiskLevel | null, number, string | null];
type Statements = {
  insert: Statement<unknown, Params>;
  merge: Statement<{ id: number }, Params>;
  maxId: Statement<{ m: number }, []>;
  source: Statement<unknown, [number, string, number]>;
  newSources: Statement<unknown, [number, string, number]>;
  institutions: Map<string, number>;
};
const prepared = new WeakMap<Database, Statements>();

function statements(client: Database): Statements {
  let s = prepared.get(client);
  if (!s) {
    const sql = sightingSql();
    s = {
      insert: client.prepare(sql.insert),
      merge: client.prepare(sql.merge),
      maxId: client.prepare("select coalesce(max(id), 0) as m from suspects"),
      source: client.prepare("insert or ignore into suspect_sources (suspect_id, source, first_at) values (?, ?, ?)"),
      // every suspect created by this batch has an id above the batch's starting maximum
      newSources: client.prepare(
        "insert or ignore into suspect_sources (suspect_id, source, first_at) select id, ?2, ?3 from suspects where id > ?1",
      ),
      institutions: new Map(
        client
          .query<{ code: string; id: number }, []>("select code, id from institutions")
          .all()
          .map((r) => [r.code, r.id]),
      ),
    };
    prepared.set(client, s);
  }
  return s;
}

/**
 * The first 9 characters of a normalised value ("+" and digits) as a base-11 number: the order
 * of the unique index (value, kind), closely enough to keep a batch's inserts on nearby pages.
 */
export function indexOrderKey(value: string): number {
  let x = 0;
  for (let i = 0; i < 9; i++) {
    const c = value.charCodeAt(i); // NaN past the end: sorts first, as a shorter string does
    x = x * 11 + (c >= 48 && c <= 57 ? c - 47 : 0);
  }
  return x;
}

// Between threads a batch travels as a few long strings and byte arrays: structured-cloning
// ten thousand small arrays costs more than normalising them. The main thread reads it as columns:
// a row object per item cost as much as the insert it feeds.
const KINDS: readonly SuspectKind[] = ["phone", "bank_account"];
const RISKS: readonly (RiskLevel | null)[] = [null, "low", "medium", "high"];
/** institution: index into institutionCodes, plus one (0: none inferred). */
type Packed = {
  kinds: Uint8Array;
  risks: Uint8Array;
  institution: Uint8Array;
  institutionCodes: string[];
  values: string;
  notes: [number, string][];
};
type Columns = {
  length: number;
  kinds: Uint8Array;
  risks: Uint8Array;
  institution: Uint8Array;
  institutionCodes: string[];
  values: string[];
  notes: Map<number, string>;
};

export const suspectsImport = defineImport<Row, Columns>({
  kind: "suspects",
  permission: "suspects.write",
  columns: [
    {
      key: "value",
      required: true,
      aliases: [
        "号码",
        "电话",
        "电话号码",
        "手机",
        "手机号",
        "手机号码",
        "涉诈号码",
        "账号",
        "账户",
        "卡号",
        "银行卡号",
        "银行账号",
        "涉诈账户",
        "号码/账号",
        "phone",
        "number",
        "account",
        "identifier",
      ],
    },
    { key: "kind", aliases: ["类型", "种类", "号码类型", "type"] },
    { key: "risk", aliases: ["风险等级", "风险", "等级", "risk", "riskLevel", "risk_level"] },
    { key: "note", aliases: ["备注", "说明", "notes", "remark", "comment"] },
  ],

  prepare(row) {
    const input = row.value!.trim();
    if (!input) return rejectedBy(refuse("import.value_empty"));
    const kind = kindFromWord(row.kind);
    if (!kind.ok) return rejectedBy(kind);
    const risk = riskFromWord(row.risk);
    if (!risk.ok) return rejectedBy(risk);
    const id = normalizeIdentifier(input, kind.value);
    if (!id.ok) return rejectedBy(id);
    return [id.kind, id.value, id.institution?.code ?? null, risk.value ?? null, row.note?.trim() || null];
  },

  // a normalised value is always recorded: created or merged
  acceptsAllPrepared: true,
  sortKey: (r) => indexOrderKey(r[1]),

  pack(items): Packed {
    const n = items.length;
    const kinds = new Uint8Array(n);
    const risks = new Uint8Array(n);
    const institution = new Uint8Array(n);
    const institutionCodes: string[] = [];
    const values = new Array<string>(n);
    const notes: [number, string][] = [];
    for (let i = 0; i < n; i++) {
      const r = items[i]!;
      kinds[i] = KINDS.indexOf(r[0]);
      values[i] = r[1];
      if (r[2] !== null) {
        let k = institutionCodes.indexOf(r[2]);
        if (k < 0) k = institutionCodes.push(r[2]) - 1;
        institution[i] = k + 1;
      }
      risks[i] = RISKS.indexOf(r[3]);
      if (r[4] !== null) notes.push([i, r[4]]);
    }
    return { kinds, risks, institution, institutionCodes, values: values.join("\n"), notes };
  },

  unpack: (p: Packed): Columns => ({
    length: p.kinds.length,
    kinds: p.kinds,
    risks: p.risks,
    institution: p.institution,
    institutionCodes: p.institutionCodes,
    values: p.kinds.length ? p.values.split("\n") : [], // "".split() is [""], not []
    notes: new Map(p.notes),
  }),

  async handleBatch(b, ctx) {
    if (!(ctx.client instanceof Database)) return await handleBatchPg(b, ctx);
    const s = statements(ctx.client);
    const source = importSource(ctx.importId);
    const before = s.maxId.get()!.m;
    const institutionIds = b.institutionCodes.map((code) => s.institutions.get(code) ?? null);
    const out = new Array<Outcome>(b.length);
    for (let i = 0; i < b.length; i++) {
      const kind = KINDS[b.kinds[i]!]!;
      const value = b.values[i]!;
      const institution = b.institution[i] ? institutionIds[b.institution[i]! - 1]! : null;
      const risk = RISKS[b.risks[i]!]!;
      const note = b.notes.get(i) ?? null;
      if (s.insert.run(kind, value, institution, risk, ctx.at, note).changes === 1) {
        out[i] = "imported";
      } else {
        out[i] = "merged";
        s.source.run(s.merge.get(kind, value, institution, risk, ctx.at, note)!.id, source, ctx.at);
      }
    }
    s.newSources.run(before, source, ctx.at);
    return out;
  },
});

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a batch is a few statements, its rows sent as arrays (pgSightingSql), on the
// batch's transaction's own connection. A suspect named twice in a batch is merged in a later
// round: one statement touches a row once, and each sighting is merged in the order given.

type PgSql = { unsafe(q: string, params: unknown[], o: { prepare: boolean }): Promise<Record<string, unknown>[]> };
/** The postgres.js connection a drizzle postgres-js transaction runs on. */
const pgOf = (tx: Conn): PgSql => (tx as unknown as { session: { client: PgSql } }).session.client;

async function handleBatchPg(b: Columns, ctx: BatchContext): Promise<Outcome[]> {
  const pg = pgOf(ctx.tx);
  const q = pgSightingSql();
  const source = importSource(ctx.importId);
  const known = new Map(
    (await pg.unsafe("select code, id from institutions", [], { prepare: true })).map((r) => [
      r.code as string,
      r.id as number,
    ]),
  );
  const institutionIds = b.institutionCodes.map((code) => known.get(code) ?? null);
  // round of each row: 0 for a suspect's first row in the batch, 1 for its second, …
  const round = new Uint32Array(b.length);
  let rounds = 1;
  const seen = new Map<string, number>();
  for (let i = 0; i < b.length; i++) {
    const key = b.kinds[i] + b.values[i]!;
    const n = seen.get(key);
    seen.set(key, n === undefined ? 1 : n + 1);
    if (n !== undefined) {
      round[i] = n;
      rounds = Math.max(rounds, n + 1);
    }
  }
  const out = new Array<Outcome>(b.length);
  for (let r = 0; r < rounds; r++) {
    const rows: number[] = [];
    for (let i = 0; i < b.length; i++) if (round[i] === r) rows.push(i);
    const args = (idx: number[]) => [
      idx.map((i) => KINDS[b.kinds[i]!]!),
      idx.map((i) => b.values[i]!),
      idx.map((i) => (b.institution[i] ? institutionIds[b.institution[i]! - 1]! : null)),
      idx.map((i) => RISKS[b.risks[i]!]!),
      idx.map((i) => b.notes.get(i) ?? null),
      ctx.at,
      source,
    ];
    for (const i of rows) out[i] = "imported";
    const existing = (await pg.unsafe(q.insert, args(rows), { prepare: true })).map(
      (x) => rows[(x.ord as number) - 1]!,
    );
    if (!existing.length) continue;
    for (const i of existing) out[i] = "merged";
    const [merged] = await pg.unsafe(q.merge, args(existing), { prepare: true });
    // a row that stopped the insert was there; one deleted since is not merged into nothing
    if (merged!.n !== existing.length)
      throw new Error(`suspects import: ${merged!.n} of ${existing.length} rows merged`);
  }
  return out;
}
