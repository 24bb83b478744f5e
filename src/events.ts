// In-process publish/subscribe behind the live screens (server-sent events).
// Channels: "desk:<institutionId>", "warning:<id>", "queue", "supervision".
export type LiveEvent = { event: string; data: string };
type Listener = (e: LiveEvent) => void;

export class EventBus {
  private listeners = new Map<string, Set<Listener>>();

  subscribe(channel: string, fn: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
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
