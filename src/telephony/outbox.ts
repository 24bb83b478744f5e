// The local outbox: the default when no Twilio credentials are configured. Nothing leaves the
// machine; each call or SMS is recorded (provider "outbox") and appended to outbox.jsonl so an
// operator can `tail -f` what would have been sent.
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db";
import {
  type CallInput,
  callTwiml,
  publicUrl,
  recordMessage,
  type Sent,
  type SmsInput,
  type Telephony,
} from "./common";

export function outboxTelephony(opts: { outboxDir: string; publicBaseUrl: string; db: Db }): Telephony {
  const file = join(opts.outboxDir, "outbox.jsonl");

  async function keep(entry: {
    channel: "call" | "sms";
    to: string;
    body: string;
    statusCallbackPath: string;
    warningId?: number;
    connectTo?: string;
  }): Promise<Sent> {
    // "OB" keeps outbox SIDs apart from Twilio's CA/SM ones; 32 hex digits like theirs
    const sid = `OB${crypto.randomUUID().replaceAll("-", "")}`;
    const status = "queued";
    // file first: if it cannot be written, nothing is recorded and the caller sees the error
    mkdirSync(opts.outboxDir, { recursive: true });
    const line = {
      at: new Date().toISOString(),
      sid,
      status,
      channel: entry.channel,
      to: entry.to,
      ...(entry.connectTo ? { connectTo: entry.connectTo } : {}),
      body: entry.body,
      statusCallback: publicUrl(opts.publicBaseUrl, entry.statusCallbackPath),
      warningId: entry.warningId ?? null,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    await recordMessage(opts.db, {
      channel: entry.channel,
      provider: "outbox",
      to: entry.to,
      from: null,
      body: entry.body,
      sid,
      status,
      warningId: entry.warningId,
    });
    return { sid, status };
  }

  return {
    provider: "outbox",

    async call(input: CallInput) {
      // the same TwiML Twilio would run, so the outbox shows exactly what the callee would hear
      return await keep({ ...input, channel: "call", body: callTwiml(input) });
    },

    async sms(input: SmsInput) {
      return await keep({ ...input, channel: "sms" });
    },

    // Status callbacks only ever come from Twilio, and without an auth token no signature can be
    // checked; the outbox never sends anything Twilio could call back about. Accept nothing, so a
    // forged callback cannot change a warning's status.
    validSignature() {
      return false;
    },
  };
}
