// Request body limits by path family (the table itself is in app.ts, in one ordered place).
// A form or JSON body is small: hono's bodyLimit refuses it by its Content-Length before a byte is
// read, or cuts a chunked one off as soon as it passes the limit (it buffers at most the limit).
// An upload is larger and must not be buffered: its Content-Length is checked here, and its route
// streams it to disk (receiveUpload), cutting it off when it passes the file limit.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { refuse } from "../domain/reasons";
import type { AppEnv } from "./context";
import { refused } from "./errors";

/** Multipart framing around the file: boundaries, part headers, the CSRF field. */
export const MULTIPART_SLACK = 64 * 1024;

export type BodyFamily = {
  /** What the family is, for the table's reader. */
  name: string;
  matches: (path: string) => boolean;
  maxBytes: number;
  /** A multipart upload streamed to disk by its route (other content types get `formBytes`). */
  upload?: boolean;
};

const tooLarge = (maxBytes: number, upload: boolean) =>
  upload
    ? refused("payload_too_large", refuse("file.too_large", { mib: Math.round(maxBytes / 1024 / 1024) }))
    : refused("payload_too_large", refuse("body.too_large", { kib: Math.round(maxBytes / 1024) }));

/**
 * One middleware for the whole table: the first family whose path matches sets the limit. Over
 * it → 413 (the JSON error shape on the API and webhooks, a page in the reader's language elsewhere).
 */
export function bodyLimits(families: readonly BodyFamily[], formBytes: number): MiddlewareHandler<AppEnv> {
  const limiters = new Map<number, MiddlewareHandler<AppEnv>>();
  const limiter = (maxBytes: number) => {
    let l = limiters.get(maxBytes);
    if (!l) {
      l = bodyLimit({
        maxSize: maxBytes,
        onError: () => {
          throw tooLarge(maxBytes, false);
        },
      });
      limiters.set(maxBytes, l);
    }
    return l;
  };
  return async (c, next) => {
    if (!c.req.raw.body) return next();
    const family = families.find((f) => f.matches(c.req.path));
    if (!family) return limiter(formBytes)(c, next);
    if (family.upload) {
      if (!/^multipart\/form-data/i.test(c.req.header("Content-Type") ?? "")) return limiter(formBytes)(c, next);
      const declared = Number(c.req.header("Content-Length"));
      if (
        c.req.header("Content-Length") !== undefined &&
        !c.req.header("Transfer-Encoding") &&
        declared > family.maxBytes + MULTIPART_SLACK
      )
        throw tooLarge(family.maxBytes, true);
      return next();
    }
    return limiter(family.maxBytes)(c, next);
  };
}
