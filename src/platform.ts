// Opening the platform: config → db (migrated, reference data) → deps.

import { forgetOnRevocation } from "./auth/service";
import type { Config } from "./config";
import { type Db, openDatabase } from "./db";
import { NodeEventBus } from "./db/notify";
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
  const events = config.databaseUrl ? await nodeEventBus(db, log) : new EventBus();
  forgetOnRevocation(db, events);
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
 * src/db/notify.ts); its listening connection is the pool's and ends with it (closeDatabase).
 */
async function nodeEventBus(db: Db, log: Deps["log"]): Promise<EventBus> {
  const client = db.$client as unknown as Parameters<typeof NodeEventBus.open>[0];
  return await NodeEventBus.open(client, (message, err) => log.warn({ err }, message));
}
