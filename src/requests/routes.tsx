// Pages: the center's requests (/requests…), kept live over server-sent events. The desks'
// pages are in desk/.
import { type Context, Hono } from "hono";
import { RequestDetailPage } from "../../views/requests/detail";
import { type CreateValues, InstitutionField, NewRequestPage } from "../../views/requests/form";
import { RequestsListPage } from "../../views/requests/list";
import { allow } from "../auth/middleware";
import { formKey } from "../db/idempotency";
import { isOverdue } from "../domain/requests";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { AppError, type Issue, zodIssues } from "../http/errors";
import { idOf } from "../http/query";
import { type FormErrors, formErrors, pageCtx, render } from "../http/render";
import { type CaseSuspectOption, caseSuspectOptions } from "./case-suspects";
import { type CenterAction, centerAction, createRequest } from "./lifecycle";
import { live, one, withUrges } from "./pages";
import { actionsFor, inferInstitution, institutionOptions, listRequests, requestDetail, suspectBrief } from "./read";
import {
  ActionForm,
  type ActionInput,
  CreateForm,
  createInputFromForm,
  DiscardForm,
  InstitutionQuery,
  ListPageQuery,
  NewFormQuery,
} from "./schemas";

type C = Context<AppEnv>;

const PAGE = 100;

/** Back to the page the button was on (same origin only), else the request. */
function back(c: C, fallback: string): string {
  const ref = c.req.header("Referer");
  if (!ref) return fallback;
  try {
    const u = new URL(ref);
    return u.origin === new URL(c.req.url).origin ? u.pathname + u.search : fallback;
  } catch {
    return fallback;
  }
}

export const requestsRoutes = new Hono<AppEnv>()
  // ---------------------------------------------------------------------------------------------
  // The center: list, live updates, new request, fund flow, one request and its actions
  .get("/requests", allow("requests.write"), async (c) => {
    const { db, clock, config } = c.var.deps;
    const q = ListPageQuery.parse(c.req.query());
    const filter = { ...q, limit: PAGE };
    const now = clock.now();
    const rows = await listRequests(db, c.var.actor!, filter, now, config);
    const url = new URL(c.req.url);
    const next = new URLSearchParams(url.search);
    next.set("before", String(rows.at(-1)?.id ?? 0));
    return render(
      c,
      c.var.t("cases.requests"),
      <RequestsListPage
        t={c.var.t}
        lang={c.var.lang}
        csrf={pageCtx(c).csrfToken}
        now={now}
        cfg={config}
        rows={rows}
        filter={filter}
        institutions={await institutionOptions(db)}
        nextHref={rows.length === PAGE ? `/requests?${next}` : null}
        liveHref={url.pathname + url.search}
      />,
    );
  })
  .get("/requests/events", allow("requests.write"), (c) => {
    const only = c.req.query("id");
    return live(c, "requests", (e) => (only && e.data !== only ? null : { event: "changed", data: e.data }));
  })
  .get("/requests/new", allow("requests.write"), async (c) => {
    const q = NewFormQuery.parse(c.req.query());
    const suspect = q.suspectId ? await suspectBrief(c.var.deps.db, q.suspectId) : null;
    const inferred = suspect ? suspect.institutionCode : q.value ? inferOrNull(q.value) : null;
    const values: CreateValues = { ...q, suspectId: suspect ? String(suspect.id) : undefined };
    return await newForm(c, {
      suspect,
      inferred,
      values,
      caseSuspects: !suspect && q.caseId ? await caseSuspectOptions(c.var.deps.db, Number(q.caseId)) : undefined,
    });
  })
  .get("/requests/new/institution", allow("requests.write"), async (c) => {
    const { value, institution } = InstitutionQuery.parse(c.req.query());
    return c.html(
      <InstitutionField
        t={c.var.t}
        lang={c.var.lang}
        institutions={await institutionOptions(c.var.deps.db)}
        chosen={institution}
        inferred={inferOrNull(value)}
        known={value !== ""}
      />,
    );
  })
  .post("/requests", allow("requests.write"), async (c) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, one(v)])) as CreateValues & {
      nonce?: string;
    };
    const suspect = values.suspectId ? await suspectBrief(c.var.deps.db, Number(values.suspectId)) : null;
    const again = async (issues: Issue[] | undefined, error: string | undefined, status: 404 | FormErrors["status"]) =>
      await newForm(
        c,
        {
          suspect,
          inferred: suspect?.institutionCode ?? (values.value ? inferOrNull(values.value) : null),
          values,
          issues,
          error,
          nonce: values.nonce,
        },
        status,
      );
    const parsed = CreateForm.safeParse(body);
    if (!parsed.success) return await again(zodIssues(parsed.error), undefined, 422);
    try {
      const actor = c.var.actor!;
      const { request, replayed } = await createRequest(
        c.var.deps,
        who(c),
        createInputFromForm(parsed.data),
        formKey(actor, parsed.data.nonce),
      );
      return c.redirect(
        `/requests/${request.id}${replayed ? "" : `?done=${parsed.data.intent === "draft" ? "drafted" : "sent"}`}`,
        303,
      );
    } catch (e) {
      const f = formErrors(c, e);
      if (!f) throw e;
      return await again(f.issues, f.error, f.status);
    }
  })
  // the fund flow moved to the case's own URL
  .get("/requests/cases/:caseId{[0-9]+}/flow", (c) => c.redirect(`/cases/${c.req.param("caseId")}/flow`, 301))
  .get("/requests/:id{[0-9]+}", allow("requests.write"), async (c) => await detailPage(c, idOf(c)))
  .post("/requests/:id{[0-9]+}/:action{send|discard|renew|release}", allow("requests.write"), async (c) => {
    const id = idOf(c);
    const action = c.req.param("action") as CenterAction;
    let opts: ActionInput = {};
    const body = await c.req.parseBody();
    // a refused form shows again with what was typed in it
    const typed = {
      action,
      values: Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<
        string,
        string
      >,
    };
    if (action === "discard") {
      const form = DiscardForm.safeParse(body);
      if (!form.success) return await detailPage(c, id, { issues: zodIssues(form.error), typed, status: 422 });
      opts = { reason: form.data.reason };
    } else if (action === "renew" || action === "release") {
      // a freeze's renewal carries its term (and the approval for 12 months)
      const form = ActionForm.safeParse(body);
      if (!form.success) return await detailPage(c, id, { issues: zodIssues(form.error), typed, status: 422 });
      opts = form.data;
    }
    try {
      await centerAction(c.var.deps, who(c), id, action, opts);
    } catch (e) {
      // a double click: the first one sent (or discarded) it, which is what was wanted
      const from = e instanceof AppError && e.code === "transition_refused" ? e.refusal?.params?.status : undefined;
      const done =
        from != null &&
        (action === "send" ? from !== "draft" && from !== "discarded" : action === "discard" && from === "discarded");
      if (done) return c.redirect(back(c, `/requests/${id}`), 303);
      const f = formErrors(c, e);
      if (!f) throw e;
      // a refusal shows above the request; an invalid form shows again with what was typed
      return await detailPage(c, id, { ...f, typed: f.issues ? typed : undefined });
    }
    return c.redirect(back(c, `/requests/${id}`), 303);
  });

function inferOrNull(value: string): string | null {
  const r = inferInstitution(value);
  return r.ok ? r.code : null;
}

async function newForm(
  c: C,
  p: {
    suspect: Awaited<ReturnType<typeof suspectBrief>>;
    inferred: string | null;
    values: CreateValues;
    issues?: Issue[];
    error?: string;
    nonce?: string;
    caseSuspects?: CaseSuspectOption[];
  },
  status: 200 | 404 | FormErrors["status"] = 200,
) {
  return render(
    c,
    c.var.t("requests.new"),
    <NewRequestPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      // a re-shown form keeps its nonce: submitting it again is still the same request
      nonce={p.nonce && /^[\w-]{8,64}$/.test(p.nonce) ? p.nonce : crypto.randomUUID()}
      institutions={await institutionOptions(c.var.deps.db)}
      suspect={p.suspect}
      inferred={p.inferred}
      values={p.values}
      issues={p.issues}
      error={p.error}
      caseSuspects={p.caseSuspects}
    />,
    status,
  );
}

async function detailPage(
  c: C,
  id: number,
  o: {
    error?: string;
    issues?: Issue[];
    typed?: { action: string; values: Record<string, string> };
    status?: 200 | FormErrors["status"];
  } = {},
) {
  const { db, clock, config } = c.var.deps;
  const actor = c.var.actor!;
  const now = clock.now();
  const d = await withUrges(db, await requestDetail(db, actor, id));
  const done = c.req.query("done");
  return render(
    c,
    `${c.var.t(`requests.kind.${d.request.kind}`)} #${id}`,
    <RequestDetailPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      d={d}
      actions={actionsFor(d.request, actor, now)}
      now={now}
      cfg={config}
      canUrge={actor.role === "supervisor" && isOverdue(d.request, now)}
      notice={done === "sent" ? c.var.t("requests.sent") : done === "drafted" ? c.var.t("requests.drafted") : undefined}
      error={o.error}
      issues={o.issues}
      typed={o.typed}
    />,
    o.status ?? 200,
  );
}
