// What the telephony layer sent (or, without Twilio, kept in the local outbox): the /outbox screen.
import type { Db } from "../db";

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

export const LOG_PAGE = 100;

/** Newest first, a page at a time (`before`: the last id of the previous page). */
export function listMessages(db: Db, before?: number): { rows: SentMessage[]; more: boolean } {
  const rows = db.$client
    .query<SentMessage, [number, number]>(
      `select m.id, m.channel, m.provider, m."to", m."from", m.body, m.sid, m.status, m.warning_id as warningId,
              w.target_id as targetId, tg.name as targetName, m.created_at as createdAt
       from telephony_messages m left join warnings w on w.id = m.warning_id left join targets tg on tg.id = w.target_id
       where m.id < ? order by m.id desc limit ?`,
    )
    .all(before ?? Number.MAX_SAFE_INTEGER, LOG_PAGE + 1);
  return { rows: rows.slice(0, LOG_PAGE), more: rows.length > LOG_PAGE };
}
