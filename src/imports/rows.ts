// Streaming a table file row by row — CSV through csv-parse, XLSX through xlsx.ts (every size
// bounded against hostile files) — so a file of any size passes through in bounded memory. Each row comes with
// its line number as seen in the file (line 1 is the first line; an XLSX row keeps its number).
import { parse } from "csv-parse";
import type { Refusal } from "../domain/reasons";
import { type Encoding, type Format, innerLineBreaks, sniffEncoding, sniffFormat } from "./table";
import { readXlsx } from "./xlsx";

export type TableInfo = { format: Format; encoding: Encoding | null; size: number };

/** Format and encoding from the first 64 KiB, or why the file cannot be read. */
export async function describeFile(path: string): Promise<TableInfo | { refused: Refusal }> {
  const file = Bun.file(path);
  const head = await file.slice(0, 65536).bytes();
  const f = sniffFormat(head);
  if ("refused" in f) return f;
  return { format: f.format, encoding: f.format === "csv" ? sniffEncoding(head) : null, size: file.size };
}

export type RowSink = {
  /** A row's cells (header included), in file order. */
  row(cells: string[], line: number): void;
  /** A row that could not be read (a broken quote, a lossy Excel number): rejected with its cells as read. */
  unreadable(line: number, cells: string[], reason: string): void;
  /** Bytes of the file consumed so far. */
  progress(bytes: number): void;
  /** Awaited between chunks: the consumer's back-pressure. */
  ready(): Promise<void> | void;
};

export function readTable(path: string, info: TableInfo, sink: RowSink): Promise<void> {
  return info.format === "xlsx" ? readXlsx(path, sink) : readCsv(path, info.encoding ?? "utf-8", sink);
}

// A quoted cell longer than this means a closing quote is missing: stop rather than buffer the file.
const MAX_RECORD = 1 << 20;

async function readCsv(path: string, encoding: Encoding, sink: RowSink): Promise<void> {
  // The decoder drops a BOM; csv-parse works on the decoded text.
  const decoder = new TextDecoder(encoding);
  const parser = parse({
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD,
  });
  // Parse errors arrive during write(), possibly ahead of records still waiting in the buffer:
  // keep them with the count of records that precede them and report them in order.
  type Skip = { records: number; lines: number; message: string; code: string };
  const problems: Skip[] = [];
  let fatal: Error | null = null;
  let ended = false;
  parser.on("skip", (e: Skip) => {
    // csv-parse stops after this one: fail the import rather than lose the rest silently
    if (e.code === "CSV_MAX_RECORD_SIZE")
      fatal ??= new Error(
        `line ${e.lines}: a quoted cell runs on for more than ${MAX_RECORD} bytes — is a closing quote (") missing?`,
      );
    else problems.push(e);
  });
  parser.on("error", (e) => (fatal ??= e));
  parser.on("end", () => (ended = true));

  let records = 0;
  let linesBefore = 0;
  const flushProblems = (upTo: number) => {
    while (problems.length && problems[0]!.records <= upTo) {
      const p = problems.shift()!;
      const line = linesBefore + 1;
      sink.unreadable(
        line,
        [],
        p.code === "CSV_QUOTE_NOT_CLOSED" ? `a quote opened on line ${line} is never closed` : p.message,
      );
      linesBefore = Math.max(line, p.lines);
    }
  };
  const drain = () => {
    for (let rec = parser.read() as string[] | null; rec !== null; rec = parser.read() as string[] | null) {
      flushProblems(records);
      sink.row(rec, linesBefore + 1);
      linesBefore += 1 + innerLineBreaks(rec);
      records++;
    }
    if (fatal) throw fatal;
  };

  let bytes = 0;
  for await (const chunk of Bun.file(path).stream()) {
    parser.write(decoder.decode(chunk, { stream: true }));
    drain();
    bytes += chunk.byteLength;
    sink.progress(bytes);
    await sink.ready();
  }
  parser.end(decoder.decode());
  // the last record and any final error come after end(); "end" fires once all is read
  while (!ended) {
    drain();
    await new Promise((r) => setImmediate(r));
  }
  drain();
  flushProblems(Number.MAX_SAFE_INTEGER);
}
