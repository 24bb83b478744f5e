// Pieces shared by the Twilio and outbox implementations: the TwiML we ask Twilio to run,
// absolute callback URLs, and the telephony_messages record.
import twilio from "twilio";
import { atomic, type Db } from "../db";
import { telephonyMessages } from "../db/schema";

export type CallInput = {
  to: string;
  /** Mandarin warning text, read out twice */
  say?: string;
  /** the agent's own phone: bridge the callee to it */
  connectTo?: string;
  statusCallbackPath: string;
  warningId?: number;
};

export type SmsInput = { to: string; body: string; statusCallbackPath: string; warningId?: number };

export type Sent = { sid: string; status: string };

/** What the Twilio and outbox implementations both offer (createTelephony in index.ts picks one). */
export interface Telephony {
  readonly provider: "twilio" | "outbox";
  /** `say`: Mandarin warning read twice; `connectTo`: bridge the callee to the agent's own phone */
  call(input: CallInput): Promise<Sent>;
  sms(input: SmsInput): Promise<Sent>;
  /** true when the X-Twilio-Signature header is valid for this webhook path and form params */
  validSignature(signature: string | undefined, path: string, params: Record<string, string>): boolean;
}

/** Twilio asks for these call progress callbacks; "queued" is never called back. */
export const CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"];

// Neural Mandarin voice; "Polly.Zhiyu" is the standard-engine fallback if ever needed.
const MANDARIN_VOICE = "Polly.Zhiyu-Neural";

// Twilio refuses an inline `Twiml` parameter longer than this; fail before sending.
const MAX_INLINE_TWIML = 4000;

/** Raised when a call or SMS was not accepted. Nothing is recorded in telephony_messages. */
export class TelephonyError extends Error {
  constructor(
    message: string,
    readonly details: { httpStatus?: number; twilioCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "TelephonyError";
  }
}

/**
 * TwiML for an outbound call. With `connectTo` the callee is bridged to the agent's phone
 * (a `say`, if also given, is read once first as an introduction); otherwise `say` is read
 * twice with a pause, because the first seconds of a call are often missed.
 */
export function callTwiml(input: CallInput, callerId?: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const say = (text: string) => response.say({ language: "cmn-CN", voice: MANDARIN_VOICE }, text);
  if (input.connectTo) {
    if (input.say) say(input.say);
    // callerId: the agent sees our Twilio number, which Twilio always allows as caller ID
    response.dial(callerId ? { callerId } : {}, input.connectTo);
  } else if (input.say) {
    say(input.say);
    response.pause({ length: 1 });
    say(input.say);
  } else {
    throw new TypeError("telephony.call needs `say` (a warning to read) or `connectTo` (a phone to bridge to)");
  }
  const xml = response.toString();
  if (xml.length > MAX_INLINE_TWIML) {
    throw new TelephonyError(
      `Call TwiML is ${xml.length} characters; Twilio accepts at most ${MAX_INLINE_TWIML} inline. Shorten the warning text.`,
    );
  }
  return xml;
}

/** Twilio needs absolute callback URLs, and they must be the public ones (signatures cover them). */
export function publicUrl(publicBaseUrl: string, path: string): string {
  return publicBaseUrl.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

export async function recordMessage(
  db: Db,
  row: {
    channel: "call" | "sms";
    provider: "twilio" | "outbox";
    to: string;
    from: string | null;
    body: string;
    sid: string;
    status: string;
    warningId?: number;
  },
): Promise<void> {
  await atomic(
    db,
    async (tx) =>
      await tx
        .insert(telephonyMessages)
        .values({ ...row, warningId: row.warningId ?? null })
        .run(),
  );
}
