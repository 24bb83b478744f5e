// Statistics: imported monthly baselines for periods the system has no records of.
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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
