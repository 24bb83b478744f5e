// GET /api/v1/requests/{id}/return-plan: how a frozen account's money would go back to the
// victims, traced or pro rata (the center's tools; banks never see the cases behind it).
import { apiRouter, commonErrors, createRoute, errorResponse, IdParam, jsonResponse, z } from "../api/openapi";
import { allow } from "../auth/middleware";
import { RETURN_METHODS } from "../domain/returns";
import { audit } from "../http/audit";
import { previewPlan } from "./returns";

const Share = z
  .object({
    caseId: z.number(),
    loss: z.number().openapi({
      description:
        "The victim's loss into this account, in fen: their traced deposits, else the case's loss (never above it)",
    }),
    amount: z.number().openapi({ description: "What goes back to this victim, in fen" }),
    victimAccount: z
      .string()
      .nullable()
      .openapi({ description: "The victim's original paying account, as recorded with the case" }),
  })
  .openapi("ReturnShare");

const ReturnPlan = z
  .object({
    method: z.enum(RETURN_METHODS),
    frozen: z
      .number()
      .openapi({ description: "Frozen and not yet returned, in fen; what the shares do not take stays frozen" }),
    shares: z.array(Share),
  })
  .openapi("ReturnPlan");

export const returnsApi = apiRouter().openapi(
  createRoute({
    method: "get",
    path: "/requests/{id}/return-plan",
    tags: ["Requests"],
    summary: "A frozen account's return plan: traced to each victim, or pro rata",
    description:
      "`traced`: each victim gets their own deposits into the account back (refused when a case has none traced, or they exceed what is still frozen). " +
      "`pro_rata`: what is frozen and not yet returned, shared by each victim's loss into the account (traced deposits, else the case's loss) over the total " +
      "of the cases naming the account; in fen, largest remainders, never above a loss. A pro-rata plan is sent only after a 30-day public notice (on the freeze's page).",
    middleware: [allow("requests.write")] as const,
    request: { params: IdParam, query: z.object({ method: z.enum(RETURN_METHODS).default("pro_rata") }) },
    responses: {
      200: jsonResponse(ReturnPlan, "The shares, not yet adopted"),
      404: errorResponse("No such request"),
      409: errorResponse("Not a freeze in force, or the method cannot apply (the reason says why)"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const p = await previewPlan(c.var.deps.db, c.var.actor!, id, c.req.valid("query").method);
    // the shares name the victims' paying accounts
    await audit(c, {
      action: "view",
      entity: "return_plan",
      entityId: null,
      detail: { freezeRequestId: id, method: p.method },
    });
    return c.json(
      {
        method: p.method,
        frozen: p.frozen,
        shares: p.shares.map((s) => ({
          caseId: s.caseId,
          loss: s.loss,
          amount: s.amount,
          victimAccount: s.victimAccount,
        })),
      },
      200,
    );
  },
);
