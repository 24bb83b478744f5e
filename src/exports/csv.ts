// The one CSV writer: every CSV the platform serves (table exports, an import's rejected rows)
// and the CSV line a rejected import row is kept as go through csv-stringify here, with RFC 4180
// quoting and formulas defused. Kept apart from tabular.ts because the import reader thread loads
// it, and tabular.ts brings exceljs and the audit log along.
import { type Options, stringify } from "csv-stringify/sync";

// A cell starting with = + - @ tab or CR would run as a formula in a spreadsheet (CSV injection):
// it gets a ' in front. A plain signed number (-5, +8613800138000, -1.5%) is data, not a formula.
const FORMULA = /^[=+\-@\t\r]/;
const SIGNED_NUMBER = /^[+-]?\d+(\.\d+)?%?$/;
function defuse(s: string): string {
  return FORMULA.test(s) && !SIGNED_NUMBER.test(s) ? `'${s}` : s;
}

const OPTIONS: Options = { cast: { string: defuse, boolean: (b) => String(b) } };
const LINES: Options = { ...OPTIONS, record_delimiter: "\r\n" };
const LINE: Options = { ...OPTIONS, record_delimiter: "" };

/** Rows as CSV text, each ended by CRLF (what Excel expects); null and undefined are empty cells. */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], LINES);
}

/** One row as a CSV line without its line end. */
export function csvLine(row: readonly unknown[]): string {
  return stringify([row as unknown[]], LINE);
}
