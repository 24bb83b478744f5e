// /api/v1/suspects and /api/v1/lookup: report a suspect, read one, and "is this flagged?".
import {
  apiRouter,
  commonErrors,
  createRoute,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  z,
} from "../api/openapi";
import { allow } from "../auth/middleware";
import { inOrder } from "../db";
import { type Actor, institutionScope } from "../domain/access";
import { iso } from "../domain/time";
import { who } from "../http/audit";
import { AppError, notFound } from "../http/errors";
import {
  LookupBatch,
  LookupBatchEntry,
  LookupQuery,
  LookupResult,
  SuspectDetail,
  SuspectEnvelope,
  SuspectInput,
} from "./schemas";
import { createSuspect, type LookupResult as Found, lookup, type SuspectRecord, suspectDetail } from "./service";

/** The API's suspect object (the contract other systems code against). */
export function suspectJson(s: SuspectRecord) {
  return {
    id: s.id,
    kind: s.kind,
    value: s.value,
    display: s.display,
    institution: s.institution && {
      code: s.institution.code,
      name: s.institution.nameZh,
      inferred: s.institution.inferred,
    },
    riskLevel: s.riskLevel,
    status: s.status,
    statusReason: s.statusReason,
    warnings: s.warnings,
    firstSeenAt: iso(s.firstSeenAt),
    lastSeenAt: iso(s.lastSeenAt),
    sightings: s.sightings,
    holderName: s.holderName,
    branch: s.branch,
  };
}

// a lookup answers "is it flagged", not whose account it is: the holder stays with the center
const foundJson = (r: Found) => ({
  value: r.value,
  kind: r.kind,
  flagged: r.flagged,
  ...(r.suspect && { suspect: { ...suspectJson(r.suspect), holderName: null, branch: null } }),
});

/** Where an API report came from, unless the caller names it: the token's name. */
export const apiSource = (actor: Actor) => `api:${actor.name.replace(/^token:/, "")}`;

export const suspectsApi = apiRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/suspects",
      tags: ["Suspects"],
      summary: "Report a fraud-linked phone number or bank account",
      description:
        "Normalises the value; a value already known (in any written form) is merged: one more sighting, a new source, never a duplicate.",
      middleware: [allow("suspects.write")] as const,
      request: { body: jsonBody(SuspectInput) },
      responses: {
        201: jsonResponse(SuspectEnvelope, "A new suspect"),
        200: jsonResponse(SuspectEnvelope, "Merged into the known suspect"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const rec = await createSuspect(c.var.deps.db, who(c), {
        ...body,
        source: body.source ?? apiSource(c.var.actor!),
      });
      return c.json({ suspect: suspectJson(rec.suspect) }, rec.created ? 201 : 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/suspects/{id}",
      tags: ["Suspects"],
      summary: "A suspect with its sources and cases",
      middleware: [allow("suspects.read")] as const,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(SuspectDetail, "The suspect"),
        404: errorResponse("No such suspect"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const d = await suspectDetail(c.var.deps.db, c.req.valid("param").id);
      if (!d) throw notFound("suspect");
      return c.json(
        {
          suspect: suspectJson(d.suspect),
          sources: d.sources.map((s) => ({ source: s.source, firstAt: iso(s.firstAt) })),
          caseIds: d.cases.map((x) => x.id),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lookup",
      tags: ["Lookup"],
      summary: "Is this number or account flagged?",
      description:
        "Any written form. For payment and carrier systems; answers in milliseconds at ten million suspects. Not audited: it is a view of an indicator, not of personal data.",
      middleware: [allow("suspects.lookup")] as const,
      request: { query: LookupQuery },
      responses: { 200: jsonResponse(LookupResult, "flagged, and the suspect when known"), ...commonErrors },
    }),
    async (c) => {
      const r = await lookup(c.get("deps").db, c.req.valid("query").value, institutionScope(c.get("actor")!));
      if ("ok" in r)
        throw new AppError("invalid_value", `value: ${r.reason}`, { issues: [{ path: "value", message: r.reason }] });
      return c.json(foundJson(r), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/lookup",
      tags: ["Lookup"],
      summary: "Look up to 1000 values at once",
      description: "Results in input order; an unparseable value gets its own error entry and does not fail the batch.",
      middleware: [allow("suspects.lookup")] as const,
      request: { body: jsonBody(LookupBatch) },
      responses: {
        200: jsonResponse(z.object({ results: z.array(LookupBatchEntry) }), "One entry per value, in order"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const db = c.var.deps.db;
      const scope = institutionScope(c.var.actor!);
      const results = await inOrder(c.req.valid("json").values, async (input) => {
        const r = await lookup(db, input, scope);
        return "ok" in r
          ? { input, error: { code: "invalid_value" as const, message: r.reason } }
          : { input, ...foundJson(r) };
      });
      return c.json({ results }, 200);
    },
  );
