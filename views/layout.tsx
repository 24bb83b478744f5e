// The page shell: navigation by role, language switch, htmx wired with the CSRF header.
import type { Child } from "hono/jsx";
import { type Actor, can, type Permission } from "../src/domain/access";
import type { Key, Lang, T } from "./i18n";
import { LiveSlot } from "./live/banner";

export type PageCtx = { t: T; lang: Lang; actor: Actor | null; csrfToken: string | null; path: string };

const NAV: { href: string; key: Key; perm: Permission }[] = [
  { href: "/cases", key: "nav.cases", perm: "cases.read" },
  { href: "/suspects", key: "nav.suspects", perm: "suspects.read" },
  { href: "/targets", key: "nav.targets", perm: "targets.read" },
  { href: "/requests", key: "nav.requests", perm: "requests.write" },
  { href: "/desk", key: "nav.desk", perm: "requests.respond" },
  { href: "/stats", key: "nav.stats", perm: "stats.read" },
  { href: "/supervision", key: "nav.supervision", perm: "supervision.read" },
  { href: "/publicity", key: "nav.publicity", perm: "publicity.read" },
  { href: "/outbox", key: "nav.outbox", perm: "outbox.read" },
  { href: "/audit", key: "nav.audit", perm: "audit.read" },
  { href: "/approvals", key: "nav.approvals", perm: "privileges.approve" },
  { href: "/admin", key: "nav.admin", perm: "admin.manage" },
];

export function Layout(props: { ctx: PageCtx; title: string; children: Child }) {
  const { t, lang, actor, csrfToken, path } = props.ctx;
  const other = lang === "zh" ? "en" : "zh";
  return (
    <html lang={lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"historyCacheSize":0}' />
        <title>{`${props.title} · ${t("app.name")}`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/sse.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body hx-headers={csrfToken ? JSON.stringify({ "X-CSRF-Token": csrfToken }) : undefined}>
        <header class="top">
          <a class="brand" href="/">
            {t("app.name")} <small>{t("app.title")}</small>
          </a>
          {actor && (
            <nav>
              <a href="/" class={path === "/" ? "on" : undefined}>
                {t("nav.home")}
              </a>
              {NAV.filter((n) => can(actor, n.perm)).map((n) => (
                <a href={n.href} class={path.startsWith(n.href) ? "on" : undefined}>
                  {t(n.key)}
                </a>
              ))}
            </nav>
          )}
          <div class="who">
            <a href={`/lang/${other}?back=${encodeURIComponent(path)}`}>{t("lang.switch")}</a>
            {actor && (
              <>
                <span class="user" data-testid="who">
                  {actor.name} · {t(`role.${actor.role}`)}
                </span>
                <form method="post" action="/signout" class="inline">
                  {csrfToken && <input type="hidden" name="_csrf" value={csrfToken} />}
                  <button type="submit" class="link">
                    {t("nav.signout")}
                  </button>
                </form>
              </>
            )}
          </div>
        </header>
        <main id="main">
          {/* the center and the desks hear answers, onward transfers, new targets and urges live */}
          {actor && ["agent", "supervisor", "bank", "carrier"].includes(actor.role) && <LiveSlot t={t} />}
          {props.children}
        </main>
      </body>
    </html>
  );
}
