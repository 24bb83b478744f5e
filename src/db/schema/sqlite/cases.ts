// Cases (警情) and suspects (涉诈号码/账户), and the links between them.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CASE_STATUSES, FRAUD_TYPES, RISK_LEVELS, SUSPECT_KINDS, SUSPECT_STATUSES } from "../../../domain/enums";
import { createdAt, institutions, users } from "./core";

export const cases = sqliteTable(
  "cases",
  {
    id: integer("id").primaryKey(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type", { enum: FRAUD_TYPES }).notNull(),
    lossFen: integer("loss_fen").notNull().default(0),
    victimName: text("victim_name").notNull(),
    victimPhone: text("victim_phone"),
    victimIdNumber: text("victim_id_number"),
    victimAge: integer("victim_age"),
    narrative: text("narrative"),
    status: text("status", { enum: CASE_STATUSES }).notNull().default("received"),
    filedAt: integer("filed_at", { mode: "timestamp_ms" }),
    solvedAt: integer("solved_at", { mode: "timestamp_ms" }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    suspectsDetained: integer("suspects_detained").notNull().default(0),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("cases_received_idx").on(t.receivedAt), index("cases_district_idx").on(t.district, t.receivedAt)],
);

export const suspects = sqliteTable(
  "suspects",
  {
    id: integer("id").primaryKey(),
    kind: text("kind", { enum: SUSPECT_KINDS }).notNull(),
    value: text("value").notNull(), // E.164 for phones, digits for accounts
    institutionId: integer("institution_id").references(() => institutions.id),
    institutionInferred: integer("institution_inferred", { mode: "boolean" }).notNull().default(true),
    riskLevel: text("risk_level", { enum: RISK_LEVELS }).notNull().default("medium"),
    status: text("status", { enum: SUSPECT_STATUSES }).notNull().default("active"),
    statusReason: text("status_reason"),
    firstSeenAt: integer("first_seen_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    sightings: integer("sightings").notNull().default(1),
    note: text("note"),
    // what a bank checks before it stops or freezes (户名, 开户网点); accounts only, when known
    holderName: text("holder_name"),
    branch: text("branch"),
  },
  (t) => [uniqueIndex("suspects_kind_value_uq").on(t.value, t.kind)],
);

// Where a suspect was reported from: one row per distinct source ("manual", "import:<file>", "api:<token>", ...).
export const suspectSources = sqliteTable(
  "suspect_sources",
  {
    suspectId: integer("suspect_id")
      .notNull()
      .references(() => suspects.id, { onDelete: "cascade" }),
    source: text("source").notNull(),
    firstAt: integer("first_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.suspectId, t.source] })],
);

// A case names suspects; for bank accounts the level is the position in the fund flow
// (1 = received the victim's money) and parentSuspectId the account that paid it.
export const caseSuspects = sqliteTable(
  "case_suspects",
  {
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    suspectId: integer("suspect_id")
      .notNull()
      .references(() => suspects.id),
    level: integer("level").notNull().default(1),
    parentSuspectId: integer("parent_suspect_id").references(() => suspects.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.suspectId] }), index("case_suspects_suspect_idx").on(t.suspectId)],
);

// The victim's transfers (被害人转账): what a level-1 request names for the bank to check.
// suspectId is the account that received the money, when the intake named it.
export const caseTransactions = sqliteTable(
  "case_transactions",
  {
    id: integer("id").primaryKey(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    suspectId: integer("suspect_id").references(() => suspects.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    amountFen: integer("amount_fen").notNull(),
    payerAccount: text("payer_account"),
    payerName: text("payer_name"),
    serialNo: text("serial_no"),
  },
  (t) => [index("case_transactions_case_idx").on(t.caseId)],
);

// Bulk imports (suspects, targets, baselines): every input row is imported, merged or rejected.
export const imports = sqliteTable(
  "imports",
  {
    id: integer("id").primaryKey(),
    kind: text("kind").notNull(), // "suspects" | "targets" | "baseline"
    filename: text("filename").notNull(),
    fileHash: text("file_hash").notNull(),
    // the file's header row as a CSV line: the rejected-rows download repeats it so the rows can be fixed and imported again
    header: text("header"),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    totalRows: integer("total_rows").notNull().default(0),
    imported: integer("imported").notNull().default(0),
    merged: integer("merged").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    error: text("error"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("imports_kind_hash_idx").on(t.kind, t.fileHash)],
);

export const importRejections = sqliteTable(
  "import_rejections",
  {
    id: integer("id").primaryKey(),
    importId: integer("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    raw: text("raw").notNull(),
    reason: text("reason").notNull(), // English
    // a domain refusal's code and parameters (JSON): the report shows it in the reader's language
    reasonCode: text("reason_code"),
    reasonParams: text("reason_params"),
  },
  (t) => [index("import_rejections_import_idx").on(t.importId, t.line)],
);
