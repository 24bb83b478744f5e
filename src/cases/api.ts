// /api/v1/cases: intake with the suspects it names, and reading one case.
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
import { type Role, seesPersonalData } from "../domain/access";
import { victimFor } from "../domain/cases";
import { maskName } from "../domain/masking";
import { iso } from "../domain/time";
import { who } from "../http/audit";
import { suspectJson } from "../suspects/api";
import { CaseEnvelope, CaseInput, caseDataFromApi } from "./schemas";
import { type CaseRecord, createCase, viewCase } from "./service";

/** The API's case object; the victim as the caller's role may see them. */
function caseJson(c: CaseRecord, role: Role) {
  return {
    id: c.id,
    receivedAt: iso(c.receivedAt),
    district: c.district,
    fraudType: c.fraudType,
    loss: c.lossFen,
    victim: victimFor(role, c.victim),
    narrative: c.narrative,
    status: c.status,
    filedAt: iso(c.filedAt),
    solvedAt: iso(c.solvedAt),
    closedAt: iso(c.closedAt),
    suspectsDetained: c.suspectsDetained,
    createdAt: iso(c.createdAt),
    suspects: c.suspects.map((s) => ({ ...suspectJson(s), level: s.level })),
    // the payer is the victim: masked for a role that does not see personal data
    transactions: c.transactions.map((x) => {
      const open = seesPersonalData(role);
      return {
        at: iso(x.at),
        amount: x.amountFen,
        account: x.account,
        payerAccount: open ? x.payerAccount : null,
        payerName: x.payerName && (open ? x.payerName : maskName(x.payerName)),
        serialNo: x.serialNo,
      };
    }),
  };
}

export const casesApi = apiRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/cases",
      tags: ["Cases"],
      summary: "Enter a case with the suspects it names",
      description:
        "One transaction: an invalid suspect value (issue path suspects.<i>.value) or an impossible status date saves nothing. " +
        "With an `Idempotency-Key` header a repeat returns the first case and creates nothing.",
      middleware: [allow("cases.write")] as const,
      request: { body: jsonBody(CaseInput), headers: IdempotencyHeader },
      responses: {
        201: jsonResponse(
          CaseEnvelope,
          "The case, its suspects recorded or merged (or, for a repeated Idempotency-Key, the first case)",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const body = c.req.valid("json");
      const rec = await createCase(
        c.var.deps.db,
        who(c),
        caseDataFromApi(body),
        apiKey(c.var.actor!, key, { method: c.req.method, path: c.req.path, body }),
      );
      return c.json({ case: caseJson(rec, c.var.actor!.role) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/cases/{id}",
      tags: ["Cases"],
      summary: "One case (audited: it holds the victim's personal data)",
      middleware: [allow("cases.read")] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse(CaseEnvelope, "The case"), 404: errorResponse("No such case"), ...commonErrors },
    }),
    async (c) => {
      const rec = await viewCase(c.var.deps.db, who(c), c.req.valid("param").id);
      return c.json({ case: caseJson(rec, c.var.actor!.role) }, 200);
    },
  );
