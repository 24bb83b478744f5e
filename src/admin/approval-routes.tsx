// Supervisors approve or reject the supervisors and admins asked for on the admin screen.
import { Hono } from "hono";
import { ApprovalsPage } from "../../views/admin/approvals";
import { allow } from "../auth/middleware";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { idOf } from "../http/query";
import { render } from "../http/render";
import { decideGrant, openGrants, recentDecisions } from "./approvals";

export const approvalRoutes = new Hono<AppEnv>()
  .use(allow("privileges.approve"))
  .get("/", async (c) => {
    const db = c.var.deps.db;
    const page = (
      <ApprovalsPage
        t={c.var.t}
        csrf={c.var.session?.csrfToken ?? null}
        me={c.var.actor!.id}
        open={await openGrants(db)}
        decided={await recentDecisions(db)}
      />
    );
    return render(c, c.var.t("nav.approvals"), page);
  })
  .post("/:id{[0-9]+}/:decision{approve|reject}", async (c) => {
    const decision = c.req.param("decision") === "approve" ? "approved" : "rejected";
    await decideGrant(c.var.deps.db, idOf(c), decision, { ...who(c), actor: c.var.actor! });
    return c.redirect("/approvals", 303);
  });
