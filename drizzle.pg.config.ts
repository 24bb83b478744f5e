import { defineConfig } from "drizzle-kit";

// PostgreSQL's schema and migrations (DATABASE_URL); SQLite's are in drizzle.config.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/pg/index.ts",
  out: "./migrations/pg",
});
