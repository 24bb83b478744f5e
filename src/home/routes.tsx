import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { HomePage } from "../../views/home/page";
import { institutions, users } from "../db/schema";
import type { AppEnv } from "../http/context";
import { AppError } from "../http/errors";
import { render } from "../http/render";
import { homeTiles } from "./service";

export const homeRoutes = new Hono<AppEnv>().get("/", (c) => {
  const actor = c.var.actor;
  if (!actor) throw new AppError(401, "unauthenticated", "Sign in");
  const { db, clock } = c.var.deps;
  const t = c.var.t;
  const user = db.select({ displayName: users.displayName }).from(users).where(eq(users.id, actor.id)).get();
  const inst = actor.institutionId ? db.select().from(institutions).where(eq(institutions.id, actor.institutionId)).get() : undefined;
  return render(
    c,
    t("home.title"),
    <HomePage
      t={t}
      displayName={user?.displayName ?? actor.name}
      roleLabel={t(`role.${actor.role}`)}
      institution={inst ? (c.var.lang === "zh" ? inst.nameZh : inst.nameEn) : undefined}
      tiles={homeTiles(db, actor, clock.now())}
    />,
  );
});
