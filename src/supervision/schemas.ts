// What the supervision board and the high-risk lists accept: the year-on-year screen's
// period picker (stats/schemas), plus each screen's own filters.
import { z } from "zod";
import { REQUEST_KINDS } from "../domain/enums";
import { EXPORT_FORMATS } from "../exports/tabular";

/** Tables of the live part of the board (now) and of the response times (a period). */
const LIVE_TABLES = [
  "requestLights",
  "targetLights",
  "overdueRequests",
  "escalatedRequests",
  "overdueTargets",
] as const;
const TIMES_TABLES = ["bankTimes", "carrierTimes"] as const;
export type LiveTable = (typeof LIVE_TABLES)[number];
export type TimesTable = (typeof TIMES_TABLES)[number];
export const isTimesTable = (name: LiveTable | TimesTable): name is TimesTable =>
  (TIMES_TABLES as readonly string[]).includes(name);

export const requestKindQuery = z
  .enum(REQUEST_KINDS)
  .or(z.literal(""))
  .optional()
  .transform((k) => k || undefined);

export const exportParams = z.object({ table: z.enum([...LIVE_TABLES, ...TIMES_TABLES]) });
export const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS), requestKind: requestKindQuery });

/** An urge's optional word to the desk or the agents. */
export const UrgeForm = z.object({
  note: z
    .string()
    .trim()
    .max(200, "at most 200 characters")
    .optional()
    .transform((v) => v || undefined),
});
