// What the center sends as a legal instrument: numbered, signed instructions (文书) and the keys
// that sign them; returns planned by tracing or pro rata with their public notice (公告).
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DOCUMENT_KINDS, RETURN_METHODS } from "../../../domain/enums";
import { cases } from "./cases";
import { createdAt, users } from "./core";
import { requests } from "./requests";

// The last number given per kind and year: an upsert inside the send transaction hands out the next.
export const documentCounters = sqliteTable(
  "document_counters",
  {
    kind: text("kind", { enum: DOCUMENT_KINDS }).notNull(),
    year: integer("year").notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.year] })],
);

// One row per instruction sent to an institution: the send, and each renewal or release of a hold.
export const instructions = sqliteTable(
  "instructions",
  {
    id: integer("id").primaryKey(),
    requestId: integer("request_id")
      .notNull()
      .references(() => requests.id),
    kind: text("kind", { enum: DOCUMENT_KINDS }).notNull(),
    year: integer("year").notNull(),
    seq: integer("seq").notNull(),
    documentNo: text("document_no").notNull(),
    // the canonical JSON that was signed, exactly (UTF-8)
    payload: text("payload").notNull(),
    signature: text("signature").notNull(), // base64url Ed25519
    keyId: text("key_id").notNull(),
    // the two officers in charge (承办人): the sender and a second officer
    officer1Id: integer("officer1_id").references(() => users.id),
    officer2Id: integer("officer2_id").references(() => users.id),
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("instructions_kind_year_seq_uq").on(t.kind, t.year, t.seq),
    uniqueIndex("instructions_document_no_uq").on(t.documentNo),
    index("instructions_request_idx").on(t.requestId),
  ],
);

// The center's Ed25519 keys. The newest unretired key signs; every key stays for verification.
export const signingKeys = sqliteTable("signing_keys", {
  id: integer("id").primaryKey(),
  kid: text("kid").notNull().unique(),
  publicJwk: text("public_jwk").notNull(),
  // PKCS#8 DER, base64: kept in the database so every node and every backup signs alike
  privatePkcs8: text("private_pkcs8").notNull(),
  createdAt: createdAt(),
  retiredAt: integer("retired_at", { mode: "timestamp_ms" }),
});

// A return plan for a freeze: how what is frozen goes back to the victims.
export const returnPlans = sqliteTable(
  "return_plans",
  {
    id: integer("id").primaryKey(),
    freezeRequestId: integer("freeze_request_id")
      .notNull()
      .references(() => requests.id),
    method: text("method", { enum: RETURN_METHODS }).notNull(),
    // frozen and not yet returned when the plan was made
    frozenFen: integer("frozen_fen").notNull(),
    // pro rata: the 30-day public notice for objections; the returns go out after it closes
    noticeOpenedAt: integer("notice_opened_at", { mode: "timestamp_ms" }),
    noticeClosesAt: integer("notice_closes_at", { mode: "timestamp_ms" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    // withdrawn before its returns went out (an objection upheld, a new case naming the account)
    withdrawnAt: integer("withdrawn_at", { mode: "timestamp_ms" }),
    withdrawnReason: text("withdrawn_reason"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("return_plans_freeze_idx").on(t.freezeRequestId)],
);

export const returnShares = sqliteTable(
  "return_shares",
  {
    planId: integer("plan_id")
      .notNull()
      .references(() => returnPlans.id),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    lossFen: integer("loss_fen").notNull(),
    amountFen: integer("amount_fen").notNull(),
    // the victim's original paying account; another account of theirs only with the reason
    toAccount: text("to_account"),
    toAccountReason: text("to_account_reason"),
    returnRequestId: integer("return_request_id").references(() => requests.id),
  },
  (t) => [primaryKey({ columns: [t.planId, t.caseId] }), index("return_shares_request_idx").on(t.returnRequestId)],
);

export const returnObjections = sqliteTable(
  "return_objections",
  {
    id: integer("id").primaryKey(),
    planId: integer("plan_id")
      .notNull()
      .references(() => returnPlans.id),
    text: text("text").notNull(),
    // who objected (as they gave it) and who recorded it
    objector: text("objector").notNull(),
    recordedBy: integer("recorded_by").references(() => users.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("return_objections_plan_idx").on(t.planId)],
);
