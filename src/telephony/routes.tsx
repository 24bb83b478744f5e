// Twilio status callbacks (/webhooks/twilio/...) and the local outbox screen (/outbox).
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { OutboxPage } from "../../views/telephony/outbox";
import { allow } from "../auth/middleware";
import { can, seesPersonalData } from "../domain/access";
import type { ProviderKind } from "../domain/queue";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { badRequest, forbidden } from "../http/errors";
import { render } from "../http/render";
import { applyProviderStatus } from "../targets/warnings";
import { listMessages } from "./log";

/**
 * One status callback. The signature covers the public URL (with its query) and every form
 * field: forged, tampered or unsigned → 403 and nothing changes. A repeat is acknowledged and
 * ignored, so Twilio stops retrying.
 */
async function statusCallback(c: Context<AppEnv>, kind: ProviderKind) {
  const body = await c.req.parseBody();
  const params = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const url = new URL(c.req.url);
  if (!c.var.deps.telephony.validSignature(c.req.header("X-Twilio-Signature"), url.pathname + url.search, params)) {
    throw forbidden("Invalid or missing X-Twilio-Signature");
  }
  const sid = kind === "call" ? params.CallSid : (params.MessageSid ?? params.SmsSid);
  const status = kind === "call" ? params.CallStatus : (params.MessageStatus ?? params.SmsStatus);
  if (!sid || !status)
    throw badRequest(
      kind === "call" ? "CallSid and CallStatus are required" : "MessageSid and MessageStatus are required",
    );
  // calls number their callbacks; an SMS reports each status once
  const eventKey = `${sid}:${status}:${params.SequenceNumber ?? ""}`;
  const warningId = Number(url.searchParams.get("warning")) || null;
  await applyProviderStatus(
    c.var.deps,
    { ...who(c), label: "system:twilio" },
    { kind, sid, status, eventKey, warningId },
  );
  return c.body(null, 204);
}

export const webhookRoutes = new Hono<AppEnv>()
  .post("/twilio/call-status", async (c) => await statusCallback(c, "call"))
  .post("/twilio/message-status", async (c) => await statusCallback(c, "sms"));

export const outboxRoutes = new Hono<AppEnv>().get("/", allow("outbox.read"), async (c) => {
  const actor = c.var.actor!;
  const before = Number(c.req.query("before")) || undefined;
  const { rows, more } = await listMessages(c.var.deps.db, before);
  // the numbers called and texted are targets' phones
  await audit(c, { action: "view", entity: "outbox", detail: { before: before ?? null, rows: rows.length } });
  const page = (
    <OutboxPage
      t={c.var.t}
      provider={c.var.deps.telephony.provider}
      file={join(c.var.deps.config.outboxDir, "outbox.jsonl")}
      rows={rows}
      more={more}
      personal={seesPersonalData(actor.role)}
      canOpenTargets={can(actor, "targets.read")}
    />
  );
  return render(c, c.var.t("nav.outbox"), page);
});
