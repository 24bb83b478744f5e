// Pure pieces of reading a table file: which format and encoding the bytes are, which column
// is which (zh/en header aliases), and how a row is written back as one CSV line.
import { parse as parseCsv } from "csv-parse/sync";
import { type Refusal, refuse } from "../domain/reasons";

export type Format = "csv" | "xlsx";
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "gb18030";

/** A column a handler understands, with the header names people give it. */
export type ImportColumn = { key: string; aliases: readonly string[]; required?: boolean };
/** Column key → index in the row. */
export type HeaderMap = Record<string, number>;
/** One data row: the text of each mapped column (missing cells are ""). */
export type RowCells = Record<string, string>;

/** What the first bytes say the file is; null for formats we do not read (with why). */
export function sniffFormat(head: Uint8Array): { format: Format } | { refused: Refusal } {
  if (head.length === 0) return { refused: refuse("file.empty") };
  // XLSX is a zip; old binary .xls is an OLE compound file
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: "xlsx" };
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    return { refused: refuse("file.xls") };
  }
  return { format: "csv" };
}

/**
 * The text encoding of a CSV from its first bytes: a BOM says it outright; otherwise valid UTF-8
 * is UTF-8, and anything else is taken as GB18030 (a superset of GBK/GB2312, what Excel on a
 * Chinese Windows writes when told "CSV").
 */
export function sniffEncoding(head: Uint8Array): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  try {
    // stream: a character cut at the end of the sample is not an error
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

/** Header text compared loosely: case, spaces, underscores, dashes and brackets do not matter. */
export const headerKey = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-()（）[\]【】:：*]/g, "");

// digits and the punctuation numbers are written with, five digits or more: a phone, an account, an amount
const looksLikeNumber = (s: string) => /^[\s+\-()（）.\d０-９]+$/.test(s) && (s.match(/[\d０-９]/g)?.length ?? 0) >= 5;

/** Maps header cells to the handler's columns by alias, or says why the header is not usable. */
export function mapHeader(header: readonly string[], columns: readonly ImportColumn[]): HeaderMap | Refusal {
  const want = () =>
    columns
      .filter((c) => c.required)
      .map((c) => [c.key, ...c.aliases].slice(0, 6).join(" / "))
      .join("; ");
  // a header names columns; a row with a number in it is data (a file without a header)
  const number = header.find(looksLikeNumber);
  if (number !== undefined) return refuse("file.header_is_data", { value: number.trim(), want: want() });
  const keys = header.map(headerKey);
  const map: HeaderMap = {};
  for (const col of columns) {
    const names = new Set([col.key, ...col.aliases].map(headerKey));
    const i = keys.findIndex((k) => names.has(k));
    if (i >= 0) map[col.key] = i;
  }
  if (columns.every((c) => !c.required || map[c.key] !== undefined)) return map;
  return refuse("file.no_header", {
    want: want(),
    found:
      header
        .map((h) => h.trim())
        .filter(Boolean)
        .slice(0, 8)
        .join(", ") || "—",
  });
}

/** The cells of a row by column key. */
export function cellsOf(row: readonly string[], map: HeaderMap): RowCells {
  const out: RowCells = {};
  for (const key in map) out[key] = row[map[key]!] ?? "";
  return out;
}

export const isBlankRow = (row: readonly string[]) => row.every((c) => c.trim() === "");

// How rows travel between threads before anyone needs them as CSV: cells joined by RAW_CELL,
// rows by RAW_ROW (control characters no spreadsheet cell carries).
export const RAW_CELL = "\u001f";
export const RAW_ROW = "\u0000";

/** One row as a CSV line, by the platform's one CSV writer (formulas defused): how a rejected row is kept. */
export { csvLine } from "../exports/csv";

/** The cells of a kept CSV line (the inverse of csvLine); a line that does not parse is one cell. */
export function csvCells(line: string): string[] {
  if (line === "") return [];
  try {
    return (parseCsv(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return [line];
  }
}

/** Line breaks inside a row's quoted cells: a row spans 1 + this many lines of the file. */
export function innerLineBreaks(row: readonly string[]): number {
  let n = 0;
  for (const c of row) {
    let i = c.indexOf("\n");
    while (i >= 0) {
      n++;
      i = c.indexOf("\n", i + 1);
    }
  }
  return n;
}

const POSITIONS = 2 ** 20;

/**
 * The positions of `keys` (integers in [0, 2^32)) in key order, file order among equal keys:
 * key and position packed into one double and sorted natively, with no comparator.
 */
export function keyOrder(keys: number[]): number[] {
  if (keys.length > POSITIONS) throw new Error(`a batch of ${keys.length} rows: at most ${POSITIONS} can be sorted`);
  const tagged = new Float64Array(keys.length);
  for (let k = 0; k < keys.length; k++) tagged[k] = keys[k]! * POSITIONS + k;
  tagged.sort();
  return Array.from(tagged, (t) => t % POSITIONS);
}
