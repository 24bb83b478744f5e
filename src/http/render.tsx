// Full page on a normal request, the bare fragment on an htmx request; an error in its reader's
// words, and the errors a re-rendered form shows.
import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { IssueLanguage } from "../../views/components";
import { errorText } from "../../views/i18n";
import { Layout, type PageCtx } from "../../views/layout";
import type { AppEnv } from "./context";
import { AppError, type Issue } from "./errors";

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
  return c.html(
    <IssueLanguage.Provider value={{ t: c.var.t, lang: c.var.lang }}>{body}</IssueLanguage.Provider>,
    status,
  );
}

/** The JSON API and Twilio's callbacks answer errors in the JSON shape, in English. */
export const answersJson = (c: Context<AppEnv>) =>
  c.req.path.startsWith("/api/") || c.req.path.startsWith("/webhooks/");

/**
 * An error in its reader's words, the one wording for error pages, forms and the JSON error body:
 * an API client reads the English the error was made with; a page's reader a refusal in the
 * interface language, or plain words for what has no refusal (forbidden, not found, a form to fix).
 */
export function sayError(c: Context<AppEnv>, e: AppError): string {
  if (answersJson(c)) return e.message;
  const t = c.var.t;
  if (e.code === "csrf") return t("error.csrf");
  if (e.code === "unavailable") return t("error.unavailable");
  if (e.status === 403) return t("error.forbidden");
  if (e.status === 404) return t("error.notFound");
  if (e.code === "invalid_input" && e.issues.length && !e.refusal) return t("error.invalid");
  return errorText(t, e);
}

/** The statuses of what the sender can put right in the form itself. */
const FORM_STATUSES = [400, 409, 413, 415, 422] as const;
type FormStatus = (typeof FORM_STATUSES)[number];

/** What a re-rendered form shows: each invalid field's error beside it, or one refusal above the form. */
export type FormErrors = { issues?: Issue[]; error?: string; status: FormStatus };

/**
 * The one way a page re-renders its form with its errors: what `e` leaves for the form to show —
 * an invalid input (422) beside its fields; a refusal (409), too much (413) or an unreadable upload
 * (400, 415, 422) as one message in the reader's language — or null when `e` is not the form's to
 * show (not signed in, forbidden, not found, a bug), and the route rethrows it to onError.
 */
export function formErrors(c: Context<AppEnv>, e: unknown): FormErrors | null {
  if (!(e instanceof AppError) || !(FORM_STATUSES as readonly number[]).includes(e.status)) return null;
  if (e.code === "invalid_input" && e.issues.length && !e.refusal) return { issues: e.issues, status: 422 };
  return { error: sayError(c, e), status: e.status as FormStatus };
}
