// The typed context every route sees.

import type { Logger } from "pino";
import type { Lang, T } from "../../views/i18n";
import type { Config } from "../config";
import type { Db } from "../db";
import type { Actor } from "../domain/access";
import type { EventBus } from "../events";
import type { Telephony } from "../telephony";

export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };

export type Deps = {
  config: Config;
  db: Db;
  clock: Clock;
  telephony: Telephony;
  events: EventBus;
  /** JSON lines (pino): the access log and errors. */
  log: Logger;
};

type SessionInfo = { id: string; csrfToken: string };

// On the API's path (its middleware, the lookup) variables are read with c.get("deps"): hono's
// c.var copies every variable into a new object at each read.
export type AppEnv = {
  Variables: {
    deps: Deps;
    actor: Actor | null;
    session: SessionInfo | null;
    lang: Lang;
    t: T;
    /** hono's requestId middleware: X-Request-Id, shown on error pages and in the JSON error body. */
    requestId: string;
  };
};
