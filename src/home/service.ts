// What each role's home screen counts: that person's work, at a glance.
import { and, count, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db";
import { apiTokens, cases, institutions, requests, targets, users } from "../db/schema";
import { type Actor, institutionScope } from "../domain/access";

const OPEN_REQUEST = ["sent", "acknowledged"] as const;

// a tile's key is its label's key in the dictionary (views/i18n)
type TileKey =
  | `home.${"targetsWaiting" | "targetsOverdue" | "targetsMine" | "requestsOpen" | "requestsLate" | "requestDrafts" | "deskOpen" | "deskUnacked" | "deskLate" | "highRisk30d" | "alerts30d"}`
  | `admin.${"users" | "tokens" | "institutions"}`;
export type HomeTile = { key: TileKey; value: number; href: string; tone?: "bad" | "warn" };

export async function homeTiles(db: Db, actor: Actor, now: number): Promise<HomeTile[]> {
  const n = (q: { c: number } | undefined) => q?.c ?? 0;
  const nowD = new Date(now);
  switch (actor.role) {
    case "agent":
    case "supervisor": {
      const open = eq(targets.status, "open");
      const waiting = n(await db.select({ c: count() }).from(targets).where(open).get());
      const overdue = n(
        await db
          .select({ c: count() })
          .from(targets)
          .where(and(open, lt(targets.dueAt, nowD)))
          .get(),
      );
      const mine = n(
        await db
          .select({ c: count() })
          .from(targets)
          .where(and(open, eq(targets.claimedBy, actor.id), sql`${targets.leaseExpiresAt} > ${now}`))
          .get(),
      );
      const openRequests = n(
        await db.select({ c: count() }).from(requests).where(inArray(requests.status, OPEN_REQUEST)).get(),
      );
      const lateRequests = n(
        await db
          .select({ c: count() })
          .from(requests)
          .where(
            and(inArray(requests.status, OPEN_REQUEST), isNotNull(requests.deadlineAt), lt(requests.deadlineAt, nowD)),
          )
          .get(),
      );
      const drafts = n(await db.select({ c: count() }).from(requests).where(eq(requests.status, "draft")).get());
      const tiles: HomeTile[] = [
        { key: "home.targetsWaiting", value: waiting, href: "/targets" },
        { key: "home.targetsOverdue", value: overdue, href: "/targets?overdue=1", tone: overdue ? "bad" : undefined },
        { key: "home.requestsOpen", value: openRequests, href: "/requests" },
        {
          key: "home.requestsLate",
          value: lateRequests,
          href: actor.role === "supervisor" ? "/supervision" : "/requests",
          tone: lateRequests ? "bad" : undefined,
        },
        { key: "home.requestDrafts", value: drafts, href: "/requests?status=draft", tone: drafts ? "warn" : undefined },
      ];
      if (actor.role === "agent") tiles.splice(2, 0, { key: "home.targetsMine", value: mine, href: "/targets" });
      return tiles;
    }
    case "bank":
    case "carrier": {
      const scope = institutionScope(actor)!;
      const mine = and(eq(requests.institutionId, scope), inArray(requests.status, OPEN_REQUEST));
      const open = n(await db.select({ c: count() }).from(requests).where(mine).get());
      const unacked = n(
        await db
          .select({ c: count() })
          .from(requests)
          .where(and(eq(requests.institutionId, scope), eq(requests.status, "sent")))
          .get(),
      );
      const late = n(
        await db
          .select({ c: count() })
          .from(requests)
          .where(and(mine, isNotNull(requests.deadlineAt), lt(requests.deadlineAt, nowD)))
          .get(),
      );
      return [
        { key: "home.deskOpen", value: open, href: "/desk" },
        { key: "home.deskUnacked", value: unacked, href: "/desk", tone: unacked ? "warn" : undefined },
        { key: "home.deskLate", value: late, href: "/desk", tone: late ? "bad" : undefined },
      ];
    }
    case "publicity": {
      const monthAgo = new Date(now - 30 * 86_400_000);
      const high = n(
        await db
          .select({ c: count() })
          .from(targets)
          .where(and(eq(targets.riskGrade, "high"), sql`${targets.createdAt} >= ${monthAgo.getTime()}`))
          .get(),
      );
      const alerts = n(
        await db.select({ c: count() }).from(cases).where(sql`${cases.receivedAt} >= ${monthAgo.getTime()}`).get(),
      );
      return [
        { key: "home.highRisk30d", value: high, href: "/publicity" },
        { key: "home.alerts30d", value: alerts, href: "/stats" },
      ];
    }
    case "admin":
      return [
        { key: "admin.users", value: n(await db.select({ c: count() }).from(users).get()), href: "/admin" },
        { key: "admin.tokens", value: n(await db.select({ c: count() }).from(apiTokens).get()), href: "/admin" },
        {
          key: "admin.institutions",
          value: n(await db.select({ c: count() }).from(institutions).get()),
          href: "/admin",
        },
      ];
  }
}

/** Open targets, all told: the live banner says how many arrived since it last counted. */
export async function openTargetCount(db: Db): Promise<number> {
  return (await db.select({ c: count() }).from(targets).where(eq(targets.status, "open")).get())?.c ?? 0;
}

/** The case a request belongs to (its page refreshes when the request moves); null when none. */
export async function caseOfRequest(db: Db, requestId: number): Promise<number | null> {
  return (
    (await db.select({ caseId: requests.caseId }).from(requests).where(eq(requests.id, requestId)).get())?.caseId ??
    null
  );
}

/** Whom the home page greets: the user's name (the actor's when none) and their institution's names. */
export async function homeHeader(
  db: Db,
  actor: Actor,
): Promise<{ displayName: string; institution: { nameZh: string; nameEn: string } | null }> {
  const user = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, actor.id)).get();
  const institution = actor.institutionId
    ? ((await db
        .select({ nameZh: institutions.nameZh, nameEn: institutions.nameEn })
        .from(institutions)
        .where(eq(institutions.id, actor.institutionId))
        .get()) ?? null)
    : null;
  return { displayName: user?.displayName ?? actor.name, institution };
}
