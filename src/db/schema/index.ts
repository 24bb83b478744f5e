// The tables the services query. drizzle has no dialect-neutral tables, so each engine has its own
// schema (./sqlite, ./pg) with the same names, columns and stored values; the services are typed
// against SQLite's and run on PostgreSQL's when DATABASE_URL chooses that engine (see ../engine.ts).
import { engineFromEnv } from "../engine";
import * as pg from "./pg";
import * as sqlite from "./sqlite";

const chosen = (engineFromEnv() === "postgres" ? pg : sqlite) as unknown as typeof sqlite;

export const {
  apiTokens,
  auditLog,
  baselineTotals,
  caseSuspects,
  caseTransactions,
  cases,
  districts,
  documentCounters,
  flashes,
  followUps,
  idempotencyKeys,
  importRejections,
  imports,
  institutions,
  instructions,
  jobTicks,
  onwardTransfers,
  privilegeGrants,
  requestTransactions,
  requests,
  responses,
  returnObjections,
  returnPlans,
  returnShares,
  sessions,
  signInAttempts,
  signingKeys,
  statsDaily,
  statsDailyCity,
  statsMonthly,
  statsMonthlyCity,
  suspectSources,
  suspects,
  targets,
  telephonyMessages,
  urges,
  users,
  warnings,
  webhookEvents,
} = chosen;
