// Which engine a process runs on: PostgreSQL when DATABASE_URL is set (it wins over
// DATABASE_PATH, for the server and every CLI command alike), else the embedded SQLite file.
export type Engine = "sqlite" | "postgres";

/** The process's engine, fixed at start: the tables are chosen once, when the schema is imported. */
export const engineFromEnv = (): Engine => (process.env.DATABASE_URL?.trim() ? "postgres" : "sqlite");
