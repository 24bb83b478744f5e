// Opening the platform: config → db (migrated, reference data) → deps.
import type { Config } from "./config";
import { openDatabase } from "./db";
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
  return {
    config,
    db,
    clock: opts.clock ?? systemClock,
    telephony: createTelephony({ config, db, httpClient: opts.httpClient }),
    events: new EventBus(),
    log: createLogger(config, opts.logStream),
  };
}
