// What the high-risk lists accept besides the period (stats/schemas readPeriod).
import { z } from "zod";
import { EXPORT_FORMATS } from "../exports/tabular";

/** The lists of the screen, each exportable on its own. */
const PUBLICITY_TABLES = ["fraudTypes", "districts", "ageBands", "suspectNumbers", "visitSummary", "visits"] as const;
export type PublicityTable = (typeof PUBLICITY_TABLES)[number];

export const exportParams = z.object({ table: z.enum(PUBLICITY_TABLES) });
export const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS) });

/** The visit list's page, 1-based; anything else reads as the first page. */
export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1) });
