// Requests to banks and carriers (止付/冻结/返还/停机/复机/销卡) and their responses (反馈).
import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import {
  FREEZE_SCOPES,
  FREEZE_TERMS,
  HISTORY_ACTIONS,
  REJECT_CODES,
  REQUEST_KINDS,
  REQUEST_STATUSES,
} from "../../../domain/enums";
import { cases, suspects } from "./cases";
import { flag, millis } from "./columns";
import { apiTokens, createdAt, institutions, users } from "./core";

export const requests = pgTable(
  "requests",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    kind: text("kind", { enum: REQUEST_KINDS }).notNull(),
    status: text("status", { enum: REQUEST_STATUSES }).notNull().default("draft"),
    caseId: bigint("case_id", { mode: "number" }).references(() => cases.id),
    suspectId: bigint("suspect_id", { mode: "number" })
      .notNull()
      .references(() => suspects.id),
    institutionId: bigint("institution_id", { mode: "number" })
      .notNull()
      .references(() => institutions.id),
    level: bigint("level", { mode: "number" }).notNull().default(1),
    // a renewal, the freeze a return draws on, or the request whose answer revealed this account
    parentRequestId: bigint("parent_request_id", { mode: "number" }),
    amountFen: bigint("amount_fen", { mode: "number" }), // asked for
    doneAmountFen: bigint("done_amount_fen", { mode: "number" }), // stopped / frozen / returned, as confirmed
    balanceFen: bigint("balance_fen", { mode: "number" }),
    note: text("note"),
    renewals: bigint("renewals", { mode: "number" }).notNull().default(0),
    // the account holder the bank checks (户名); from the suspect when not given
    holderName: text("holder_name"),
    // freezes and their renewals: the term (null on rows before terms: 6 months), the approval a
    // 12-month term needs, the scope and whether interest is frozen too
    term: text("term", { enum: FREEZE_TERMS }),
    approvalBy: text("approval_by"),
    approvalAt: millis("approval_at"),
    approvalRef: text("approval_ref"),
    scope: text("scope", { enum: FREEZE_SCOPES }),
    includesInterest: flag("includes_interest"),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdByToken: bigint("created_by_token", { mode: "number" }).references(() => apiTokens.id),
    createdAt: createdAt(),
    sentAt: millis("sent_at"),
    acknowledgedAt: millis("acknowledged_at"),
    respondedAt: millis("responded_at"),
    // the effective time: stop time (止付时间) or freeze time; expiry counts from here
    effectiveAt: millis("effective_at"),
    expiresAt: millis("expires_at"),
    // the next response deadline (ack, then answer); null once answered
    deadlineAt: millis("deadline_at"),
    escalatedAt: millis("escalated_at"),
    // the last reminder before expiry/lapse; a renewal moves expiresAt past it
    remindedAt: millis("reminded_at"),
    updatedAt: millis("updated_at").notNull().default(sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`),
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

export const responses = pgTable(
  "responses",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    requestId: bigint("request_id", { mode: "number" })
      .notNull()
      .references(() => requests.id),
    action: text("action", { enum: HISTORY_ACTIONS }).notNull(),
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }),
    balanceFen: bigint("balance_fen", { mode: "number" }),
    reason: text("reason"),
    // a rejection's coded reason (name_mismatch …), shown to the center in its language
    reasonCode: text("reason_code", { enum: REJECT_CODES }),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id),
    tokenId: bigint("token_id", { mode: "number" }).references(() => apiTokens.id),
    at: millis("at").notNull(),
  },
  (t) => [index("responses_request_idx").on(t.requestId)],
);

// "Already moved on to account X at bank Y": each becomes a level n+1 suspect and a draft stop-payment.
export const onwardTransfers = pgTable(
  "onward_transfers",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    responseId: bigint("response_id", { mode: "number" })
      .notNull()
      .references(() => responses.id),
    requestId: bigint("request_id", { mode: "number" })
      .notNull()
      .references(() => requests.id),
    suspectId: bigint("suspect_id", { mode: "number" })
      .notNull()
      .references(() => suspects.id),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    at: millis("at").notNull(),
    // the receiving bank as the answer named it; kept when it is not one of the center's desks
    bank: text("bank"),
    // what the next bank checks: the receiving account's holder and the transfer's serial number
    holderName: text("holder_name"),
    serialNo: text("serial_no"),
    nextRequestId: bigint("next_request_id", { mode: "number" }).references(() => requests.id),
  },
  (t) => [index("onward_request_idx").on(t.requestId)],
);

// The transactions a stop-payment or freeze traces (time, amount, payer, the bank's serial number
// 交易流水号): the victim's transfers for a level-1 account, the onward transfer for level n+1.
export const requestTransactions = pgTable(
  "request_transactions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    requestId: bigint("request_id", { mode: "number" })
      .notNull()
      .references(() => requests.id),
    at: millis("at").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    payerAccount: text("payer_account"),
    payerName: text("payer_name"),
    serialNo: text("serial_no"),
  },
  (t) => [index("request_transactions_request_idx").on(t.requestId)],
);
