// Opening the platform: config → db (migrated, reference data) → deps.

import { watchRevocations } from "./auth/service";
import type { Config } from "./config";
import { type Db, openDatabase } from "./db";
import { seedInstitutions } from "./db/seed";
import { EventBus } from "./events";
import { type Clock, type Deps, systemClock } from "./http/context";
import { createLogger } from "./http/log";
import { createTelephony } from "./telephony";

export async function openPlatform(
  config: Config,
  opts: {
    clock?: Clock;
    httpClient?: Parameters<typeof createTelephony>[0]["httpClient"];
    logStream?: Parameters<typeof createLogger>[1];
  } = {},
): Promise<Deps> {
  const db = await openDatabase(config);
  await seedInstitutions(db);
  const log = createLogger(config, opts.logStream);
  const events = config.databaseUrl ? await nodeEventBus(config.databaseUrl, db, log) : new EventBus();
  watchRevocations(db, events);
  return {
    config,
    db,
    clock: opts.clock ?? systemClock,
    telephony: createTelephony({ config, db, httpClient: opts.httpClient }),
    events,
    log,
  };
}

/**
 * The event bus on PostgreSQL (on SQLite one process owns the file, and the bus is in it): several
 * nodes may share the database, so every node hears every node's events (LISTEN/NOTIFY,
 * src/db/notify.ts). Loaded only there, as the driver is (db/index.ts).
 */
async function nodeEventBus(url: string, db: Db, log: Deps["log"]): Promise<EventBus> {
  const { NodeEventBus } = await import("./db/notify");
  const client = db.$client as unknown as ConstructorParameters<typeof NodeEventBus>[1];
  return new NodeEventBus(url, client, (message, err) => log.warn({ err }, message));
}
