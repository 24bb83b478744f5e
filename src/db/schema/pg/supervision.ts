// Supervisors' urges (督办): one row each time a supervisor urges an overdue request or target.
import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { millis } from "./columns";
import { users } from "./core";
import { requests } from "./requests";
import { targets } from "./warnings";

export const urges = pgTable(
  "urges",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    // exactly one of the two
    requestId: bigint("request_id", { mode: "number" }).references(() => requests.id),
    targetId: bigint("target_id", { mode: "number" }).references(() => targets.id),
    byUserId: bigint("by_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    note: text("note"),
    at: millis("at").notNull(),
  },
  (t) => [
    index("urges_request_idx").on(t.requestId),
    index("urges_target_idx").on(t.targetId),
    index("urges_at_idx").on(t.at),
  ],
);
