// createApp(deps): the middleware chain, every capability mounted, one error handler.
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { type Lang, translator } from "../views/i18n";
import { approvalRoutes } from "./admin/approval-routes";
import { adminRoutes } from "./admin/routes";
import { apiApp, apiDocsRoutes } from "./api/routes";
import { auditRoutes } from "./audit/routes";
import { csrfGuard, sessionAuth } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { casesRoutes } from "./cases/routes";
import { deskRoutes } from "./desk/routes";
import { homeRoutes } from "./home/routes";
import { type BodyFamily, bodyLimits } from "./http/body-limit";
import type { AppEnv, Deps } from "./http/context";
import { accessLog } from "./http/log";
import { handleError, handleNotFound } from "./http/on-error";
import { importsRoutes } from "./imports/routes";
import { MAX_UPLOAD_BYTES } from "./imports/upload";
import { publicityRoutes } from "./publicity/routes";
import { noticeRoutes } from "./requests/notice-routes";
import { returnsRoutes } from "./requests/returns-routes";
import { requestsRoutes } from "./requests/routes";
import { staticRoutes } from "./static/routes";
import { MAX_BASELINE_BYTES, statsRoutes } from "./stats/routes";
import { supervisionRoutes } from "./supervision/routes";
import { suspectsRoutes } from "./suspects/routes";
import { targetsRoutes } from "./targets/routes";
import { outboxRoutes, webhookRoutes } from "./telephony/routes";

const KiB = 1024;
const MiB = 1024 * KiB;
/**
 * Every request body's limit, by path family; the first that matches wins, the rest are forms.
 * Over it → 413 before the body is read (Content-Length) or as soon as a streamed one passes it.
 */
const BODY_LIMITS: BodyFamily[] = [
  { name: "JSON API", matches: (p) => p.startsWith("/api/"), maxBytes: 1 * MiB }, // a batch of 1000 lookups is ~40 KiB
  { name: "Twilio callbacks", matches: (p) => p.startsWith("/webhooks/"), maxBytes: 64 * KiB }, // a status callback is ~1 KiB of fields
  { name: "import uploads", matches: (p) => p.startsWith("/imports/"), maxBytes: MAX_UPLOAD_BYTES, upload: true },
  { name: "baseline uploads", matches: (p) => p === "/stats/baselines", maxBytes: MAX_BASELINE_BYTES, upload: true },
];
// pages' forms: the largest is the paste box (1000 values; 20× that still gets its own "at most 1000" answer)
const FORM_BODY_LIMIT = 1 * MiB;

/** What every answer gets, API or page: X-Request-Id (a proxy's own id, if it sent a plain one, is kept), the deps, its access log line. */
function everyAnswer(app: Hono<AppEnv>, deps: Deps): Hono<AppEnv> {
  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(accessLog);
  return app;
}

/** Is this URL under /api/v1? Read from the URL's text: the API's door is passed before any routing. */
function isApiUrl(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path > 0 && url.startsWith("/api/v1", path) && (url.length === path + 7 || "/?".includes(url[path + 7]!));
}

export function createApp(deps: Deps) {
  const limits = bodyLimits(BODY_LIMITS, FORM_BODY_LIMIT);

  // the JSON API: its own Hono with its own short chain (api/routes.ts: token, rate limit, JSON
  // headers) and its own router, so an API call never walks the pages' routes (a page pattern
  // like /cases/:id{[0-9]+} puts the pages on hono's trie router, ~5 µs a match over 250 routes)
  const api = everyAnswer(new Hono<AppEnv>(), deps);
  api.use(limits);
  api.route("/api/v1", apiApp(deps.config));
  api.onError(handleError);
  api.notFound(handleNotFound);

  const app = everyAnswer(new Hono<AppEnv>(), deps);
  app.use(async (c, next) => {
    const lang: Lang = getCookie(c, "fz_lang") === "en" ? "en" : "zh";
    c.set("lang", lang);
    c.set("t", translator(lang));
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // style attributes in the markup; no script runs from them
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: deps.config.secureCookies ? "max-age=31536000; includeSubDomains" : false,
      referrerPolicy: "same-origin",
    }),
  );
  app.use(limits);

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.route("/static", staticRoutes);
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));
  // Twilio signs its callbacks; they carry no cookie and no CSRF token
  app.route("/webhooks", webhookRoutes);

  // pages: refuse cross-site form posts by their Origin, then check the session's token
  app.use(csrfOrigin);
  app.use(sessionAuth);
  app.use(csrfGuard);

  app.route("/api/docs", apiDocsRoutes);
  app.route("/", authRoutes);
  app.route("/", homeRoutes);
  app.route("/cases", casesRoutes);
  app.route("/suspects", suspectsRoutes);
  app.route("/imports", importsRoutes);
  app.route("/targets", targetsRoutes);
  app.route("/outbox", outboxRoutes);
  app.route("/", noticeRoutes); // /requests/:id/notice, for the center and the desk alike
  app.route("/", returnsRoutes); // /requests/:id/returns: a freeze's return plan
  app.route("/", requestsRoutes); // /requests
  app.route("/desk", deskRoutes);
  app.route("/stats", statsRoutes);
  app.route("/supervision", supervisionRoutes);
  app.route("/publicity", publicityRoutes);
  app.route("/audit", auditRoutes);
  app.route("/admin", adminRoutes);
  app.route("/approvals", approvalRoutes);

  app.onError(handleError);
  app.notFound(handleNotFound);

  // one door: /api/v1 to the API's app, everything else to the pages'
  const pages = app.fetch;
  app.fetch = (req, env, ctx) => (isApiUrl(req.url) ? api.fetch(req, env, ctx) : pages(req, env, ctx));
  return app;
}

const csrfOrigin = csrf({
  origin: (origin, c) =>
    origin === new URL(c.req.url).origin || origin === (c.var as AppEnv["Variables"]).deps.config.publicBaseUrl,
});
