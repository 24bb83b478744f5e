import { Hono } from "hono";
import { HomePage, HomeTiles } from "../../views/home/page";
import type { AppEnv } from "../http/context";
import { AppError } from "../http/errors";
import { fragment, render } from "../http/render";
import { liveEvents } from "./live";
import { homeHeader, homeTiles } from "./service";

export const homeRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const actor = c.var.actor;
    if (!actor) throw new AppError("unauthenticated", "Sign in");
    const { db, clock } = c.var.deps;
    const t = c.var.t;
    const { displayName, institution: inst } = await homeHeader(db, actor);
    return render(
      c,
      t("nav.home"),
      <HomePage
        t={t}
        csrf={c.var.session?.csrfToken ?? null}
        role={actor.role}
        displayName={displayName}
        roleLabel={t(`role.${actor.role}`)}
        institution={inst ? (c.var.lang === "zh" ? inst.nameZh : inst.nameEn) : undefined}
        tiles={await homeTiles(db, actor, clock.now())}
      />,
    );
  })
  // the tiles alone: the home page reloads them when its live stream speaks
  .get("/home/tiles", async (c) => {
    const actor = c.var.actor;
    if (!actor) throw new AppError("unauthenticated", "Sign in");
    c.header("Cache-Control", "no-store");
    return fragment(c, <HomeTiles t={c.var.t} tiles={await homeTiles(c.var.deps.db, actor, c.var.deps.clock.now())} />);
  })
  .get("/live/events", async (c) => await liveEvents(c));
