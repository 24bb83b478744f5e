// What the telephony layer sent (or, without Twilio, kept in the local outbox): the /outbox screen.
import { desc, eq, lt } from "drizzle-orm";
import type { Db } from "../db";
import { targets, telephonyMessages, warnings } from "../db/schema";

export type SentMessage = {
  id: number;
  channel: "call" | "sms";
  provider: "twilio" | "outbox";
  to: string;
  from: string | null;
  body: string | null;
  sid: string;
  status: string;
  warningId: number | null;
  targetId: number | null;
  /** The target's name, so a reader who may not see it finds it masked in the text too. */
  targetName: string | null;
  createdAt: number;
};

const LOG_PAGE = 100;

/** Newest first, a page at a time (`before`: the last id of the previous page). */
export async function listMessages(db: Db, before?: number): Promise<{ rows: SentMessage[]; more: boolean }> {
  const m = telephonyMessages;
  const rows = (
    await db
      .select({
        id: m.id,
        channel: m.channel,
        provider: m.provider,
        to: m.to,
        from: m.from,
        body: m.body,
        sid: m.sid,
        status: m.status,
        warningId: m.warningId,
        targetId: warnings.targetId,
        targetName: targets.name,
        createdAt: m.createdAt,
      })
      .from(m)
      .leftJoin(warnings, eq(warnings.id, m.warningId))
      .leftJoin(targets, eq(targets.id, warnings.targetId))
      .where(lt(m.id, before ?? Number.MAX_SAFE_INTEGER))
      .orderBy(desc(m.id))
      .limit(LOG_PAGE + 1)
      .all()
  ).map((r) => ({ ...r, createdAt: r.createdAt.getTime() }));
  return { rows: rows.slice(0, LOG_PAGE), more: rows.length > LOG_PAGE };
}
