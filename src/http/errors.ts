/**
 * The one error type. A service (or a route's own check) throws an AppError made by one of the
 * constructors below — `notFound`, `forbidden`, `invalid` (fields a rule refused, each beside its
 * field), `conflict`/`refused` (a domain refusal by its reason code and params) — and a route lets
 * it fly: onError (on-error.tsx) answers a page, a fragment or the JSON error shape
 * {"error": {code, message, issues, refusal?, requestId}}. The code decides the status. A page that
 * re-renders its form catches it through `formErrors` (render.tsx), nothing else.
 */
import type { z } from "zod";
import type { ReasonCode, ReasonParams, Refusal } from "../domain/reasons";

/** Every code an error answers with, and its status. */
const STATUS = {
  // the request itself cannot be read (malformed JSON or multipart, a missing callback field)
  bad_request: 400,
  unreadable_body: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  own_request: 403,
  not_found: 404,
  method_not_allowed: 405,
  // a refusal because of the record's state: the reason's code says which
  claimed: 409,
  closed: 409,
  not_claimed: 409,
  outcome_recorded: 409,
  follow_up_done: 409,
  stale: 409,
  instruction_pending: 409,
  transition_refused: 409,
  amount_exceeds_request: 409,
  return_exceeds_frozen: 409,
  plan_open: 409,
  not_frozen: 409,
  no_claims: 409,
  not_traced: 409,
  traced_exceeds_frozen: 409,
  notice_open: 409,
  notice_closed: 409,
  not_pro_rata: 409,
  already_sent: 409,
  withdrawn: 409,
  not_overdue: 409,
  already_decided: 409,
  idempotency_key_busy: 409, // the first request with the key is still running
  payload_too_large: 413,
  too_many_values: 413,
  unsupported_media_type: 415,
  // an invalid form or body: every field a rule refused, each named
  invalid_input: 422,
  invalid_value: 422, // a lookup's value that is no phone number or account
  unreadable_file: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  // the database cannot be reached or written for a moment (a failover under way): try again
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;
export type ErrorStatus = (typeof STATUS)[ErrorCode];

/** `message` is English (the API's); a page shows `code` in the reader's language when there is one. */
export type Issue = { path: string; message: string; code?: ReasonCode; params?: ReasonParams; zod?: z.core.$ZodIssue };

/** The issue for a field a domain rule refused. */
export const refusalIssue = (path: string, r: Refusal): Issue => ({
  path,
  message: r.reason,
  code: r.code,
  params: r.params,
});

export class AppError extends Error {
  readonly status: ErrorStatus;
  readonly issues: Issue[];
  /** The refusal the message words in English, for a page to word in the reader's language. */
  readonly refusal?: Pick<Refusal, "code" | "params">;

  constructor(
    readonly code: ErrorCode,
    message: string,
    more: { issues?: Issue[]; refusal?: Pick<Refusal, "code" | "params"> } = {},
  ) {
    super(message);
    this.status = STATUS[code];
    this.issues = more.issues ?? [];
    this.refusal = more.refusal;
  }
}

/**
 * A request that cannot be read, or an address no form makes (an unknown table or format; the
 * schema's error says why). A form that can be read but is wrong is `invalid` (422).
 */
export const badRequest = (why: string | z.core.$ZodError) =>
  new AppError("bad_request", typeof why === "string" ? why : validationError(why).message);
export const notFound = (what = "record") => new AppError("not_found", `No such ${what}`);
export const forbidden = (message = "You are not allowed to do this") => new AppError("forbidden", message);

/** An invalid form or body (422): each issue names its field; the message sums them up for the API. */
export const invalid = (
  issues: Issue[],
  message = issues.map((i) => `${i.path || "body"}: ${i.message}`).join("; ") || "Invalid input",
) => new AppError("invalid_input", message, { issues });

/** An error a domain rule words: the API answers its English, a page the reader's language. */
export const refused = (code: ErrorCode, r: Refusal, issues: Issue[] = []) =>
  new AppError(code, r.reason, { issues, refusal: r });
/** A refusal because of the record's state (409). */
export const conflict = (r: Refusal, code: ErrorCode) => refused(code, r);

export function zodIssues(error: z.core.$ZodError): Issue[] {
  // the raw issue goes along so a page can word zod's own messages in the reader's language
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, zod: i }));
}

/** A schema refused the input: the first issue is the message, as before. */
export function validationError(error: z.core.$ZodError): AppError {
  const issues = zodIssues(error);
  const first = issues[0];
  return invalid(issues, first ? `${first.path || "body"}: ${first.message}` : "Invalid input");
}

/**
 * The JSON error shape. `message` is the error worded for its reader (the API's English unless
 * given); a refusal carries its reason code and params so a client can act on it; `requestId`
 * (X-Request-Id) when it answers a whole request, not one item of a batch.
 */
export function errorBody(e: AppError, requestId?: string, message = e.message) {
  return {
    error: {
      code: e.code,
      message,
      issues: e.issues.map((i) => ({ path: i.path, message: i.message })),
      ...(e.refusal ? { refusal: { code: e.refusal.code, params: e.refusal.params ?? {} } } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}
