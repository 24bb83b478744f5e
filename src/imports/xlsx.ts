// Reading the first worksheet of an XLSX file row by row with every size bounded, so that a small
// hostile file cannot take the server's memory: the zip's central directory is read first (the
// declared sizes refused early), then each part is inflated as a stream and cut off the moment it
// passes its limit or its compression ratio (declared sizes can lie); the XML is parsed by saxes
// with no run of text longer than a cell may be; a cell holds at most Excel's 32,767 characters, a
// row at most MAX_COLUMNS values, a sheet at most Excel's 1,048,576 rows. The shared strings are
// kept as UTF-8 in blocks, not as a million JS strings. Rows and cells without their optional `r`
// attribute follow the one before.

import { Readable, Transform } from "node:stream";
import { createInflateRaw } from "node:zlib";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { type ReasonCode, type ReasonParams, refuse } from "../domain/reasons";
import { AppError, refused as refusedWith } from "../http/errors";

const XLSX_LIMITS = {
  /** Uncompressed bytes of the worksheet (streamed: this bounds time, not memory). */
  sheetBytes: 2 * 1024 ** 3 - 1,
  /**
   * Uncompressed bytes of the shared strings (their text is kept while the sheet is read): 64 MiB
   * holds two million distinct phone numbers; reading that much grows the server by ~150 MB.
   */
  sharedStringsBytes: 64 * 1024 ** 2,
  /** Uncompressed bytes of the small parts (workbook, its relations, styles). */
  partBytes: 16 * 1024 ** 2,
  /** Uncompressed : compressed, per part; spreadsheets written by Excel or LibreOffice stay far below. */
  ratio: 200,
  /** Excel's own limit for one cell. */
  cellChars: 32_767,
  /** Values further right than this are refused (the imports read a handful of columns). */
  columns: 256,
  /** Excel's own limit for one sheet. */
  rows: 1_048_576,
};

/** A file refused as a whole, with the coded reason. */
const refused = (code: ReasonCode, params?: ReasonParams) => refusedWith("unreadable_file", refuse(code, params));
const broken = (why: string) => refused("file.xlsx_broken", { why });

// ---------------------------------------------------------------------------------------------
// The zip container

type Entry = { name: string; method: number; csize: number; usize: number; offset: number };

async function readAt(path: string, start: number, end: number): Promise<Buffer> {
  return Buffer.from(await Bun.file(path).slice(start, end).arrayBuffer());
}

/** The entries of the zip's central directory. */
async function centralDirectory(path: string, size: number): Promise<Map<string, Entry>> {
  const tailStart = Math.max(0, size - (65535 + 22));
  const tail = await readAt(path, tailStart, size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw broken("no zip directory at its end");
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw broken("a ZIP64 archive");
  if (cdOffset + cdSize > size || cdSize > 16 * 1024 ** 2) throw broken("the zip directory is out of bounds");
  const cd = await readAt(path, cdOffset, cdOffset + cdSize);
  const entries = new Map<string, Entry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw broken("a damaged zip directory");
    const nameLen = cd.readUInt16LE(p + 28);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
    entries.set(name.replace(/^\//, ""), {
      name,
      method: cd.readUInt16LE(p + 10),
      csize: cd.readUInt32LE(p + 20),
      usize: cd.readUInt32LE(p + 24),
      offset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  return entries;
}

/**
 * The text of a part, chunk by chunk, inflated as it streams and cut off past `limit` bytes or
 * past XLSX_LIMITS.ratio times its compressed size.
 */
async function* partText(
  path: string,
  size: number,
  e: Entry,
  limit: number,
  progress?: (compressedBytes: number) => void,
): AsyncGenerator<string> {
  const ratio = XLSX_LIMITS.ratio;
  if (e.usize > limit) throw refused("file.xlsx_part_too_large", { part: e.name, mib: Math.floor(limit / 1024 ** 2) });
  if (e.usize > Math.max(1024 ** 2, e.csize * ratio)) throw refused("file.xlsx_ratio", { part: e.name, ratio });
  const head = await readAt(path, e.offset, Math.min(size, e.offset + 30));
  if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) throw broken(`no local header for ${e.name}`);
  const start = e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  if (start + e.csize > size) throw broken(`${e.name} runs past the end of the file`);
  if (e.method !== 0 && e.method !== 8) throw broken(`${e.name} is packed with method ${e.method}`);
  const raw = Readable.fromWeb(
    Bun.file(path)
      .slice(start, start + e.csize)
      .stream() as any,
  );
  let compressed = 0;
  const counted = raw.pipe(
    new Transform({
      transform(b: Buffer, _enc, done) {
        compressed += b.length;
        progress?.(start + compressed);
        done(null, b);
      },
    }),
  );
  const inflate = e.method === 8 ? createInflateRaw({ chunkSize: 64 * 1024 }) : null;
  const source: AsyncIterable<Buffer> = inflate ? counted.pipe(inflate) : counted;
  // whatever it declared: at most the limit, and at most `ratio` times what it is packed in
  const allowed = Math.min(limit, Math.max(1024 ** 2, e.csize * ratio));
  const decoder = new TextDecoder("utf-8");
  let out = 0;
  try {
    for await (const chunk of source) {
      out += chunk.length;
      if (out > allowed) {
        throw out > limit
          ? refused("file.xlsx_part_too_large", { part: e.name, mib: Math.floor(limit / 1024 ** 2) })
          : refused("file.xlsx_ratio", { part: e.name, ratio });
      }
      yield decoder.decode(chunk, { stream: true });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw broken(`${e.name} cannot be unpacked: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    raw.destroy();
    counted.destroy();
    inflate?.destroy();
  }
  const last = decoder.decode();
  if (last) yield last;
}

// ---------------------------------------------------------------------------------------------
// XML

const local = (name: string) => name.slice(name.indexOf(":") + 1);

/**
 * Parses a part's XML with saxes, calling `onChunk` after each chunk (rows are handed on there,
 * with back-pressure). A run of characters with no markup longer than a cell can be is refused
 * before saxes buffers it.
 */
async function parseXml(
  chunks: AsyncIterable<string>,
  handlers: { open(tag: SaxesTagPlain): void; close(name: string): void; text(t: string): void },
  onChunk?: () => Promise<void> | void,
): Promise<void> {
  const parser = new SaxesParser();
  let error: Error | null = null;
  parser.on("opentag", (t) => {
    const tag = t as SaxesTagPlain;
    handlers.open({ ...tag, name: local(tag.name) });
    if (tag.isSelfClosing) handlers.close(local(tag.name));
  });
  parser.on("closetag", (t) => {
    if (!(t as SaxesTagPlain).isSelfClosing) handlers.close(local(t.name));
  });
  parser.on("text", (t) => handlers.text(t));
  parser.on("cdata", (t) => handlers.text(t));
  parser.on("error", (e) => (error ??= e));
  // the longest a cell's text can be in the file: every character as an entity (&#x10FFFF;)
  const maxRun = XLSX_LIMITS.cellChars * 10 + 4096;
  let run = 0;
  for await (const chunk of chunks) {
    const lastMarkup = Math.max(chunk.lastIndexOf("<"), chunk.lastIndexOf(">"));
    if (lastMarkup < 0) run += chunk.length;
    else {
      const lt = chunk.indexOf("<");
      const gt = chunk.indexOf(">");
      const firstMarkup = lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
      if (run + firstMarkup > maxRun) run += firstMarkup;
      else run = chunk.length - lastMarkup - 1;
    }
    if (run > maxRun) throw refused("file.xlsx_text_run", { max: XLSX_LIMITS.cellChars });
    try {
      parser.write(chunk);
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw broken(`its XML is malformed (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
    }
    if (error) throw broken(`its XML is malformed (${(error as Error).message.split("\n")[0]})`);
    await onChunk?.();
  }
  try {
    parser.close();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw broken(`its XML is malformed (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
}

async function collect(chunks: AsyncIterable<string>, handlers: Parameters<typeof parseXml>[1]) {
  await parseXml(chunks, handlers);
}

// ---------------------------------------------------------------------------------------------
// Shared strings: their UTF-8 end to end in 8 MiB blocks, and where each one starts (4 bytes a
// string: three million strings cost 12 MB of offsets, not three million JS strings)

const BLOCK = 8 * 1024 ** 2;

class SharedStrings {
  private blocks: Buffer[] = [];
  private starts = new Uint32Array(1024);
  private end = 0;
  count = 0;

  add(s: string) {
    if (this.count + 1 >= this.starts.length) {
      const grown = new Uint32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = this.end;
    const len = Buffer.byteLength(s);
    const b0 = Math.floor(this.end / BLOCK);
    if (b0 === this.blocks.length) this.blocks.push(Buffer.allocUnsafe(BLOCK));
    if (this.end - b0 * BLOCK + len <= BLOCK) {
      // the common case, written straight into its block
      this.end += this.blocks[b0]!.write(s, this.end - b0 * BLOCK);
      this.starts[this.count] = this.end;
      return;
    }
    const bytes = Buffer.from(s);
    for (let done = 0; done < bytes.length; ) {
      const b = Math.floor(this.end / BLOCK);
      if (b === this.blocks.length) this.blocks.push(Buffer.allocUnsafe(BLOCK));
      const n = bytes.copy(this.blocks[b]!, this.end - b * BLOCK, done);
      done += n;
      this.end += n;
    }
    this.starts[this.count] = this.end;
  }

  get(i: number): string {
    if (!(i >= 0 && i < this.count)) return "";
    const start = this.starts[i]!;
    const end = this.starts[i + 1]!;
    const b = Math.floor(start / BLOCK);
    if (Math.floor((end - 1) / BLOCK) === b || end === start)
      return this.blocks[b]!.toString("utf8", start - b * BLOCK, end - b * BLOCK);
    const parts: Buffer[] = [];
    for (let at = start; at < end; ) {
      const k = Math.floor(at / BLOCK);
      const to = Math.min(end, (k + 1) * BLOCK);
      parts.push(this.blocks[k]!.subarray(at - k * BLOCK, to - k * BLOCK));
      at = to;
    }
    return Buffer.concat(parts).toString("utf8");
  }
}

// ---------------------------------------------------------------------------------------------
// The workbook

export type XlsxSink = {
  /** A row's cells (missing ones ""), with its row number. */
  row(cells: string[], line: number): void;
  unreadable(line: number, cells: string[], reason: string): void;
  progress(bytes: number): void;
  ready(): Promise<void> | void;
};

const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);
const isDateFormat = (code: string) =>
  /[ymdhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, "").replace(/general/gi, ""));

/** "AB" → 27 (1-based), from a cell reference such as AB12. */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + c - 64;
    else if (c >= 97 && c <= 122) n = n * 26 + c - 96;
    else break;
  }
  return n;
}
const columnName = (n: number) => {
  let s = "";
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
const rowOf = (ref: string) => Number(/\d+$/.exec(ref)?.[0] ?? NaN);

const pad = (n: number) => String(n).padStart(2, "0");
/** An Excel serial date as the wall time it shows (Excel dates carry no zone). */
function serialText(serial: number, date1904: boolean): string {
  const v = new Date(Math.round((serial + (date1904 ? 1462 : 0) - 25569) * 86400000));
  if (Number.isNaN(v.getTime())) return String(serial);
  const d = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  return v.getUTCHours() || v.getUTCMinutes() ? `${d} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}` : d;
}

function resolve(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

export async function readXlsx(path: string, sink: XlsxSink): Promise<void> {
  const size = Bun.file(path).size;
  const entries = await centralDirectory(path, size);
  const part = (name: string) =>
    entries.get(name) ??
    [...entries.values()].find((e) => e.name.replace(/^\//, "").toLowerCase() === name.toLowerCase());
  const text = (e: Entry, limit: number, progress?: (b: number) => void) => partText(path, size, e, limit, progress);

  // the workbook: its first sheet, its date system, and where its parts are
  const wbEntry = part("xl/workbook.xml");
  if (!wbEntry) throw broken("no workbook in the archive");
  let firstSheetRel: string | null = null;
  let date1904 = false;
  await collect(text(wbEntry, XLSX_LIMITS.partBytes), {
    open(tag) {
      if (tag.name === "sheet" && firstSheetRel === null)
        firstSheetRel =
          tag.attributes["r:id"] ?? Object.entries(tag.attributes).find(([k]) => local(k) === "id")?.[1] ?? null;
      if (tag.name === "workbookPr") date1904 = ["1", "true"].includes(tag.attributes.date1904 ?? "");
    },
    close() {},
    text() {},
  });
  const rels = new Map<string, { type: string; target: string }>();
  const relsEntry = part("xl/_rels/workbook.xml.rels");
  if (relsEntry) {
    await collect(text(relsEntry, XLSX_LIMITS.partBytes), {
      open(tag) {
        if (tag.name === "Relationship")
          rels.set(tag.attributes.Id ?? "", { type: tag.attributes.Type ?? "", target: tag.attributes.Target ?? "" });
      },
      close() {},
      text() {},
    });
  }
  const relOfType = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix));
  const sheetTarget = firstSheetRel !== null ? rels.get(firstSheetRel)?.target : undefined;
  const sheetEntry = part(sheetTarget ? resolve("xl/workbook.xml", sheetTarget) : "xl/worksheets/sheet1.xml");
  if (!sheetEntry) throw broken("no worksheet in the archive");

  // styles: which cell formats show a number as a date
  const dateStyles = new Set<number>();
  const stylesRel = relOfType("/styles");
  const stylesEntry = part(stylesRel ? resolve("xl/workbook.xml", stylesRel.target) : "xl/styles.xml");
  if (stylesEntry) {
    const custom = new Map<number, string>();
    let inXfs = false;
    let xf = 0;
    await collect(text(stylesEntry, XLSX_LIMITS.partBytes), {
      open(tag) {
        if (tag.name === "numFmt") custom.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? "");
        else if (tag.name === "cellXfs") inXfs = true;
        else if (tag.name === "xf" && inXfs) {
          const id = Number(tag.attributes.numFmtId ?? 0);
          if (BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateFormat(custom.get(id)!))) dateStyles.add(xf);
          xf++;
        }
      },
      close(name) {
        if (name === "cellXfs") inXfs = false;
      },
      text() {},
    });
  }

  // shared strings: the text of each <si> (its runs joined, phonetic guides left out)
  const sst = new SharedStrings();
  const sstRel = relOfType("/sharedStrings");
  const sstEntry = part(sstRel ? resolve("xl/workbook.xml", sstRel.target) : "xl/sharedStrings.xml");
  if (sstEntry) {
    let inSi = false;
    let inT = false;
    let inPhonetic = false;
    let s = "";
    await collect(text(sstEntry, XLSX_LIMITS.sharedStringsBytes), {
      open(tag) {
        if (tag.name === "si") (inSi = true), (s = "");
        else if (tag.name === "rPh") inPhonetic = true;
        else if (tag.name === "t" && inSi && !inPhonetic) inT = true;
      },
      close(name) {
        if (name === "t") inT = false;
        else if (name === "rPh") inPhonetic = false;
        else if (name === "si") {
          inSi = false;
          sst.add(s);
          s = "";
        }
      },
      text(t) {
        if (!inT) return;
        s += t;
        if (s.length > XLSX_LIMITS.cellChars)
          throw refused("file.shared_string_too_long", { n: sst.count + 1, max: XLSX_LIMITS.cellChars });
      },
    });
  }

  // the sheet, row by row
  let rowNumber = 0;
  let cells: string[] = [];
  let col = 0; // 1-based column of the current cell
  let type = "";
  let style = -1;
  let value = "";
  let capture: "v" | "t" | null = null;
  let inInline = false;
  let inPhonetic = false;
  let lossy: string | null = null;
  const pending: { cells: string[]; line: number; lossy: string | null }[] = [];
  let bytes = 0;
  const tooLong = () => refused("file.cell_too_long", { row: rowNumber, max: XLSX_LIMITS.cellChars });

  await parseXml(
    text(sheetEntry, XLSX_LIMITS.sheetBytes, (b) => (bytes = b)),
    {
      open(tag) {
        const a = tag.attributes;
        switch (tag.name) {
          case "dimension": {
            // Excel writes the sheet's extent first: refuse an impossible one before any row
            const last = rowOf((a.ref ?? "").split(":").pop() ?? "");
            if (last > XLSX_LIMITS.rows) throw refused("file.too_many_rows", { max: XLSX_LIMITS.rows });
            break;
          }
          case "row": {
            const r = a.r !== undefined ? Number(a.r) : rowNumber + 1;
            rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
            if (rowNumber > XLSX_LIMITS.rows) throw refused("file.too_many_rows", { max: XLSX_LIMITS.rows });
            cells = [];
            col = 0;
            lossy = null;
            break;
          }
          case "c": {
            const c = a.r !== undefined ? columnOf(a.r) : 0;
            col = c > col ? c : col + 1;
            type = a.t ?? "n";
            style = a.s !== undefined ? Number(a.s) : -1;
            value = "";
            break;
          }
          case "v":
            capture = "v";
            break;
          case "is":
            inInline = true;
            break;
          case "rPh":
            inPhonetic = true;
            break;
          case "t":
            if (inInline && !inPhonetic) capture = "t";
            break;
        }
      },
      close(name) {
        switch (name) {
          case "v":
          case "t":
            capture = null;
            break;
          case "is":
            inInline = false;
            break;
          case "rPh":
            inPhonetic = false;
            break;
          case "c": {
            let shown: string;
            if (type === "s") shown = sst.get(Number(value));
            else if (type === "inlineStr" || type === "str") shown = value;
            else if (type === "b") shown = value.trim() === "1" ? "TRUE" : value.trim() === "0" ? "FALSE" : "";
            else if (type === "e") shown = "";
            else if (type === "d")
              shown = value
                .replace("T", " ")
                .replace(/(:\d\d)(:\d\d(\.\d+)?)?Z?$/, "$1")
                .replace(/ 00:00$/, "");
            else if (value.trim() === "") shown = "";
            else {
              const n = Number(value);
              if (!Number.isFinite(n)) shown = value.trim();
              else if (dateStyles.has(style)) shown = serialText(n, date1904);
              else if (Number.isInteger(n)) {
                if (!Number.isSafeInteger(n)) lossy ??= n.toFixed(0);
                shown = n.toFixed(0);
              } else shown = String(n);
            }
            if (shown !== "") {
              if (col > XLSX_LIMITS.columns)
                throw refused("file.too_many_columns", {
                  row: rowNumber,
                  column: columnName(col),
                  max: XLSX_LIMITS.columns,
                });
              while (cells.length < col - 1) cells.push("");
              cells[col - 1] = shown;
            }
            value = "";
            break;
          }
          case "row":
            pending.push({ cells, line: rowNumber, lossy });
            cells = [];
            break;
        }
      },
      text(t) {
        if (capture === null) return;
        value += t;
        if (value.length > XLSX_LIMITS.cellChars) throw tooLong();
      },
    },
    async () => {
      if (pending.length === 0) return;
      for (const r of pending) {
        if (r.lossy)
          sink.unreadable(
            r.line,
            r.cells,
            `${r.lossy} was stored as an Excel number and has lost digits beyond the 15th: format the column as text and type it again`,
          );
        else sink.row(r.cells, r.line);
      }
      pending.length = 0;
      sink.progress(bytes);
      await sink.ready();
    },
  );
  sink.progress(size);
}
