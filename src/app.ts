// createApp(deps): the middleware chain, every capability mounted, one error handler.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { translator, type Lang } from "../views/i18n";
import { adminRoutes } from "./admin/routes";
import { apiApp, apiDocsRoutes } from "./api/routes";
import { auditRoutes } from "./audit/routes";
import { authRoutes } from "./auth/routes";
import { authenticate, csrfGuard } from "./auth/middleware";
import { casesRoutes } from "./cases/routes";
import { homeRoutes } from "./home/routes";
import { importsRoutes } from "./imports/routes";
import type { AppEnv, Deps } from "./http/context";
import { handleError, handleNotFound } from "./http/on-error";
import { publicityRoutes } from "./publicity/routes";
import { requestsRoutes } from "./requests/routes";
import { noticeRoutes } from "./requests/notice-routes";
import { staticRoutes } from "./static/routes";
import { statsRoutes } from "./stats/routes";
import { supervisionRoutes } from "./supervision/routes";
import { suspectsRoutes } from "./suspects/routes";
import { targetsRoutes } from "./targets/routes";
import { outboxRoutes, webhookRoutes } from "./telephony/routes";
import { AppError } from "./http/errors";

const API_BODY_LIMIT = 1024 * 1024; // 1 MiB: a batch of 1000 lookups is ~40 KiB

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("deps", deps);
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

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.route("/static", staticRoutes);
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));
  // Twilio signs its callbacks; they carry no cookie and no CSRF token
  app.route("/webhooks", webhookRoutes);

  app.use(
    "/api/*",
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: () => {
        throw new AppError(413, "payload_too_large", `Request body is larger than ${API_BODY_LIMIT} bytes`);
      },
    }),
  );
  // pages: refuse cross-site form posts by their Origin, then check the session's token
  app.use("*", async (c, next) => (c.req.path.startsWith("/api/") ? next() : csrfOrigin(c, next)));
  app.use(authenticate);
  app.use("*", async (c, next) => (c.req.path.startsWith("/api/") ? next() : csrfGuard(c, next)));

  app.route("/api/v1", apiApp());
  app.route("/api/docs", apiDocsRoutes);
  app.route("/", authRoutes);
  app.route("/", homeRoutes);
  app.route("/cases", casesRoutes);
  app.route("/suspects", suspectsRoutes);
  app.route("/imports", importsRoutes);
  app.route("/targets", targetsRoutes);
  app.route("/outbox", outboxRoutes);
  app.route("/", noticeRoutes); // /requests/:id/notice, for the center and the desk alike
  app.route("/", requestsRoutes); // /requests and /desk
  app.route("/stats", statsRoutes);
  app.route("/supervision", supervisionRoutes);
  app.route("/publicity", publicityRoutes);
  app.route("/audit", auditRoutes);
  app.route("/admin", adminRoutes);

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

const csrfOrigin = csrf({
  origin: (origin, c) => origin === new URL(c.req.url).origin || origin === (c.var as AppEnv["Variables"]).deps.config.publicBaseUrl,
});

export { HTTPException };
