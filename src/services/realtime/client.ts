import { backoffDelay, realtimePolicy } from './backoff';
import { type CacheOp, opsForVolatileEvent } from './cache-ops';
import { CLOSE_ABNORMAL, CLOSE_NORMAL, CLOSE_UNAUTHORIZED, type ClientFrame, encodeFrame, isPublicTopic, parseServerFrame, userTopic } from './protocol';
import { initialTopic, onEvent, onReset, onSubscribed, subscribing, type Step, type TopicState, unsubscribed } from './topic';
import type { OpenSocket, RealtimeSocket } from './types';

/** The client closes a connection that stopped answering pings with this code. */
export const CLOSE_STALE = 4000;

/**
 * - `off`: not started, stopped (logout), or no token (and no live room open: a guest connection)
 * - `connecting`, `authenticating` (auth sent), `subscribing` (ready; sub sent)
 * - `live`: subscribed: pushes arrive (pages may poll less); a guest connection: its live rooms are
 * - `waiting`: connection lost, the next attempt is scheduled
 * - `paused`: the app is in the background, the socket closed
 * - `unauthorized`: the server refused the token (4401); nothing until a new token
 */
export type RealtimeStatus = 'off' | 'connecting' | 'authenticating' | 'subscribing' | 'live' | 'waiting' | 'paused' | 'unauthorized';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface RealtimeDeps {
  openSocket: OpenSocket;
  /** The socket's address (read at each connect). */
  url: () => string;
  /** The current bearer token, or null when signed out. */
  token: () => string | null;
  /** Carries out the cache operations a frame produced. */
  apply: (ops: CacheOp[]) => void;
  random?: () => number;
  timers?: Timers;
  policy?: typeof realtimePolicy;
}

const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/**
 * One realtime connection per client: authenticates with the session token, subscribes to the
 * signed-in user's topic from the last version it applied, applies events in version order
 * (topic.ts), keeps the connection alive with pings, and reconnects with exponential backoff and
 * full jitter. The app pauses it in the background and resumes it (resubscribing from the
 * version it has, so the server replays what was missed) when it comes back.
 */
export class RealtimeClient {
  private readonly deps: Required<Omit<RealtimeDeps, 'random' | 'timers' | 'policy'>> & {
    random: () => number;
    timers: Timers;
    policy: typeof realtimePolicy;
  };
  private statusValue: RealtimeStatus = 'off';
  private readonly listeners = new Set<(status: RealtimeStatus) => void>();
  private wanted = false;
  private paused = false;
  private socket: RealtimeSocket | null = null;
  /** Identifies the current connection; events of an earlier one are ignored. */
  private connection = 0;
  private attempt = 0;
  private topic: TopicState | null = null;
  /** Topics beyond the user's (the workbench's merchant topic), each with its own versions. */
  private readonly extra = new Map<string, TopicState>();
  /** The server accepted the token on the current connection (subscriptions can be sent). */
  private ready = false;
  /** Guest connections are allowed (the app wired them: wireRealtime). */
  private guestsEnabled = false;
  /** The current connection authenticates as a guest (nobody signed in, a live room open). */
  private guestConnection = false;
  private authToken: string | null = null;
  private rejectedToken: string | null = null;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private pongTimer: unknown = null;
  /** The last `error` frame, for diagnostics. */
  lastError: { code: string; topic?: string; message?: string } | null = null;

  constructor(deps: RealtimeDeps) {
    this.deps = {
      ...deps,
      random: deps.random ?? Math.random,
      timers: deps.timers ?? globalTimers,
      policy: deps.policy ?? realtimePolicy,
    };
  }

  get status(): RealtimeStatus {
    return this.statusValue;
  }

  /** The topic and the last version applied (null before the first `ready`). */
  get position(): { topic: string; version: number } | null {
    return this.topic ? { topic: this.topic.topic, version: this.topic.version } : null;
  }

  /**
   * The topics to follow besides the user's (e.g. `merchant:m_1` while the workbench is open):
   * new ones are subscribed at once when connected, or at the next `ready`; dropped ones are
   * unsubscribed and forgotten.
   */
  setExtraTopics(topics: readonly string[]): void {
    const wanted = new Set(topics);
    for (const name of [...this.extra.keys()]) {
      if (wanted.has(name)) continue;
      this.extra.delete(name);
      if (this.ready && this.mayFollow(name)) this.send({ op: 'unsub', topic: name });
    }
    for (const name of wanted) {
      if (this.extra.has(name)) continue;
      const state = initialTopic(name);
      const now = this.ready && this.mayFollow(name);
      this.extra.set(name, now ? subscribing(state) : state);
      if (now) this.send({ op: 'sub', topic: name });
    }
    this.reconsiderGuest();
  }

  /**
   * Allows a guest connection (wireRealtime): while nobody is signed in and a live room is
   * followed (`live:` among the extra topics), the client connects with `{"op":"auth","guest":true}`
   * and follows the rooms only; a sign-in replaces it with the user's connection, which carries
   * the rooms too.
   */
  enableGuests(on = true): void {
    this.guestsEnabled = on;
    this.reconsiderGuest();
  }

  /** Whether a guest connection is wanted now. */
  private guestWanted(): boolean {
    return this.guestsEnabled && !this.wanted && [...this.extra.keys()].some(isPublicTopic);
  }

  /** A topic the current connection may subscribe to (a guest's: public topics only). */
  private mayFollow(topic: string): boolean {
    return !this.guestConnection || isPublicTopic(topic);
  }

  private reconsiderGuest(): void {
    if (this.wanted) return;
    if (this.guestWanted()) {
      if (!this.paused && !this.socket && this.reconnectTimer === null) this.connect();
    } else if (this.socket || this.reconnectTimer !== null) {
      this.dropConnection();
      this.setStatus('off');
    }
  }

  /** The extra topics followed now. */
  get extraTopics(): string[] {
    return [...this.extra.keys()];
  }

  subscribe(listener: (status: RealtimeStatus) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Connect (after login, at launch with a session). */
  start(): void {
    this.wanted = true;
    if (this.paused) this.setStatus('paused');
    // A guest connection gives way to the user's.
    else if (this.guestConnection || (!this.socket && this.reconnectTimer === null)) this.connect();
  }

  /** Disconnect and forget the versions (logout, another account). */
  stop(): void {
    this.wanted = false;
    this.dropConnection();
    this.topic = null;
    this.attempt = 0;
    this.rejectedToken = null;
    this.setStatus('off');
    // A live room still open: follow it as a guest.
    this.reconsiderGuest();
  }

  /** The app went to the background: close, keep the versions. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (!this.wanted && !this.guestWanted()) return;
    this.dropConnection();
    if (this.statusValue !== 'unauthorized') this.setStatus('paused');
  }

  /** The app is back: reconnect at once and resubscribe from the versions it has. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if ((!this.wanted && !this.guestWanted()) || this.statusValue === 'unauthorized') return;
    this.attempt = 0;
    this.connect();
  }

  /** The session has a new token for the same user: a refused connection may try again. */
  tokenChanged(): void {
    if (!this.wanted || this.paused) return;
    if (this.statusValue === 'unauthorized' && this.deps.token() !== this.rejectedToken) {
      this.attempt = 0;
      this.connect();
    }
  }

  /** The network came back: skip the rest of a backoff wait. */
  kick(): void {
    if (this.statusValue !== 'waiting' || this.paused || (!this.wanted && !this.guestWanted())) return;
    this.connect();
  }

  private setStatus(status: RealtimeStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    for (const l of [...this.listeners]) l(status);
  }

  private clearTimer(name: 'reconnectTimer' | 'pingTimer' | 'pongTimer'): void {
    if (this[name] !== null) this.deps.timers.clearTimeout(this[name]);
    this[name] = null;
  }

  /** Closes the current socket (no close event follows) and cancels its timers. */
  private dropConnection(): void {
    this.clearTimer('reconnectTimer');
    this.clearTimer('pingTimer');
    this.clearTimer('pongTimer');
    this.connection++;
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    this.guestConnection = false;
    if (this.topic) this.topic = unsubscribed(this.topic);
    for (const [name, state] of this.extra) this.extra.set(name, unsubscribed(state));
    if (socket) {
      try {
        socket.close(CLOSE_NORMAL);
      } catch {
        // Already gone.
      }
    }
  }

  private connect(): void {
    this.dropConnection();
    if (this.paused) return;
    const token = this.wanted ? this.deps.token() : null;
    if (!token) {
      if (this.guestWanted()) this.open(null);
      else this.setStatus('off');
      return;
    }
    if (token === this.rejectedToken) {
      this.setStatus('unauthorized');
      return;
    }
    this.open(token);
  }

  /** Opens a connection that authenticates with the token, or as a guest (null). */
  private open(token: string | null): void {
    const id = this.connection;
    this.authToken = token;
    this.guestConnection = token === null;
    this.setStatus('connecting');
    try {
      this.socket = this.deps.openSocket(this.deps.url(), {
        open: () => this.onOpen(id),
        message: (text) => this.onMessage(id, text),
        close: (code) => this.onClose(id, code),
      });
    } catch {
      this.socket = null;
      this.onClose(id, CLOSE_ABNORMAL);
    }
  }

  private send(frame: ClientFrame): void {
    this.socket?.send(encodeFrame(frame));
  }

  private onOpen(id: number): void {
    if (id !== this.connection) return;
    if (this.guestConnection) {
      this.send({ op: 'auth', guest: true });
      this.setStatus('authenticating');
      this.schedulePing(id);
      return;
    }
    const token = this.deps.token();
    if (!token) {
      this.stop();
      return;
    }
    this.authToken = token;
    this.send({ op: 'auth', token });
    this.setStatus('authenticating');
    this.schedulePing(id);
  }

  private schedulePing(id: number): void {
    this.clearTimer('pingTimer');
    this.pingTimer = this.deps.timers.setTimeout(() => {
      this.pingTimer = null;
      if (id !== this.connection) return;
      this.send({ op: 'ping' });
      this.clearTimer('pongTimer');
      this.pongTimer = this.deps.timers.setTimeout(() => {
        this.pongTimer = null;
        if (id !== this.connection) return;
        // Nothing came back: the connection is dead without having said so.
        const socket = this.socket;
        this.socket = null;
        this.connection++;
        this.clearTimer('pingTimer');
        try {
          socket?.close(CLOSE_STALE, 'no pong');
        } catch {
          // Already gone.
        }
        this.lost();
      }, this.deps.policy.pongTimeoutMs);
      this.schedulePing(id);
    }, this.deps.policy.pingIntervalMs);
  }

  private applyStep(step: Step): void {
    this.topic = step.state;
    if (step.ops.length > 0) this.deps.apply(step.ops);
  }

  private applyExtra(step: Step): void {
    if (!this.extra.has(step.state.topic)) return;
    this.extra.set(step.state.topic, step.state);
    if (step.ops.length > 0) this.deps.apply(step.ops);
  }

  private onMessage(id: number, text: string): void {
    if (id !== this.connection) return;
    // Any frame shows the connection is alive.
    this.clearTimer('pongTimer');
    const frame = parseServerFrame(text);
    if (!frame) return;
    switch (frame.op) {
      case 'ready': {
        if (frame.userId === null) {
          // A guest connection: the live rooms only.
          if (!this.guestConnection) return;
          this.ready = true;
          for (const [extraName, state] of this.extra) {
            if (!isPublicTopic(extraName)) continue;
            const next = subscribing(state);
            this.extra.set(extraName, next);
            this.send(next.version > 0 ? { op: 'sub', topic: extraName, version: next.version } : { op: 'sub', topic: extraName });
          }
          this.setStatus('subscribing');
          return;
        }
        const name = userTopic(frame.userId);
        if (!this.topic || this.topic.topic !== name) this.topic = initialTopic(name);
        this.topic = subscribing(this.topic);
        this.send(this.topic.version > 0 ? { op: 'sub', topic: name, version: this.topic.version } : { op: 'sub', topic: name });
        this.ready = true;
        for (const [extraName, state] of this.extra) {
          const next = subscribing(state);
          this.extra.set(extraName, next);
          this.send(next.version > 0 ? { op: 'sub', topic: extraName, version: next.version } : { op: 'sub', topic: extraName });
        }
        this.setStatus('subscribing');
        return;
      }
      case 'event': {
        const extra = this.extra.get(frame.topic);
        if (extra) this.applyExtra(onEvent(extra, frame));
        else if (this.topic) this.applyStep(onEvent(this.topic, frame));
        return;
      }
      case 'volatile': {
        // No version: applied as it comes (its `at` orders it), only on a confirmed subscription.
        const state = this.extra.get(frame.topic) ?? (this.topic?.topic === frame.topic ? this.topic : null);
        if (!state?.live) return;
        const ops = opsForVolatileEvent(frame.topic, frame.type, frame.data);
        if (ops.length > 0) this.deps.apply(ops);
        return;
      }
      case 'subscribed': {
        const extra = this.extra.get(frame.topic);
        if (extra) {
          this.applyExtra(onSubscribed(extra, frame.version));
          if (this.guestConnection) {
            this.attempt = 0;
            this.setStatus('live');
          }
          return;
        }
        if (this.topic?.topic !== frame.topic) return;
        this.applyStep(onSubscribed(this.topic, frame.version));
        this.attempt = 0;
        this.setStatus('live');
        return;
      }
      case 'reset': {
        const extra = this.extra.get(frame.topic);
        if (extra) {
          this.applyExtra(onReset(extra, frame.version));
          if (this.guestConnection) {
            this.attempt = 0;
            this.setStatus('live');
          }
          return;
        }
        if (this.topic?.topic !== frame.topic) return;
        this.applyStep(onReset(this.topic, frame.version));
        this.attempt = 0;
        this.setStatus('live');
        return;
      }
      case 'error':
        this.lastError = { code: frame.code, topic: frame.topic, message: frame.message };
        return;
      case 'pong':
        return;
    }
  }

  private onClose(id: number, code: number): void {
    if (id !== this.connection) return;
    this.socket = null;
    this.connection++;
    this.ready = false;
    for (const [name, state] of this.extra) this.extra.set(name, unsubscribed(state));
    this.clearTimer('pingTimer');
    this.clearTimer('pongTimer');
    if (code === CLOSE_UNAUTHORIZED && !this.guestConnection) {
      // The session already has another token than the refused one: try with that.
      const current = this.deps.token();
      if (current && current !== this.authToken) {
        this.lost();
        return;
      }
      // The token is not accepted: trying again with it cannot help. A new login brings a new one.
      if (this.topic) this.topic = unsubscribed(this.topic);
      this.rejectedToken = this.authToken;
      this.setStatus('unauthorized');
      return;
    }
    this.lost();
  }

  /** The connection is gone without being asked to: reconnect after a backoff wait. */
  private lost(): void {
    if (this.topic) this.topic = unsubscribed(this.topic);
    if (!this.wanted && !this.guestWanted()) {
      this.setStatus('off');
      return;
    }
    if (this.paused) {
      this.setStatus('paused');
      return;
    }
    const delay = backoffDelay(this.attempt, this.deps.random, this.deps.policy);
    this.attempt++;
    this.setStatus('waiting');
    this.clearTimer('reconnectTimer');
    this.reconnectTimer = this.deps.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }
}
