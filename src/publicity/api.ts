// GET /api/v1/publicity/*: the high-risk lists as JSON, masked exactly as on the screen.
import { apiRouter, commonErrors, createRoute, jsonResponse, periodQuery, z } from "../api/openapi";
import { allow } from "../auth/middleware";
import { FRAUD_TYPES, RISK_LEVELS, SUSPECT_STATUSES, TARGET_REASONS } from "../domain/enums";
import { previousPeriod } from "../domain/yoy";
import { audit } from "../http/audit";
import { AGE_BANDS, publicityLists, VISIT_OUTCOMES, visitTargets } from "./service";

const ListsQuery = periodQuery({});
const VisitsQuery = periodQuery({
  district: z
    .string()
    .trim()
    .max(50)
    .optional()
    .openapi({ param: { name: "district", in: "query" }, description: "One district; all when absent" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(500)
    .openapi({ param: { name: "limit", in: "query" } }),
});

const AgeBand = z.enum(["unknown", ...AGE_BANDS.map((b) => b.key)]);
const Count = {
  targets: z.number().int(),
  highRisk: z.number().int(),
  previous: z.number().int(),
  changePct: z.number().nullable(),
};
const Period = { from: z.string(), to: z.string(), previousFrom: z.string(), previousTo: z.string() };

const Lists = z
  .object({
    ...Period,
    fraudTypes: z
      .array(
        z.object({
          fraudType: z.enum(FRAUD_TYPES),
          current: z.number().int(),
          previous: z.number().int(),
          change: z.number().int(),
          changePct: z.number().nullable(),
        }),
      )
      .openapi({ description: "Alerts per fraud type, the largest rise first" }),
    districts: z
      .array(z.object({ district: z.string().nullable(), ...Count }))
      .openapi({ description: "People at risk per district, most first" }),
    ageBands: z
      .array(z.object({ band: AgeBand, ...Count }))
      .openapi({ description: "People at risk per age band, most first" }),
    suspectNumbers: z
      .array(
        z.object({
          rank: z.number().int(),
          number: z.string().openapi({ example: "138****8000", description: "Masked" }),
          carrier: z.string().nullable().openapi({ description: "Carrier code, inferred from the prefix" }),
          riskLevel: z.enum(RISK_LEVELS),
          status: z.enum(SUSPECT_STATUSES),
          cases: z.number().int(),
          targets: z.number().int(),
          lastSeenAt: z.string(),
        }),
      )
      .openapi({ description: "Fraud phone numbers (never accounts) for public warnings" }),
    visitsByDistrict: z.array(z.object({ district: z.string().nullable(), targets: z.number().int() })),
  })
  .openapi("HighRiskLists");

const Visits = z
  .object({
    ...Period,
    district: z.string().nullable(),
    visits: z.array(
      z.object({
        district: z.string().nullable(),
        name: z.string().openapi({ example: "张*", description: "Masked" }),
        phone: z.string().openapi({ example: "138****8000", description: "Masked" }),
        age: z.number().int().nullable(),
        ageBand: AgeBand,
        reason: z.enum(TARGET_REASONS),
        state: z.enum(["open", ...VISIT_OUTCOMES]),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi("DoorToDoorVisits");

const periodOf = (q: { from: string; to: string }) => {
  const prev = previousPeriod(q);
  return { from: q.from, to: q.to, previousFrom: prev.from, previousTo: prev.to };
};

export const publicityApi = apiRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/publicity/lists",
      tags: ["Publicity"],
      summary:
        "High-risk lists for a period: fraud types on the rise, districts and age bands, fraud numbers to warn about",
      description: "Names and numbers masked (张*, 138****8000); no bank details.",
      middleware: [allow("publicity.read")] as const,
      request: { query: ListsQuery },
      responses: {
        200: jsonResponse(Lists, "The lists, this period against the same period last year"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const l = await publicityLists(c.var.deps.db, q);
      return c.json(
        {
          ...periodOf(q),
          fraudTypes: l.fraudTypes,
          districts: l.districts,
          ageBands: l.ageBands,
          suspectNumbers: l.suspectNumbers.map((s) => ({
            ...s,
            carrier: s.carrier?.code ?? null,
            lastSeenAt: s.lastSeenAt.toISOString(),
          })),
          visitsByDistrict: l.visitSummary,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/publicity/visits",
      tags: ["Publicity"],
      summary: "High-risk people a call did not settle, for door-to-door visits (masked)",
      middleware: [allow("publicity.read")] as const,
      request: { query: VisitsQuery },
      responses: { 200: jsonResponse(Visits, "By district, newest first"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const district = q.district || null;
      const rows = await visitTargets(c.var.deps.db, q, { district, limit: q.limit });
      await audit(c, {
        action: "view",
        entity: "publicity_visits",
        detail: { from: q.from, to: q.to, district, rows: rows.length, via: "api" },
      });
      return c.json(
        { ...periodOf(q), district, visits: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) },
        200,
      );
    },
  );
