// Targets (高危潜在受骗群众), warnings (预警劝阻), follow-ups (复核回访) and telephony.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { RISK_LEVELS, TARGET_REASONS, TARGET_SOURCES, WARNING_CHANNELS, WARNING_OUTCOMES } from "../../../domain/enums";
import { cases, suspects } from "./cases";
import { apiTokens, createdAt, users } from "./core";

export const targets = sqliteTable(
  "targets",
  {
    id: integer("id").primaryKey(),
    phone: text("phone").notNull(), // E.164
    name: text("name"),
    district: text("district"),
    age: integer("age"),
    reason: text("reason", { enum: TARGET_REASONS }).notNull().default("other"),
    reasonNote: text("reason_note"),
    suspectId: integer("suspect_id").references(() => suspects.id),
    riskGrade: text("risk_grade", { enum: RISK_LEVELS }).notNull(),
    source: text("source", { enum: TARGET_SOURCES }).notNull().default("manual"),
    amountAtRiskFen: integer("amount_at_risk_fen"),
    // open until an outcome closes it; an unreachable target waits for its retry time
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    availableAt: integer("available_at", { mode: "timestamp_ms" }).notNull(),
    dueAt: integer("due_at", { mode: "timestamp_ms" }).notNull(),
    claimedBy: integer("claimed_by").references(() => users.id),
    // an API client (a token, not a person) working the queue
    claimedByToken: integer("claimed_by_token").references(() => apiTokens.id),
    leaseExpiresAt: integer("lease_expires_at", { mode: "timestamp_ms" }),
    outcome: text("outcome", { enum: WARNING_OUTCOMES }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    caseId: integer("case_id").references(() => cases.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
    // queue order of the grade (high 0, medium 1, low 2): text grades do not sort that way
    queueRank: integer("queue_rank").generatedAlwaysAs(
      sql`CASE risk_grade WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`,
      { mode: "virtual" },
    ),
  },
  (t) => [
    // one open target per phone: a new one merges into it
    uniqueIndex("targets_open_phone_uq").on(t.phone).where(sql`status = 'open'`),
    index("targets_queue_idx").on(t.status, t.riskGrade, t.createdAt),
    // the queue proper: open targets nobody holds, in queue order. A claim takes its row out, so
    // "next" reads the first entry instead of skipping everyone being worked; lapsed leases are
    // cleared (and their rows come back at their place) just before each claim
    index("targets_queue_free_idx")
      .on(t.queueRank, t.availableAt)
      .where(sql`status = 'open' AND lease_expires_at IS NULL`),
    index("targets_open_due_idx").on(t.dueAt).where(sql`status = 'open'`),
    // live claims: who holds what, and how many are being worked (expired leases sort below now);
    // the holder is in the index so "mine" is read from it alone
    index("targets_open_lease_idx")
      .on(t.leaseExpiresAt, t.claimedBy, t.claimedByToken)
      .where(sql`status = 'open' AND lease_expires_at IS NOT NULL`),
    index("targets_created_idx").on(t.createdAt),
  ],
);

export const warnings = sqliteTable(
  "warnings",
  {
    id: integer("id").primaryKey(),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    agentId: integer("agent_id").references(() => users.id),
    agentToken: integer("agent_token").references(() => apiTokens.id),
    channel: text("channel", { enum: WARNING_CHANNELS }).notNull(),
    outcome: text("outcome", { enum: WARNING_OUTCOMES }),
    note: text("note"),
    // telephony: the provider's SID and last known status (queued, ringing, completed, ...)
    providerSid: text("provider_sid"),
    providerStatus: text("provider_status"),
    // visits: who goes (police station or grid worker) and when
    assignee: text("assignee"),
    scheduledAt: integer("scheduled_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("warnings_target_idx").on(t.targetId),
    index("warnings_created_idx").on(t.createdAt),
    uniqueIndex("warnings_provider_sid_uq").on(t.providerSid),
    // visits dispatched and not yet reported back: the queue page lists them
    index("warnings_open_visits_idx").on(t.scheduledAt).where(sql`channel = 'visit' AND outcome IS NULL`),
  ],
);

export const followUps = sqliteTable(
  "follow_ups",
  {
    id: integer("id").primaryKey(),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    dueAt: integer("due_at", { mode: "timestamp_ms" }).notNull(),
    assignedTo: integer("assigned_to").references(() => users.id),
    doneAt: integer("done_at", { mode: "timestamp_ms" }),
    outcome: text("outcome"),
    note: text("note"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("follow_ups_due_idx").on(t.doneAt, t.dueAt), index("follow_ups_target_idx").on(t.targetId)],
);

// What the telephony layer sent. With no Twilio credentials this is the local outbox:
// nothing left the building.
export const telephonyMessages = sqliteTable(
  "telephony_messages",
  {
    id: integer("id").primaryKey(),
    channel: text("channel", { enum: ["call", "sms"] }).notNull(),
    provider: text("provider", { enum: ["twilio", "outbox"] }).notNull(),
    to: text("to").notNull(),
    from: text("from"),
    body: text("body"),
    sid: text("sid").notNull().unique(),
    status: text("status").notNull(),
    warningId: integer("warning_id").references(() => warnings.id),
    createdAt: createdAt(),
  },
  (t) => [index("telephony_created_idx").on(t.createdAt)],
);

// Twilio repeats callbacks: each (sid, status) takes effect once.
export const webhookEvents = sqliteTable("webhook_events", {
  id: integer("id").primaryKey(),
  key: text("key").notNull().unique(),
  receivedAt: createdAt(),
});
