// Instants are stored in UTC; people read them in Asia/Shanghai (UTC+8, no DST).
const SHANGHAI = "Asia/Shanghai";
const OFFSET_MS = 8 * 3_600_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + JSON.stringify(opts);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", { timeZone: SHANGHAI, hourCycle: "h23", ...opts });
    formats.set(key, f);
  }
  return f;
}

/** 2026-11-21 15:04 — the same shape in both languages, sortable and unambiguous. */
export function formatInstant(at: Date | number | null | undefined): string {
  if (at == null) return "";
  const d = new Date(at);
  const p = Object.fromEntries(
    fmt("zh", { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant at which a Shanghai calendar date (YYYY-MM-DD) begins. */
export function startOfShanghaiDay(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** Parses a datetime-local input value (YYYY-MM-DDTHH:mm, read as Shanghai time). */
export function parseShanghaiLocal(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const t = Date.parse(`${value.length === 16 ? value + ":00" : value}+08:00`);
  return Number.isNaN(t) ? null : t;
}

/** An instant as the API writes it: UTC, ISO 8601; no instant stays null. */
export function iso(at: Date | number): string;
export function iso(at: Date | number | null | undefined): string | null;
export function iso(at: Date | number | null | undefined): string | null {
  return at == null ? null : new Date(at).toISOString();
}

/** The value for a datetime-local input showing this instant in Shanghai time. */
export function toShanghaiLocal(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 16);
}

/** The same wall-clock time `months` calendar months later in Shanghai (31 Aug + 6 → 28/29 Feb). */
export function addShanghaiMonths(at: number, months: number): number {
  const d = new Date(at + OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return (
    Date.UTC(
      y,
      m,
      Math.min(d.getUTCDate(), lastDay),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ) - OFFSET_MS
  );
}

/** The instants [from, to) covering Shanghai calendar dates from..to, both days included. */
export function shanghaiDaysRange(p: { from: string; to: string }): { from: number; to: number } {
  return { from: startOfShanghaiDay(p.from), to: startOfShanghaiDay(p.to) + 86_400_000 };
}
