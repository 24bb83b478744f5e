// Sign-in, sign-out and the language switch.
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { SignInPage } from "../../views/auth/signin";
import { recordAudit } from "../audit/service";
import type { AppEnv } from "../http/context";
import { render } from "../http/render";
import { clientIp, SESSION_COOKIE } from "./middleware";
import { createSession, deleteSession, THROTTLE, verifySignIn } from "./service";

// only same-site relative paths: never an open redirect
const safeNext = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .catch("/");

const SignInForm = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  next: safeNext.optional(),
});

export const authRoutes = new Hono<AppEnv>()
  .get("/signin", (c) => {
    if (c.var.actor) return c.redirect("/", 303);
    const next = safeNext.parse(c.req.query("next") ?? "/");
    return render(c, c.var.t("signin.submit"), <SignInPage t={c.var.t} next={next} />);
  })
  .post("/signin", async (c) => {
    const { db, clock, config } = c.var.deps;
    const t = c.var.t;
    const parsed = SignInForm.safeParse(await c.req.parseBody());
    const next = parsed.success ? (parsed.data.next ?? "/") : "/";
    if (!parsed.success)
      return render(c, t("signin.submit"), <SignInPage t={t} next={next} error={t("signin.failed")} />, 400);
    const { username, password } = parsed.data;
    const ip = clientIp(c);
    const now = clock.now();
    const result = await verifySignIn(db, username, password, ip, now);
    if (!result.ok) {
      const action = result.throttled ? "sign_in_throttled" : result.pending ? "sign_in_pending" : "sign_in_failed";
      await recordAudit(db, { actor: null, ip, at: now }, { action, entity: "user", entityId: username });
      // only the right password learns that the account waits for approval
      const error = result.throttled
        ? t("signin.throttled", { minutes: THROTTLE.windowMs / 60_000 })
        : result.pending
          ? t("signin.pending")
          : t("signin.failed");
      return render(
        c,
        t("signin.submit"),
        <SignInPage t={t} next={next} error={error} username={username} />,
        result.throttled ? 429 : result.pending ? 403 : 401,
      );
    }
    const { token } = await createSession(
      db,
      result.user.id,
      { ip, userAgent: c.req.header("User-Agent") ?? null },
      now,
      config.sessionMs,
    );
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: config.secureCookies,
      path: "/",
      maxAge: Math.floor(config.sessionMs / 1000),
    });
    await recordAudit(
      db,
      {
        actor: {
          kind: "user",
          id: result.user.id,
          name: result.user.username,
          role: result.user.role,
          institutionId: result.user.institutionId,
        },
        ip,
        at: now,
      },
      { action: "sign_in", entity: "user", entityId: result.user.id },
    );
    return c.redirect(next, 303);
  })
  .post("/signout", async (c) => {
    const { db, clock } = c.var.deps;
    if (c.var.session) {
      await deleteSession(db, c.var.session.id);
      await recordAudit(
        db,
        { actor: c.var.actor, ip: clientIp(c), at: clock.now() },
        { action: "sign_out", entity: "user", entityId: c.var.actor?.id },
      );
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/signin", 303);
  })
  .get("/lang/:lang{zh|en}", (c) => {
    setCookie(c, "fz_lang", c.req.param("lang"), { path: "/", sameSite: "Lax", maxAge: 365 * 86400 });
    return c.redirect(safeNext.parse(c.req.query("back") ?? "/"), 303);
  });
