// Money is integer fen (分). Parsing is done on the decimal string, never through floats.

/** "1,234.5" / "1234.50" / "¥1234" → 123450 fen; null when it is not an amount. */
export function yuanToFen(input: string): number | null {
  const s = input.replace(/[,，\s¥￥]/g, "").replace(/元$/, "");
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

export function formatFen(fen: number | null | undefined): string {
  if (fen == null) return "";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

const DIGITS = "零壹贰叁肆伍陆柒捌玖";
const SMALL_UNITS = ["", "拾", "佰", "仟"];
const BIG_UNITS = ["", "万", "亿", "万亿"];

/** One group of four digits (0–9999) in capitals, without the zeros at its ends (those are the caller's). */
function groupCapitals(n: number): string {
  let out = "";
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(n / 10 ** i) % 10;
    if (d === 0) {
      zero = out !== "";
      continue;
    }
    if (zero) out += "零";
    zero = false;
    out += DIGITS[d]! + SMALL_UNITS[i]!;
  }
  return out;
}

/**
 * The amount in Chinese capitals (大写) as written on notices and cheques:
 * 20000000 fen → 人民币贰拾万元整, 100005 → 人民币壹仟元零伍分, 1005010 → 人民币壹万零伍拾元壹角.
 * One 零 stands for any run of zeros between figures (also across 万/亿); 整 after whole yuan or jiao.
 */
export function fenToCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in fen: ${fen}`);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let int = "";
  if (yuan > 0) {
    const groups: number[] = [];
    for (let y = yuan; y > 0; y = Math.floor(y / 10_000)) groups.push(y % 10_000);
    let pendingZero = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const v = groups[g]!;
      if (v === 0) {
        pendingZero = int !== "";
        continue;
      }
      // a zero before this group: carried from an empty group, or its own leading zero (e.g. 1,0500)
      if (int !== "" && (pendingZero || v < 1000)) int += "零";
      pendingZero = false;
      int += groupCapitals(v) + BIG_UNITS[g]!;
      // a group ending in zeros leaves a zero before the next non-empty group
      if (v % 10 === 0 && g > 0) pendingZero = true;
    }
    int += "元";
  }
  let frac = "";
  if (jiao === 0 && cents === 0) frac = yuan > 0 ? "整" : "零元整";
  else {
    if (jiao > 0) frac += DIGITS[jiao]! + "角";
    else if (yuan > 0) frac += "零";
    if (cents > 0) frac += DIGITS[cents]! + "分";
    else frac += "整";
  }
  return `人民币${int}${frac}`;
}
