// /api/v1/requests: institution systems and the center's tools create requests, read them
// (a bank or carrier token sees only its own institution's) and answer them.
import {
  apiRouter,
  commonErrors,
  createRoute,
  errorResponse,
  IdempotencyHeader,
  IdParam,
  jsonBody,
  jsonResponse,
  z,
} from "../api/openapi";
import { allow } from "../auth/middleware";
import { apiKey } from "../db/idempotency";
import { who } from "../http/audit";
import { invalid } from "../http/errors";
import { centerAction, createRequest, respond } from "./lifecycle";
import { listRequests, requestDetail, requestDetailJson, requestJson } from "./read";
import { ActionBody, CreateRequestBody, ListQuery, RequestDetailJson, RequestJson, RespondBody } from "./schemas";

const Envelope = z.object({ request: RequestJson }).openapi("RequestEnvelope");
const notFound = { 404: errorResponse("No such request (or not addressed to the caller's institution)") };

export const requestsApi = apiRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/requests",
      tags: ["Requests"],
      summary: "Create a request to a bank or carrier (sent at once unless a draft)",
      description:
        "Routed to the institution of the suspect (inferred from the number or card) unless `institution` names one. " +
        "With an `Idempotency-Key` header a repeat returns the first answer and creates nothing.",
      middleware: [allow("requests.write")] as const,
      request: {
        headers: IdempotencyHeader,
        body: jsonBody(CreateRequestBody),
      },
      responses: {
        201: jsonResponse(Envelope, "The request (or, for a repeated Idempotency-Key, the first answer)"),
        409: errorResponse("A return larger than what is still frozen"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      const actor = c.var.actor!;
      const { deps } = c.var;
      const created = await createRequest(
        deps,
        who(c),
        {
          kind: b.kind,
          suspectId: b.suspectId,
          value: b.value,
          institution: b.institution,
          caseId: b.caseId,
          parentRequestId: b.parentRequestId,
          amountFen: b.amount,
          note: b.note,
          draft: b.draft,
          holderName: b.holderName,
          transactions: b.transactions?.map((x) => ({
            at: Date.parse(x.at),
            amountFen: x.amount,
            payerAccount: x.payerAccount,
            payerName: x.payerName,
            serialNo: x.serialNo,
          })),
          term: b.term,
          approval: b.approval && { ...b.approval, at: Date.parse(b.approval.at) },
          scope: b.scope,
          includesInterest: b.includesInterest,
        },
        apiKey(actor, key, { method: c.req.method, path: c.req.path, body: b }),
      );
      if (created.replayed) c.header("Idempotent-Replayed", "true");
      return c.json({ request: requestJson(created.request, actor, deps.clock.now(), deps.config) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/requests",
      tags: ["Requests"],
      summary: "Requests, newest first (a bank or carrier token sees only its institution's)",
      middleware: [allow("requests.read")] as const,
      request: { query: ListQuery },
      responses: { 200: jsonResponse(z.object({ requests: z.array(RequestJson) }), "Newest first"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, clock, config } = c.var.deps;
      const now = clock.now();
      const rows = await listRequests(db, c.var.actor!, q, now, config);
      return c.json({ requests: rows.map((r) => requestJson(r, c.var.actor!, now, config)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/requests/{id}",
      tags: ["Requests"],
      summary: "One request with its responses and onward transfers",
      middleware: [allow("requests.read")] as const,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ request: RequestDetailJson }), "The request"),
        ...notFound,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { db, clock, config } = c.var.deps;
      const d = await requestDetail(db, c.var.actor!, c.req.valid("param").id);
      return c.json({ request: requestDetailJson(d, c.var.actor!, clock.now(), config) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/requests/{id}/responses",
      tags: ["Requests"],
      summary: "Answer a request (bank and carrier tokens)",
      description:
        "acknowledge, then confirm / partial (with the amount and balance; onward transfers each add a level n+1 suspect and a draft stop-payment), " +
        "reject or fail (with a reason); a carrier records an owner's appeal on a completed suspension. " +
        "A response the state machine does not allow is a 409.",
      middleware: [allow("requests.respond")] as const,
      request: { params: IdParam, body: jsonBody(RespondBody) },
      responses: {
        201: jsonResponse(Envelope, "The updated request"),
        409: errorResponse("Not allowed in the request's state, or a return larger than what is frozen"),
        ...notFound,
        ...commonErrors,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const { deps } = c.var;
      const id = c.req.valid("param").id;
      const r = await respond(deps, who(c), id, {
        action: b.action,
        amountFen: b.amount,
        balanceFen: b.balance,
        reason: b.reason,
        reasonCode: b.reasonCode,
        onwardTransfers: b.onwardTransfers?.map((o) => ({
          account: o.account,
          bank: o.bank,
          amountFen: o.amount,
          at: Date.parse(o.at),
          holderName: o.holderName,
          serialNo: o.serialNo,
        })),
      });
      return c.json({ request: requestJson(r, c.var.actor!, deps.clock.now(), deps.config) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/requests/{id}/actions",
      tags: ["Requests"],
      summary: "The center's own actions on a request: send a draft, discard it, renew or release a hold",
      description:
        "send / discard (with `reason`) a draft; renew a stop-payment (two stops in all) or release it; renew a freeze " +
        "(`term` at most the freeze's own, `approval` for 12m) or release it: for a freeze each is an instruction to its bank " +
        "(a freeze_renewal / freeze_release request), and the freeze changes when the bank confirms it. " +
        "An action the state machine does not allow is a 409.",
      middleware: [allow("requests.write")] as const,
      request: { params: IdParam, body: jsonBody(ActionBody) },
      responses: {
        200: jsonResponse(
          z
            .object({
              request: RequestJson,
              instruction: RequestJson.nullable().openapi({
                description: "For a freeze's renew or release: the instruction sent to its bank",
              }),
            })
            .openapi("RequestActionResult"),
          "The updated request",
        ),
        409: errorResponse(
          "Not allowed in the request's state (a third stop, a freeze that ran out, an instruction still open)",
        ),
        ...notFound,
        ...commonErrors,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const { deps } = c.var;
      if (b.action === "discard" && !b.reason) throw invalid([{ path: "reason", message: "give the reason" }]);
      const out = await centerAction(deps, who(c), c.req.valid("param").id, b.action, {
        reason: b.reason,
        term: b.term,
        approval: b.approval && { ...b.approval, at: Date.parse(b.approval.at) },
      });
      const now = deps.clock.now();
      return c.json(
        {
          request: requestJson(out.request, c.var.actor!, now, deps.config),
          instruction: out.instruction && requestJson(out.instruction, c.var.actor!, now, deps.config),
        },
        200,
      );
    },
  );
