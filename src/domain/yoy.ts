// Year on year (同比): the metrics, their good direction, periods in Asia/Shanghai calendar
// dates, the same period one year earlier, and the change in percent. Pure: no I/O.

/** The metric names of the API and the screen, in the order centers report them. */
export const METRICS = [
  "alerts",
  "casesFiled",
  "casesSolved",
  "suspectsDetained",
  "peopleWarned",
  "warnings",
  "stopPayments",
  "freezes",
  "amountStopped",
  "amountFrozen",
  "amountReturned",
  "numbersCutOff",
  "cardsCutOff",
] as const;
export type Metric = (typeof METRICS)[number];

/** Amounts are integer fen; everything else is a count. */
export const MONEY_METRICS: ReadonlySet<Metric> = new Set(["amountStopped", "amountFrozen", "amountReturned"]);

/**
 * "Two down, two up" (两降两升): fewer alerts and fewer cases filed is good; every other
 * figure measures the center's own work, where more is better.
 */
const GOOD_DIRECTION: Record<Metric, "up" | "down"> = {
  alerts: "down",
  casesFiled: "down",
  casesSolved: "up",
  suspectsDetained: "up",
  peopleWarned: "up",
  warnings: "up",
  stopPayments: "up",
  freezes: "up",
  amountStopped: "up",
  amountFrozen: "up",
  amountReturned: "up",
  numbersCutOff: "up",
  cardsCutOff: "up",
};

/** (current − previous) / previous × 100, to two decimals; null when previous is 0. */
export function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  // integers first, one division: avoids 0.1 + 0.2 drift; halves round away from zero
  const hundredths = ((current - previous) * 10_000) / previous;
  return (Math.sign(hundredths) * Math.round(Math.abs(hundredths))) / 100 || 0;
}

export type Verdict = "good" | "bad" | "flat" | "none";

/** How a change reads for this metric: good, bad, unchanged, or no comparison possible. */
export function verdict(metric: Metric, pct: number | null): Verdict {
  if (pct === null) return "none";
  if (pct === 0) return "flat";
  return pct > 0 === (GOOD_DIRECTION[metric] === "up") ? "good" : "bad";
}

/** Breakdown bucket for baseline figures that carry no fraud type / no district. */
export const BASELINE_BUCKET = "(baseline)";

/** "—" when there is nothing to compare with, otherwise a signed percentage. */
export function formatChangePct(pct: number | null): string {
  if (pct === null) return "—";
  return `${pct > 0 ? "+" : ""}${pct.toFixed(2)}%`;
}

// ---------------------------------------------------------------------------------------
// Calendar dates (YYYY-MM-DD) in Asia/Shanghai. Periods are inclusive of both ends.

export type Period = { from: string; to: string };

/** The one cross-field rule of a date range; screens show it translated. */
export const FROM_AFTER_TO = "from must not be after to";
export type PeriodKind = "month" | "quarter" | "ytd" | "custom";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split("-").map(Number);
  return [y!, m!, d!];
}

const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** The same calendar day one year earlier; 29 February becomes 28 February. */
export function sameDayLastYear(date: string): string {
  const [y, m, d] = parts(date);
  return ymd(y - 1, m, Math.min(d, daysInMonth(y - 1, m)));
}

const isFirstOfMonth = (date: string) => date.endsWith("-01");
const isLastOfMonth = (date: string) => {
  const [y, m, d] = parts(date);
  return d === daysInMonth(y, m);
};

/**
 * The same period one year earlier. Each end moves back a year (29 February → 28 February),
 * except that a period of whole months compares with the same whole months: February 2025
 * (1–28) compares with 1–29 February 2024.
 */
export function previousPeriod(p: Period): Period {
  const from = sameDayLastYear(p.from);
  let to = sameDayLastYear(p.to);
  if (isFirstOfMonth(p.from) && isLastOfMonth(p.to)) {
    const [y, m] = parts(p.to);
    to = ymd(y - 1, m, daysInMonth(y - 1, m));
  }
  return { from, to };
}

/** The calendar month YYYY-MM. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: ymd(y, m, 1), to: ymd(y, m, daysInMonth(y, m)) };
}

/** Quarter q (1–4) of year y. */
export function quarterPeriod(y: number, q: number): Period {
  const first = (q - 1) * 3 + 1;
  return { from: ymd(y, first, 1), to: ymd(y, first + 2, daysInMonth(y, first + 2)) };
}

/** 1 January of today's year through today. */
export function ytdPeriod(today: string): Period {
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** A period still running ends today: this month so far against the same days last year. */
export function capAtToday(p: Period, today: string): Period {
  return p.from <= today && today < p.to ? { from: p.from, to: today } : p;
}

/** The last calendar month that is over on `today` (YYYY-MM): screens open on it, not on a few days. */
export function lastFullMonth(today: string): string {
  const [y, m] = parts(today);
  return m === 1 ? `${pad(y - 1, 4)}-12` : `${pad(y, 4)}-${pad(m - 1)}`;
}

/** The last quarter that is over on `today` (YYYY-Qn). */
export function lastFullQuarter(today: string): string {
  const [y, m] = parts(today);
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

/** A period that is not over yet: it includes today (or ends later). */
export const isPartial = (p: Period, today: string) => p.to >= today;

export const isMonth = (s: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
export const isQuarter = (s: string) => /^\d{4}-Q[1-4]$/.test(s);

export function quarterOf(date: string): string {
  const [y, m] = parts(date);
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** Each calendar month a period touches, YYYY-MM, in order. */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  let [y, m] = parts(p.from);
  const last = p.to.slice(0, 7);
  for (;;) {
    const key = `${pad(y, 4)}-${pad(m)}`;
    if (key > last) break;
    out.push(key);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/**
 * A period split into the months it covers whole and the days of the months it only
 * touches, so that totals can be read from monthly figures plus a few daily ones.
 */
export function splitPeriod(p: Period): { months: string[]; dayRanges: Period[] } {
  const months: string[] = [];
  const dayRanges: Period[] = [];
  for (const month of monthsOf(p)) {
    const whole = monthPeriod(month);
    const from = whole.from > p.from ? whole.from : p.from;
    const to = whole.to < p.to ? whole.to : p.to;
    if (from === whole.from && to === whole.to) months.push(month);
    else dayRanges.push({ from, to });
  }
  return { months, dayRanges };
}
