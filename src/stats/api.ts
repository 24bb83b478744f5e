// GET /api/v1/stats/yoy: a period against the same period one year earlier.
import { apiRouter, commonErrors, createRoute, jsonResponse, periodQuery, z } from "../api/openapi";
import { allow } from "../auth/middleware";
import { METRICS } from "../domain/yoy";
import { compare } from "./service";

const YoyQuery = periodQuery({
  district: z
    .string()
    .trim()
    .max(50)
    .optional()
    .openapi({ param: { name: "district", in: "query" }, description: "One district; the whole city when absent" }),
});

const Yoy = z
  .object({
    from: z.string(),
    to: z.string(),
    previousFrom: z
      .string()
      .openapi({ description: "The same period one year earlier; 29 February becomes 28 February" }),
    previousTo: z.string(),
    metrics: z.array(
      z.object({
        metric: z.enum(METRICS),
        current: z.number().int().openapi({ description: "Counts, or fen for amount* metrics" }),
        previous: z.number().int(),
        changePct: z
          .number()
          .nullable()
          .openapi({ description: "(current − previous) / previous × 100, two decimals; null when previous is 0" }),
      }),
    ),
  })
  .openapi("YearOnYear");

export const statsApi = apiRouter().openapi(
  createRoute({
    method: "get",
    path: "/stats/yoy",
    tags: ["Statistics"],
    summary: "Year on year (同比): every metric for a period and the same period last year",
    description:
      "Figures come from the records; months with no records use imported baselines. Metric definitions: see the stats screen and src/stats/service.ts.",
    middleware: [allow("stats.read")] as const,
    request: { query: YoyQuery },
    responses: { 200: jsonResponse(Yoy, "Current and previous figures per metric"), ...commonErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const r = await compare(c.var.deps.db, { from: q.from, to: q.to }, q.district || null);
    return c.json(
      {
        from: r.period.from,
        to: r.period.to,
        previousFrom: r.previous.from,
        previousTo: r.previous.to,
        metrics: r.rows.map((row) => ({
          metric: row.metric,
          current: row.current.value,
          previous: row.previous.value,
          changePct: row.changePct,
        })),
      },
      200,
    );
  },
);
