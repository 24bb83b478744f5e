// What the center's request pages and the desks' pages share: a live stream of one channel,
// form values, and the urges in a request's history.
import type { Context } from "hono";
import { type LiveEvent, liveStream } from "../events";
import type { AppEnv } from "../http/context";
import { urgeHistory } from "../supervision/urge";
import type { RequestDetail } from "./read";

type C = Context<AppEnv>;

/**
 * A server-sent-event stream of one EventBus channel. `map` turns each event into what this
 * viewer receives (rendered in their language, filtered to what they may see), or null.
 */
export function live(c: C, channel: string, map: (e: LiveEvent) => Promise<LiveEvent | null> | LiveEvent | null) {
  return liveStream(c, async (live) => {
    let chain = Promise.resolve();
    const unsubscribe = c.var.deps.events.subscribe(channel, (e) => {
      chain = chain
        .then(async () => {
          const m = await map(e);
          if (m) await live.send(m);
        })
        .catch(() => {});
    });
    try {
      await live.closed;
    } finally {
      unsubscribe();
    }
  });
}

/** A form field's one value (the first, if sent several times). */
export function one(v: unknown): string {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === "string" ? x : "";
}
/** A form field's values, in order. */
export function many(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === "string" ? x : ""));
}

/** Supervisors' urges (督办) are lines of the request's history, in time order. */
export async function withUrges(db: Parameters<typeof urgeHistory>[0], d: RequestDetail): Promise<RequestDetail> {
  const urged = await urgeHistory(db, d.request.id, d.request.status);
  return urged.length ? { ...d, history: [...d.history, ...urged].sort((a, b) => a.at - b.at) } : d;
}
