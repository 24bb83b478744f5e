// Several nodes on one PostgreSQL (README: Several nodes): what one node publishes on its event bus,
// every node's subscribers hear, through NOTIFY on one channel and one LISTEN connection per node.
import { randomUUID } from "node:crypto";
import { EventBus, type LiveEvent, RELISTENED } from "../events";
import { pgClient } from "./pg";

type Client = ReturnType<typeof pgClient>;

/** The one PostgreSQL channel every node listens on. */
const NOTIFY_CHANNEL = "fanzha_events";
/** How long a node keeps listening after its last subscriber left (as the pool keeps a connection). */
const LISTEN_IDLE_MS = 10_000;
/** NOTIFY refuses a payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7_999;

/** An event as it travels: the node that sent it, its channel, event and data. */
type Wire = { n: string; c: string; e: string; d: string };

/**
 * Delivery is local + remote with the sender skipped: a node's own subscribers hear an event at
 * once, synchronously, as on SQLite (a route publishes after its commit and may read its own
 * write's effects right away), and the node drops its own notification when it comes back. Only
 * through NOTIFY would add a round trip to every local event and lose them all while the database
 * is out of reach. Publishes happen after the commit (never inside a transaction), and are sent in
 * order: a batch at a time, one statement, whose notifications PostgreSQL delivers in that order.
 */
export class NodeEventBus extends EventBus {
  readonly node = randomUUID();
  private queue: string[] = [];
  private sending: Promise<void> | null = null;
  private subscribers = 0;
  private listener: { client: Client } | null = null;
  private heard = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * `url`: the database's, for the listening connection (one per node, its own client: it is
   * opened while anyone here subscribes and closed LISTEN_IDLE_MS after the last one leaves, so an
   * idle node, or a test's platform left behind, holds no connection). `sql`: the pool NOTIFY uses.
   */
  constructor(
    private readonly url: string,
    private readonly sql: Client,
    private readonly onError: (message: string, e?: unknown) => void,
  ) {
    super();
  }

  override subscribe(channel: string, fn: (e: LiveEvent) => void): () => void {
    const off = super.subscribe(channel, fn);
    this.subscribers++;
    this.listen();
    let on = true;
    return () => {
      if (!on) return;
      on = false;
      off();
      if (--this.subscribers === 0) this.idle();
    };
  }

  /** True once this node hears the other nodes (until its listening connection closes). */
  get listening(): boolean {
    return this.heard;
  }

  private listen(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.listener) return;
    const client = pgClient(this.url, { max: 1 });
    // postgres.js listens on a connection of its own and, when it drops, opens a new one and
    // listens again, calling onlisten each time; what was sent in between never arrives, so this
    // node's caches hear RELISTENED (at the first listen too: what they kept before it is unsure)
    client
      .listen(
        NOTIFY_CHANNEL,
        (payload) => this.receive(payload),
        () => {
          this.heard = true;
          EventBus.prototype.publish.call(this, RELISTENED.channel, RELISTENED.event, "");
        },
      )
      .catch((e) => {
        if (this.listener?.client !== client) return; // let go meanwhile (unlisten)
        this.onError("LISTEN failed: this node does not hear the others; trying again in 1 s", e);
        this.listener = null;
        void client.end({ timeout: 1 }).catch(() => {});
        setTimeout(() => this.subscribers > 0 && this.listen(), 1000).unref?.();
      });
    this.listener = { client };
  }

  private idle(): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.subscribers === 0) void this.unlisten();
    }, LISTEN_IDLE_MS);
    this.idleTimer.unref?.();
  }

  private async unlisten(): Promise<void> {
    const l = this.listener;
    this.listener = null;
    this.heard = false;
    await l?.client.end({ timeout: 1 }).catch(() => {});
  }

  /** Stops listening; what is still queued is sent first. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.sending;
    await this.unlisten();
  }

  override publish(channel: string, event: string, data = ""): void {
    super.publish(channel, event, data);
    let payload = JSON.stringify({ n: this.node, c: channel, e: event, d: data } satisfies Wire);
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_PAYLOAD_BYTES) {
      // no event here comes near (ids, a 200-character note, an import's counts); should one, the
      // other nodes still hear that it happened, without its data, and read the rest themselves
      this.onError(`event ${channel}/${event} too large for NOTIFY (${bytes} bytes): sent without its data`);
      payload = JSON.stringify({ n: this.node, c: channel, e: event, d: "" } satisfies Wire);
    }
    this.queue.push(payload);
    this.sending ??= this.flush();
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.sql`select pg_notify(${NOTIFY_CHANNEL}, p) from unnest(${this.sql.array(batch)}::text[]) as p`;
      } catch (e) {
        // the database out of reach: this node's screens heard it, the others miss it (a pool
        // closed with the platform, at a node's stop, says nothing)
        if ((e as { code?: string }).code !== "CONNECTION_ENDED")
          this.onError(`NOTIFY failed: ${batch.length} event(s) not sent to the other nodes`, e);
      }
    }
    this.sending = null;
  }

  private receive(payload: string): void {
    let w: Wire;
    try {
      w = JSON.parse(payload) as Wire;
    } catch {
      return;
    }
    if (w.n === this.node) return; // heard at once when published
    super.publish(w.c, w.e, w.d);
  }
}
