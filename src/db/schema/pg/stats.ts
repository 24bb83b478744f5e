// Statistics: imported monthly baselines for periods the system has no records of.
import { bigint, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, users } from "./core";

export const baselineTotals = pgTable(
  "baseline_totals",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    metric: text("metric").notNull(),
    month: text("month").notNull(), // YYYY-MM, Asia/Shanghai
    district: text("district").notNull().default(""), // "" = the whole city
    value: bigint("value", { mode: "number" }).notNull(), // counts, or fen for amounts
    importId: bigint("import_id", { mode: "number" }),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("baseline_metric_month_district_uq").on(t.metric, t.month, t.district)],
);

// Pre-aggregated figures from the records, maintained by triggers on cases, targets, warnings
// and requests (migration triggers_and_views), so every write path keeps them exact. What each
// metric counts, and on which day, is defined once in the views stats_case_facts,
// stats_warning_facts and stats_request_facts; src/stats/service.ts documents it.
// day is the Asia/Shanghai calendar date; district and fraud_type are "" when unknown.
// The key leads with the metric, as SQLite's WITHOUT ROWID tables are clustered: reads scan a
// metric's date range. The triggers and views are in migrations/pg (triggers_and_views).
export const statsDaily = pgTable(
  "stats_daily",
  {
    day: text("day").notNull(), // YYYY-MM-DD
    metric: text("metric").notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.day, t.district, t.fraudType] })],
);

// The same figures by month, kept by a trigger on stats_daily: a year is 12 reads, not 365.
export const statsMonthly = pgTable(
  "stats_monthly",
  {
    month: text("month").notNull(), // YYYY-MM
    metric: text("metric").notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.month, t.district, t.fraudType] })],
);

// City-wide totals per metric, kept from stats_daily by triggers (migration triggers_and_views):
// a read without a district touches 13 rows a day or a month instead of every district and type.
export const statsDailyCity = pgTable(
  "stats_daily_city",
  {
    metric: text("metric").notNull(),
    day: text("day").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.day] })],
);

export const statsMonthlyCity = pgTable(
  "stats_monthly_city",
  {
    metric: text("metric").notNull(),
    month: text("month").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.month] })],
);
