// Calls and SMS through the Twilio REST API (official SDK).
import twilio from "twilio";
import type { Config } from "../config";
import type { Db } from "../db";
import {
  CALL_STATUS_EVENTS,
  type CallInput,
  callTwiml,
  publicUrl,
  recordMessage,
  type Sent,
  type SmsInput,
  type Telephony,
  TelephonyError,
} from "./common";

export function twilioTelephony(opts: {
  twilio: NonNullable<Config["twilio"]>;
  publicBaseUrl: string;
  db: Db;
  /** tests pass a client that rewrites api.twilio.com to a loopback stub (the SDK has no base-URL option) */
  httpClient?: twilio.RequestClient;
}): Telephony {
  const { accountSid, authToken, from } = opts.twilio;
  const client = twilio(accountSid, authToken, opts.httpClient ? { httpClient: opts.httpClient } : {});
  const callbackUrl = (path: string) => publicUrl(opts.publicBaseUrl, path);

  return {
    provider: "twilio",

    async call(input: CallInput): Promise<Sent> {
      const twiml = callTwiml(input, from);
      const call = await send("call", () =>
        client.calls.create({
          to: input.to,
          from,
          twiml,
          statusCallback: callbackUrl(input.statusCallbackPath),
          statusCallbackEvent: CALL_STATUS_EVENTS,
          statusCallbackMethod: "POST",
        }),
      );
      // the API response is the only report of the initial status: no callback repeats it
      await recordMessage(opts.db, {
        channel: "call",
        provider: "twilio",
        to: input.to,
        from,
        body: twiml,
        sid: call.sid,
        status: call.status,
        warningId: input.warningId,
      });
      return { sid: call.sid, status: call.status };
    },

    async sms(input: SmsInput): Promise<Sent> {
      const message = await send("SMS", () =>
        client.messages.create({
          to: input.to,
          from,
          body: input.body,
          statusCallback: callbackUrl(input.statusCallbackPath),
        }),
      );
      await recordMessage(opts.db, {
        channel: "sms",
        provider: "twilio",
        to: input.to,
        from,
        body: input.body,
        sid: message.sid,
        status: message.status,
        warningId: input.warningId,
      });
      return { sid: message.sid, status: message.status };
    },

    validSignature(signature, path, params) {
      if (!signature) return false;
      // Twilio signed the URL it was given, i.e. the public one, not what the proxy forwarded to us
      return twilio.validateRequest(authToken, signature, callbackUrl(path), params);
    },
  };
}

/** Runs one API request, turning SDK and network failures into a TelephonyError that says what to check. */
async function send<T>(what: "call" | "SMS", request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof twilio.RestException) {
      const code = err.code ? `, Twilio error ${err.code}` : "";
      const hint = err.status === 401 ? " Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN." : "";
      throw new TelephonyError(
        `Twilio rejected the ${what}: ${err.message || "no message"} (HTTP ${err.status}${code}).${hint}`,
        { httpStatus: err.status, twilioCode: err.code, cause: err },
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new TelephonyError(`Could not reach Twilio to send the ${what}: ${reason}`, { cause: err });
  }
}
