// What a kind of import (suspects, targets, baselines) plugs into the engine.
import type { Database } from "bun:sqlite";
import type { Config } from "../config";
import type { Conn, Db } from "../db";
import type { Permission } from "../domain/access";
import type { ReasonCode, ReasonParams, Refusal } from "../domain/reasons";
import type { HeaderMap, ImportColumn, RowCells } from "./table";

/** Why a row is refused: English text, and the domain refusal's code when there is one (for the report's language). */
export type Rejected = { rejected: string; code?: ReasonCode; params?: ReasonParams };
export const rejectedBy = (r: Refusal): Rejected => ({ rejected: r.reason, code: r.code, params: r.params });
/** What became of one data row. Duplicates inside one file are "merged": the second sighting. */
export type Outcome = "imported" | "merged" | Rejected;

export type BatchContext = {
  /** The drizzle transaction the batch runs in; `db` is the same connection, for prepared queries built once per connection. */
  tx: Conn;
  db: Db;
  /** bun:sqlite's database, for a bulk writer's driver statements; not one on PostgreSQL (there `tx`). */
  client: Database;
  importId: number;
  /** The instant the batch is recorded at (the injected clock). */
  at: number;
  userId: number | null;
  /** The platform's configuration (e.g. the warning deadlines a target import needs). */
  config: Config;
};

export interface ImportHandler<P = unknown, B extends { length: number } = P[]> {
  kind: string;
  /** Needed to upload this kind and to read its reports. */
  permission: Permission;
  columns: readonly ImportColumn[];
  /** Optional: a header layout the column aliases cannot express (e.g. one column per metric). */
  mapHeader?(header: readonly string[]): HeaderMap | Refusal;
  /**
   * Pure (runs in the reader thread, no database): one row → what handleBatch needs, or why the
   * row is rejected. The result crosses threads, so plain data only.
   */
  prepare(row: RowCells): P | Rejected;
  /**
   * Optional: the order a batch's items are best recorded in, e.g. the unique index they are
   * merged on: inserting in index order sweeps the B-tree instead of jumping around it (1.6 times
   * as fast for a million suspects). An integer in [0, 2^32) that follows that order closely
   * (equal items, equal keys); ties keep file order. A number, not a string: sorting 100k
   * strings cost the reader thread more than parsing them.
   */
  sortKey?(item: P): number;
  /**
   * Set when handleBatch never rejects (every rejection happens in prepare): the accepted rows'
   * text then stays in the reader thread.
   */
  acceptsAllPrepared?: boolean;
  /** Optional: a compact form of a batch of prepared items for the trip to the main thread. */
  pack?(items: P[]): unknown;
  /** With pack: the batch in the form handleBatch reads it (columns, say: no object per row). */
  unpack?(packed: any): B;
  /** Runs inside the batch's transaction: one outcome per item, in the order given. */
  handleBatch(batch: B, ctx: BatchContext): Promise<Outcome[]>;
}

/** Any handler, as the engine and the registry hold them. */
export type AnyImportHandler = ImportHandler<any, { length: number }>;

export const isRejected = (x: unknown): x is Rejected => typeof x === "object" && x !== null && "rejected" in x;

/** Typed helper for handler modules. */
export const defineImport = <P, B extends { length: number } = P[]>(h: ImportHandler<P, B>): ImportHandler<P, B> => h;
