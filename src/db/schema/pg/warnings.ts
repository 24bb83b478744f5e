// Targets (高危潜在受骗群众), warnings (预警劝阻), follow-ups (复核回访) and telephony.
import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { RISK_LEVELS, TARGET_REASONS, TARGET_SOURCES, WARNING_CHANNELS, WARNING_OUTCOMES } from "../../../domain/enums";
import { cases, suspects } from "./cases";
import { millis } from "./columns";
import { apiTokens, createdAt, users } from "./core";

export const targets = pgTable(
  "targets",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    phone: text("phone").notNull(), // E.164
    name: text("name"),
    district: text("district"),
    age: bigint("age", { mode: "number" }),
    reason: text("reason", { enum: TARGET_REASONS }).notNull().default("other"),
    reasonNote: text("reason_note"),
    suspectId: bigint("suspect_id", { mode: "number" }).references(() => suspects.id),
    riskGrade: text("risk_grade", { enum: RISK_LEVELS }).notNull(),
    source: text("source", { enum: TARGET_SOURCES }).notNull().default("manual"),
    amountAtRiskFen: bigint("amount_at_risk_fen", { mode: "number" }),
    // open until an outcome closes it; an unreachable target waits for its retry time
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    availableAt: millis("available_at").notNull(),
    dueAt: millis("due_at").notNull(),
    claimedBy: bigint("claimed_by", { mode: "number" }).references(() => users.id),
    // an API client (a token, not a person) working the queue
    claimedByToken: bigint("claimed_by_token", { mode: "number" }).references(() => apiTokens.id),
    leaseExpiresAt: millis("lease_expires_at"),
    outcome: text("outcome", { enum: WARNING_OUTCOMES }),
    closedAt: millis("closed_at"),
    caseId: bigint("case_id", { mode: "number" }).references(() => cases.id),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull().default(sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`),
    // queue order of the grade (high 0, medium 1, low 2): text grades do not sort that way
    queueRank: bigint("queue_rank", { mode: "number" }).generatedAlwaysAs(
      sql`CASE risk_grade WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`,
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

export const warnings = pgTable(
  "warnings",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    targetId: bigint("target_id", { mode: "number" })
      .notNull()
      .references(() => targets.id),
    agentId: bigint("agent_id", { mode: "number" }).references(() => users.id),
    agentToken: bigint("agent_token", { mode: "number" }).references(() => apiTokens.id),
    channel: text("channel", { enum: WARNING_CHANNELS }).notNull(),
    outcome: text("outcome", { enum: WARNING_OUTCOMES }),
    note: text("note"),
    // telephony: the provider's SID and last known status (queued, ringing, completed, ...)
    providerSid: text("provider_sid"),
    providerStatus: text("provider_status"),
    // visits: who goes (police station or grid worker) and when
    assignee: text("assignee"),
    scheduledAt: millis("scheduled_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull().default(sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`),
  },
  (t) => [
    index("warnings_target_idx").on(t.targetId),
    index("warnings_created_idx").on(t.createdAt),
    uniqueIndex("warnings_provider_sid_uq").on(t.providerSid),
    // visits dispatched and not yet reported back: the queue page lists them
    index("warnings_open_visits_idx").on(t.scheduledAt).where(sql`channel = 'visit' AND outcome IS NULL`),
  ],
);

export const followUps = pgTable(
  "follow_ups",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    targetId: bigint("target_id", { mode: "number" })
      .notNull()
      .references(() => targets.id),
    dueAt: millis("due_at").notNull(),
    assignedTo: bigint("assigned_to", { mode: "number" }).references(() => users.id),
    doneAt: millis("done_at"),
    outcome: text("outcome"),
    note: text("note"),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("follow_ups_due_idx").on(t.doneAt, t.dueAt), index("follow_ups_target_idx").on(t.targetId)],
);

// What the telephony layer sent. With no Twilio credentials this is the local outbox:
// nothing left the building.
export const telephonyMessages = pgTable(
  "telephony_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    channel: text("channel", { enum: ["call", "sms"] }).notNull(),
    provider: text("provider", { enum: ["twilio", "outbox"] }).notNull(),
    to: text("to").notNull(),
    from: text("from"),
    body: text("body"),
    sid: text("sid").notNull().unique(),
    status: text("status").notNull(),
    warningId: bigint("warning_id", { mode: "number" }).references(() => warnings.id),
    createdAt: createdAt(),
  },
  (t) => [index("telephony_created_idx").on(t.createdAt)],
);

// Twilio repeats callbacks: each (sid, status) takes effect once.
export const webhookEvents = pgTable("webhook_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  key: text("key").notNull().unique(),
  receivedAt: createdAt(),
});
