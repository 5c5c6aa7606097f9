/**
 * Volatile messages (docs/live.md, "Pushes, not polls"): what is pushed but never stored nor
 * versioned, because only the latest value matters and a client that missed one refetches the
 * resource (a live session's stock left, "just bought" notices, viewer counts), and small
 * notices between the nodes' modules (the live module's sold-out set).
 *
 * Sent after the commit of what they announce, fire and forget: a message lost on a bus outage
 * is covered by `onResync` (re-read what you keep in memory) and by the client's refetch.
 */
export interface VolatileChannel {
  /** An event to every subscriber of `topic` on every node (`{"op":"event","topic",...,"volatile":true}`). */
  publish(topic: string, type: string, data: object): void;
  /** A notice to every node's listeners of `subject` (this node included). */
  broadcast(subject: string, data: object): void;
  onBroadcast(subject: string, handler: (data: unknown) => void): () => void;
  /** The bus lost messages (it reconnected): re-read what is kept from broadcasts. */
  onResync(handler: () => void): () => void;
  /** Sockets subscribed to `topic` across every node (each node's count as last heard, ~1 s old). */
  subscribers(topic: string): number;
}

/** A topic's event as the hub delivers it: topic, type and data. */
export interface VolatileEvent {
  topic: string;
  type: string;
  data: object;
}

/**
 * One process (SQLite, tests): everything is delivered in process, synchronously. `deliver` is
 * where the node's hub takes topic events (before a hub is attached they are dropped, as nobody
 * can be subscribed); `count` is the hub's subscriber count of a topic.
 */
export function inProcessVolatile(): VolatileChannel & {
  attach(hub: { deliver(event: VolatileEvent): void; count(topic: string): number }): void;
} {
  const handlers = new Map<string, Set<(data: unknown) => void>>();
  const resyncs = new Set<() => void>();
  let hub: { deliver(event: VolatileEvent): void; count(topic: string): number } | null = null;
  return {
    attach(h) {
      hub = h;
    },
    publish(topic, type, data) {
      hub?.deliver({ topic, type, data });
    },
    broadcast(subject, data) {
      for (const h of handlers.get(subject) ?? []) h(data);
    },
    onBroadcast(subject, handler) {
      let set = handlers.get(subject);
      if (!set) handlers.set(subject, (set = new Set()));
      set.add(handler);
      return () => void set.delete(handler);
    },
    onResync(handler) {
      resyncs.add(handler);
      return () => void resyncs.delete(handler);
    },
    subscribers(topic) {
      return hub?.count(topic) ?? 0;
    },
  };
}
