// Publish/subscribe behind the live screens (server-sent events): in this process, and on
// PostgreSQL across every node sharing the database (src/db/notify.ts; README: Several nodes).
// Channels: "desk:<institutionId>", "warning:<id>", "queue", "supervision", "requests", and
// "center" (what the agents and supervisors hear: a desk's "answer", an "onward" stop-payment
// drafted or sent, a target "urged"; home/live.tsx). A desk's channel also carries "urged".
// "tokens" carries revocations to every node's token cache (auth/service.ts).
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
export type LiveEvent = { event: string; data: string };
/** The JSON of a "center" event (and of "urged" on a desk's channel). */
export type CenterEventData = {
  requestId?: number;
  action?: string;
  from?: number;
  sent?: boolean;
  targetId?: number;
  by?: string;
  note?: string | null;
};
type Listener = (e: LiveEvent) => void;

/**
 * Published on one node only, when its connection listening to the other nodes came back (on
 * PostgreSQL, src/db/notify.ts): what they published in between was lost, so caches start afresh.
 */
export const RELISTENED = { channel: "node", event: "relistened" } as const;

export class EventBus {
  private listeners = new Map<string, Set<Listener>>();

  subscribe(channel: string, fn: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.listeners.delete(channel);
    };
  }

  publish(channel: string, event: string, data = ""): void {
    for (const fn of this.listeners.get(channel) ?? []) fn({ event, data });
  }
}

// ---------------------------------------------------------------------------------------------
// The one live-stream helper behind every server-sent-event route.

/** Below Bun's idle timeout and the proxies' (often 30–60 s), so a quiet stream stays open. */
export const KEEPALIVE_MS = 15_000;

export type LiveStream = {
  /** Sends one event; nothing once the browser has gone. */
  send(e: LiveEvent & { retry?: number }): Promise<void>;
  readonly aborted: boolean;
  /** Resolves when the browser goes away. */
  readonly closed: Promise<void>;
};

/**
 * A server-sent-event stream: a first event at once (its bytes send the headers; until then the
 * browser's EventSource and the page's load event wait), then what `body` sends, with a comment
 * line after each KEEPALIVE_MS of silence. The stream ends when `body` returns or the browser goes;
 * a pub/sub stream subscribes and awaits `live.closed`.
 */
export function liveStream(
  c: Context,
  body: (live: LiveStream) => Promise<void>,
  opts: { first?: LiveEvent; keepaliveMs?: number } = {},
): Response {
  const keepaliveMs = opts.keepaliveMs ?? KEEPALIVE_MS;
  return streamSSE(c, async (stream) => {
    const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
    let wrote = true;
    const live: LiveStream = {
      async send(e) {
        if (stream.aborted) return;
        wrote = true;
        await stream.writeSSE(e);
      },
      get aborted() {
        return stream.aborted;
      },
      closed,
    };
    // a write racing the browser's disconnect fails: that ends the stream
    const timer = setInterval(() => {
      if (!wrote && !stream.aborted) void stream.write(": keepalive\n\n").catch(() => stream.abort());
      wrote = false;
    }, keepaliveMs);
    try {
      await live.send({ ...(opts.first ?? { event: "ready", data: "" }), retry: 3000 });
      await body(live);
    } finally {
      clearInterval(timer);
    }
  });
}
