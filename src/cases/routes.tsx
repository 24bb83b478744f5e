// The case screens: list with filters, intake with its suspects, one case and its status.

import { type Context, Hono } from "hono";
import { CaseDetailPage } from "../../views/cases/detail";
import { CaseFormPage, SuspectRow, TransactionRow } from "../../views/cases/form";
import { CasesPage } from "../../views/cases/list";
import { FundFlowPage } from "../../views/requests/flow";
import { allow } from "../auth/middleware";
import { formKey } from "../db/idempotency";
import { districtIssue, listDistricts } from "../districts/service";
import { can } from "../domain/access";
import { victimFor } from "../domain/cases";
import { toShanghaiLocal } from "../domain/time";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { type Issue, notFound, zodIssues } from "../http/errors";
import { idOf } from "../http/query";
import { formErrors, pageCtx, render } from "../http/render";
import { fundFlow } from "../requests/flow";
import { CaseFilter, type CaseFormValues, CaseStatusForm, caseFromForm } from "./schemas";
import { caseRequests, changeCaseStatus, checkCase, createCase, knownDistricts, listCases, viewCase } from "./service";

async function formPage(c: Context<AppEnv>, values: CaseFormValues, issues?: Issue[]) {
  const t = c.var.t;
  const page = (
    <CaseFormPage
      t={t}
      csrf={c.var.session?.csrfToken ?? null}
      values={values}
      issues={issues}
      districts={await formDistricts(c.var.deps.db)}
    />
  );
  // a full page even for htmx (the form is not an htmx form); 422 keeps the browser on the page
  return render(c, t("cases.new"), page, issues?.length ? 422 : 200);
}

async function detailPage(c: Context<AppEnv>, id: number, extra: { saved?: boolean; issues?: Issue[] } = {}) {
  const { db, clock } = c.var.deps;
  const actor = c.var.actor!;
  const rec = await viewCase(db, who(c), id);
  return render(
    c,
    `${c.var.t("nav.cases")} #${id}`,
    <CaseDetailPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={c.var.session?.csrfToken ?? null}
      c={rec}
      victim={victimFor(actor.role, rec.victim)}
      requests={await caseRequests(db, id)}
      canWrite={can(actor, "cases.write")}
      now={clock.now()}
      {...extra}
    />,
    extra.issues?.length ? 422 : 200,
  );
}

const blank = (now: number): CaseFormValues => ({
  nonce: crypto.randomUUID(),
  receivedAt: toShanghaiLocal(now),
  fraudType: "",
  district: "",
  loss: "",
  "victim.name": "",
  "victim.phone": "",
  "victim.idNumber": "",
  "victim.age": "",
  narrative: "",
  status: "received",
  filedAt: "",
  solvedAt: "",
  suspectsDetained: "",
  suspects: [],
});

/** The intake form's suggestions: the center's list, or (while it is empty) the districts used so far. */
async function formDistricts(db: Parameters<typeof knownDistricts>[0]): Promise<string[]> {
  const listed = await listDistricts(db);
  return listed.length ? listed : await knownDistricts(db);
}

export const casesRoutes = new Hono<AppEnv>()
  .use(allow("cases.read"))
  .get("/", async (c) => {
    const filter = CaseFilter.parse(c.req.query());
    const db = c.var.deps.db;
    return render(
      c,
      c.var.t("nav.cases"),
      <CasesPage
        t={c.var.t}
        filter={filter}
        list={await listCases(db, filter)}
        districts={await knownDistricts(db)}
        canWrite={can(c.var.actor!, "cases.write")}
      />,
    );
  })
  .get("/new", allow("cases.write"), async (c) => await formPage(c, blank(c.var.deps.clock.now())))
  .get("/new/suspect-row", allow("cases.write"), (c) => c.html(<SuspectRow t={c.var.t} autofocus />))
  .get("/new/tx-row", allow("cases.write"), (c) => c.html(<TransactionRow t={c.var.t} />))
  .post("/", allow("cases.write"), async (c) => {
    const now = c.var.deps.clock.now();
    const body = await c.req.parseBody({ all: true });
    const { data, issues, values } = caseFromForm(body, now);
    // the service's checks too, so every mistake shows at once; a field already wrong is reported once
    const unlisted = await districtIssue(c.var.deps.db, "district", data.district);
    const more = [...checkCase(data, now).issues, ...(unlisted ? [unlisted] : [])].filter(
      (i) => !issues.some((x) => x.path === i.path),
    );
    if (issues.length || more.length) return await formPage(c, values, [...issues, ...more]);
    const rec = await createCase(c.var.deps.db, who(c), data, formKey(c.var.actor!, body.nonce));
    return c.redirect(`/cases/${rec.id}?saved=1`, 303);
  })
  .get("/:id{[0-9]+}", async (c) => await detailPage(c, idOf(c), { saved: c.req.query("saved") === "1" }))
  // the case's fund flow (资金流向): its accounts level by level and the requests on each
  .get("/:id{[0-9]+}/flow", async (c) => {
    const { db, clock, config } = c.var.deps;
    const flow = await fundFlow(db, idOf(c), clock.now(), config);
    if (!flow) throw notFound("case");
    return render(
      c,
      c.var.t("requests.flowTitle", { id: flow.caseId }),
      <FundFlowPage t={c.var.t} lang={c.var.lang} flow={flow} csrf={pageCtx(c).csrfToken} />,
    );
  })
  .post("/:id{[0-9]+}/status", allow("cases.write"), async (c) => {
    const id = idOf(c);
    const form = CaseStatusForm.safeParse(await c.req.parseBody());
    if (!form.success) return await detailPage(c, id, { issues: zodIssues(form.error) });
    try {
      await changeCaseStatus(c.var.deps.db, who(c), id, form.data);
    } catch (e) {
      // a move the rules refuse is shown beside its fields; the page has no place for anything else
      const shown = formErrors(c, e);
      if (!shown?.issues) throw e;
      return await detailPage(c, id, { issues: shown.issues });
    }
    return c.redirect(`/cases/${id}`, 303);
  });
