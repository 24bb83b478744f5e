// The JSON API's building blocks: every /api/v1 route is declared with createRoute and
// zod schemas, so validation and the OpenAPI document come from the same source.
import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
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

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

/** The errors every authenticated route can answer with. */
export const commonErrors = {
  400: errorResponse("Invalid input (which field, and why)"),
  401: errorResponse("Missing or invalid bearer token"),
  403: errorResponse("The token's role may not do this"),
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
