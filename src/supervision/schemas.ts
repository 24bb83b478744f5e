// What the supervision board and the high-risk lists accept: the year-on-year screen's
// period picker (stats/schemas), plus each screen's own filters.
import { z } from "zod";
import { REQUEST_KINDS } from "../db/schema";
import { shanghaiDate } from "../domain/time";
import type { Period } from "../domain/yoy";
import { EXPORT_FORMATS } from "../exports/tabular";
import { zodIssues, type Issue } from "../http/errors";
import { formQuery, resolvePeriod, screenQuery, type ResolvedPeriod } from "../stats/schemas";
import type { T } from "../../views/i18n";
import { LIVE_TABLES, TIMES_TABLES } from "./tables";

export type PeriodChoice = { resolved: ResolvedPeriod; period: Period | null; issues: Issue[]; district: string | null };

/**
 * The period a GET form asks for, resolved against today (Shanghai). An invalid picker gives
 * no period and its issues (in the reader's language where we have the words); the picker
 * then shows this month's fields.
 */
export function readPeriod(raw: Record<string, string>, now: number, t: T): PeriodChoice {
  const today = shanghaiDate(now);
  const parsed = screenQuery.safeParse(formQuery(raw));
  if (!parsed.success) return { resolved: resolvePeriod(screenQuery.parse({}), today), period: null, issues: zodIssues(parsed.error), district: null };
  const resolved = resolvePeriod(parsed.data, today);
  const issues = resolved.issues.map((i) => (i.message === "from must not be after to" ? { ...i, message: t("stats.error.fromAfterTo") } : i));
  return { resolved, period: resolved.period, issues, district: parsed.data.district };
}

export const requestKindQuery = z
  .enum(REQUEST_KINDS)
  .or(z.literal(""))
  .optional()
  .transform((k) => k || undefined);

export const exportParams = z.object({ table: z.enum([...LIVE_TABLES, ...TIMES_TABLES]) });
export const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS), requestKind: requestKindQuery });
