// Which engine a process runs on: PostgreSQL when DATABASE_URL is set (it wins over
// DATABASE_PATH, for the server and every CLI command alike), else the embedded SQLite file.
export type Engine = "sqlite" | "postgres";

export function engineOf(env: Record<string, string | undefined>): Engine {
  return env.DATABASE_URL?.trim() ? "postgres" : "sqlite";
}

/** The process's engine, fixed at start: the tables are chosen once, when the schema is imported. */
export const engineFromEnv = (): Engine => engineOf(process.env);
