// Supervisors' urges (督办): one row each time a supervisor urges an overdue request or target.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./core";
import { requests } from "./requests";
import { targets } from "./warnings";

export const urges = sqliteTable(
  "urges",
  {
    id: integer("id").primaryKey(),
    // exactly one of the two
    requestId: integer("request_id").references(() => requests.id),
    targetId: integer("target_id").references(() => targets.id),
    byUserId: integer("by_user_id")
      .notNull()
      .references(() => users.id),
    note: text("note"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("urges_request_idx").on(t.requestId),
    index("urges_target_idx").on(t.targetId),
    index("urges_at_idx").on(t.at),
  ],
);
