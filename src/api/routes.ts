// /api/v1: its own short chain (bearer token, rate limit, the headers a JSON answer needs), the
// shared routes, and the OpenAPI document. None of the page middleware runs here (app.ts).
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { swaggerUiHtml } from "../../views/api/docs";
import { listAudit } from "../audit/service";
import { allow, tokenAuth } from "../auth/middleware";
import { casesApi } from "../cases/api";
import type { Config } from "../config";
import { institutions } from "../db/schema";
import { districtsApi } from "../districts/api";
import type { AppEnv } from "../http/context";
import { AppError } from "../http/errors";
import { handleNotFound } from "../http/on-error";
import { publicityApi } from "../publicity/api";
import { requestsApi } from "../requests/api";
import { returnsApi } from "../requests/returns-api";
import { signingKeysApi } from "../requests/signing-api";
import { statsApi } from "../stats/api";
import { supervisionApi } from "../supervision/api";
import { suspectsApi } from "../suspects/api";
import { targetsApi } from "../targets/api";
import { apiRouter, commonErrors, createRoute, jsonResponse } from "./openapi";
import { rateLimit } from "./rate-limit";

const Institution = z
  .object({ code: z.string(), kind: z.enum(["bank", "carrier"]), nameZh: z.string(), nameEn: z.string() })
  .openapi("Institution");
const Me = z.object({ name: z.string(), role: z.string(), institution: Institution.nullable() }).openapi("Me");
const AuditRow = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  detail: z.unknown(),
  ip: z.string().nullable(),
});

const shared = apiRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["Session"],
      summary: "Who the token belongs to",
      responses: { 200: jsonResponse(Me, "The caller"), ...commonErrors },
    }),
    async (c) => {
      const actor = c.var.actor!;
      const inst = actor.institutionId
        ? await c.var.deps.db.select().from(institutions).where(eq(institutions.id, actor.institutionId)).get()
        : null;
      return c.json(
        {
          name: actor.name,
          role: actor.role,
          institution: inst ? { code: inst.code, kind: inst.kind, nameZh: inst.nameZh, nameEn: inst.nameEn } : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/institutions",
      tags: ["Session"],
      summary: "Banks and carriers with desks in the center",
      responses: {
        200: jsonResponse(z.object({ institutions: z.array(Institution) }), "All institutions"),
        ...commonErrors,
      },
    }),
    async (c) =>
      c.json(
        {
          institutions: await c.var.deps.db
            .select({
              code: institutions.code,
              kind: institutions.kind,
              nameZh: institutions.nameZh,
              nameEn: institutions.nameEn,
            })
            .from(institutions)
            .all(),
        },
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audit",
      tags: ["Audit"],
      summary: "The audit trail (supervisors)",
      middleware: [allow("audit.read")] as const,
      request: {
        query: z.object({
          entity: z.string().max(50).optional(),
          entityId: z.string().max(50).optional(),
          actor: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: { 200: jsonResponse(z.object({ entries: z.array(AuditRow) }), "Newest first"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await listAudit(c.var.deps.db, q, q.limit);
      return c.json(
        {
          entries: rows.map((r) => ({ ...r, at: r.at.toISOString(), detail: r.detail ? JSON.parse(r.detail) : null })),
        },
        200,
      );
    },
  );

export function apiApp(config: Pick<Config, "secureCookies">) {
  const api = apiRouter();
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token from `bun run cli token create`",
  });
  // a JSON answer is never sniffed as a page; behind TLS, the browser keeps to it
  const hsts = config.secureCookies ? "max-age=31536000; includeSubDomains" : null;
  api.use("*", async (c, next) => {
    c.header("X-Content-Type-Options", "nosniff");
    if (hsts) c.header("Strict-Transport-Security", hsts);
    await next();
  });
  api.use("*", tokenAuth);
  api.use("*", async (c, next) => {
    // the OpenAPI document and the public signing keys are for anyone
    if (c.req.path !== "/api/v1/openapi.json" && c.req.path !== "/api/v1/signing-keys" && !c.get("actor")) {
      c.header("WWW-Authenticate", 'Bearer realm="fanzha"');
      throw new AppError("unauthenticated", "Send Authorization: Bearer <token>");
    }
    await next();
  });
  api.use("*", rateLimit());
  for (const sub of [
    shared,
    districtsApi,
    suspectsApi,
    casesApi,
    targetsApi,
    requestsApi,
    signingKeysApi,
    returnsApi,
    statsApi,
    supervisionApi,
    publicityApi,
  ])
    api.route("/", sub);
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Fanzha API",
      version: "1",
      description:
        'The anti-fraud center platform\'s JSON API. Errors: {"error": {code, message, issues: [{path, message}]}}.',
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
  });
  // an unknown /api/v1 path ends here, in the JSON error shape, not in the pages' chain
  api.all("*", handleNotFound);
  return api;
}

/** The browsable reference (Swagger UI, served from our own origin). */
export const apiDocsRoutes = new Hono<AppEnv>().get("/", (c) => c.html(swaggerUiHtml()));
