import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { pgConnectionOf } from '../db';
import { pgListener } from './listen';
import type { Database } from '../db/types';

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
  /**
   * An event to this node's subscribers of `topic` only: what each node says to its own sockets
   * (a live room's stats, which every node with viewers sends, would otherwise reach each viewer
   * once per node).
   */
  publishLocal(topic: string, type: string, data: object): void;
  /** The topics starting with `prefix` that have subscribers on this node. */
  localTopics(prefix: string): string[];
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

/** What a node's channel needs of its hub: delivery to the local subscribers, and their counts. */
export interface VolatileHub {
  deliver(event: VolatileEvent): void;
  count(topic: string): number;
  /** The local subscriber count of every `live:` topic with subscribers (announced to the other nodes). */
  liveCounts?(): Map<string, number>;
  /** The topics starting with `prefix` with subscribers on this node. */
  localTopics?(prefix: string): string[];
}

/**
 * How messages travel between the nodes (PostgreSQL NOTIFY; NATS could be another): text in,
 * text out, to every node listening, the sender's own included (the node drops its echoes).
 * Fire and forget: `send` answers false when the message was not sent (no connection, too large,
 * too many waiting).
 */
export interface VolatileTransport {
  readonly kind: string;
  send(text: string): boolean;
  start(handlers: { message(text: string): void; resync(): void }): Promise<void>;
  stop(): Promise<void>;
}

export interface VolatileLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A node's channel: VolatileChannel plus the hub to deliver to and the transport's lifecycle. */
export type NodeVolatile = VolatileChannel & {
  attach(hub: VolatileHub): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Messages this node could not send to the others (no connection, too large, backlog). */
  readonly dropped: number;
};

/** Each node announces its live topics' counts this often; an announcement counts for `countTtlMs`. */
export const ANNOUNCE_MS = 1000;
export const COUNT_TTL_MS = 3000;

type WireMessage =
  | { n: string; k: 'e'; t: string; y: string; d: object }
  | { n: string; k: 'b'; s: string; d: object }
  | { n: string; k: 'c'; c: Record<string, number> };

/**
 * One node's volatile channel. Local delivery is immediate and synchronous (the node's own
 * subscribers and broadcast listeners, before anything travels); with a transport, the same
 * message goes to the other nodes, which deliver it to theirs. Every `announceMs` the node
 * announces its `live:` topics' subscriber counts; `subscribers()` adds the other nodes' last
 * announcements younger than `countTtlMs` to the local count.
 */
export function nodeVolatile(options: { transport?: VolatileTransport | null; log?: VolatileLog; announceMs?: number; countTtlMs?: number; now?: () => number } = {}): NodeVolatile {
  const transport = options.transport ?? null;
  const log = options.log;
  const announceMs = options.announceMs ?? ANNOUNCE_MS;
  const countTtlMs = options.countTtlMs ?? COUNT_TTL_MS;
  const now = options.now ?? Date.now;
  const node = randomBytes(6).toString('base64url');
  const handlers = new Map<string, Set<(data: unknown) => void>>();
  const resyncs = new Set<() => void>();
  /** The other nodes' last announcements. */
  const remote = new Map<string, { at: number; counts: Map<string, number> }>();
  let hub: VolatileHub | null = null;
  let announcer: NodeJS.Timeout | null = null;
  let announcedSome = false;
  let dropped = 0;

  function failed(what: string, err: unknown): void {
    log?.error({ err: err instanceof Error ? err.message : String(err) }, `realtime volatile: ${what} failed`);
  }

  function deliverLocal(event: VolatileEvent): void {
    try {
      hub?.deliver(event);
    } catch (err) {
      failed('delivery', err);
    }
  }

  function notifyLocal(subject: string, data: unknown): void {
    for (const h of [...(handlers.get(subject) ?? [])]) {
      try {
        h(data);
      } catch (err) {
        failed(`broadcast handler of ${subject}`, err);
      }
    }
  }

  function send(message: WireMessage): void {
    if (!transport) return;
    if (!transport.send(JSON.stringify(message))) dropped += 1;
  }

  function received(text: string): void {
    let m: WireMessage;
    try {
      m = JSON.parse(text) as WireMessage;
    } catch {
      return;
    }
    if (!m || typeof m !== 'object' || m.n === node) return;
    if (m.k === 'e' && typeof m.t === 'string' && typeof m.y === 'string') deliverLocal({ topic: m.t, type: m.y, data: m.d ?? {} });
    else if (m.k === 'b' && typeof m.s === 'string') notifyLocal(m.s, m.d);
    else if (m.k === 'c' && m.c && typeof m.c === 'object') {
      const counts = new Map<string, number>();
      for (const [topic, n] of Object.entries(m.c)) if (typeof n === 'number' && n > 0) counts.set(topic, n);
      if (counts.size === 0) remote.delete(m.n);
      else remote.set(m.n, { at: now(), counts });
    }
  }

  function announce(): void {
    const counts = hub?.liveCounts?.() ?? new Map<string, number>();
    // An empty announcement once after the last topic went, so the others forget at once.
    if (counts.size === 0 && !announcedSome) return;
    announcedSome = counts.size > 0;
    send({ n: node, k: 'c', c: Object.fromEntries(counts) });
  }

  return {
    attach(h) {
      hub = h;
    },
    publish(topic, type, data) {
      deliverLocal({ topic, type, data });
      send({ n: node, k: 'e', t: topic, y: type, d: data });
    },
    publishLocal(topic, type, data) {
      deliverLocal({ topic, type, data });
    },
    localTopics(prefix) {
      return hub?.localTopics?.(prefix) ?? [];
    },
    broadcast(subject, data) {
      notifyLocal(subject, data);
      send({ n: node, k: 'b', s: subject, d: data });
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
      let n = hub?.count(topic) ?? 0;
      const fresh = now() - countTtlMs;
      for (const [id, entry] of remote) {
        if (entry.at < fresh) remote.delete(id);
        else n += entry.counts.get(topic) ?? 0;
      }
      return n;
    },
    get dropped() {
      return dropped;
    },
    async start() {
      if (!transport) return;
      await transport.start({
        message: received,
        resync() {
          for (const h of [...resyncs]) {
            try {
              h();
            } catch (err) {
              failed('resync handler', err);
            }
          }
        },
      });
      announcer = setInterval(announce, announceMs);
      announcer.unref();
    },
    async stop() {
      if (announcer) clearInterval(announcer);
      announcer = null;
      if (transport) await transport.stop();
    },
  };
}

/**
 * One process (SQLite, tests): everything is delivered in process, synchronously. `deliver` is
 * where the node's hub takes topic events (before a hub is attached they are dropped, as nobody
 * can be subscribed); `count` is the hub's subscriber count of a topic.
 */
export function inProcessVolatile(): NodeVolatile {
  return nodeVolatile();
}

/** The notification channel of volatile messages: one per schema, apart from the realtime bus's. */
export function volatileChannelName(schema: string | null): string {
  return schema ? `volatile_${schema}`.slice(0, 63) : 'volatile';
}

/** NOTIFY's payload limit is 8000 bytes; a message is split into parts below it. */
export const NOTIFY_PAYLOAD_LIMIT = 8000;
const PART_CHARS = 7800;
/** Parts of one message at most (~125 KB): a larger message is refused (the sender's bug). */
export const MAX_PARTS = 16;
/** Messages waiting for the connection at most; more are dropped (volatile: latest wins anyway). */
const MAX_PENDING = 1000;
const PART = /^v1 (\S+) (\d+) (\d+) (\d+) /;

/** JSON text with every character outside ASCII escaped (\uXXXX): its length is its size in bytes. */
export function asciiJson(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A message's NOTIFY payloads: `v1 <sender> <seq> <i> <n> <part>`, each below the limit; null when too large. */
export function notifyParts(sender: string, seq: number, text: string): string[] | null {
  const ascii = asciiJson(text);
  const n = Math.max(1, Math.ceil(ascii.length / PART_CHARS));
  if (n > MAX_PARTS) return null;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`v1 ${sender} ${seq} ${i} ${n} ${ascii.slice(i * PART_CHARS, (i + 1) * PART_CHARS)}`);
  return parts;
}

/** Puts parts back together (PostgreSQL delivers one session's notifications in order); incomplete ones expire. */
export function partAssembler(options: { expireMs?: number; now?: () => number } = {}) {
  const expireMs = options.expireMs ?? 10_000;
  const now = options.now ?? Date.now;
  const open = new Map<string, { parts: string[]; at: number }>();
  return {
    /** The whole message when this part completes it. */
    add(payload: string): string | null {
      const m = PART.exec(payload);
      if (!m) return null;
      const [head, sender, seq, iText, nText] = m;
      const i = Number(iText);
      const n = Number(nText);
      const part = payload.slice(head.length);
      if (n === 1 && i === 0) return part;
      if (n > MAX_PARTS || i >= n) return null;
      const key = `${sender} ${seq}`;
      const t = now();
      for (const [k, entry] of open) if (t - entry.at > expireMs) open.delete(k);
      let entry = open.get(key);
      if (!entry) open.set(key, (entry = { parts: [], at: t }));
      entry.parts[i] = part;
      if (entry.parts.filter((p) => p !== undefined).length < n) return null;
      open.delete(key);
      return entry.parts.join('');
    },
    get pending() {
      return open.size;
    },
  };
}

/**
 * PostgreSQL NOTIFY on a channel of its own (`volatile_<schema>`), through one connection of its
 * own per node (never a transaction's: volatile messages are sent after the commit of what they
 * announce), reconnected with backoff; `resync` after a reconnect, since what was sent meanwhile
 * is gone.
 */
export function postgresVolatileTransport(db: Kysely<Database>, log: VolatileLog, options: { reconnectMs?: number } = {}): VolatileTransport {
  const conn = pgConnectionOf(db);
  if (!conn) throw new Error('postgresVolatileTransport needs a PostgreSQL database made by createDb');
  const channel = volatileChannelName(conn.schema);
  const sender = randomBytes(6).toString('base64url');
  const assembler = partAssembler();
  let handlers: { message(text: string): void; resync(): void } | null = null;
  const listener = pgListener({
    connectionString: conn.connectionString,
    channel,
    name: 'realtime volatile',
    log,
    reconnectMs: options.reconnectMs,
    onPayload(payload) {
      const text = assembler.add(payload);
      if (text !== null) handlers?.message(text);
    },
    onResync: () => handlers?.resync(),
  });
  let seq = 0;
  /** Payloads waiting for the connection: sent in one statement per round trip, in order. */
  let queue: string[] = [];
  let draining = false;

  async function drain(c: pg.Client): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0 && listener.client() === c) {
        const batch = queue;
        queue = [];
        try {
          // One transaction: its notifications are delivered in order (never merged: each payload differs by its sequence number).
          await c.query('select pg_notify($1, p) from unnest($2::text[]) with ordinality as t(p, i) order by i', [channel, batch]);
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err), messages: batch.length }, 'realtime volatile: notify failed');
        }
      }
    } finally {
      draining = false;
      if (listener.client() !== c) queue = [];
    }
  }

  return {
    kind: 'postgres',
    send(text) {
      const c = listener.client();
      if (!c) return false;
      seq += 1;
      const parts = notifyParts(sender, seq, text);
      if (!parts) {
        log.error({ bytes: text.length }, 'realtime volatile: message too large; not sent to the other nodes');
        return false;
      }
      if (queue.length + parts.length > MAX_PENDING) return false;
      queue.push(...parts);
      if (!draining) void drain(c);
      return true;
    },
    async start(h) {
      handlers = h;
      await listener.start();
    },
    stop: () => listener.stop(),
  };
}

/** The node's channel for the database: in process on SQLite, NOTIFY on PostgreSQL. */
export function volatileFor(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', log: VolatileLog): NodeVolatile {
  return dialect === 'postgres' ? nodeVolatile({ transport: postgresVolatileTransport(db, log), log }) : nodeVolatile({ log });
}
