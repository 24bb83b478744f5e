// Separation of duties (README: Security): a supervisor or admin, user or token, asked for on the
// admin screen waits here until a supervisor other than the one who asked approves or rejects it.
// The decision and its audit entry commit together.
import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type AuditWho, recordAudit } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db";
import { apiTokens, institutions, privilegeGrants, users } from "../db/schema";
import { refuse } from "../domain/reasons";
import { conflict, forbidden, notFound, refused } from "../http/errors";

const requester = alias(users, "requester");
const decider = alias(users, "decider");
const subjectUser = alias(users, "subject_user");

async function grants(db: Db, open: boolean) {
  return (
    await db
      .select({
        id: privilegeGrants.id,
        subject: privilegeGrants.subject,
        subjectId: privilegeGrants.subjectId,
        role: privilegeGrants.role,
        // the person's username, or the token's name
        name: subjectUser.username,
        tokenName: apiTokens.name,
        displayName: subjectUser.displayName,
        institution: institutions.code,
        requestedBy: requester.username,
        requestedById: privilegeGrants.requestedBy,
        requestedAt: privilegeGrants.requestedAt,
        decision: privilegeGrants.decision,
        decidedBy: decider.username,
        decidedAt: privilegeGrants.decidedAt,
      })
      .from(privilegeGrants)
      .innerJoin(requester, eq(requester.id, privilegeGrants.requestedBy))
      .leftJoin(decider, eq(decider.id, privilegeGrants.decidedBy))
      .leftJoin(subjectUser, and(eq(privilegeGrants.subject, "user"), eq(subjectUser.id, privilegeGrants.subjectId)))
      .leftJoin(apiTokens, and(eq(privilegeGrants.subject, "api_token"), eq(apiTokens.id, privilegeGrants.subjectId)))
      .leftJoin(institutions, eq(institutions.id, subjectUser.institutionId))
      .where(open ? isNull(privilegeGrants.decision) : isNotNull(privilegeGrants.decision))
      .orderBy(open ? privilegeGrants.requestedAt : desc(privilegeGrants.decidedAt))
      .limit(open ? 500 : 20)
      .all()
  ).map((g) => ({ ...g, name: g.name ?? g.tokenName ?? `#${g.subjectId}` }));
}

export type Grant = Awaited<ReturnType<typeof grants>>[number];
export const openGrants = async (db: Db) => await grants(db, true);
export const recentDecisions = async (db: Db) => await grants(db, false);

/** A supervisor's decision: never on their own request; each request is decided once. */
export async function decideGrant(
  db: Db,
  id: number,
  decision: "approved" | "rejected",
  who: AuditWho & { actor: NonNullable<AuditWho["actor"]> },
) {
  const actor = who.actor;
  // a session's supervisor only: a token carries no person who could be told apart from the requester
  if (actor.kind !== "user" || actor.role !== "supervisor")
    throw forbidden("Only a supervisor approves supervisors and admins");
  return await transaction(db, async (tx) => {
    const g = await tx.select().from(privilegeGrants).where(eq(privilegeGrants.id, id)).get();
    if (!g) throw notFound("approval request");
    if (g.decision) throw conflict(refuse("approval.decided"), "already_decided");
    if (g.requestedBy === actor.id || (g.subject === "user" && g.subjectId === actor.id))
      throw refused("own_request", refuse("approval.own_request"));
    const at = new Date(who.at);
    await tx
      .update(privilegeGrants)
      .set({ decision, decidedBy: actor.id, decidedAt: at })
      .where(eq(privilegeGrants.id, id))
      .run();
    const approval = decision === "approved" ? null : ("rejected" as const);
    if (g.subject === "user") await tx.update(users).set({ approval }).where(eq(users.id, g.subjectId)).run();
    else await tx.update(apiTokens).set({ approval }).where(eq(apiTokens.id, g.subjectId)).run();
    await recordAudit(tx, who, {
      action: decision === "approved" ? "approve" : "reject",
      entity: g.subject,
      entityId: g.subjectId,
      detail: { grant: id, role: g.role, requestedBy: g.requestedBy },
    });
    return { subject: g.subject, subjectId: g.subjectId, role: g.role };
  });
}
