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
