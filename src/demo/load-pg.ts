// The demo loader's statements on PostgreSQL: the same calls as bun:sqlite's prepared statements
// (`.get()` answers `{ id }` or null, `.run()`), but each row is kept, with an id of the loader's
// own, and every table is written at the end in one statement (its rows as arrays, unnest): one
// round trip a table instead of one a row. The real ids come from the tables' sequences then, so
// another writer at the same time takes none of them. A suspect or an open target that already
// exists answers null, as `on conflict do nothing` does on SQLite: the keys are read first.
import type { Conn } from "../db";

type PgSql = { unsafe(q: string, params?: unknown[], o?: { prepare: boolean }): Promise<Record<string, unknown>[]> };
/** The postgres.js connection a drizzle postgres-js transaction runs on. */
const pgOf = (tx: Conn): PgSql => (tx as unknown as { session: { client: PgSql } }).session.client;

/** What the loader calls: `get` answers the new row's `{ id }` (or null: not inserted), `run` nothing. */
export type DemoStatement = { get(...p: any[]): unknown; run(...p: any[]): unknown };

/** A table as written: its columns (name, PostgreSQL type) and which hold a loader's id of which table. */
type Spec = { table: string; columns: [string, string][]; refs: Record<number, string>; ids: boolean };
const t = "text";
const b = "bigint";
const SPECS = {
  cases: {
    table: "cases",
    ids: true,
    refs: {},
    columns: [
      ["received_at", b],
      ["district", t],
      ["fraud_type", t],
      ["loss_fen", b],
      ["victim_name", t],
      ["victim_phone", t],
      ["victim_id_number", t],
      ["victim_age", b],
      ["narrative", t],
      ["status", t],
      ["filed_at", b],
      ["solved_at", b],
      ["closed_at", b],
      ["suspects_detained", b],
      ["created_by", b],
      ["created_at", b],
      ["updated_at", b],
    ],
  },
  suspects: {
    table: "suspects",
    ids: true,
    refs: {},
    columns: [
      ["kind", t],
      ["value", t],
      ["institution_id", b],
      ["risk_level", t],
      ["status", t],
      ["first_seen_at", b],
      ["last_seen_at", b],
      ["sightings", b],
      ["holder_name", t],
    ],
  },
  suspectSources: {
    table: "suspect_sources",
    ids: false,
    refs: { 0: "suspects" },
    columns: [
      ["suspect_id", b],
      ["source", t],
      ["first_at", b],
    ],
  },
  caseSuspects: {
    table: "case_suspects",
    ids: false,
    refs: { 0: "cases", 1: "suspects", 3: "suspects" },
    columns: [
      ["case_id", b],
      ["suspect_id", b],
      ["level", b],
      ["parent_suspect_id", b],
      ["created_at", b],
    ],
  },
  caseTransactions: {
    table: "case_transactions",
    ids: false,
    refs: { 0: "cases", 1: "suspects" },
    columns: [
      ["case_id", b],
      ["suspect_id", b],
      ["at", b],
      ["amount_fen", b],
      ["payer_account", t],
      ["payer_name", t],
      ["serial_no", t],
    ],
  },
  requests: {
    table: "requests",
    ids: true,
    refs: { 2: "cases", 3: "suspects", 18: "requests" },
    columns: [
      ["kind", t],
      ["status", t],
      ["case_id", b],
      ["suspect_id", b],
      ["institution_id", b],
      ["level", b],
      ["amount_fen", b],
      ["done_amount_fen", b],
      ["balance_fen", b],
      ["created_by", b],
      ["created_at", b],
      ["sent_at", b],
      ["acknowledged_at", b],
      ["responded_at", b],
      ["effective_at", b],
      ["expires_at", b],
      ["deadline_at", b],
      ["updated_at", b],
      ["parent_request_id", b],
      // what setChecks writes
      ["holder_name", t],
      ["term", t],
      ["approval_by", t],
      ["approval_at", b],
      ["approval_ref", t],
      ["scope", t],
      ["includes_interest", "smallint"],
    ],
  },
  requestTransactions: {
    table: "request_transactions",
    ids: false,
    refs: { 0: "requests" },
    columns: [
      ["request_id", b],
      ["at", b],
      ["amount_fen", b],
      ["payer_account", t],
      ["payer_name", t],
      ["serial_no", t],
    ],
  },
  responses: {
    table: "responses",
    ids: false,
    refs: { 0: "requests" },
    columns: [
      ["request_id", b],
      ["action", t],
      ["from_status", t],
      ["to_status", t],
      ["amount_fen", b],
      ["balance_fen", b],
      ["reason", t],
      ["user_id", b],
      ["at", b],
    ],
  },
  targets: {
    table: "targets",
    ids: true,
    refs: { 5: "suspects" },
    columns: [
      ["phone", t],
      ["name", t],
      ["district", t],
      ["age", b],
      ["reason", t],
      ["suspect_id", b],
      ["risk_grade", t],
      ["source", t],
      ["amount_at_risk_fen", b],
      ["status", t],
      ["available_at", b],
      ["due_at", b],
      ["outcome", t],
      ["closed_at", b],
      ["created_at", b],
      ["updated_at", b],
    ],
  },
  warnings: {
    table: "warnings",
    ids: false,
    refs: { 0: "targets" },
    columns: [
      ["target_id", b],
      ["agent_id", b],
      ["channel", t],
      ["outcome", t],
      ["note", t],
      ["provider_status", t],
      ["created_at", b],
      ["updated_at", b],
    ],
  },
} satisfies Record<string, Spec>;
// written in this order: a row's references first (a request's parent is in its own statement)
type Table = keyof typeof SPECS;

export async function pgDemoStatements(tx: Conn) {
  const pg = pgOf(tx);
  const rows = Object.fromEntries(Object.keys(SPECS).map((k) => [k, [] as unknown[][]])) as Record<Table, unknown[][]>;
  const suspectKeys = new Set((await pg.unsafe("select kind, value from suspects")).map((r) => `${r.kind}:${r.value}`));
  const openPhones = new Set((await pg.unsafe("select phone from targets where status = 'open'")).map((r) => r.phone));
  const add = (table: Table, p: unknown[]) => rows[table].push(p) as number; // the loader's id: 1, 2, …
  const statement = (table: Table): DemoStatement => ({
    get: (...p: unknown[]) => ({ id: add(table, p) }),
    run: (...p: unknown[]) => void add(table, p),
  });
  const statements = {
    insCase: statement("cases"),
    insSuspect: {
      get(...p: unknown[]) {
        const key = `${p[0]}:${p[1]}`;
        if (suspectKeys.has(key)) return null;
        suspectKeys.add(key);
        return { id: add("suspects", p) };
      },
      run() {
        throw new Error("insSuspect: get");
      },
    },
    insSource: statement("suspectSources"),
    insLink: statement("caseSuspects"),
    insTarget: {
      get(...p: unknown[]) {
        // targets_open_phone_uq: one open target per phone
        if (p[9] === "open") {
          if (openPhones.has(p[0])) return null;
          openPhones.add(p[0]);
        }
        return { id: add("targets", p) };
      },
      run() {
        throw new Error("insTarget: get");
      },
    },
    insWarning: statement("warnings"),
    insRequest: statement("requests"),
    insCaseTx: statement("caseTransactions"),
    insRequestTx: statement("requestTransactions"),
    setChecks: {
      get() {
        throw new Error("setChecks: run");
      },
      run(...p: unknown[]) {
        const id = p[7] as number;
        rows.requests[id - 1]!.splice(19, 7, ...p.slice(0, 7));
      },
    },
    insResponse: statement("responses"),
  } satisfies Record<string, DemoStatement>;

  /** Writes every row kept, in one statement a table. */
  async function flush() {
    const ids = new Map<string, number[]>();
    for (const [name, spec] of Object.entries(SPECS) as [Table, Spec][]) {
      const list = rows[name];
      if (!list.length) continue;
      if (spec.ids) {
        // before the rows: a request's parent is a request
        const seq = `pg_get_serial_sequence('${spec.table}', 'id')`;
        const got = await pg.unsafe(`select nextval(${seq}) as id from generate_series(1, $1::int)`, [list.length], {
          prepare: false,
        });
        ids.set(
          name,
          got.map((r) => r.id as number),
        );
      }
      const columns = spec.columns.map(([c]) => c);
      const arrays: unknown[][] = spec.columns.map(() => new Array(list.length));
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!;
        for (let c = 0; c < spec.columns.length; c++) {
          let v = r[c] ?? null;
          const ref = (spec.refs as Record<number, string>)[c];
          if (ref && v !== null) v = ids.get(ref)![(v as number) - 1]!;
          arrays[c]![i] = v;
        }
      }
      if (spec.ids) {
        columns.unshift("id");
        arrays.unshift(ids.get(name)!);
      }
      const types = spec.ids ? [b, ...spec.columns.map(([, ty]) => ty)] : spec.columns.map(([, ty]) => ty);
      await pg.unsafe(
        `insert into ${spec.table} (${columns.join(", ")}) select * from unnest(${types.map((ty, i) => `$${i + 1}::${ty}[]`).join(", ")})`,
        arrays,
        { prepare: false },
      );
    }
  }
  return { statements, flush };
}
