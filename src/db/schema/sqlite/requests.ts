// Requests to banks and carriers (止付/冻结/返还/停机/复机/销卡) and their responses (反馈).
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import {
  FREEZE_SCOPES,
  FREEZE_TERMS,
  HISTORY_ACTIONS,
  REJECT_CODES,
  REQUEST_KINDS,
  REQUEST_STATUSES,
} from "../../../domain/enums";
import { cases, suspects } from "./cases";
import { apiTokens, createdAt, institutions, users } from "./core";

export const requests = sqliteTable(
  "requests",
  {
    id: integer("id").primaryKey(),
    kind: text("kind", { enum: REQUEST_KINDS }).notNull(),
    status: text("status", { enum: REQUEST_STATUSES }).notNull().default("draft"),
    caseId: integer("case_id").references(() => cases.id),
    suspectId: integer("suspect_id")
      .notNull()
      .references(() => suspects.id),
    institutionId: integer("institution_id")
      .notNull()
      .references(() => institutions.id),
    level: integer("level").notNull().default(1),
    // a renewal, the freeze a return draws on, or the request whose answer revealed this account
    parentRequestId: integer("parent_request_id"),
    amountFen: integer("amount_fen"), // asked for
    doneAmountFen: integer("done_amount_fen"), // stopped / frozen / returned, as confirmed
    balanceFen: integer("balance_fen"),
    note: text("note"),
    renewals: integer("renewals").notNull().default(0),
    // the account holder the bank checks (户名); from the suspect when not given
    holderName: text("holder_name"),
    // freezes and their renewals: the term (null on rows before terms: 6 months), the approval a
    // 12-month term needs, the scope and whether interest is frozen too
    term: text("term", { enum: FREEZE_TERMS }),
    approvalBy: text("approval_by"),
    approvalAt: integer("approval_at", { mode: "timestamp_ms" }),
    approvalRef: text("approval_ref"),
    scope: text("scope", { enum: FREEZE_SCOPES }),
    includesInterest: integer("includes_interest", { mode: "boolean" }),
    createdBy: integer("created_by").references(() => users.id),
    createdByToken: integer("created_by_token").references(() => apiTokens.id),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    acknowledgedAt: integer("acknowledged_at", { mode: "timestamp_ms" }),
    respondedAt: integer("responded_at", { mode: "timestamp_ms" }),
    // the effective time: stop time (止付时间) or freeze time; expiry counts from here
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    // the next response deadline (ack, then answer); null once answered
    deadlineAt: integer("deadline_at", { mode: "timestamp_ms" }),
    escalatedAt: integer("escalated_at", { mode: "timestamp_ms" }),
    // the last reminder before expiry/lapse; a renewal moves expiresAt past it
    remindedAt: integer("reminded_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("requests_desk_idx").on(t.institutionId, t.status, t.deadlineAt),
    index("requests_case_idx").on(t.caseId),
    index("requests_suspect_idx").on(t.suspectId),
    index("requests_status_deadline_idx").on(t.status, t.deadlineAt),
    index("requests_created_idx").on(t.createdAt),
    // the expiry/lapse job and reminders scan in-force requests by their expiry
    index("requests_status_expires_idx").on(t.status, t.expiresAt),
    index("requests_parent_idx").on(t.parentRequestId),
    // a desk's answered requests, newest first, without sorting its whole history
    index("requests_answered_idx").on(t.institutionId, t.respondedAt),
  ],
);

export const responses = sqliteTable(
  "responses",
  {
    id: integer("id").primaryKey(),
    requestId: integer("request_id")
      .notNull()
      .references(() => requests.id),
    action: text("action", { enum: HISTORY_ACTIONS }).notNull(),
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    amountFen: integer("amount_fen"),
    balanceFen: integer("balance_fen"),
    reason: text("reason"),
    // a rejection's coded reason (name_mismatch …), shown to the center in its language
    reasonCode: text("reason_code", { enum: REJECT_CODES }),
    userId: integer("user_id").references(() => users.id),
    tokenId: integer("token_id").references(() => apiTokens.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("responses_request_idx").on(t.requestId)],
);

// "Already moved on to account X at bank Y": each becomes a level n+1 suspect and a draft stop-payment.
export const onwardTransfers = sqliteTable(
  "onward_transfers",
  {
    id: integer("id").primaryKey(),
    responseId: integer("response_id")
      .notNull()
      .references(() => responses.id),
    requestId: integer("request_id")
      .notNull()
      .references(() => requests.id),
    suspectId: integer("suspect_id")
      .notNull()
      .references(() => suspects.id),
    amountFen: integer("amount_fen").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    // the receiving bank as the answer named it; kept when it is not one of the center's desks
    bank: text("bank"),
    // what the next bank checks: the receiving account's holder and the transfer's serial number
    holderName: text("holder_name"),
    serialNo: text("serial_no"),
    nextRequestId: integer("next_request_id").references(() => requests.id),
  },
  (t) => [index("onward_request_idx").on(t.requestId)],
);

// The transactions a stop-payment or freeze traces (time, amount, payer, the bank's serial number
// 交易流水号): the victim's transfers for a level-1 account, the onward transfer for level n+1.
export const requestTransactions = sqliteTable(
  "request_transactions",
  {
    id: integer("id").primaryKey(),
    requestId: integer("request_id")
      .notNull()
      .references(() => requests.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    amountFen: integer("amount_fen").notNull(),
    payerAccount: text("payer_account"),
    payerName: text("payer_name"),
    serialNo: text("serial_no"),
  },
  (t) => [index("request_transactions_request_idx").on(t.requestId)],
);
