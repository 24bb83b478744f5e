// Full page on a normal request, the bare fragment on an htmx request.
import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { IssueLanguage } from "../../views/components";
import { Layout, type PageCtx } from "../../views/layout";
import type { AppEnv } from "./context";

export function pageCtx(c: Context<AppEnv>): PageCtx {
  return {
    t: c.var.t,
    lang: c.var.lang,
    actor: c.var.actor,
    csrfToken: c.var.session?.csrfToken ?? null,
    path: new URL(c.req.url).pathname,
  };
}

/** An htmx request gets the fragment, unless it is restoring history (then it needs the page). */
export function wantsFragment(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

export function render(c: Context<AppEnv>, title: string, body: Child, status: ContentfulStatusCode = 200) {
  c.header("Vary", "HX-Request");
  if (wantsFragment(c)) return fragment(c, body, status);
  return c.html(
    <IssueLanguage.Provider value={{ t: c.var.t, lang: c.var.lang }}>
      {raw("<!DOCTYPE html>")}
      <Layout ctx={pageCtx(c)} title={title}>
        {body}
      </Layout>
    </IssueLanguage.Provider>,
    status,
  );
}

/** A bare fragment, in the reader's language. */
export function fragment(c: Context<AppEnv>, body: Child, status: ContentfulStatusCode = 200) {
  return c.html(<IssueLanguage.Provider value={{ t: c.var.t, lang: c.var.lang }}>{body}</IssueLanguage.Provider>, status);
}
