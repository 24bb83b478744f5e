// Cases (警情) and suspects (涉诈号码/账户), and the links between them.
import { sql } from "drizzle-orm";
import { bigint, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { CASE_STATUSES, FRAUD_TYPES, RISK_LEVELS, SUSPECT_KINDS, SUSPECT_STATUSES } from "../../../domain/enums";
import { flag, millis } from "./columns";
import { createdAt, institutions, users } from "./core";

export const cases = pgTable(
  "cases",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    receivedAt: millis("received_at").notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type", { enum: FRAUD_TYPES }).notNull(),
    lossFen: bigint("loss_fen", { mode: "number" }).notNull().default(0),
    victimName: text("victim_name").notNull(),
    victimPhone: text("victim_phone"),
    victimIdNumber: text("victim_id_number"),
    victimAge: bigint("victim_age", { mode: "number" }),
    narrative: text("narrative"),
    status: text("status", { enum: CASE_STATUSES }).notNull().default("received"),
    filedAt: millis("filed_at"),
    solvedAt: millis("solved_at"),
    closedAt: millis("closed_at"),
    suspectsDetained: bigint("suspects_detained", { mode: "number" }).notNull().default(0),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull().default(sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`),
  },
  (t) => [index("cases_received_idx").on(t.receivedAt), index("cases_district_idx").on(t.district, t.receivedAt)],
);

export const suspects = pgTable(
  "suspects",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    kind: text("kind", { enum: SUSPECT_KINDS }).notNull(),
    value: text("value").notNull(), // E.164 for phones, digits for accounts
    institutionId: bigint("institution_id", { mode: "number" }).references(() => institutions.id),
    institutionInferred: flag("institution_inferred").notNull().default(sql`1`),
    riskLevel: text("risk_level", { enum: RISK_LEVELS }).notNull().default("medium"),
    status: text("status", { enum: SUSPECT_STATUSES }).notNull().default("active"),
    statusReason: text("status_reason"),
    firstSeenAt: millis("first_seen_at").notNull(),
    lastSeenAt: millis("last_seen_at").notNull(),
    sightings: bigint("sightings", { mode: "number" }).notNull().default(1),
    note: text("note"),
    // what a bank checks before it stops or freezes (户名, 开户网点); accounts only, when known
    holderName: text("holder_name"),
    branch: text("branch"),
  },
  (t) => [uniqueIndex("suspects_kind_value_uq").on(t.value, t.kind)],
);

// Where a suspect was reported from: one row per distinct source ("manual", "import:<file>", "api:<token>", ...).
export const suspectSources = pgTable(
  "suspect_sources",
  {
    suspectId: bigint("suspect_id", { mode: "number" })
      .notNull()
      .references(() => suspects.id, { onDelete: "cascade" }),
    source: text("source").notNull(),
    firstAt: millis("first_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.suspectId, t.source] })],
);

// A case names suspects; for bank accounts the level is the position in the fund flow
// (1 = received the victim's money) and parentSuspectId the account that paid it.
export const caseSuspects = pgTable(
  "case_suspects",
  {
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    suspectId: bigint("suspect_id", { mode: "number" })
      .notNull()
      .references(() => suspects.id),
    level: bigint("level", { mode: "number" }).notNull().default(1),
    parentSuspectId: bigint("parent_suspect_id", { mode: "number" }).references(() => suspects.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.suspectId] }), index("case_suspects_suspect_idx").on(t.suspectId)],
);

// The victim's transfers (被害人转账): what a level-1 request names for the bank to check.
// suspectId is the account that received the money, when the intake named it.
export const caseTransactions = pgTable(
  "case_transactions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    suspectId: bigint("suspect_id", { mode: "number" }).references(() => suspects.id),
    at: millis("at").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    payerAccount: text("payer_account"),
    payerName: text("payer_name"),
    serialNo: text("serial_no"),
  },
  (t) => [index("case_transactions_case_idx").on(t.caseId)],
);

// Bulk imports (suspects, targets, baselines): every input row is imported, merged or rejected.
export const imports = pgTable(
  "imports",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    kind: text("kind").notNull(), // "suspects" | "targets" | "baseline"
    filename: text("filename").notNull(),
    fileHash: text("file_hash").notNull(),
    // the file's header row as a CSV line: the rejected-rows download repeats it so the rows can be fixed and imported again
    header: text("header"),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    totalRows: bigint("total_rows", { mode: "number" }).notNull().default(0),
    imported: bigint("imported", { mode: "number" }).notNull().default(0),
    merged: bigint("merged", { mode: "number" }).notNull().default(0),
    rejected: bigint("rejected", { mode: "number" }).notNull().default(0),
    error: text("error"),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdAt: createdAt(),
    finishedAt: millis("finished_at"),
  },
  (t) => [index("imports_kind_hash_idx").on(t.kind, t.fileHash)],
);

export const importRejections = pgTable(
  "import_rejections",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    importId: bigint("import_id", { mode: "number" })
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    line: bigint("line", { mode: "number" }).notNull(),
    raw: text("raw").notNull(),
    reason: text("reason").notNull(), // English
    // a domain refusal's code and parameters (JSON): the report shows it in the reader's language
    reasonCode: text("reason_code"),
    reasonParams: text("reason_params"),
  },
  (t) => [index("import_rejections_import_idx").on(t.importId, t.line)],
);
