// /api/v1/targets and /api/v1/warnings: report people at risk (one or a batch), take the next
// one from the queue, record contacts and their outcomes.

import type { Context } from "hono";
import {
  apiRouter,
  commonErrors,
  createRoute,
  errorResponse,
  IdempotencyHeader,
  jsonBody,
  jsonResponse,
  z,
} from "../api/openapi";
import { allow } from "../auth/middleware";
import { apiKey } from "../db/idempotency";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { errorBody, validationError } from "../http/errors";
import { Target, TargetBatch, TargetBatchEntry, TargetEnvelope, TargetInput, Warning, WarningInput } from "./schemas";
import { addTarget, addTargets, claimNext, fromApi, type TargetView, targetJson } from "./service";
import { contact, recordOutcome, warningJson } from "./warnings";

const json = (c: Context<AppEnv>, t: TargetView) =>
  targetJson(t, c.var.deps.clock.now(), c.var.deps.config.warningDeadlineMs);

const OutcomeInput = WarningInput.pick({ note: true, paidAmount: true, paidTo: true, fraudType: true })
  .extend({ outcome: WarningInput.shape.outcome.unwrap().unwrap() })
  .openapi("OutcomeInput");

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const targetsApi = apiRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/targets",
      tags: ["Targets"],
      summary: "Report a person at risk (高危潜在受骗群众), or up to 1000",
      description:
        "One TargetInput → 201 (200 when merged into the open target for the same phone). `{targets: [...]}` → `{results}` in input order; an invalid entry gets its own `{error}` and does not fail the batch.",
      middleware: [allow("targets.write")] as const,
      request: { body: jsonBody(z.union([TargetBatch, TargetInput])) },
      responses: {
        201: jsonResponse(TargetEnvelope, "A new target"),
        200: jsonResponse(
          z.union([TargetEnvelope, z.object({ results: z.array(TargetBatchEntry) })]),
          "Merged into the open target, or the batch's results",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const deps = c.var.deps;
      if ("targets" in body) {
        const results = (await addTargets(deps, who(c), body.targets, "feed")).map((r) =>
          r.ok ? { target: json(c, r.target), merged: r.merged } : errorBody(r.error),
        );
        return c.json({ results }, 200);
      }
      const r = await addTarget(deps, who(c), fromApi(body, "feed"));
      return c.json({ target: json(c, r.target), merged: r.merged }, r.merged ? 200 : 201);
    },
    // a single target that fails gets its own fields' errors, not "matches no union member"
    (result): undefined => {
      if (result.success) return undefined;
      const raw = (result as { data?: unknown }).data;
      const single = raw && typeof raw === "object" && !("targets" in raw) ? TargetInput.safeParse(raw) : null;
      throw validationError(single && !single.success ? single.error : result.error);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/targets/next",
      tags: ["Targets"],
      summary: "Take the most urgent target nobody holds",
      description:
        "Grade first (high, medium, low), then the one waiting longest. The target is claimed for the caller under a lease (QUEUE_LEASE_MIN); two callers never get the same target. 204 when nothing is waiting.",
      middleware: [allow("targets.write")] as const,
      responses: {
        200: jsonResponse(z.object({ target: Target }), "Claimed for the caller"),
        204: { description: "Nothing is waiting" },
        ...commonErrors,
      },
    }),
    async (c) => {
      const t = await claimNext(c.var.deps, who(c));
      if (!t) return c.body(null, 204);
      return c.json({ target: json(c, t) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/warnings",
      tags: ["Warnings"],
      summary: "Contact a target: call, SMS, manual call or visit",
      description:
        "With `outcome`, records a contact already made and applies it (dissuaded, not_at_risk, wrong_number, refused close the target; unreachable puts it back in the queue in 15 min; already_paid opens a case and a draft stop-payment). Without, places the call or SMS (Twilio, or the local outbox when not configured) or dispatches the visit. 409 when another agent holds the target or it is closed. With an `Idempotency-Key` header a repeat returns the first warning and places no second call.",
      middleware: [allow("warnings.write")] as const,
      request: { body: jsonBody(WarningInput), headers: IdempotencyHeader },
      responses: {
        201: jsonResponse(z.object({ warning: Warning }), "The contact, as recorded"),
        404: errorResponse("No such target"),
        409: errorResponse("Held by another agent, or closed"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      const r = await contact(
        c.var.deps,
        who(c),
        {
          ...b,
          scheduledAt: b.scheduledAt ? Date.parse(b.scheduledAt) : null,
          outcome: b.outcome ?? undefined,
          paidAmountFen: b.paidAmount,
        },
        apiKey(c.var.actor!, key, { method: c.req.method, path: c.req.path, body: b }),
      );
      return c.json({ warning: warningJson(r) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/warnings/{id}/outcome",
      tags: ["Warnings"],
      summary: "Record the outcome of a call, SMS or visit placed earlier",
      middleware: [allow("warnings.write")] as const,
      request: { params: IdParam, body: jsonBody(OutcomeInput) },
      responses: {
        200: jsonResponse(z.object({ warning: Warning }), "The contact with its outcome"),
        404: errorResponse("No such warning"),
        409: errorResponse("Already has an outcome, target closed, or held by another agent"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const r = await recordOutcome(c.var.deps, who(c), c.req.valid("param").id, { ...b, paidAmountFen: b.paidAmount });
      return c.json({ warning: warningJson(r) }, 200);
    },
  );
