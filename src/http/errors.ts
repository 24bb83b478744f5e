// One error type for everything a user can get wrong; onError turns it into a page,
// a fragment, or the JSON error shape {"error": {code, message, issues}}.
import type { z } from "zod";
import type { Refusal, ReasonCode, ReasonParams } from "../domain/reasons";

/** `message` is English (the API's); a page shows `code` in the reader's language when there is one. */
export type Issue = { path: string; message: string; code?: ReasonCode; params?: ReasonParams; zod?: z.core.$ZodIssue };

/** The issue for a field a domain rule refused. */
export const refusalIssue = (path: string, r: Refusal): Issue => ({ path, message: r.reason, code: r.code, params: r.params });

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    /** The refusal the message words in English, for a page to word in the reader's language. */
    readonly refusal?: Pick<Refusal, "code" | "params">,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, issues: Issue[] = []) => new AppError(400, "bad_request", message, issues);
export const notFound = (what = "record") => new AppError(404, "not_found", `No such ${what}`);
export const forbidden = (message = "You are not allowed to do this") => new AppError(403, "forbidden", message);
/** An error a domain rule words: the API answers its English, a page the reader's language. */
export const refusedWith = (status: AppError["status"], code: string, r: Refusal) => new AppError(status, code, r.reason, [], r);
export const conflict = (r: Refusal, code: string) => refusedWith(409, code, r);

export function zodIssues(error: z.core.$ZodError): Issue[] {
  // the raw issue goes along so a page can word zod's own messages in the reader's language
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, zod: i }));
}

export function validationError(error: z.core.$ZodError): AppError {
  const issues = zodIssues(error);
  const first = issues[0];
  const message = first ? `${first.path || "body"}: ${first.message}` : "Invalid input";
  return new AppError(400, "invalid_input", message, issues);
}

/** The JSON error shape; `requestId` (X-Request-Id) when it answers a whole request, not one item of a batch. */
export function errorBody(e: AppError, requestId?: string) {
  return { error: { code: e.code, message: e.message, issues: e.issues.map((i) => ({ path: i.path, message: i.message })), ...(requestId ? { requestId } : {}) } };
}
