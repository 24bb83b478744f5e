// The timer jobs' schedule, shared by every node on one database: a job runs on a tick only on the
// node that moves its due_at forward (src/jobs.ts), so each period runs once across nodes.
import { pgTable, text } from "drizzle-orm/pg-core";
import { millis } from "./columns";

export const jobTicks = pgTable("job_ticks", {
  name: text("name").primaryKey(),
  /** The start of the next period: the first node whose tick reaches it claims the run. */
  dueAt: millis("due_at").notNull(),
  /** The node that claimed the last run (hostname:pid), and when. */
  node: text("node").notNull(),
  ranAt: millis("ran_at").notNull(),
});
