// The services are typed against SQLite's tables and run on PostgreSQL's (src/db/schema/index.ts):
// the two schemas must export the same tables, with the same JS properties over the same SQL
// names, storing the same kinds of values. No database needed.
import { describe, expect, test } from "bun:test";
import { type Column, getTableColumns, getTableName, is, Table } from "drizzle-orm";
import { getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { getTableConfig as liteConfig } from "drizzle-orm/sqlite-core";
import * as pg from "../../src/db/schema/pg";
import * as lite from "../../src/db/schema/sqlite";

const tablesOf = (mod: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(mod).filter(([, v]) => is(v, Table))) as Record<string, Table>;
const liteTables = tablesOf(lite);
const pgTables = tablesOf(pg);

// What each SQLite column type is stored as on PostgreSQL (src/db/schema/pg/columns.ts)
const STORED_AS: Record<string, string> = {
  SQLiteInteger: "bigint",
  SQLiteTimestamp: "bigint", // millis: Date <-> milliseconds
  SQLiteBoolean: "smallint", // flag: boolean <-> 0/1
  SQLiteText: "text",
  SQLiteReal: "double precision",
};

/** What the services can tell apart about a column, by its JS property. */
function shape(columns: Record<string, Column>, sqlType: (c: Column) => string) {
  return Object.fromEntries(
    Object.entries(columns).map(([key, c]) => [
      key,
      {
        name: c.name,
        type: sqlType(c),
        notNull: c.notNull,
        hasDefault: c.hasDefault,
        primary: c.primary,
        enumValues: c.enumValues ?? null,
        generated: c.generated?.type ?? null,
      },
    ]),
  );
}

test("the same exports: every table, and the helpers beside them", () => {
  expect(Object.keys(pg).sort()).toEqual(Object.keys(lite).sort());
  expect(Object.keys(pgTables).sort()).toEqual(Object.keys(liteTables).sort());
  expect(Object.keys(liteTables).length).toBeGreaterThan(30);
});

// each SQLite table beside the PostgreSQL table of the same export name (a missing one fails above)
const pairs = Object.entries(liteTables)
  .sort(([a], [b]) => a.localeCompare(b))
  .flatMap(([name, l]) => {
    const p = pgTables[name];
    return p ? [[name, l, p] as const] : [];
  });

describe.each(pairs)("%s", (_name, l, p) => {
  test("the same SQL table name", () => {
    expect(getTableName(p)).toBe(getTableName(l));
  });

  test("the same JS properties over the same SQL columns, storing the same values", () => {
    const lc = getTableColumns(l);
    const pc = getTableColumns(p);
    expect(Object.keys(pc)).toEqual(Object.keys(lc));
    expect(shape(pc, (c) => c.getSQLType())).toEqual(
      shape(lc, (c) => STORED_AS[c.columnType] ?? `unmapped ${c.columnType}`),
    );
  });

  test("the same keys, indexes and foreign keys", () => {
    const lt = liteConfig(l as never);
    const pt = pgConfig(p as never);
    const cols = (cs: Column[]) => cs.map((c) => c.name).sort();
    // composite keys as sets: stats tables lead with the metric on PostgreSQL, as SQLite's
    // WITHOUT ROWID rebuilds do (the drizzle declaration there cannot say so)
    expect(pt.primaryKeys.map((k) => cols(k.columns))).toEqual(lt.primaryKeys.map((k) => cols(k.columns)));
    const indexes = (xs: { config: { name?: string; unique: boolean; where?: unknown; columns: unknown[] } }[]) =>
      xs
        .map((i) => ({
          name: i.config.name,
          unique: i.config.unique,
          partial: i.config.where !== undefined,
          columns: i.config.columns.map((c) => (c as Column).name),
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(indexes(pt.indexes)).toEqual(indexes(lt.indexes));
    const fks = (xs: { reference: () => { columns: Column[]; foreignColumns: Column[] }; onDelete?: string }[]) =>
      xs
        .map((f) => {
          const r = f.reference();
          const to = r.foreignColumns[0]?.table;
          return `${cols(r.columns)} -> ${to ? getTableName(to) : "?"}(${cols(r.foreignColumns)}) ${f.onDelete ?? "no action"}`;
        })
        .sort();
    expect(fks(pt.foreignKeys)).toEqual(fks(lt.foreignKeys));
    const uniques = (cs: Record<string, Column>) =>
      Object.values(cs)
        .filter((c) => c.isUnique)
        .map((c) => c.name)
        .sort();
    expect(uniques(getTableColumns(p))).toEqual(uniques(getTableColumns(l)));
  });
});
