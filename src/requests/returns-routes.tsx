// /requests/:id/returns: a freeze's return plan for the center (views/requests/returns.tsx).
import { type Context, Hono } from "hono";
import { z } from "zod";
import { errorText } from "../../views/i18n";
import { ReturnsPage, type ReturnsPageProps } from "../../views/requests/returns";
import { allow } from "../auth/middleware";
import { RETURN_METHODS, type ReturnMethod } from "../domain/returns";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { AppError, zodIssues } from "../http/errors";
import { idOf } from "../http/query";
import { type FormErrors, formErrors, render } from "../http/render";
import {
  type AccountChoice,
  adoptPlan,
  isPending,
  previewPlan,
  recordObjection,
  returnsPage,
  sendReturns,
  withdrawPlan,
} from "./returns";

type C = Context<AppEnv>;

const MethodQuery = z.object({ method: z.enum(RETURN_METHODS).catch("pro_rata") });
const AdoptForm = z.object({ method: z.enum(RETURN_METHODS) });
const ObjectionForm = z.object({
  objector: z.string().trim().min(1).max(100),
  text: z.string().trim().min(1).max(2000),
});
const WithdrawForm = z.object({ reason: z.string().trim().min(1).max(500) });

async function page(
  c: C,
  id: number,
  extra: Partial<Pick<ReturnsPageProps, "error" | "issues" | "values">> & { method?: ReturnMethod } = {},
  status: 200 | FormErrors["status"] = 200,
) {
  const { db, clock } = c.var.deps;
  const actor = c.var.actor!;
  const t = c.var.t;
  const { freeze, plan } = await returnsPage(db, actor, id);
  const method = extra.method ?? (plan?.method as ReturnMethod | undefined) ?? MethodQuery.parse(c.req.query()).method;
  let preview: ReturnsPageProps["preview"] = null;
  let refusal: string | undefined;
  if (!plan || !isPending(plan)) {
    try {
      preview = await previewPlan(db, actor, id, method);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 409) throw e;
      refusal = errorText(t, e);
    }
  }
  // the page names victims and their accounts
  await audit(c, {
    action: "view",
    entity: "return_plan",
    entityId: plan?.id ?? null,
    detail: { freezeRequestId: id },
  });
  return render(
    c,
    t("returns.plan"),
    <ReturnsPage
      t={t}
      csrf={c.var.session?.csrfToken ?? null}
      freeze={freeze}
      plan={plan}
      method={method}
      preview={preview}
      refusal={refusal}
      now={clock.now()}
      {...extra}
    />,
    status,
  );
}

/** A form's fields as typed (a refused form shows them again). */
const typed = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;

/** A refusal the page shows (formErrors): an invalid form with its fields, a refusal with its reason; anything else is thrown on. */
async function refused(c: C, id: number, e: unknown, values?: Record<string, string>, method?: ReturnMethod) {
  const f = formErrors(c, e);
  if (!f) throw e;
  return await page(c, id, { error: f.error, issues: f.issues, values, method }, f.status);
}

export const returnsRoutes = new Hono<AppEnv>()
  .get("/requests/:id{[0-9]+}/returns", allow("requests.write"), async (c) => await page(c, idOf(c)))
  .post("/requests/:id{[0-9]+}/returns", allow("requests.write"), async (c) => {
    const id = idOf(c);
    const body = typed(await c.req.parseBody());
    const form = AdoptForm.safeParse(body);
    if (!form.success) return await page(c, id, { issues: zodIssues(form.error), values: body }, 422);
    const accounts: Record<number, AccountChoice> = {};
    for (const [k, v] of Object.entries(body)) {
      const m = /^(account|reason)\.(\d+)$/.exec(k);
      if (!m) continue;
      const i = Number(m[2]);
      const choice = accounts[i] ?? {};
      choice[m[1] as "account" | "reason"] = v;
      accounts[i] = choice;
    }
    try {
      await adoptPlan(c.var.deps, who(c), id, form.data.method, accounts);
    } catch (e) {
      return await refused(c, id, e, body, form.data.method);
    }
    return c.redirect(`/requests/${id}/returns`, 303);
  })
  .post("/requests/:id{[0-9]+}/returns/:plan{[0-9]+}/objections", allow("requests.write"), async (c) => {
    const id = idOf(c);
    const body = typed(await c.req.parseBody());
    const form = ObjectionForm.safeParse(body);
    if (!form.success) return await page(c, id, { issues: zodIssues(form.error), values: body }, 422);
    try {
      await recordObjection(c.var.deps, who(c), id, idOf(c, "plan"), form.data.objector, form.data.text);
    } catch (e) {
      return await refused(c, id, e, body);
    }
    return c.redirect(`/requests/${id}/returns`, 303);
  })
  .post("/requests/:id{[0-9]+}/returns/:plan{[0-9]+}/withdraw", allow("requests.write"), async (c) => {
    const id = idOf(c);
    const body = typed(await c.req.parseBody());
    const form = WithdrawForm.safeParse(body);
    if (!form.success) return await page(c, id, { issues: zodIssues(form.error), values: body }, 422);
    try {
      await withdrawPlan(c.var.deps, who(c), id, idOf(c, "plan"), form.data.reason);
    } catch (e) {
      return await refused(c, id, e, body);
    }
    return c.redirect(`/requests/${id}/returns`, 303);
  })
  .post("/requests/:id{[0-9]+}/returns/:plan{[0-9]+}/send", allow("requests.write"), async (c) => {
    const id = idOf(c);
    try {
      await sendReturns(c.var.deps, who(c), id, idOf(c, "plan"));
    } catch (e) {
      return await refused(c, id, e);
    }
    return c.redirect(`/requests/${id}/returns`, 303);
  });
