// Query strings of page routes go through zod like every other input.
import { z } from "zod";

/** A page's search box: free text, bounded so a pasted essay is a clear 400, not a long scan. */
export const SearchQuery = z.object({ q: z.string().trim().max(200, "at most 200 characters").default("") });
