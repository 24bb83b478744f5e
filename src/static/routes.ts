// Front-end assets served from our own origin (no CDN): htmx 2 and its SSE extension,
// Chart.js, Swagger UI, and our stylesheet and script.

import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../http/context";

const pkg = (name: string) => dirname(Bun.resolveSync(`${name}/package.json`, import.meta.dir));
const own = join(import.meta.dir, "../../views/static");

const FILES: Record<string, string> = {
  "htmx.min.js": join(pkg("htmx.org"), "dist/htmx.min.js"),
  "sse.js": join(pkg("htmx-ext-sse"), "dist/sse.min.js"),
  "chart.umd.js": join(pkg("chart.js"), "dist/chart.umd.min.js"),
  "swagger-ui.css": join(pkg("swagger-ui-dist"), "swagger-ui.css"),
  "swagger-ui-bundle.js": join(pkg("swagger-ui-dist"), "swagger-ui-bundle.js"),
  "app.css": join(own, "app.css"),
  "favicon.svg": join(own, "favicon.svg"),
  "app.js": join(own, "app.js"),
  "api-docs.js": join(own, "api-docs.js"),
  "charts.js": join(own, "charts.js"),
};

export const staticRoutes = new Hono<AppEnv>().get("/:file", async (c) => {
  const path = FILES[c.req.param("file")];
  if (!path) return c.notFound();
  const file = Bun.file(path);
  if (!(await file.exists())) return c.notFound();
  c.header("Cache-Control", "public, max-age=3600");
  return new Response(file, { headers: c.res.headers });
});
