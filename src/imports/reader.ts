// The reader thread: reads the file, maps the header, and turns rows into prepared batches with
// the handler's pure prepare(). The main thread records each batch in one transaction and acks
// it; the reader stays at most two batches ahead, so memory stays bounded whatever the file size.
import { isRefusal, type Refusal, refuse } from "../domain/reasons";
import { AppError, refused } from "../http/errors";
import { isRejected, type Rejected } from "./handler";
import { IMPORT_HANDLERS } from "./handlers";
import { describeFile, readTable, type TableInfo } from "./rows";
import { cellsOf, csvLine, type HeaderMap, isBlankRow, keyOrder, mapHeader, RAW_CELL, RAW_ROW } from "./table";

declare const self: Worker;

export type RejectTuple = [row: number, reason: string, raw: string, code?: Pick<Rejected, "code" | "params">];
export type ReaderStart = { type: "start"; path: string; kind: string; skip: number; batchRows: number };
export type ReaderAck = { type: "ack" };

/** One batch of data rows: the line of each, prepared items for the accepted ones, the rejected ones as text. */
export type Batch = {
  type: "batch";
  lines: Int32Array;
  /** Prepared items of the rows not in `rejects` (packed, if the handler packs), in sortKey order. */
  items: unknown;
  /** The row (index in the batch) of each item. */
  itemRows: Int32Array;
  /**
   * The items' rows as read (cells joined by RAW_CELL, rows by RAW_ROW), in case handleBatch
   * rejects one; null for handlers that accept everything prepared.
   */
  itemRaws: string | null;
  /** [row index in the batch, reason, row as a CSV line, code and params] of rows rejected while reading or preparing. */
  rejects: RejectTuple[];
  bytes: number;
};

export type ReaderMessage =
  | { type: "header"; info: TableInfo; header: string; columns: string[] }
  | { type: "refused"; refusal: Refusal }
  | Batch
  | { type: "end"; bytes: number }
  | { type: "error"; message: string };

const post = (m: ReaderMessage) => self.postMessage(m);

/** The file refused as a whole (the XLSX reader throws the same). */
const fileRefused = (r: Refusal) => refused("unreadable_file", r);

let credits = 2;
let wake: (() => void) | null = null;

self.onmessage = (e: MessageEvent<ReaderStart | ReaderAck>) => {
  if (e.data.type === "ack") {
    credits++;
    wake?.();
    wake = null;
  } else {
    read(e.data).catch((err: unknown) =>
      post(
        err instanceof AppError && err.refusal
          ? { type: "refused", refusal: refuse(err.refusal.code, err.refusal.params) }
          : { type: "error", message: err instanceof Error ? err.message : String(err) },
      ),
    );
  }
};

async function read(start: ReaderStart): Promise<void> {
  const handler = IMPORT_HANDLERS[start.kind];
  if (!handler) throw new Error(`no import handler for ${start.kind}`);
  const info = await describeFile(start.path);
  if ("refused" in info) throw fileRefused(info.refused);

  let header: HeaderMap | null = null;
  let dataRows = 0;
  let bytes = 0;
  let lines: number[] = [];
  let items: unknown[] = [];
  let itemRows: number[] = [];
  let itemRaws: string[] = [];
  let rejects: RejectTuple[] = [];
  const keepRaws = !handler.acceptsAllPrepared;
  // a small first batch: the main thread starts recording while this thread reads on
  let batchRows = Math.max(1, Math.ceil(start.batchRows / 10));

  const flush = () => {
    if (lines.length === 0) return;
    if (handler.sortKey) {
      const order = keyOrder(items.map(handler.sortKey));
      items = order.map((k) => items[k]);
      itemRows = order.map((k) => itemRows[k]!);
      if (keepRaws) itemRaws = order.map((k) => itemRaws[k]!);
    }
    const packed = handler.pack ? handler.pack(items) : items;
    post({
      type: "batch",
      lines: Int32Array.from(lines),
      items: packed,
      itemRows: Int32Array.from(itemRows),
      itemRaws: keepRaws ? itemRaws.join(RAW_ROW) : null,
      rejects,
      bytes,
    });
    credits--;
    batchRows = start.batchRows;
    lines = [];
    items = [];
    itemRows = [];
    itemRaws = [];
    rejects = [];
  };
  // A data row counts once it is past the rows an earlier, interrupted run already recorded.
  const take = (line: number) => {
    if (++dataRows <= start.skip) return false;
    lines.push(line);
    return true;
  };

  await readTable(start.path, info, {
    row(cells, line) {
      if (isBlankRow(cells)) return;
      if (!header) {
        const map = (handler.mapHeader ?? ((h) => mapHeader(h, handler.columns)))(cells);
        if (isRefusal(map)) throw fileRefused(map);
        header = map;
        post({ type: "header", info, header: csvLine(cells), columns: Object.keys(map) });
        return;
      }
      if (!take(line)) return;
      const p = handler.prepare(cellsOf(cells, header));
      if (isRejected(p))
        rejects.push([
          lines.length - 1,
          p.rejected,
          csvLine(cells),
          p.code ? { code: p.code, params: p.params } : undefined,
        ]);
      else {
        items.push(p);
        itemRows.push(lines.length - 1);
        if (keepRaws) itemRaws.push(cells.join(RAW_CELL));
      }
      if (lines.length >= batchRows) flush();
    },
    unreadable(line, cells, reason) {
      if (!header) throw fileRefused(refuse("file.header_unreadable", { line, why: reason }));
      if (take(line)) rejects.push([lines.length - 1, reason, csvLine(cells)]);
      if (lines.length >= batchRows) flush();
    },
    progress(b) {
      bytes = b;
    },
    async ready() {
      while (credits <= 0) await new Promise<void>((r) => (wake = r));
    },
  });
  if (!header) throw fileRefused(refuse("file.no_rows"));
  flush();
  post({ type: "end", bytes });
}
