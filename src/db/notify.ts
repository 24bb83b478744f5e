// Several nodes on one PostgreSQL (README: Several nodes): what one node publishes on its event bus,
// every node's subscribers hear, through NOTIFY on one channel and one LISTEN connection per node.
import { randomUUID } from "node:crypto";
import { EventBus, RELISTENED } from "../events";
import type { pgClient } from "./pg";

type Client = ReturnType<typeof pgClient>;

/** The one PostgreSQL channel every node listens on. */
const NOTIFY_CHANNEL = "fanzha_events";
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
  private listening: { unlisten: () => Promise<void> } | null = null;

  private constructor(
    private readonly sql: Client,
    private readonly onError: (message: string, e?: unknown) => void,
  ) {
    super();
  }

  /** A bus whose node listens before it is handed out (so nothing published after is missed). */
  static async open(sql: Client, onError: (message: string, e?: unknown) => void): Promise<NodeEventBus> {
    const bus = new NodeEventBus(sql, onError);
    let listens = 0;
    // postgres.js listens on a connection of its own and, when it drops, opens a new one and
    // listens again, calling onlisten each time; notifications sent in between never arrive
    bus.listening = await sql.listen(
      NOTIFY_CHANNEL,
      (payload) => bus.receive(payload),
      () => {
        if (listens++ > 0) EventBus.prototype.publish.call(bus, RELISTENED.channel, RELISTENED.event, "");
      },
    );
    return bus;
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

  /** Stops listening; what is still queued is sent first. */
  async close(): Promise<void> {
    await this.sending;
    await this.listening?.unlisten().catch(() => {});
    this.listening = null;
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.sql`select pg_notify(${NOTIFY_CHANNEL}, p) from unnest(${this.sql.array(batch)}::text[]) as p`;
      } catch (e) {
        // the database out of reach: this node's screens heard it, the others miss it
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
