// Telephony: automated warning calls, calls bridging an agent's phone, and SMS.
// With Twilio credentials they go through the Twilio REST API; without, to the local outbox.
//
// Every accepted call or SMS is recorded in telephony_messages with the SID and status from the
// API response (Twilio never calls back with the initial status). A request Twilio refuses, or
// cannot be reached for, throws a TelephonyError and records nothing: a row there means
// "accepted by the provider" and its SID is what later status callbacks are matched against.
// The caller decides what the failure means for the warning.
import type twilio from "twilio";
import type { Config } from "../config";
import type { Db } from "../db";
import type { Telephony } from "./common";
import { outboxTelephony } from "./outbox";
import { twilioTelephony } from "./twilio";

export type { Telephony } from "./common";
export { TelephonyError } from "./common";

export function createTelephony(opts: { config: Config; db: Db; httpClient?: twilio.RequestClient }): Telephony {
  const { config, db } = opts;
  if (config.twilio) {
    return twilioTelephony({
      twilio: config.twilio,
      publicBaseUrl: config.publicBaseUrl,
      db,
      httpClient: opts.httpClient,
    });
  }
  return outboxTelephony({ outboxDir: config.outboxDir, publicBaseUrl: config.publicBaseUrl, db });
}
