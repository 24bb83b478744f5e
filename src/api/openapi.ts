// The JSON API's building blocks: every /api/v1 route is declared with createRoute and
// zod schemas, so validation and the OpenAPI document come from the same source.
import { type Hook, OpenAPIHono, z } from "@hono/zod-openapi";
import { FROM_AFTER_TO, isDate } from "../domain/yoy";
import type { AppEnv } from "../http/context";
import { validationError } from "../http/errors";

export { createRoute, z } from "@hono/zod-openapi";

// invalid input → the JSON error shape, through onError
const defaultHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw validationError(result.error);
};

/** A sub-app for one capability's JSON routes. */
export function apiRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}

const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
      refusal: z
        .object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })
        .optional()
        .openapi({
          description:
            "When a rule refused the request: its reason code (e.g. target.claimed) and parameters, for a client to act on; `message` words it in English",
        }),
      requestId: z
        .string()
        .optional()
        .openapi({ description: "The X-Request-Id of the answer: quote it when reporting a problem" }),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The errors every authenticated route can answer with. */
export const commonErrors = {
  400: errorResponse("The request cannot be read (malformed JSON, a missing field of a callback)"),
  422: errorResponse("Invalid input (which field, and why)"),
  401: errorResponse("Missing or invalid bearer token"),
  403: errorResponse("The token's role may not do this"),
  429: errorResponse("Too many requests for this token (API_RATE_LIMIT_PER_MIN): wait the Retry-After seconds"),
};

export const jsonBody = <S extends z.ZodType>(schema: S, description?: string) => ({
  required: true as const,
  description,
  content: { "application/json": { schema } },
});

export const jsonResponse = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export { errorResponse };

/** The {id} of a path like /cases/{id}. */
export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

const day = z
  .string({ error: "is required, written YYYY-MM-DD" })
  .refine(isDate, "must be a real date written YYYY-MM-DD")
  .openapi({ format: "date" });

/**
 * A query of Shanghai calendar days from–to, both inclusive, with the route's own parameters;
 * from after to is an issue on from.
 */
export function periodQuery<E extends z.ZodRawShape>(
  extra: E,
  fromDescription = "First day (Asia/Shanghai), inclusive",
) {
  return (
    z
      .object({
        from: day.openapi({
          param: { name: "from", in: "query" },
          description: fromDescription,
          example: "2026-11-01",
        }),
        to: day.openapi({
          param: { name: "to", in: "query" },
          description: "Last day (Asia/Shanghai), inclusive",
          example: "2026-11-21",
        }),
        ...extra,
      })
      // the generic shape hides from and to from the checker; they are there
      .refine((q) => (q as { from: string }).from <= (q as { to: string }).to, {
        message: FROM_AFTER_TO,
        path: ["from"],
      })
  );
}

/** The Idempotency-Key header of API writes: a repeat returns the first answer and creates nothing. */
export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().min(1).max(200).optional().openapi({
    description:
      "Any unique string per intended write; a repeat with the same body returns the first answer, with a different body it is refused (422, idempotency_key_reused)",
  }),
});
