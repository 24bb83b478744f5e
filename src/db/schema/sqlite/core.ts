// Core tables: institutions, people who sign in, API tokens, the audit trail.
// Instants are integer milliseconds since the epoch (UTC); money is integer fen.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { APPROVAL_STATES, ROLES } from "../../../domain/enums";

const now = sql`(unixepoch('subsec') * 1000)`;
export const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(now);

export const institutions = sqliteTable("institutions", {
  id: integer("id").primaryKey(),
  code: text("code").notNull().unique(),
  kind: text("kind", { enum: ["bank", "carrier"] }).notNull(),
  nameZh: text("name_zh").notNull(),
  nameEn: text("name_en").notNull(),
});

export const users = sqliteTable("users", {
  id: integer("id").primaryKey(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  institutionId: integer("institution_id").references(() => institutions.id),
  // police badge number (警号), printed beside the officer's name on notices
  badgeNo: text("badge_no"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  // null: in effect; "pending"/"rejected": a supervisor or admin made on the admin screen that no
  // other supervisor has approved (privilegeGrants): it cannot sign in
  approval: text("approval", { enum: APPROVAL_STATES }),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    // sha-256 of the cookie value: a stolen database does not yield live sessions
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

// The center's districts (辖区), kept by the admin: cases, targets and imports name one of them
// (src/domain/districts.ts); while none is listed, any name is accepted.
export const districts = sqliteTable("districts", {
  id: integer("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

// What a page shows once after a POST answered with a redirect (e.g. a new API token): kept
// server-side per session, read and deleted by the next page, and only for a few minutes.
export const flashes = sqliteTable(
  "flashes",
  {
    id: integer("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("flashes_session_idx").on(t.sessionId, t.kind)],
);

export const signInAttempts = sqliteTable(
  "sign_in_attempts",
  {
    id: integer("id").primaryKey(),
    username: text("username").notNull(),
    ip: text("ip").notNull(),
    succeeded: integer("succeeded", { mode: "boolean" }).notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("sign_in_attempts_user_at_idx").on(t.username, t.at),
    index("sign_in_attempts_ip_at_idx").on(t.ip, t.at),
  ],
);

export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  role: text("role", { enum: ROLES }).notNull(),
  institutionId: integer("institution_id").references(() => institutions.id),
  createdAt: createdAt(),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  approval: text("approval", { enum: APPROVAL_STATES }), // as users.approval: refused until approved
});

// Separation of duties: a supervisor or admin (user or token) asked for on the admin screen takes
// effect only when a different supervisor approves it. Both steps are kept here and audited.
export const privilegeGrants = sqliteTable(
  "privilege_grants",
  {
    id: integer("id").primaryKey(),
    subject: text("subject", { enum: ["user", "api_token"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    requestedBy: integer("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
    decision: text("decision", { enum: ["approved", "rejected"] }),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("privilege_grants_open_idx").on(t.decision, t.requestedAt)],
);

// Append-only: no code path updates or deletes a row (a trigger enforces it).
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    userId: integer("user_id").references(() => users.id),
    tokenId: integer("token_id").references(() => apiTokens.id),
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
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    id: integer("id").primaryKey(),
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
