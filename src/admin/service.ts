// Administration: people, tokens, institutions. Not case contents.
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { announceRevocation } from "../auth/service";
import { atomic, type Db } from "../db";
import { apiTokens, institutions, users } from "../db/schema";
import type { EventBus } from "../events";

export async function listUsers(db: Db) {
  return await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      badgeNo: users.badgeNo,
      active: users.active,
      approval: users.approval,
      institution: institutions.code,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(institutions, eq(institutions.id, users.institutionId))
    .orderBy(asc(users.username))
    .all();
}

export async function listTokens(db: Db) {
  return await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      institution: institutions.code,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      approval: apiTokens.approval,
    })
    .from(apiTokens)
    .leftJoin(institutions, eq(institutions.id, apiTokens.institutionId))
    .orderBy(desc(apiTokens.id))
    .all();
}

export async function listInstitutions(db: Db) {
  return await db.select().from(institutions).orderBy(asc(institutions.kind), asc(institutions.id)).all();
}

export async function revokeToken(ctx: { db: Db; events: EventBus }, id: number, now: number): Promise<boolean> {
  const { db } = ctx;
  const revoked =
    (
      await atomic(
        db,
        async (tx) =>
          await tx
            .update(apiTokens)
            .set({ revokedAt: new Date(now) })
            .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
            .returning({ id: apiTokens.id })
            .all(),
      )
    ).length > 0;
  // after the commit: every node's token cache forgets (the other nodes through the bus)
  announceRevocation(ctx, id);
  return revoked;
}
