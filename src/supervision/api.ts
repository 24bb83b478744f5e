// GET /api/v1/supervision/*: the board's figures as JSON (supervisors only).
import { apiRouter, commonErrors, createRoute, jsonResponse, periodQuery, z } from "../api/openapi";
import { allow } from "../auth/middleware";
import { REQUEST_KINDS, RISK_LEVELS, TARGET_REASONS } from "../domain/enums";
import { iso } from "../domain/time";
import { previousPeriod } from "../domain/yoy";
import { board, type OverdueRequest, responseTimes } from "./service";

const Counts = z.object({
  green: z.number().int(),
  yellow: z.number().int(),
  red: z.number().int(),
  overdue: z.number().int(),
  escalated: z.number().int(),
  total: z.number().int(),
});
const RequestRow = z.object({
  id: z.number().int(),
  kind: z.enum(REQUEST_KINDS),
  status: z.string(),
  institution: z.string().openapi({ description: "Institution code" }),
  caseId: z.number().int().nullable(),
  level: z.number().int(),
  sentAt: z.string().nullable(),
  deadlineAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  ageMs: z.number().int(),
  overdueMs: z.number().int(),
});
const Board = z
  .object({
    at: z.string(),
    requests: z.object({ byKind: z.array(z.object({ kind: z.enum(REQUEST_KINDS), counts: Counts })), total: Counts }),
    targets: z.object({ byGrade: z.array(z.object({ grade: z.enum(RISK_LEVELS), counts: Counts })), total: Counts }),
    overdueRequests: z.array(RequestRow),
    escalatedRequests: z.array(RequestRow),
    overdueTargets: z.array(
      z.object({
        id: z.number().int(),
        riskGrade: z.enum(RISK_LEVELS),
        district: z.string().nullable(),
        reason: z.enum(TARGET_REASONS),
        createdAt: z.string(),
        dueAt: z.string(),
        overdueMs: z.number().int(),
        claimedBy: z.string().nullable(),
      }),
    ),
  })
  .openapi("SupervisionBoard");

const Spread = z
  .object({ count: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() })
  .openapi({ description: "Milliseconds from sending" });
const Timing = z.object({ sent: z.number().int(), ack: Spread, answer: Spread });
const Times = z
  .object({
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    previousTo: z.string(),
    requestKind: z.enum(REQUEST_KINDS).nullable(),
    institutions: z.array(
      z.object({
        code: z.string(),
        kind: z.enum(["bank", "carrier"]),
        current: Timing,
        previous: Timing,
        answerMedianChangePct: z.number().nullable(),
      }),
    ),
  })
  .openapi("ResponseTimes");

const requestRow = (r: OverdueRequest) => ({
  ...r,
  institution: r.institution.code,
  sentAt: iso(r.sentAt),
  deadlineAt: iso(r.deadlineAt),
  escalatedAt: iso(r.escalatedAt),
});

export const supervisionApi = apiRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/supervision/board",
      tags: ["Supervision"],
      summary: "Traffic lights of requests and warnings, overdue and escalated lists, now",
      middleware: [allow("supervision.read")] as const,
      request: {
        query: z.object({
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(5000)
            .default(100)
            .openapi({ param: { name: "limit", in: "query" }, description: "Rows per list" }),
        }),
      },
      responses: { 200: jsonResponse(Board, "The board"), ...commonErrors },
    }),
    async (c) => {
      const { db, clock, config } = c.var.deps;
      const now = clock.now();
      const b = await board(db, now, config, c.req.valid("query").limit);
      return c.json(
        {
          at: new Date(now).toISOString(),
          requests: b.requestLights,
          targets: b.targetLights,
          overdueRequests: b.overdueRequests.map(requestRow),
          escalatedRequests: b.escalatedRequests.map(requestRow),
          overdueTargets: b.overdueTargets.map((r) => ({
            ...r,
            createdAt: r.createdAt.toISOString(),
            dueAt: r.dueAt.toISOString(),
          })),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/supervision/response-times",
      tags: ["Supervision"],
      summary:
        "Acknowledgement and answer times per bank and carrier (median, 90th percentile), against the same period last year",
      middleware: [allow("supervision.read")] as const,
      request: {
        query: periodQuery(
          {
            requestKind: z
              .enum(REQUEST_KINDS)
              .optional()
              .openapi({ param: { name: "requestKind", in: "query" } }),
          },
          "First day a request was sent (Asia/Shanghai), inclusive",
        ),
      },
      responses: { 200: jsonResponse(Times, "Per institution; times in milliseconds"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const prev = previousPeriod(q);
      const rows = await responseTimes(c.var.deps.db, q, q.requestKind);
      return c.json(
        {
          from: q.from,
          to: q.to,
          previousFrom: prev.from,
          previousTo: prev.to,
          requestKind: q.requestKind ?? null,
          institutions: rows.map((r) => ({
            code: r.institution.code,
            kind: r.institution.kind,
            current: r.current,
            previous: r.previous,
            answerMedianChangePct: r.answerMedianChangePct,
          })),
        },
        200,
      );
    },
  );
