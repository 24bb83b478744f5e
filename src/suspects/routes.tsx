// The suspect screens: search as you type, paste many, one suspect's page and its status.
import { Hono, type Context } from "hono";
import { SuspectDetailPage } from "../../views/suspects/detail";
import { PasteBox, PasteNonce } from "../../views/suspects/paste";
import { SuspectResults, SuspectsPage } from "../../views/suspects/search";
import { allow } from "../auth/middleware";
import { can } from "../domain/access";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { AppError, notFound, zodIssues } from "../http/errors";
import { formKey } from "../db/idempotency";
import { errorText } from "../../views/i18n";
import { render, wantsFragment } from "../http/render";
import { SearchQuery } from "../http/query";
import { PasteForm, StatusForm } from "./schemas";
import { pasteMany, searchSuspects, setSuspectStatus, suspectDetail, type PasteOutcome } from "./service";

type Paste = { text: string; outcomes?: PasteOutcome[]; issues?: AppError["issues"]; message?: string };

function searchPage(c: Context<AppEnv>, paste?: Paste, status: 200 | 400 | 413 = 200) {
  const { q } = SearchQuery.parse(c.req.query());
  const { mode, rows } = searchSuspects(c.var.deps.db, q);
  const csrf = c.var.session?.csrfToken ?? null;
  return render(c, c.var.t("suspects.title"), <SuspectsPage t={c.var.t} lang={c.var.lang} csrf={csrf} nonce={crypto.randomUUID()} q={q} mode={mode} rows={rows} canWrite={can(c.var.actor!, "suspects.write")} paste={paste} />, status);
}

function detailPage(c: Context<AppEnv>, id: number, errors?: { issues?: AppError["issues"]; message?: string }) {
  const d = suspectDetail(c.var.deps.db, id);
  if (!d) throw notFound("suspect");
  // a number or account is tied to a person (often a mule's): views are audited like a case's
  audit(c, { action: "view", entity: "suspect", entityId: id });
  const csrf = c.var.session?.csrfToken ?? null;
  return render(c, d.suspect.display, <SuspectDetailPage t={c.var.t} lang={c.var.lang} csrf={csrf} d={d} canWrite={can(c.var.actor!, "suspects.write")} {...errors} />, errors ? 400 : 200);
}

const idOf = (c: Context<AppEnv>) => Number(c.req.param("id"));

export const suspectsRoutes = new Hono<AppEnv>()
  .use(allow("suspects.read"))
  .get("/", (c) => searchPage(c))
  .get("/search", (c) => {
    const { mode, rows } = searchSuspects(c.var.deps.db, SearchQuery.parse(c.req.query()).q);
    return c.html(<SuspectResults t={c.var.t} lang={c.var.lang} mode={mode} rows={rows} />);
  })
  .post("/paste", allow("suspects.write"), async (c) => {
    const body = await c.req.parseBody();
    const text = typeof body.text === "string" ? body.text : "";
    const form = PasteForm.safeParse(body);
    let paste: Paste;
    let status: 200 | 400 | 413 = 200;
    if (!form.success) {
      paste = { text, issues: zodIssues(form.error) };
      status = 400;
    } else {
      try {
        const outcomes = pasteMany(c.var.deps.db, who(c), { ...form.data, source: "manual" }, formKey(c.var.actor!, body.nonce));
        paste = { text: "", outcomes };
      } catch (e) {
        if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 413)) throw e;
        paste = e.refusal ? { text, message: errorText(c.var.t, e) } : { text, issues: e.issues };
        status = e.status;
      }
    }
    // htmx swaps only 2xx answers: the fragment carries its errors with a 200
    // the form stays on the page: its next submit needs a new nonce, sent out of band
    if (wantsFragment(c)) {
      return c.html(
        <>
          <PasteBox t={c.var.t} lang={c.var.lang} {...paste} />
          <PasteNonce value={crypto.randomUUID()} oob />
        </>,
      );
    }
    return searchPage(c, paste, status);
  })
  .get("/:id{[0-9]+}", (c) => detailPage(c, idOf(c)))
  .post("/:id{[0-9]+}/status", allow("suspects.write"), async (c) => {
    const id = idOf(c);
    const form = StatusForm.safeParse(await c.req.parseBody());
    if (!form.success) return detailPage(c, id, { issues: zodIssues(form.error) });
    try {
      c.var.deps.db.transaction((tx) => setSuspectStatus(tx, who(c), { suspectId: id, ...form.data }));
    } catch (e) {
      // the refusal shows by the status field, in the reader's language; e.message is the API's English
      if (e instanceof AppError && e.status === 400) return detailPage(c, id, { issues: e.issues });
      throw e;
    }
    return c.redirect(`/suspects/${id}`, 303);
  });
