// Core tables: institutions, people who sign in, API tokens, the audit trail.
// Instants are integer milliseconds since the epoch (UTC); money is integer fen.
import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { APPROVAL_STATES, ROLES } from "../../../domain/enums";
import { flag, millis } from "./columns";

const now = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
export const createdAt = () => millis("created_at").notNull().default(now);

export const institutions = pgTable("institutions", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  code: text("code").notNull().unique(),
  kind: text("kind", { enum: ["bank", "carrier"] }).notNull(),
  nameZh: text("name_zh").notNull(),
  nameEn: text("name_en").notNull(),
});

export const users = pgTable("users", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  institutionId: bigint("institution_id", { mode: "number" }).references(() => institutions.id),
  // police badge number (警号), printed beside the officer's name on notices
  badgeNo: text("badge_no"),
  active: flag("active").notNull().default(sql`1`),
  // null: in effect; "pending"/"rejected": a supervisor or admin made on the admin screen that no
  // other supervisor has approved (privilegeGrants): it cannot sign in
  approval: text("approval", { enum: APPROVAL_STATES }),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  "sessions",
  {
    // sha-256 of the cookie value: a stolen database does not yield live sessions
    id: text("id").primaryKey(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: millis("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

// The center's districts (辖区), kept by the admin: cases, targets and imports name one of them
// (src/domain/districts.ts); while none is listed, any name is accepted.
export const districts = pgTable("districts", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

// What a page shows once after a POST answered with a redirect (e.g. a new API token): kept
// server-side per session, read and deleted by the next page, and only for a few minutes.
export const flashes = pgTable(
  "flashes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("flashes_session_idx").on(t.sessionId, t.kind)],
);

export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    username: text("username").notNull(),
    ip: text("ip").notNull(),
    succeeded: flag("succeeded").notNull(),
    at: millis("at").notNull(),
  },
  (t) => [
    index("sign_in_attempts_user_at_idx").on(t.username, t.at),
    index("sign_in_attempts_ip_at_idx").on(t.ip, t.at),
  ],
);

export const apiTokens = pgTable("api_tokens", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  role: text("role", { enum: ROLES }).notNull(),
  institutionId: bigint("institution_id", { mode: "number" }).references(() => institutions.id),
  createdAt: createdAt(),
  lastUsedAt: millis("last_used_at"),
  revokedAt: millis("revoked_at"),
  approval: text("approval", { enum: APPROVAL_STATES }), // as users.approval: refused until approved
});

// Separation of duties: a supervisor or admin (user or token) asked for on the admin screen takes
// effect only when a different supervisor approves it. Both steps are kept here and audited.
export const privilegeGrants = pgTable(
  "privilege_grants",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    subject: text("subject", { enum: ["user", "api_token"] }).notNull(),
    subjectId: bigint("subject_id", { mode: "number" }).notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    requestedBy: bigint("requested_by", { mode: "number" })
      .notNull()
      .references(() => users.id),
    requestedAt: millis("requested_at").notNull(),
    decision: text("decision", { enum: ["approved", "rejected"] }),
    decidedBy: bigint("decided_by", { mode: "number" }).references(() => users.id),
    decidedAt: millis("decided_at"),
  },
  (t) => [index("privilege_grants_open_idx").on(t.decision, t.requestedAt)],
);

// Append-only: no code path updates or deletes a row (a trigger enforces it).
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    at: millis("at").notNull(),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id),
    tokenId: bigint("token_id", { mode: "number" }).references(() => apiTokens.id),
    actor: text("actor").notNull(), // username or "token:<name>", kept even if the user goes
    action: text("action").notNull(), // e.g. "view", "create", "update", "sign_in"
    entity: text("entity").notNull(), // e.g. "case", "suspect", "request"
    entityId: text("entity_id"),
    detail: text("detail"), // JSON
    ip: text("ip"),
  },
  (t) => [index("audit_at_idx").on(t.at), index("audit_entity_idx").on(t.entity, t.entityId)],
);

// An Idempotency-Key or form nonce and what its first use made (db/idempotency.ts: once).
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    principal: text("principal").notNull(), // "user:1" / "token:3"
    key: text("key").notNull(),
    made: text("made").notNull(), // JSON, e.g. {"id":7}
    // SHA-256 of the request the key first came with (method, path, canonical body): the same key
    // with another request is refused, not answered with the first one's result. Null: a form nonce.
    requestHash: text("request_hash"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("idempotency_principal_key_uq").on(t.principal, t.key)],
);
