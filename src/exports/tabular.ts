// Table exports (CSV and XLSX) for every screen that shows a table. One entry point,
// sendTable, so that every export is audited the same way and encodes the same way.

import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { Context } from "hono";
import { formatInstant } from "../domain/time";
import { audit } from "../http/audit";
import type { AppEnv } from "../http/context";
import { csvText } from "./csv";

export type ExportFormat = "csv" | "xlsx";
export const EXPORT_FORMATS = ["csv", "xlsx"] as const satisfies readonly ExportFormat[];

type Cell = string | number | boolean | Date | null | undefined;
/**
 * numFmt: the XLSX number format of the column's cells, or of one row's cell (a column that
 * mixes counts and money); CSV writes the plain number.
 */
export type ExportColumn = {
  key: string;
  header: string;
  numFmt?: string | ((row: Record<string, unknown>) => string | undefined);
};

export type TableExport = {
  /** Without extension; the format's extension is appended. May be Chinese. */
  filename: string;
  /** The XLSX worksheet's name (Excel allows 31 characters, none of []:*?/\); the filename's when absent. */
  sheet?: string;
  format: ExportFormat;
  columns: readonly ExportColumn[];
  rows: Iterable<Record<string, Cell | unknown>>;
  /** What was exported, for the audit log (action "export"). */
  audit: { entity: string; detail?: Record<string, unknown> };
};

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Streams the table as a download and records the export in the audit log first. */
export async function sendTable(c: Context<AppEnv>, t: TableExport): Promise<Response> {
  const name = t.filename.endsWith(`.${t.format}`) ? t.filename : `${t.filename}.${t.format}`;
  await audit(c, {
    action: "export",
    entity: t.audit.entity,
    detail: {
      ...t.audit.detail,
      format: t.format,
      filename: name,
      ...(Array.isArray(t.rows) ? { rows: t.rows.length } : {}),
    },
  });
  const body =
    t.format === "csv" ? csvStream(t.columns, t.rows) : xlsxStream(t.columns, t.rows, sheetName(t.sheet ?? t.filename));
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[t.format],
      "Content-Disposition": contentDisposition(name),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** ASCII fallback plus RFC 5987 filename* so browsers keep the Chinese name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Dates are written as Shanghai wall-clock time, the way every screen shows them. */
function plain(v: unknown): string | number | boolean | null {
  if (v == null) return null;
  if (v instanceof Date) return formatInstant(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  return String(v);
}

const ROWS_PER_CHUNK = 1000;

/** UTF-8 with a BOM, CRLF line ends (the one CSV writer, csv.ts): Excel opens it with the Chinese intact. */
function csvStream(
  columns: readonly ExportColumn[],
  rows: Iterable<Record<string, unknown>>,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const it = rows[Symbol.iterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      const lines: unknown[][] = [];
      const bom = started ? "" : "\uFEFF";
      if (!started) {
        started = true;
        lines.push(columns.map((col) => col.header));
      }
      for (let i = 0; i < ROWS_PER_CHUNK; i++) {
        const n = it.next();
        if (n.done) {
          if (lines.length) ctrl.enqueue(enc.encode(bom + csvText(lines)));
          ctrl.close();
          return;
        }
        lines.push(columns.map((col) => plain(n.value[col.key])));
      }
      ctrl.enqueue(enc.encode(bom + csvText(lines)));
    },
  });
}

/** A name Excel accepts for a worksheet: no []:*?/\, at most 31 characters, not empty. */
export function sheetName(name: string): string {
  return (
    name
      .replace(/[[\]:*?/\\]/g, " ")
      .trim()
      .slice(0, 31)
      .trim() || "Sheet1"
  );
}

/** One named worksheet, bold header row, number formats, written by exceljs's streaming writer. */
function xlsxStream(
  columns: readonly ExportColumn[],
  rows: Iterable<Record<string, unknown>>,
  sheet = "Sheet1",
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet(sheetName(sheet));
  ws.columns = columns.map((col) => ({
    header: col.header,
    key: col.key,
    width: Math.max(10, Math.min(40, col.header.length * 2 + 4)),
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  queueMicrotask(async () => {
    try {
      for (const r of rows) {
        const values: Record<string, unknown> = {};
        for (const col of columns) values[col.key] = plain(r[col.key]);
        const row = ws.addRow(values);
        columns.forEach((col, i) => {
          const numFmt = typeof col.numFmt === "function" ? col.numFmt(r) : col.numFmt;
          if (numFmt && typeof values[col.key] === "number") row.getCell(i + 1).numFmt = numFmt;
        });
        row.commit();
      }
      ws.commit();
      await wb.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  });
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}
