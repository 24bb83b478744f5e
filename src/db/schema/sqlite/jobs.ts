// The timer jobs' schedule, shared by every node on one database: a job runs on a tick only on the
// node that moves its due_at forward (src/jobs.ts), so each period runs once across nodes.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const jobTicks = sqliteTable("job_ticks", {
  name: text("name").primaryKey(),
  /** The start of the next period: the first node whose tick reaches it claims the run. */
  dueAt: integer("due_at", { mode: "timestamp_ms" }).notNull(),
  /** The node that claimed the last run (hostname:pid), and when. */
  node: text("node").notNull(),
  ranAt: integer("ran_at", { mode: "timestamp_ms" }).notNull(),
});
