// Administrators manage people, API tokens and see the institutions.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { AdminPage } from "../../views/admin/page";
import { allow } from "../auth/middleware";
import { createToken, createUser } from "../auth/service";
import { addDistrict, listDistricts } from "../districts/service";
import { ROLES } from "../domain/enums";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { type Issue, refusalIssue, zodIssues } from "../http/errors";
import { putFlash, takeFlash } from "../http/flash";
import { idOf } from "../http/query";
import { type FormErrors, formErrors, render } from "../http/render";
import { setBadge } from "./badges";
import { listInstitutions, listTokens, listUsers, revokeToken } from "./service";

const optionalCode = z
  .string()
  .trim()
  .toUpperCase()
  .optional()
  .transform((s) => s || undefined);
const UserForm = z.object({
  username: z.string().trim().min(2).max(40),
  displayName: z.string().trim().max(60).optional(),
  role: z.enum(ROLES),
  institution: optionalCode,
  password: z.string().min(8, "at least 8 characters").max(200),
});
const TokenForm = z.object({ name: z.string().trim().min(1).max(60), role: z.enum(ROLES), institution: optionalCode });

async function page(
  c: Context<AppEnv>,
  extra: { issues?: Issue[]; message?: string; newToken?: string; values?: Record<string, string> } = {},
  status: 200 | FormErrors["status"] = 200,
) {
  const db = c.var.deps.db;
  return render(
    c,
    c.var.t("nav.admin"),
    <AdminPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={c.var.session?.csrfToken ?? null}
      users={await listUsers(db)}
      tokens={await listTokens(db)}
      institutions={await listInstitutions(db)}
      districts={await listDistricts(db)}
      {...extra}
    />,
    status,
  );
}

/** The form re-rendered with what refused it, or the error on to onError. */
async function refusedForm(c: Context<AppEnv>, e: unknown, values?: Record<string, string>) {
  const shown = formErrors(c, e);
  if (!shown) throw e;
  return await page(c, { message: shown.error, issues: shown.issues, values }, shown.status);
}

const asStrings = (b: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(b).filter(([k, v]) => typeof v === "string" && k !== "password" && k !== "_csrf"),
  ) as Record<string, string>;

export const adminRoutes = new Hono<AppEnv>()
  .use(allow("admin.manage"))
  // a token just created is shown once, on the page its POST redirected to
  .get("/", async (c) => await page(c, { newToken: (await takeFlash<string>(c, "admin.newToken")) ?? undefined }))
  .post("/users", async (c) => {
    const body = await c.req.parseBody();
    const form = UserForm.safeParse(body);
    if (!form.success) return await page(c, { issues: zodIssues(form.error), values: asStrings(body) }, 422);
    try {
      // a supervisor or admin waits for another supervisor's approval (/approvals)
      const user = await createUser(c.var.deps.db, form.data, { actor: c.var.actor!, at: c.var.deps.clock.now() });
      await audit(c, {
        action: "create",
        entity: "user",
        entityId: user.id,
        detail: {
          username: user.username,
          role: user.role,
          institution: form.data.institution,
          ...(user.approval ? { approval: user.approval } : {}),
        },
      });
    } catch (e) {
      return await refusedForm(c, e, asStrings(body));
    }
    return c.redirect("/admin", 303);
  })
  .post("/users/:id{[0-9]+}/badge", async (c) => {
    const body = await c.req.parseBody();
    try {
      await setBadge(c.var.deps.db, who(c), idOf(c), typeof body.badge === "string" ? body.badge : "");
    } catch (e) {
      return await refusedForm(c, e);
    }
    return c.redirect("/admin", 303);
  })
  .post("/tokens", async (c) => {
    const body = await c.req.parseBody();
    const form = TokenForm.safeParse(body);
    if (!form.success) return await page(c, { issues: zodIssues(form.error), values: asStrings(body) }, 422);
    try {
      const { token, id, pending } = await createToken(c.var.deps.db, form.data, {
        actor: c.var.actor!,
        at: c.var.deps.clock.now(),
      });
      await audit(c, {
        action: "create",
        entity: "api_token",
        entityId: id,
        detail: { name: form.data.name, role: form.data.role, ...(pending ? { approval: "pending" } : {}) },
      });
      // 303, not the page: a reload must not make a second token
      await putFlash(c, "admin.newToken", token);
      return c.redirect("/admin", 303);
    } catch (e) {
      return await refusedForm(c, e, asStrings(body));
    }
  })
  .post("/districts", async (c) => {
    const body = await c.req.parseBody();
    const added = await addDistrict(c.var.deps.db, who(c), typeof body.district === "string" ? body.district : "");
    if (!added.ok) return await page(c, { issues: [refusalIssue("district", added)], values: asStrings(body) }, 422);
    return c.redirect("/admin", 303);
  })
  .post("/tokens/:id{[0-9]+}/revoke", async (c) => {
    const id = idOf(c);
    if (await revokeToken(c.var.deps, id, c.var.deps.clock.now()))
      await audit(c, { action: "revoke", entity: "api_token", entityId: id });
    return c.redirect("/admin", 303);
  });
