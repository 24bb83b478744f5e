// One error handler for pages, htmx fragments and the JSON API.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { Errors } from "../../views/components";
import { databaseUnavailable } from "../db/pg";
import { refuse } from "../domain/reasons";
import type { AppEnv } from "./context";
import { AppError, badRequest, type ErrorCode, errorBody, refused, validationError } from "./errors";
import { answersJson, fragment, render, sayError, wantsFragment } from "./render";

const HTTP_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/**
 * A body the runtime cannot parse (a truncated multipart, a boundary missing): the sender's
 * mistake, wherever the route read its form (parseBody, formData, a validator).
 */
function unreadableBody(err: Error): AppError | null {
  if ((err as { code?: unknown }).code !== "ERR_FORMDATA_PARSE_ERROR") return null;
  const why = err.message.replace(/^FormData parse error\s*/i, "") || "malformed form data";
  return refused("unreadable_body", refuse("body.unreadable", { why }));
}

function toAppError(err: Error): AppError | null {
  if (err instanceof AppError) return err;
  const unreadable = unreadableBody(err);
  if (unreadable) return unreadable;
  // PostgreSQL stores no NUL character in text (SQLite does): a sent "\0" is the sender's mistake
  const dbCode = (err as { cause?: { code?: unknown } }).cause?.code;
  if (dbCode === "22021") return badRequest("text must not contain the NUL character (\\0)");
  // PostgreSQL lost or not writable (a failover under way): a clean refusal the caller may retry
  if (databaseUnavailable(err))
    return new AppError("unavailable", "The database is unavailable for a moment; try again in a few seconds");
  // a schema's .parse() on a request input: the caller's mistake, never a 500
  if (err instanceof ZodError) return validationError(err);
  if (err instanceof HTTPException && err.status < 500) {
    // e.g. malformed JSON, wrong content type, Origin refused by the CSRF check
    const message = err.status === 415 ? "Content-Type must be application/json" : err.message || "Bad request";
    const code = HTTP_CODES[err.status];
    return code ? new AppError(code, message) : badRequest(message);
  }
  return null;
}

const isApi = (c: Context) => c.req.path.startsWith("/api/");

export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  const e = toAppError(err);
  const requestId = c.var.requestId;
  if (!e) {
    // the route's pattern, not the URL: a query string can carry a phone number
    c.var.deps.log.error(
      { reqId: requestId, method: c.req.method, route: routePath(c, -1) || null, err },
      "internal error",
    );
    if (isApi(c))
      return c.json(
        { error: { code: "internal", message: "Internal error; it has been logged", issues: [], requestId } },
        500,
      );
    return c.text(`${c.var.t ? c.var.t("error.internal") : "Internal error; it has been logged"} (${requestId})`, 500);
  }
  if (e.code === "unavailable") {
    // one line, no stack: the log says which connection error; the caller retries after a moment
    c.var.deps.log.warn(
      { reqId: requestId, method: c.req.method, route: routePath(c, -1) || null, why: String(err.message) },
      "database unavailable",
    );
    c.header("Retry-After", "2");
  }
  // one line, no stack: a sender can send these as often as it likes
  if (e.code === "unreadable_body")
    c.var.deps.log.warn(
      { reqId: requestId, method: c.req.method, route: routePath(c, -1) || null, why: e.message },
      "unreadable request body",
    );
  if (answersJson(c)) return c.json(errorBody(e, requestId, sayError(c, e)), e.status);
  if (e.status === 401) {
    const next = new URL(c.req.url);
    const target = `/signin?next=${encodeURIComponent(next.pathname + next.search)}`;
    if (c.req.header("HX-Request")) {
      c.header("HX-Redirect", target);
      return c.body(null, 204);
    }
    return c.redirect(target, 303);
  }
  const t = c.var.t;
  // an invalid input lists its issues, each worded in the reader's language
  const body = (
    <>
      <Errors message={sayError(c, e)} issues={e.code === "invalid_input" ? e.issues : undefined} />
      <p class="muted" data-testid="request-id">
        {t("error.requestId", { id: requestId })}
      </p>
    </>
  );
  if (wantsFragment(c)) return fragment(c, body, e.status as ContentfulStatusCode);
  return render(
    c,
    t("error.title"),
    <>
      <h1>{t("error.title")}</h1>
      {body}
    </>,
    e.status as ContentfulStatusCode,
  );
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) => {
  if (isApi(c))
    return c.json(errorBody(new AppError("not_found", `No route ${c.req.method} ${c.req.path}`), c.var.requestId), 404);
  if (!c.var.actor && c.req.method === "GET") return handleError(new AppError("unauthenticated", "Sign in"), c);
  return handleError(new AppError("not_found", "Page not found"), c);
};
