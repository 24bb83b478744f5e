// What the statistics screens and API accept. Dates are Asia/Shanghai calendar dates.
import { z } from "zod";
import { shanghaiDate } from "../domain/time";
import {
  capAtToday,
  FROM_AFTER_TO,
  isDate,
  isMonth,
  isQuarter,
  lastFullMonth,
  lastFullQuarter,
  METRICS,
  monthPeriod,
  type Period,
  type PeriodKind,
  quarterOf,
  quarterPeriod,
  ytdPeriod,
} from "../domain/yoy";
import { EXPORT_FORMATS } from "../exports/tabular";
import { type Issue, zodIssues } from "../http/errors";

const dateString = z.string().refine(isDate, "must be a real date written YYYY-MM-DD");
const district = z
  .string()
  .trim()
  .max(50)
  .optional()
  .transform((d) => d || null);

/** The screen's period picker; every field optional, filled from today. */
const screenQuery = z.object({
  kind: z.enum(["month", "quarter", "ytd", "custom"]).default("month"),
  month: z.string().refine(isMonth, "must be a month written YYYY-MM").optional(),
  quarter: z.string().refine(isQuarter, "must be a quarter written YYYY-Qn").optional(),
  from: dateString.optional(),
  to: dateString.optional(),
  district,
  // the metric the breakdowns and the chart show first
  metric: z.enum(METRICS).default("alerts"),
});
type ScreenQuery = z.infer<typeof screenQuery>;

export const exportQuery = z.object({
  table: z.enum(["metrics", "fraudTypes", "districts", "months"]),
  format: z.enum(EXPORT_FORMATS),
});

/** The bulletin's month picker; without a month, the last full month. */
export const bulletinQuery = z.object({
  month: z.string().refine(isMonth, "must be a month written YYYY-MM").optional(),
  district,
});

/** Empty inputs of a GET form mean "not given". */
function formQuery(q: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ""));
}

export type ResolvedPeriod = {
  kind: PeriodKind;
  month: string;
  quarter: string;
  period: Period | null;
  issues: Issue[];
};

/**
 * Which month and quarter a picker given none shows: "current" (the running ones: the live
 * boards), or "lastFull" (the last ones that are over: statistics, so that a screen opened on
 * the 2nd does not compare two days).
 */
export type PeriodDefaults = "current" | "lastFull";

/**
 * The period the picker asks for. A period still running ends today, so that it is compared
 * with the same days a year earlier. A custom range with from after to is refused.
 */
function resolvePeriod(q: ScreenQuery, today: string, defaults: PeriodDefaults = "current"): ResolvedPeriod {
  const month = q.month ?? (defaults === "lastFull" ? lastFullMonth(today) : today.slice(0, 7));
  const quarter = q.quarter ?? (defaults === "lastFull" ? lastFullQuarter(today) : quarterOf(today));
  const base = { kind: q.kind, month, quarter, issues: [] };
  switch (q.kind) {
    case "month":
      return { ...base, period: capAtToday(monthPeriod(month), today) };
    case "quarter": {
      const [y, n] = quarter.split("-Q").map(Number) as [number, number];
      return { ...base, period: capAtToday(quarterPeriod(y, n), today) };
    }
    case "ytd":
      return { ...base, period: ytdPeriod(today) };
    case "custom": {
      const from = q.from ?? `${today.slice(0, 7)}-01`;
      const to = q.to ?? today;
      if (from > to) return { ...base, period: null, issues: [{ path: "from", message: FROM_AFTER_TO }] };
      return { ...base, period: { from, to } };
    }
  }
}

export type PeriodChoice = { query: ScreenQuery; resolved: ResolvedPeriod; period: Period | null; issues: Issue[] };

/**
 * The period a GET picker asks for, resolved against today (Shanghai). An invalid picker gives
 * no period and its issues (worded where they are shown, like any form's); the picker then shows
 * this month's fields.
 */
export function readPeriod(
  raw: Record<string, string>,
  now: number,
  defaults: PeriodDefaults = "current",
): PeriodChoice {
  const parsed = screenQuery.safeParse(formQuery(raw));
  const query = parsed.success ? parsed.data : screenQuery.parse({});
  const resolved = resolvePeriod(query, shanghaiDate(now), defaults);
  if (!parsed.success) return { query, resolved, period: null, issues: zodIssues(parsed.error) };
  return { query, resolved, period: resolved.period, issues: resolved.issues };
}
