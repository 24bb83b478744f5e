// The suspect screens: search as you type, paste many, one suspect's page and its status.
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { SuspectDetailPage } from "../../views/suspects/detail";
import { CheckBox, PasteBox } from "../../views/suspects/paste";
import { type PasteState, SuspectResults, SuspectsPage } from "../../views/suspects/search";
import { allow } from "../auth/middleware";
import { transaction } from "../db";
import { formKey } from "../db/idempotency";
import { can } from "../domain/access";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { type Issue, notFound, zodIssues } from "../http/errors";
import { putFlash, takeFlash } from "../http/flash";
import { idOf, SearchQuery } from "../http/query";
import { type FormErrors, formErrors, render, wantsFragment } from "../http/render";
import { PasteCheckForm, PasteForm, StatusForm } from "./schemas";
import { checkPasted, pasteMany, searchSuspects, setSuspectStatus, suspectDetail } from "./service";

type Paste = PasteState;
/** The paste box's answer across a POST's redirect (a plain form, without htmx). */
const PASTE_FLASH = "suspects.paste";

async function searchPage(c: Context<AppEnv>, paste?: Paste, status: 200 | FormErrors["status"] = 200) {
  paste ??= (await takeFlash<Paste>(c, PASTE_FLASH)) ?? undefined;
  const { q } = SearchQuery.parse(c.req.query());
  const { mode, rows } = await searchSuspects(c.var.deps.db, q);
  const csrf = c.var.session?.csrfToken ?? null;
  return render(
    c,
    c.var.t("nav.suspects"),
    <SuspectsPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={csrf}
      nonce={crypto.randomUUID()}
      q={q}
      mode={mode}
      rows={rows}
      canWrite={can(c.var.actor!, "suspects.write")}
      paste={paste}
    />,
    status,
  );
}

async function detailPage(
  c: Context<AppEnv>,
  id: number,
  errors?: { issues?: Issue[]; message?: string; values?: { status?: string; reason?: string } },
) {
  const d = await suspectDetail(c.var.deps.db, id);
  if (!d) throw notFound("suspect");
  // a number or account is tied to a person (often a mule's): views are audited like a case's
  await audit(c, { action: "view", entity: "suspect", entityId: id });
  const csrf = c.var.session?.csrfToken ?? null;
  return render(
    c,
    d.suspect.display,
    <SuspectDetailPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={csrf}
      d={d}
      canWrite={can(c.var.actor!, "suspects.write")}
      {...errors}
    />,
    errors ? 422 : 200,
  );
}

type Body = Record<string, string | File | (string | File)[]>;
/** The paste box's form, read and run for 核查 and 录入 alike: a refusal keeps the pasted text. */
async function readPaste<F>(
  c: Context<AppEnv>,
  schema: z.ZodType<F>,
  work: (form: F, text: string, body: Body) => Promise<Paste>,
) {
  const body = (await c.req.parseBody()) as Body;
  const text = typeof body.text === "string" ? body.text : "";
  const form = schema.safeParse(body);
  if (!form.success) return { text, paste: { text, issues: zodIssues(form.error) } as Paste, status: 422 as const };
  try {
    return { text, paste: await work(form.data, text, body), status: 200 as const };
  } catch (e) {
    const shown = formErrors(c, e);
    if (!shown) throw e;
    return { text, paste: { text, message: shown.error, issues: shown.issues } as Paste, status: shown.status };
  }
}

export const suspectsRoutes = new Hono<AppEnv>()
  .use(allow("suspects.read"))
  .get("/", async (c) => await searchPage(c))
  .get("/search", async (c) => {
    const { q } = SearchQuery.parse(c.req.query());
    const { mode, rows } = await searchSuspects(c.var.deps.db, q);
    // the address bar keeps the query (the page's own URL, not this fragment's): a reload or a
    // shared link shows the same results; replaced, not pushed, so Back skips the keystrokes
    c.header("HX-Replace-Url", q.trim() ? `/suspects?q=${encodeURIComponent(q.trim())}` : "/suspects");
    return c.html(<SuspectResults t={c.var.t} lang={c.var.lang} mode={mode} rows={rows} />);
  })
  // 核查: looks every pasted value up and records nothing; its answer offers the separate Add
  .post("/check", allow("suspects.write"), async (c) => {
    const { text, paste, status } = await readPaste(c, PasteCheckForm, async (form, text) => ({
      text,
      kind: form.kind,
      checked: await checkPasted(c.var.deps.db, text, form.kind),
    }));
    if (wantsFragment(c)) {
      return c.html(
        paste.checked ? (
          <CheckBox
            t={c.var.t}
            lang={c.var.lang}
            csrf={c.var.session?.csrfToken ?? null}
            nonce={crypto.randomUUID()}
            checked={{ text, kind: paste.kind, outcomes: paste.checked }}
          />
        ) : (
          <PasteBox t={c.var.t} lang={c.var.lang} {...paste} />
        ),
      );
    }
    if (status !== 200) return await searchPage(c, paste, status);
    await putFlash(c, PASTE_FLASH, paste);
    return c.redirect("/suspects", 303);
  })
  // 录入: records the checked values, once however often the form is sent (its nonce)
  .post("/paste", allow("suspects.write"), async (c) => {
    const { paste, status } = await readPaste(c, PasteForm, async (form, _text, body) => ({
      text: "",
      outcomes: await pasteMany(
        c.var.deps.db,
        who(c),
        { ...form, source: "manual" },
        formKey(c.var.actor!, body.nonce),
      ),
    }));
    // htmx swaps only 2xx answers: the fragment carries its errors with a 200; it replaces the
    // Add form, so adding again starts from a new check (and a new nonce)
    if (wantsFragment(c)) return c.html(<PasteBox t={c.var.t} lang={c.var.lang} {...paste} />);
    if (status !== 200) return await searchPage(c, paste, status);
    // a plain form: 303, so a reload shows the outcome again instead of sending the list again
    await putFlash(c, PASTE_FLASH, paste);
    return c.redirect("/suspects", 303);
  })
  .get("/:id{[0-9]+}", async (c) => await detailPage(c, idOf(c)))
  .post("/:id{[0-9]+}/status", allow("suspects.write"), async (c) => {
    const id = idOf(c);
    const body = await c.req.parseBody();
    // a refused change keeps the status chosen and the reason typed
    const values = {
      status: typeof body.status === "string" ? body.status : undefined,
      reason: typeof body.reason === "string" ? body.reason : undefined,
    };
    const form = StatusForm.safeParse(body);
    if (!form.success) return await detailPage(c, id, { issues: zodIssues(form.error), values });
    try {
      await transaction(
        c.var.deps.db,
        async (tx) => await setSuspectStatus(tx, who(c), { suspectId: id, ...form.data }),
      );
    } catch (e) {
      // the refusal shows by the status field, in the reader's language; e.message is the API's English
      const shown = formErrors(c, e);
      if (!shown) throw e;
      return await detailPage(c, id, { issues: shown.issues, message: shown.error, values });
    }
    return c.redirect(`/suspects/${id}`, 303);
  });
