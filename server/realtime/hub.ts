import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import type { Notice, RealtimeBus, UserNotice } from './bus';
import { MAX_REPLAY, messagesAfter, topicVersion, type StoredMessage } from './store';
import { isPublicTopic, ownTopicOnly, parseTopic, type Topic, type TopicAuthorizer } from './topics';
import type { VolatileEvent, VolatileHub } from './volatile';

type Db = Kysely<Database>;

/** The part of a WebSocket the hub uses (ws's WebSocket has it). */
export interface HubSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface HubLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface HubOptions {
  db: Db;
  bus: RealtimeBus;
  log: HubLog;
  /** The user a token stands for; null when invalid, revoked or the account is disabled. */
  authenticate(token: string): Promise<string | null>;
  /** Whether a user may subscribe to a topic (the app's; default: the user's own topic only). */
  authorizeTopic?: TopicAuthorizer;
  /**
   * How often the subscriptions to topics other than the user's own are checked again, the
   * backstop of the user notices on the bus (a staff change that came without its event: an
   * edit by hand, a notice lost while the bus reconnected). Default 60 s.
   */
  recheckMs?: number;
  /** Time a socket has to authenticate. Default 10 s. */
  authTimeoutMs?: number;
  /** A socket that sent nothing for this long is closed. Default 90 s (clients ping every 25 s). */
  idleMs?: number;
  /** A socket whose unsent data passes this is too slow and is closed. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * A socket whose unsent data passes this misses volatile messages (stock left, viewer counts:
   * the next one carries the latest) instead of queueing them. Default 64 KiB.
   */
  volatileMaxBufferedBytes?: number;
  /**
   * Sockets this node holds at most; one more is closed at once (1013, try again later) so the
   * node never runs out of file descriptors its database and HTTP need. Default 10,000.
   */
  maxConnections?: number;
}

/** Close codes (docs/realtime.md); 1013 "try again later": too slow a reader, or a full node. */
export const CLOSE = { unauthenticated: 4401, authTimeout: 4408, badFrame: 1008, goingAway: 1001, tooSlow: 1013 } as const;
const MAX_FRAME = 4096;
const MAX_TOPICS_PER_SOCKET = 20;
/** A guest follows live rooms only, and a few at most. */
const MAX_TOPICS_PER_GUEST = 5;
const OPEN = 1;

interface Subscription {
  conn: Connection;
  topic: string;
  parsed: Topic;
  /** The last version sent; -1 until the subscription is live. */
  sent: number;
}

interface Connection {
  socket: HubSocket;
  userId: string | null;
  /** Authenticated as a guest (`{"op":"auth","guest":true}`): public topics only. */
  guest: boolean;
  subs: Map<string, Subscription>;
  lastSeen: number;
  authTimer: NodeJS.Timeout | null;
  /**
   * How many rechecks of this user's access have begun on this socket: a subscription whose
   * check was in flight when one began asks again, so an answer read before a change committed
   * never outlives it.
   */
  rechecks: number;
}

export interface HubStats {
  connections: number;
  /** Of them, guest sockets. */
  guests: number;
  subscriptions: number;
  topics: number;
  /** Volatile messages not sent to a socket whose buffer was too full (since the hub started). */
  volatileDropped: number;
}

/**
 * One node's realtime hub (docs/realtime.md): accepts sockets, authenticates them, keeps their
 * subscriptions, replays what a subscriber missed and forwards new messages announced on the
 * bus. The work of one topic (a subscription's replay, new messages) runs one step at a time,
 * so each subscriber gets the topic's versions in order, each once.
 */
export function createHub(options: HubOptions) {
  const { db, bus, log } = options;
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;
  const idleMs = options.idleMs ?? 90_000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const volatileMaxBuffered = options.volatileMaxBufferedBytes ?? 64 * 1024;
  let volatileDropped = 0;
  const maxConnections = options.maxConnections ?? 10_000;
  const authorizeTopic = options.authorizeTopic ?? ownTopicOnly;
  const recheckMs = options.recheckMs ?? 60_000;
  const conns = new Set<Connection>();
  const byTopic = new Map<string, Set<Subscription>>();
  const chains = new Map<string, Promise<void>>();
  let closed = false;

  /** Sends a frame, or its JSON text when the caller sends the same frame to many sockets. */
  function send(conn: Connection, frame: object | string): void {
    if (conn.socket.readyState !== OPEN) return;
    if (conn.socket.bufferedAmount > maxBuffered) {
      conn.socket.close(CLOSE.tooSlow, 'too slow');
      return;
    }
    conn.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Each message's frame text, made once however many subscribers get it. */
  const frameTexts = new WeakMap<StoredMessage, string>();
  function frameOf(m: StoredMessage): string {
    let text = frameTexts.get(m);
    if (text === undefined) {
      text = JSON.stringify({ op: 'event', topic: m.topic, version: m.version, type: m.type, data: m.data });
      frameTexts.set(m, text);
    }
    return text;
  }

  /** Runs `work` after the topic's previous work (one step at a time per topic). */
  function onTopic(topic: string, work: () => Promise<void>): Promise<void> {
    const next = (chains.get(topic) ?? Promise.resolve()).then(work).catch((err: unknown) => {
      log.error({ topic, err: err instanceof Error ? err.message : String(err) }, 'realtime: topic work failed');
    });
    chains.set(topic, next);
    void next.then(() => {
      if (chains.get(topic) === next) chains.delete(topic);
    });
    return next;
  }

  function sendMessages(sub: Subscription, messages: readonly StoredMessage[]): void {
    for (const m of messages) {
      if (m.version <= sub.sent) continue;
      send(sub.conn, frameOf(m));
      sub.sent = m.version;
    }
  }

  /** Sends every live subscriber of the topic what it has not had yet. */
  function pump(topic: string): Promise<void> {
    return onTopic(topic, async () => {
      for (;;) {
        const subs = [...(byTopic.get(topic) ?? [])].filter((s) => s.sent >= 0);
        if (subs.length === 0) return;
        const from = Math.min(...subs.map((s) => s.sent));
        const messages = await messagesAfter(db, topic, from, MAX_REPLAY);
        if (messages.length === 0) return;
        for (const sub of subs) {
          // A subscriber further behind than the messages kept (pruned): it must refetch.
          if (messages[0].version > sub.sent + 1) {
            const last = messages[messages.length - 1].version;
            send(sub.conn, { op: 'reset', topic, version: last });
            sub.sent = last;
          } else sendMessages(sub, messages);
        }
        if (messages.length < MAX_REPLAY) return;
      }
    });
  }

  function subscribe(conn: Connection, topic: string, parsed: Topic, version: number): Promise<void> {
    const existing = conn.subs.get(topic);
    if (existing) {
      byTopic.get(topic)?.delete(existing);
    }
    const sub: Subscription = { conn, topic, parsed, sent: -1 };
    conn.subs.set(topic, sub);
    let set = byTopic.get(topic);
    if (!set) byTopic.set(topic, (set = new Set()));
    set.add(sub);
    return onTopic(topic, async () => {
      if (conn.subs.get(topic) !== sub) return; // unsubscribed meanwhile
      const current = await topicVersion(db, topic);
      if (version <= 0) {
        sub.sent = current;
      } else if (version > current || current - version > MAX_REPLAY) {
        send(conn, { op: 'reset', topic, version: current });
        sub.sent = current;
      } else {
        const messages = await messagesAfter(db, topic, version, MAX_REPLAY);
        // Missing messages (pruned) between the client's version and the current one: reset.
        const gap = messages.length === 0 ? current > version : messages[0].version !== version + 1;
        if (gap) {
          send(conn, { op: 'reset', topic, version: current });
          sub.sent = current;
        } else {
          sub.sent = version;
          sendMessages(sub, messages);
        }
      }
      send(conn, { op: 'subscribed', topic, version: sub.sent });
    });
  }

  function unsubscribe(conn: Connection, topic: string): void {
    const sub = conn.subs.get(topic);
    if (!sub) return;
    conn.subs.delete(topic);
    const set = byTopic.get(topic);
    set?.delete(sub);
    if (set && set.size === 0) byTopic.delete(topic);
  }

  function drop(conn: Connection): void {
    if (!conns.delete(conn)) return;
    if (conn.authTimer) clearTimeout(conn.authTimer);
    for (const topic of [...conn.subs.keys()]) unsubscribe(conn, topic);
  }

  function refuse(conn: Connection, code: string, message: string, topic?: string): void {
    send(conn, { op: 'error', code, message, ...(topic ? { topic } : {}) });
  }

  async function onFrame(conn: Connection, raw: string): Promise<void> {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      conn.socket.close(CLOSE.badFrame, 'not JSON');
      return;
    }
    if (!frame || typeof frame !== 'object') return refuse(conn, 'BAD_FRAME', 'a frame is a JSON object');
    const f = frame as Record<string, unknown>;
    if (f.op === 'ping') return send(conn, { op: 'pong' });
    if (f.op === 'auth' && f.guest === true && f.token === undefined) {
      // A guest (nobody signed in, a live room open): public topics only. A socket signed in
      // before keeps its public subscriptions and loses the rest.
      for (const [topic, sub] of [...conn.subs]) if (!isPublicTopic(sub.parsed)) unsubscribe(conn, topic);
      conn.userId = null;
      conn.guest = true;
      if (conn.authTimer) clearTimeout(conn.authTimer);
      conn.authTimer = null;
      return send(conn, { op: 'ready', userId: null });
    }
    if (f.op === 'auth') {
      if (typeof f.token !== 'string' || f.token.length === 0 || f.token.length > 2048) return void conn.socket.close(CLOSE.unauthenticated, 'no token');
      let userId: string | null;
      try {
        userId = await options.authenticate(f.token);
      } catch {
        userId = null; // a disabled account
      }
      if (!userId) return void conn.socket.close(CLOSE.unauthenticated, 'token refused');
      if (conn.userId && conn.userId !== userId) {
        // Another account on the same socket: its subscriptions end.
        for (const topic of [...conn.subs.keys()]) unsubscribe(conn, topic);
      }
      conn.userId = userId;
      conn.guest = false;
      if (conn.authTimer) clearTimeout(conn.authTimer);
      conn.authTimer = null;
      return send(conn, { op: 'ready', userId });
    }
    if (!conn.userId && !conn.guest) return refuse(conn, 'UNAUTHENTICATED', 'send auth first');
    if (f.op === 'sub' || f.op === 'unsub') {
      const topicName = typeof f.topic === 'string' ? f.topic : '';
      const topic = parseTopic(topicName);
      if (!topic) return refuse(conn, 'TOPIC_UNKNOWN', 'no such topic', topicName.slice(0, 80));
      if (f.op === 'unsub') return unsubscribe(conn, topicName);
      if (!conn.userId) {
        // A guest: public topics, and nothing asked of the app.
        if (!isPublicTopic(topic)) return refuse(conn, 'TOPIC_FORBIDDEN', 'sign in for this topic', topicName);
        if (!conn.subs.has(topicName) && conn.subs.size >= MAX_TOPICS_PER_GUEST) return refuse(conn, 'BAD_FRAME', 'too many topics on one socket', topicName);
        const version = f.version === undefined ? 0 : f.version;
        if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return refuse(conn, 'BAD_FRAME', 'version must be a whole number >= 0', topicName);
        await subscribe(conn, topicName, topic, version);
        return;
      }
      const userId = conn.userId;
      let allowed: boolean;
      let seen: number;
      do {
        seen = conn.rechecks;
        allowed = await mayHave(userId, topic);
      } while (allowed && conn.rechecks !== seen);
      if (!allowed) return refuse(conn, 'TOPIC_FORBIDDEN', 'this topic is not yours', topicName);
      // Signed in as someone else while the check ran: the frame was the other account's.
      if (conn.userId !== userId) return refuse(conn, 'TOPIC_FORBIDDEN', 'this topic is not yours', topicName);
      if (!conn.subs.has(topicName) && conn.subs.size >= MAX_TOPICS_PER_SOCKET) return refuse(conn, 'BAD_FRAME', 'too many topics on one socket', topicName);
      const version = f.version === undefined ? 0 : f.version;
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return refuse(conn, 'BAD_FRAME', 'version must be a whole number >= 0', topicName);
      await subscribe(conn, topicName, topic, version);
      return;
    }
    return refuse(conn, 'BAD_FRAME', 'unknown op');
  }

  /**
   * Volatile events (server/realtime/volatile.ts): to every live subscription of the topic on
   * this node, no version, nothing stored; one frame text for all. A socket whose buffer is
   * too full misses it (the next carries the latest) rather than queueing without bound.
   */
  const volatileSide: VolatileHub = {
    deliver(event: VolatileEvent): void {
      const subs = byTopic.get(event.topic);
      if (!subs || subs.size === 0) return;
      const text = JSON.stringify({ op: 'event', topic: event.topic, type: event.type, data: event.data, volatile: true });
      for (const sub of subs) {
        // Not live yet: the client refetches at `subscribed`, which comes after this.
        if (sub.sent < 0) continue;
        const socket = sub.conn.socket;
        if (socket.readyState !== OPEN) continue;
        if (socket.bufferedAmount > volatileMaxBuffered) {
          volatileDropped += 1;
          continue;
        }
        socket.send(text);
      }
    },
    count(topic: string): number {
      return byTopic.get(topic)?.size ?? 0;
    },
    localTopics(prefix: string): string[] {
      return [...byTopic].filter(([topic, subs]) => subs.size > 0 && topic.startsWith(prefix)).map(([topic]) => topic);
    },
    liveCounts(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const [topic, subs] of byTopic) if (subs.size > 0 && topic.startsWith('live:')) counts.set(topic, subs.size);
      return counts;
    },
  };

  const stopListening = bus.listen({
    notice(n: Notice) {
      if (byTopic.has(n.topic)) void pump(n.topic);
    },
    user(n: UserNotice) {
      if (n.action === 'disconnect') disconnectUser(n.userId);
      else void recheckUser(n.userId).catch(() => undefined);
    },
    resync() {
      for (const topic of byTopic.keys()) void pump(topic);
      // User notices sent while the bus was away are lost too.
      void recheckTopics().catch(() => undefined);
    },
  });

  /** The app's answer; a failure to answer (the database) counts as no. Public topics (live rooms) are anyone's. */
  async function mayHave(userId: string, topic: Topic): Promise<boolean> {
    if (isPublicTopic(topic)) return true;
    try {
      return await authorizeTopic(userId, topic);
    } catch (err) {
      log.warn({ topic: `${topic.kind}:${topic.id}`, err: err instanceof Error ? err.message : String(err) }, 'realtime: topic authorisation failed');
      return false;
    }
  }

  /** Asks again about one subscription to a topic that is not the user's own; ends it (TOPIC_FORBIDDEN) when no longer allowed. Answers whether it ended. */
  async function recheck(conn: Connection, sub: Subscription): Promise<boolean> {
    if (sub.parsed.kind === 'user' || isPublicTopic(sub.parsed) || !conn.userId) return false;
    if (await mayHave(conn.userId, sub.parsed)) return false;
    // Unsubscribed, or subscribed anew (with a check of its own), while the answer came.
    if (conn.subs.get(sub.topic) !== sub) return false;
    unsubscribe(conn, sub.topic);
    refuse(conn, 'TOPIC_FORBIDDEN', 'this topic is no longer yours', sub.topic);
    return true;
  }

  /**
   * Checks again every subscription to a topic that is not the user's own (a merchant's): one
   * that is no longer allowed ends, with a TOPIC_FORBIDDEN error frame. Answers how many ended.
   */
  async function recheckTopics(): Promise<number> {
    let ended = 0;
    for (const conn of [...conns]) {
      for (const sub of [...conn.subs.values()]) if (await recheck(conn, sub)) ended += 1;
    }
    return ended;
  }

  /**
   * The same for one user's sockets only: what a user notice on the bus asks (a staff member
   * removed or given another role, on any node). Answers how many ended.
   */
  async function recheckUser(userId: string): Promise<number> {
    const mine = [...conns].filter((c) => c.userId === userId);
    for (const conn of mine) conn.rechecks += 1;
    let ended = 0;
    for (const conn of mine) {
      for (const sub of [...conn.subs.values()]) if (await recheck(conn, sub)) ended += 1;
    }
    return ended;
  }

  /** Closes every socket of the user (4401): the account disabled or its sessions revoked. */
  function disconnectUser(userId: string): void {
    for (const conn of [...conns]) if (conn.userId === userId) conn.socket.close(CLOSE.unauthenticated, 'signed out');
  }
  const rechecker = setInterval(() => void recheckTopics().catch(() => undefined), recheckMs);
  rechecker.unref();

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const conn of conns) if (now - conn.lastSeen > idleMs) conn.socket.close(CLOSE.goingAway, 'idle');
  }, Math.min(idleMs, 30_000));
  sweeper.unref();

  return {
    accept(socket: HubSocket): void {
      if (closed) return void socket.close(CLOSE.goingAway, 'shutting down');
      if (conns.size >= maxConnections) {
        log.warn({ connections: conns.size }, 'realtime: connection limit reached; refusing a socket');
        return void socket.close(CLOSE.tooSlow, 'node full; try again later');
      }
      const conn: Connection = { socket, userId: null, guest: false, subs: new Map(), lastSeen: Date.now(), authTimer: null, rechecks: 0 };
      conns.add(conn);
      conn.authTimer = setTimeout(() => {
        if (!conn.userId && !conn.guest) socket.close(CLOSE.authTimeout, 'no auth');
      }, authTimeoutMs);
      conn.authTimer.unref();
      socket.on('message', (data, isBinary) => {
        conn.lastSeen = Date.now();
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
        if (isBinary || size > MAX_FRAME) return void socket.close(CLOSE.badFrame, 'frame not accepted');
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        void onFrame(conn, text).catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'realtime: frame failed'));
      });
      socket.on('close', () => drop(conn));
      socket.on('error', () => drop(conn));
    },
    /** Closes every socket of the user on this node (the bus's `disconnect` notice does it on every node). */
    disconnectUser,
    stats(): HubStats {
      let subscriptions = 0;
      let guests = 0;
      for (const c of conns) {
        subscriptions += c.subs.size;
        if (c.guest) guests += 1;
      }
      return { connections: conns.size, guests, subscriptions, topics: byTopic.size, volatileDropped };
    },
    ...volatileSide,
    /** Checks the subscriptions to other topics than the user's own again now (also every `recheckMs`). */
    recheckTopics,
    /** The same for one user (the bus's `recheck` notice does it on every node). */
    recheckUser,
    /** Waits for the work queued on every topic (tests). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
    async close(): Promise<void> {
      closed = true;
      stopListening();
      clearInterval(sweeper);
      clearInterval(rechecker);
      for (const conn of [...conns]) conn.socket.close(CLOSE.goingAway, 'shutting down');
      await Promise.all([...chains.values()]);
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
