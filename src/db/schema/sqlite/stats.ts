// Statistics: imported monthly baselines for periods the system has no records of.
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, users } from "./core";

export const baselineTotals = sqliteTable(
  "baseline_totals",
  {
    id: integer("id").primaryKey(),
    metric: text("metric").notNull(),
    month: text("month").notNull(), // YYYY-MM, Asia/Shanghai
    district: text("district").notNull().default(""), // "" = the whole city
    value: integer("value").notNull(), // counts, or fen for amounts
    importId: integer("import_id"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("baseline_metric_month_district_uq").on(t.metric, t.month, t.district)],
);

// Pre-aggregated figures from the records, maintained by triggers on cases, targets, warnings
// and requests (migration stats_triggers), so every write path keeps them exact. What each
// metric counts, and on which day, is defined once in the views stats_case_facts,
// stats_warning_facts and stats_request_facts; src/stats/service.ts documents it.
// day is the Asia/Shanghai calendar date; district and fraud_type are "" when unknown.
// Physically both tables are WITHOUT ROWID, clustered on (metric, date, district, fraud_type)
// (rebuilt in migration stats_triggers; drizzle cannot declare it): reads are range scans.
export const statsDaily = sqliteTable(
  "stats_daily",
  {
    day: text("day").notNull(), // YYYY-MM-DD
    metric: text("metric").notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type").notNull(),
    value: integer("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric, t.district, t.fraudType] })],
);

// The same figures by month, kept by a trigger on stats_daily: a year is 12 reads, not 365.
export const statsMonthly = sqliteTable(
  "stats_monthly",
  {
    month: text("month").notNull(), // YYYY-MM
    metric: text("metric").notNull(),
    district: text("district").notNull(),
    fraudType: text("fraud_type").notNull(),
    value: integer("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.metric, t.district, t.fraudType] })],
);

// City-wide totals per metric, kept from stats_daily by triggers (migration stats_city_totals):
// a read without a district touches 13 rows a day or a month instead of every district and type.
// Physically WITHOUT ROWID too (rebuilt in that migration).
export const statsDailyCity = sqliteTable(
  "stats_daily_city",
  {
    metric: text("metric").notNull(),
    day: text("day").notNull(),
    value: integer("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.day] })],
);

export const statsMonthlyCity = sqliteTable(
  "stats_monthly_city",
  {
    metric: text("metric").notNull(),
    month: text("month").notNull(),
    value: integer("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.month] })],
);
