// What the center sends as a legal instrument: numbered, signed instructions (文书) and the keys
// that sign them; returns planned by tracing or pro rata with their public notice (公告).
import { bigint, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { DOCUMENT_KINDS, RETURN_METHODS } from "../../../domain/enums";
import { cases } from "./cases";
import { millis } from "./columns";
import { createdAt, users } from "./core";
import { requests } from "./requests";

// The last number given per kind and year: an upsert inside the send transaction hands out the next.
export const documentCounters = pgTable(
  "document_counters",
  {
    kind: text("kind", { enum: DOCUMENT_KINDS }).notNull(),
    year: bigint("year", { mode: "number" }).notNull(),
    last: bigint("last", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.year] })],
);

// One row per instruction sent to an institution: the send, and each renewal or release of a hold.
export const instructions = pgTable(
  "instructions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    requestId: bigint("request_id", { mode: "number" })
      .notNull()
      .references(() => requests.id),
    kind: text("kind", { enum: DOCUMENT_KINDS }).notNull(),
    year: bigint("year", { mode: "number" }).notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    documentNo: text("document_no").notNull(),
    // the canonical JSON that was signed, exactly (UTF-8)
    payload: text("payload").notNull(),
    signature: text("signature").notNull(), // base64url Ed25519
    keyId: text("key_id").notNull(),
    // the two officers in charge (承办人): the sender and a second officer
    officer1Id: bigint("officer1_id", { mode: "number" }).references(() => users.id),
    officer2Id: bigint("officer2_id", { mode: "number" }).references(() => users.id),
    issuedAt: millis("issued_at").notNull(),
  },
  (t) => [
    uniqueIndex("instructions_kind_year_seq_uq").on(t.kind, t.year, t.seq),
    uniqueIndex("instructions_document_no_uq").on(t.documentNo),
    index("instructions_request_idx").on(t.requestId),
  ],
);

// The center's Ed25519 keys. The newest unretired key signs; every key stays for verification.
export const signingKeys = pgTable("signing_keys", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  kid: text("kid").notNull().unique(),
  publicJwk: text("public_jwk").notNull(),
  // PKCS#8 DER, base64: kept in the database so every node and every backup signs alike
  privatePkcs8: text("private_pkcs8").notNull(),
  createdAt: createdAt(),
  retiredAt: millis("retired_at"),
});

// A return plan for a freeze: how what is frozen goes back to the victims.
export const returnPlans = pgTable(
  "return_plans",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    freezeRequestId: bigint("freeze_request_id", { mode: "number" })
      .notNull()
      .references(() => requests.id),
    method: text("method", { enum: RETURN_METHODS }).notNull(),
    // frozen and not yet returned when the plan was made
    frozenFen: bigint("frozen_fen", { mode: "number" }).notNull(),
    // pro rata: the 30-day public notice for objections; the returns go out after it closes
    noticeOpenedAt: millis("notice_opened_at"),
    noticeClosesAt: millis("notice_closes_at"),
    sentAt: millis("sent_at"),
    // withdrawn before its returns went out (an objection upheld, a new case naming the account)
    withdrawnAt: millis("withdrawn_at"),
    withdrawnReason: text("withdrawn_reason"),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("return_plans_freeze_idx").on(t.freezeRequestId)],
);

export const returnShares = pgTable(
  "return_shares",
  {
    planId: bigint("plan_id", { mode: "number" })
      .notNull()
      .references(() => returnPlans.id),
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => cases.id),
    lossFen: bigint("loss_fen", { mode: "number" }).notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    // the victim's original paying account; another account of theirs only with the reason
    toAccount: text("to_account"),
    toAccountReason: text("to_account_reason"),
    returnRequestId: bigint("return_request_id", { mode: "number" }).references(() => requests.id),
  },
  (t) => [primaryKey({ columns: [t.planId, t.caseId] }), index("return_shares_request_idx").on(t.returnRequestId)],
);

export const returnObjections = pgTable(
  "return_objections",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    planId: bigint("plan_id", { mode: "number" })
      .notNull()
      .references(() => returnPlans.id),
    text: text("text").notNull(),
    // who objected (as they gave it) and who recorded it
    objector: text("objector").notNull(),
    recordedBy: bigint("recorded_by", { mode: "number" }).references(() => users.id),
    at: millis("at").notNull(),
  },
  (t) => [index("return_objections_plan_idx").on(t.planId)],
);
