import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindFromWord, riskFromWord } from "../../src/domain/suspect-merge";
import { describeFile, readTable, type TableInfo } from "../../src/imports/rows";
import {
  csvLine,
  type ImportColumn,
  innerLineBreaks,
  keyOrder,
  mapHeader,
  sniffEncoding,
  sniffFormat,
} from "../../src/imports/table";
import { boundaryOf, filenameOf, receiveUpload } from "../../src/imports/upload";
import { readXlsx } from "../../src/imports/xlsx";
import { indexOrderKey, suspectsImport } from "../../src/suspects/import";

const COLUMNS: ImportColumn[] = [
  { key: "value", aliases: ["号码", "电话", "phone"], required: true },
  { key: "risk", aliases: ["风险等级", "risk"] },
];
const bytes = (...b: number[]) => new Uint8Array(b);
const tmp = () => mkdtempSync(join(tmpdir(), "fanzha-unit-"));

describe("file format and encoding", () => {
  test("a zip is XLSX, anything else is read as CSV", () => {
    expect(sniffFormat(bytes(0x50, 0x4b, 0x03, 0x04, 1))).toEqual({ format: "xlsx" });
    expect(sniffFormat(new TextEncoder().encode("号码\n"))).toEqual({ format: "csv" });
  });

  test("an old binary .xls and an empty file are refused with why", () => {
    expect(sniffFormat(bytes(0xd0, 0xcf, 0x11, 0xe0))).toEqual({
      refused: expect.objectContaining({ code: "file.xls", reason: expect.stringContaining(".xls") }),
    });
    expect(sniffFormat(bytes())).toEqual({
      refused: expect.objectContaining({ code: "file.empty", reason: "the file is empty" }),
    });
  });

  test("a BOM names the encoding", () => {
    expect(sniffEncoding(bytes(0xef, 0xbb, 0xbf, 0x41))).toBe("utf-8");
    expect(sniffEncoding(bytes(0xff, 0xfe, 0x41, 0))).toBe("utf-16le");
  });

  test("valid UTF-8 without a BOM is UTF-8, even when the sample ends inside a character", () => {
    const text = new TextEncoder().encode("号码,类型\n");
    expect(sniffEncoding(text)).toBe("utf-8");
    expect(sniffEncoding(text.slice(0, 4))).toBe("utf-8");
  });

  test("bytes that are not UTF-8 are GB18030, as Excel on Chinese Windows saves CSV", () => {
    // 号码 in GBK
    expect(sniffEncoding(bytes(0xba, 0xc5, 0xc2, 0xeb, 0x2c))).toBe("gb18030");
  });
});

describe("header row", () => {
  test("columns are found by any alias, ignoring case, spaces, brackets and full-width forms", () => {
    expect(mapHeader(["序号", " 电话 ", "Risk（等级）"], [...COLUMNS, { key: "n", aliases: ["序号"] }])).toEqual({
      n: 0,
      value: 1,
    });
    expect(mapHeader(["PHONE", "RISK"], COLUMNS)).toEqual({ value: 0, risk: 1 });
    expect(mapHeader(["ｐｈｏｎｅ"], COLUMNS)).toEqual({ value: 0 });
  });

  test("a header without a required column is refused, naming what it needs and what it found", () => {
    const why = mapHeader(["姓名", "地址"], COLUMNS);
    expect(why).toMatchObject({
      code: "file.no_header",
      reason:
        "no recognisable header row: the first row must name the columns (value / 号码 / 电话 / phone); found: 姓名, 地址",
    });
  });

  test("a first row with a number in it is data, not a header", () => {
    expect(mapHeader(["13800138000", "phone"], COLUMNS)).toMatchObject({
      code: "file.header_is_data",
      params: { value: "13800138000" },
    });
    expect(mapHeader(["６２２２ ０２１２"], COLUMNS)).toMatchObject({ code: "file.header_is_data" });
  });
});

describe("CSV lines", () => {
  test("cells with commas, quotes or line breaks are quoted, others are not", () => {
    expect(csvLine(["a", "b,c", 'say "hi"', "x\ny", ""])).toBe('a,"b,c","say ""hi""","x\ny",');
  });

  test("a row spans one line more per line break inside its cells", () => {
    expect(innerLineBreaks(["a", "b\nc\nd", "e\r\nf"])).toBe(3);
    expect(innerLineBreaks(["plain"])).toBe(0);
  });
});

describe("batch order", () => {
  test("a batch is recorded in key order, repeats of a key in file order", () => {
    expect(keyOrder([7, 3, 9, 3, 7, 3])).toEqual([1, 3, 5, 0, 4, 2]);
    expect(keyOrder([2 ** 32 - 1, 0])).toEqual([1, 0]);
    expect(keyOrder([])).toEqual([]);
  });

  test("a suspect's order key never contradicts the order of the unique index on its value", () => {
    const values = [
      "+8613800138000",
      "+8613800138001",
      "+861380013",
      "+85291234567",
      "+12025550123",
      "6222021234567890128",
      "62220212",
      "621700123456789",
      "103123456789012",
      "6222021234567890129",
    ];
    const byIndex = [...values].sort();
    for (let i = 1; i < byIndex.length; i++)
      expect(indexOrderKey(byIndex[i - 1]!)).toBeLessThanOrEqual(indexOrderKey(byIndex[i]!));
    expect(indexOrderKey("+8613800138000")).toBeLessThan(indexOrderKey("6222021234567890128"));
    expect(indexOrderKey("6222021234567890128")).toBeLessThan(2 ** 32);
  });
});

describe("reading a table file", () => {
  async function rowsOf(text: string | Uint8Array) {
    const path = join(tmp(), "t.csv");
    await Bun.write(path, text);
    const info = (await describeFile(path)) as TableInfo;
    const out: (string | number)[][] = [];
    await readTable(path, info, {
      row: (cells, line) => out.push([line, ...cells]),
      unreadable: (line, _cells, reason) => out.push([line, `!${reason}`]),
      progress: () => {},
      ready: () => {},
    });
    return { info, out };
  }

  test("line numbers are as seen in the file: blank lines and line breaks inside quotes count", async () => {
    const { out } = await rowsOf('h1,h2\r\na,1\r\n\r\nb,"two\r\nlines"\r\nc,3');
    expect(out).toEqual([
      [1, "h1", "h2"],
      [2, "a", "1"],
      [3, ""],
      [4, "b", "two\r\nlines"],
      [6, "c", "3"],
    ]);
  });

  test("a quote never closed makes one unreadable row at the line it opened, not a lost file", async () => {
    const { out } = await rowsOf('h\na\n"b\nc\n');
    expect(out.slice(0, 2)).toEqual([
      [1, "h"],
      [2, "a"],
    ]);
    expect(out[2]![0]).toBe(3);
    expect(String(out[2]![1])).toContain("never closed");
  });

  test("a stray quote inside a cell is kept as text", async () => {
    const { out } = await rowsOf('h\n5"b\n');
    expect(out[1]).toEqual([2, '5"b']);
  });

  test("a GB18030 file is decoded as Chinese and a UTF-8 BOM is dropped", async () => {
    const gbk = await rowsOf(bytes(0xba, 0xc5, 0xc2, 0xeb, 0x0a, 0x31, 0x0a));
    expect(gbk.info.encoding).toBe("gb18030");
    expect(gbk.out[0]).toEqual([1, "号码"]);
    const bom = await rowsOf(bytes(0xef, 0xbb, 0xbf, ...new TextEncoder().encode("号码\n1\n")));
    expect(bom.out[0]).toEqual([1, "号码"]);
  });
});

describe("kind and risk words", () => {
  test("kinds in English or Chinese; blank means detect", () => {
    expect(kindFromWord("电话")).toEqual({ ok: true, value: "phone" });
    expect(kindFromWord(" Bank_Account ")).toEqual({ ok: true, value: "bank_account" });
    expect(kindFromWord("银行卡")).toEqual({ ok: true, value: "bank_account" });
    expect(kindFromWord("")).toEqual({ ok: true, value: undefined });
    expect(kindFromWord("微信")).toMatchObject({
      ok: false,
      code: "import.unknown_kind",
      params: { word: "微信" },
      reason: expect.stringContaining('unknown kind "微信"'),
    });
  });

  test("risk levels in English or Chinese; blank means not said", () => {
    expect(riskFromWord("高")).toEqual({ ok: true, value: "high" });
    expect(riskFromWord("Medium")).toEqual({ ok: true, value: "medium" });
    expect(riskFromWord("低风险")).toEqual({ ok: true, value: "low" });
    expect(riskFromWord(undefined)).toEqual({ ok: true, value: undefined });
    expect(riskFromWord("urgent")).toMatchObject({
      ok: false,
      code: "import.unknown_risk",
      params: { word: "urgent" },
      reason: expect.stringContaining('unknown risk level "urgent"'),
    });
  });
});

describe("suspect rows", () => {
  test("a row is normalised to kind, value, inferred institution, risk and note", () => {
    expect(suspectsImport.prepare({ value: "+86 138-0013-8000", kind: "", risk: "高", note: " 举报 " })).toEqual([
      "phone",
      "+8613800138000",
      "CMCC",
      "high",
      "举报",
    ]);
  });

  test("a row whose kind contradicts its value is rejected with the identifier's reason", () => {
    expect(suspectsImport.prepare({ value: "13800138000", kind: "银行卡" })).toMatchObject({
      rejected: expect.stringContaining("too short"),
      code: "account.too_short",
    });
  });

  test("an empty value is rejected", () => {
    expect(suspectsImport.prepare({ value: "  ", kind: "phone" })).toMatchObject({
      rejected: "the number/account cell is empty",
      code: "import.value_empty",
    });
  });

  test("an empty batch packs and unpacks to no rows", () => {
    expect(suspectsImport.unpack!(structuredClone(suspectsImport.pack!([]))).length).toBe(0);
  });

  test("a packed batch unpacks to columns holding the same rows", () => {
    const rows = [
      suspectsImport.prepare({ value: "13800138000", note: "a" }),
      suspectsImport.prepare({ value: "6222 0212 3456 7890 128", risk: "low" }),
    ];
    const b = suspectsImport.unpack!(structuredClone(suspectsImport.pack!(rows as never)));
    expect(b.length).toBe(2);
    expect(b.values).toEqual(["+8613800138000", "6222021234567890128"]);
    expect([...b.kinds]).toEqual([0, 1]); // phone, bank_account
    expect(b.institution[1] ? b.institutionCodes[b.institution[1] - 1] : null).toBe("ICBC");
    expect([...b.risks]).toEqual([0, 1]); // not said, low
    expect([...b.notes]).toEqual([[0, "a"]]);
  });
});

describe("multipart upload", () => {
  test("the boundary is read from the content type, quoted or not", () => {
    expect(boundaryOf("multipart/form-data; boundary=----abc")).toBe("----abc");
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(boundaryOf("text/csv")).toBeNull();
  });

  test("a file name is taken without its path, in UTF-8 or RFC 5987 form", () => {
    expect(filenameOf('form-data; name="file"; filename="C:\\fakepath\\号码.csv"')).toBe("号码.csv");
    expect(filenameOf("form-data; name=\"file\"; filename*=UTF-8''%E5%8F%B7%E7%A0%81.csv")).toBe("号码.csv");
    expect(filenameOf('form-data; name="kind"')).toBeNull();
  });

  test("a body arriving a few bytes at a time is written whole, with its SHA-256", async () => {
    const content = "号码,类型\r\n13800138000,phone\r\n--not-the-boundary\r\n";
    const fd = new FormData();
    fd.append("note", "ignored");
    fd.append("file", new File([content], "list.csv"));
    const req = new Request("http://x/", { method: "POST", body: fd });
    const type = req.headers.get("Content-Type")!; // read before the body: Bun sets it lazily
    const whole = new Uint8Array(await req.arrayBuffer());
    // re-send the same body in 3-byte chunks, so boundaries straddle chunks
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < whole.length; i += 3) ctl.enqueue(whole.slice(i, i + 3));
        ctl.close();
      },
    });
    const chunked = new Request("http://x/", {
      method: "POST",
      body,
      headers: { "Content-Type": type },
      duplex: "half",
    } as RequestInit);
    const got = await receiveUpload(chunked);
    expect(got.filename).toBe("list.csv");
    expect(await Bun.file(got.path).text()).toBe(content);
    expect(got.sha256).toBe(new Bun.CryptoHasher("sha256").update(content).digest("hex"));
  });

  test("a body with no file part is a 422 asking for a file", async () => {
    const fd = new FormData();
    fd.append("note", "x");
    await expect(receiveUpload(new Request("http://x/", { method: "POST", body: fd }))).rejects.toMatchObject({
      status: 422,
      message: "file: choose a file to import",
    });
  });

  test("a body cut off before its final boundary is a 400 saying so, and leaves no file", async () => {
    const b = "----cut";
    const body = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n号码\r\n13800138000\r\n`;
    const req = new Request("http://x/", {
      method: "POST",
      body,
      headers: { "Content-Type": `multipart/form-data; boundary=${b}` },
    });
    await expect(receiveUpload(req)).rejects.toMatchObject({
      status: 400,
      message: "the upload was cut off before the end",
    });
  });

  test("a file name sent with a Windows path keeps only its name", async () => {
    const b = "----win";
    const body = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="C:\\fakepath\\号码.csv"\r\n\r\nhello\r\n--${b}--\r\n`;
    const got = await receiveUpload(
      new Request("http://x/", {
        method: "POST",
        body,
        headers: { "Content-Type": `multipart/form-data; boundary=${b}` },
      }),
    );
    expect(got.filename).toBe("号码.csv");
    expect(await Bun.file(got.path).text()).toBe("hello");
  });

  test("a file larger than the limit is refused with 413", async () => {
    const fd = new FormData();
    fd.append("file", new File(["x".repeat(2000)], "big.csv"));
    await expect(
      receiveUpload(new Request("http://x/", { method: "POST", body: fd }), "file", 1000),
    ).rejects.toMatchObject({ status: 413 });
  });
});

describe("XLSX reader", () => {
  test("a workbook Excel-style (written by exceljs) reads as shown: dates, whole and decimal numbers, rich text, formula results, booleans, gaps", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("名单");
    ws.addRow(["号码", "日期", "金额", "备注", "公式", "是否"]);
    const r = ws.addRow([
      13800138000,
      new Date(Date.UTC(2025, 2, 1)),
      12.5,
      { richText: [{ text: "群众" }, { text: "举报" }] },
      { formula: "1+1", result: 2 },
      true,
    ]);
    r.getCell(2).numFmt = "yyyy-mm-dd";
    ws.getCell("H2").value = "右边";
    const dir = mkdtempSync(join(tmpdir(), "fanzha-xlsx-"));
    const path = join(dir, "t.xlsx");
    await wb.xlsx.writeFile(path);
    const rows: [number, string[]][] = [];
    await readXlsx(path, {
      row: (cells, line) => void rows.push([line, cells]),
      unreadable() {},
      progress() {},
      ready() {},
    });
    expect(rows).toEqual([
      [1, ["号码", "日期", "金额", "备注", "公式", "是否"]],
      [2, ["13800138000", "2025-03-01", "12.5", "群众举报", "2", "TRUE", "", "右边"]],
    ]);
  });
});
