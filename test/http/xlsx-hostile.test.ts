// Hostile and unusual XLSX files on the three import screens (suspects, targets, the statistics
// baseline): zip bombs are refused with the file message naming the limit, without the server's
// memory growing; a broken zip or a sheet too wide is refused; a valid sheet whose rows and cells
// omit their optional `r` attribute imports; a sheet past Excel's row limit is refused. Never a 500.
// The files are built here, part by part, with node:zlib.
import { beforeAll, describe, expect, test } from "bun:test";
import { crc32, createDeflateRaw, deflateRawSync } from "node:zlib";
import { whenSettled } from "../../src/imports/engine";
import { signIn, sqlOne, type TestPlatform, testPlatform } from "../helpers";

const MiB = 1024 * 1024;

type Part = { name: string; data: string | (() => Iterable<string>); declaredSize?: number };

/** Deflates a part chunk by chunk (a 300 MiB part never sits in memory), with its CRC and size. */
async function deflatePart(p: Part): Promise<{ packed: Buffer; crc: number; size: number }> {
  if (typeof p.data === "string") {
    const raw = Buffer.from(p.data);
    return { packed: deflateRawSync(raw, { level: 9 }), crc: crc32(raw), size: raw.length };
  }
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on("data", (b: Buffer) => out.push(b));
  const done = new Promise((r) => z.on("end", r));
  let crc = 0;
  let size = 0;
  for (const chunk of p.data()) {
    const b = Buffer.from(chunk);
    crc = crc32(b, crc);
    size += b.length;
    if (!z.write(b)) await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await done;
  return { packed: Buffer.concat(out), crc, size };
}

/** A zip archive; `declaredSize` writes a size other than the true one into both headers. */
async function zip(parts: Part[]): Promise<Uint8Array> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const { packed, crc, size } = await deflatePart(p);
    const name = Buffer.from(p.name);
    const usize = p.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** An XLSX workbook around a sheet body (the <sheetData> rows, or a generator of them) and optional shared strings. */
function workbook(
  sheetData: string | (() => Iterable<string>),
  opts: { sharedStrings?: Part["data"]; dimension?: string; sheetSize?: number; sstSize?: number } = {},
): Part[] {
  const rows = typeof sheetData === "string" ? () => [sheetData] : sheetData;
  const parts: Part[] = [
    {
      name: "[Content_Types].xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: "_rels/.rels",
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>${opts.sharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ""}</Relationships>`,
    },
    {
      name: "xl/worksheets/sheet1.xml",
      data: function* () {
        yield `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}>${opts.dimension ? `<dimension ref="${opts.dimension}"/>` : ""}<sheetData>`;
        yield* rows();
        yield "</sheetData></worksheet>";
      },
      declaredSize: opts.sheetSize,
    },
  ];
  if (opts.sharedStrings)
    parts.push({ name: "xl/sharedStrings.xml", data: opts.sharedStrings, declaredSize: opts.sstSize });
  return parts;
}

/** A row of inline-string cells, with or without the `r` attributes. */
const row = (n: number | null, cells: string[]) =>
  `<row${n ? ` r="${n}"` : ""}>${cells.map((c, i) => `<c${n ? ` r="${String.fromCharCode(65 + i)}${n}"` : ""} t="inlineStr"><is><t>${esc(c)}</t></is></c>`).join("")}</row>`;

/** `size` bytes of one letter, in 1 MiB pieces. */
function* letters(size: number) {
  for (let left = size; left > 0; left -= MiB) yield "A".repeat(Math.min(MiB, left));
}

type Screen = {
  name: string;
  header: string[];
  data: string[];
  post: (bytes: Uint8Array, name: string) => Response | Promise<Response>;
  imported: () => Promise<number>;
};

let p: TestPlatform;
let s: Awaited<ReturnType<typeof signIn>>;
const count = async (sql: string) => ((await sqlOne(p.deps.db, sql)) as { n: number }).n;

function send(path: string, bytes: Uint8Array, name: string) {
  const fd = new FormData();
  fd.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  return s.request(path, { method: "POST", body: fd });
}

const SCREENS: Screen[] = [
  {
    name: "suspects",
    header: ["号码", "风险等级"],
    data: ["13800138000", "高"],
    post: (b, n) => send("/imports/suspects", b, n),
    imported: async () => await count("select count(*) as n from suspects"),
  },
  {
    name: "targets",
    header: ["电话", "风险等级"],
    data: ["13900139000", "高"],
    post: (b, n) => send("/imports/targets", b, n),
    imported: async () => await count("select count(*) as n from targets"),
  },
  {
    name: "baseline",
    header: ["月份", "指标", "数值"],
    data: ["2025-03", "警情", "17"],
    post: (b, n) => send("/stats/baselines", b, n),
    imported: async () => await count("select count(*) as n from baseline_totals"),
  },
];

beforeAll(async () => {
  p = await testPlatform();
  s = await signIn(p, "supervisor");
});

/** Answered with the file message (422, nothing imported): the page's text. */
async function refusedOn(screen: Screen, bytes: Uint8Array, name = "hostile.xlsx") {
  const before = await screen.imported();
  const res = await screen.post(bytes, name);
  const html = await res.text();
  expect(res.status).toBe(422);
  expect(html).toContain("文件无法导入");
  expect(await screen.imported()).toBe(before);
  return html;
}

describe("XLSX that inflates in memory", () => {
  test("a 300 MiB shared string is refused by its part's size, naming the limit", async () => {
    const bytes = await zip(
      workbook(row(1, ["号码"]), { sharedStrings: () => ["<sst><si><t>", ...letters(300 * MiB), "</t></si></sst>"] }),
    );
    expect(bytes.length).toBeLessThan(1 * MiB);
    for (const screen of SCREENS)
      expect(await refusedOn(screen, bytes)).toContain("xl/sharedStrings.xml 解压后超过 64 MiB");
  });

  test("a shared string that lies about its size is cut off while it inflates, by its compression ratio", async () => {
    const bytes = await zip(
      workbook(row(1, ["号码"]), {
        sharedStrings: () => ["<sst><si><t>", ...letters(300 * MiB), "</t></si></sst>"],
        sstSize: 1000,
      }),
    );
    // its one text runs on past what a cell may hold long before the part ends
    for (const screen of SCREENS)
      expect(await refusedOn(screen, bytes)).toContain("其中有文字超过单元格的上限（32767 个字符）");
  });

  test("a sheet that lies about its size is cut off while it inflates, by its compression ratio", async () => {
    const filler = function* () {
      for (let i = 0; i < 100; i++) yield "<x/>".repeat(MiB / 4);
    };
    const bytes = await zip(workbook(() => [...filler(), row(1, ["号码"])], { sheetSize: 2000 }));
    for (const screen of SCREENS)
      expect(await refusedOn(screen, bytes)).toContain("xl/worksheets/sheet1.xml 解压后超过压缩大小的 200 倍");
  }, 30_000);

  test("a 200 MiB inline cell is refused, declared or not", async () => {
    const cell = () => [`<row r="1"><c r="A1" t="inlineStr"><is><t>`, ...letters(200 * MiB), "</t></is></c></row>"];
    const honest = await zip(workbook(cell));
    const lying = await zip(workbook(cell, { sheetSize: 2000 }));
    for (const screen of SCREENS) {
      expect(await refusedOn(screen, honest)).toContain("解压后超过压缩大小的 200 倍");
      expect(await refusedOn(screen, lying)).toContain("其中有文字超过单元格的上限");
    }
  });

  test("a cell longer than Excel's 32,767 characters is refused, naming its row", async () => {
    const bytes = await zip(workbook(row(1, ["号码"]) + row(2, ["1".repeat(40_000)])));
    for (const screen of SCREENS) expect(await refusedOn(screen, bytes)).toContain("第 2 行有单元格超过 32767 个字符");
  });

  test("a shared string longer than Excel's 32,767 characters is refused", async () => {
    const bytes = await zip(
      workbook(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, {
        sharedStrings: `<sst><si><t>${"号".repeat(40_000)}</t></si></sst>`,
      }),
    );
    expect(await refusedOn(SCREENS[0]!, bytes)).toContain("共享文本超过 32767 个字符");
  });

  test("importing bombs and a file of shared strings at their limit keeps the server's memory growth under 300 MB", async () => {
    // just under the 64 MiB the shared strings may unpack to: two million distinct text cells
    const sst = function* () {
      yield "<sst>";
      let n = 0;
      for (let left = 50 * MiB; left > 0; ) {
        // characters: about 60 MiB of UTF-8
        let chunk = "";
        for (let i = 0; i < 20_000; i++) chunk += `<si><t>${(n++ * 7919) % 99_999_989}号码</t></si>`;
        left -= chunk.length;
        yield chunk;
      }
      yield "</sst>";
    };
    const big = await zip(
      workbook(row(1, ["号码", "备注"]) + `<row r="2"><c r="A2" t="s"><v>1</v></c></row>`, { sharedStrings: sst }),
    );
    const bombs = [
      await zip(
        workbook(row(1, ["号码"]), {
          sharedStrings: () => ["<sst><si><t>", ...letters(300 * MiB), "</t></si></sst>"],
          sstSize: 1000,
        }),
      ),
      await zip(
        workbook(() => [`<row r="1"><c r="A1" t="inlineStr"><is><t>`, ...letters(200 * MiB), "</t></is></c></row>"], {
          sheetSize: 2000,
        }),
      ),
    ];
    Bun.gc(true);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      for (const b of bombs) await refusedOn(SCREENS[0]!, b);
      console.log(`after the bombs: ${((peak - before) / MiB).toFixed(0)} MiB`);
      const res = await SCREENS[0]!.post(big, "big.xlsx");
      expect(res.status).toBe(303); // the header row is a shared string too: accepted, rows imported
    } finally {
      clearInterval(sample);
    }
    Bun.gc(true);
    const growth = (peak - before) / MiB;
    console.log(`memory growth while importing: peak ${growth.toFixed(0)} MiB`);
    expect(growth).toBeLessThan(300);
  }, 60_000);
});

describe("XLSX that gave a 500", () => {
  test("PK\\x03\\x04 followed by random bytes, named .xlsx, is refused with the file message on all three screens", async () => {
    const bytes = new Uint8Array(4096);
    crypto.getRandomValues(bytes);
    bytes.set([0x50, 0x4b, 0x03, 0x04]);
    for (const screen of SCREENS)
      expect(await refusedOn(screen, bytes, "random.xlsx")).toContain("不是可读取的 XLSX 工作簿");
  });

  test("a valid sheet whose rows and cells omit the optional r attribute imports on all three screens", async () => {
    for (const screen of SCREENS) {
      const before = await screen.imported();
      const bytes = await zip(workbook(row(null, screen.header) + row(null, screen.data)));
      const res = await screen.post(bytes, `no-r-${screen.name}.xlsx`);
      expect(res.status).toBe(303);
      await Bun.sleep(0);
      for (let i = 0; i < 100 && (await screen.imported()) === before; i++) await Bun.sleep(20);
      expect(await screen.imported()).toBe(before + 1);
    }
    const suspect = await sqlOne(p.deps.db, "select value, risk_level from suspects where value = '+8613800138000'");
    expect(suspect).toEqual({ value: "+8613800138000", risk_level: "high" });
  });

  test("cells without r after a gap keep their column: a row's values land under their header", async () => {
    const bytes = await zip(
      workbook(
        `<row><c r="B1" t="inlineStr"><is><t>号码</t></is></c><c t="inlineStr"><is><t>风险等级</t></is></c></row><row><c r="B2" t="inlineStr"><is><t>13700137000</t></is></c><c t="inlineStr"><is><t>低</t></is></c></row>`,
      ),
    );
    expect((await SCREENS[0]!.post(bytes, "gap.xlsx")).status).toBe(303);
    for (let i = 0; i < 100 && !(await sqlOne(p.deps.db, "select 1 from suspects where value = '+8613700137000'")); i++)
      await Bun.sleep(20);
    expect(await sqlOne(p.deps.db, "select risk_level from suspects where value = '+8613700137000'")).toEqual({
      risk_level: "low",
    });
  });

  test("a sheet with 16,384 columns is refused with the file message on all three screens", async () => {
    const wide = (n: number) =>
      `<row r="${n}">${Array.from({ length: 16_384 }, (_, i) => `<c t="inlineStr"><is><t>${i === 0 ? "号码" : `c${i}`}</t></is></c>`).join("")}</row>`;
    const bytes = await zip(workbook(wide(1) + wide(2)));
    for (const screen of SCREENS) expect(await refusedOn(screen, bytes)).toContain("导入最多读取 256 列");
  });

  test("a limit met past the header fails the import with its reason, not a 500", async () => {
    const rows = function* () {
      yield row(1, ["号码"]);
      for (let i = 2; i <= 5000; i++) yield row(i, [String(13_600_000_000 + i)]);
      yield row(5001, ["1".repeat(40_000)]);
    };
    const res = await SCREENS[0]!.post(await zip(workbook(rows)), "late.xlsx");
    expect(res.status).toBe(303);
    const id = Number(/\/imports\/(\d+)/.exec(res.headers.get("Location")!)![1]);
    await whenSettled(p.deps, id);
    const rec = (await sqlOne(p.deps.db, "select status, error from imports where id = ?", id)) as {
      status: string;
      error: string;
    };
    expect(rec).toEqual({
      status: "failed",
      error: "the file cannot be imported: a cell on row 5001 is longer than 32767 characters, Excel's limit",
    });
  });

  test("a 2-million-row sheet is refused with the file message on all three screens, before any row is recorded", async () => {
    const rows = function* () {
      for (let i = 0; i < 2_000_000; i += 10_000) {
        let chunk = "";
        for (let k = i; k < i + 10_000; k++)
          chunk += `<row><c t="inlineStr"><is><t>${k === 0 ? "号码" : 13_000_000_000 + k}</t></is></c></row>`;
        yield chunk;
      }
    };
    const bytes = await zip(workbook(rows, { dimension: "A1:A2000000" }));
    for (const screen of SCREENS) expect(await refusedOn(screen, bytes)).toContain("工作表超过 1048576 行");
  }, 30_000);
});
