// What the high-risk lists accept besides the period (stats/schemas readPeriod).
import { z } from "zod";
import { EXPORT_FORMATS } from "../exports/tabular";
import { PUBLICITY_TABLES } from "./tables";

export const exportParams = z.object({ table: z.enum(PUBLICITY_TABLES) });
export const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS) });
