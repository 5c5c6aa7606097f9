/** Test doubles for the realtime client: a scripted socket server and a manual clock. */
import type { ClientFrame, ServerFrame } from './protocol';
import type { OpenSocket, RealtimeSocket, SocketHandlers } from './types';
import type { Timers } from './client';

export interface FakeConnection {
  url: string;
  handlers: SocketHandlers;
  /** Frames the client sent, parsed. */
  sent: ClientFrame[];
  /** Set when the client closed it. */
  closedByClient: { code?: number; reason?: string } | null;
  open(): void;
  push(frame: ServerFrame | Record<string, unknown>): void;
  pushRaw(text: string): void;
  /** The server (or the network) ends the connection. */
  drop(code: number, reason?: string): void;
}

/** An OpenSocket that records every connection the client opens; the test plays the server. */
export function fakeSockets(): { openSocket: OpenSocket; connections: FakeConnection[]; last(): FakeConnection } {
  const connections: FakeConnection[] = [];
  const openSocket: OpenSocket = (url, handlers): RealtimeSocket => {
    const conn: FakeConnection = {
      url,
      handlers,
      sent: [],
      closedByClient: null,
      open: () => handlers.open(),
      push: (frame) => handlers.message(JSON.stringify(frame)),
      pushRaw: (text) => handlers.message(text),
      drop: (code, reason = '') => handlers.close(code, reason),
    };
    connections.push(conn);
    return {
      send: (text) => conn.sent.push(JSON.parse(text) as ClientFrame),
      close: (code, reason) => {
        conn.closedByClient = { code, reason };
      },
    };
  };
  return {
    openSocket,
    connections,
    last: () => {
      const c = connections[connections.length - 1];
      if (!c) throw new Error('no connection was opened');
      return c;
    },
  };
}

/** Timers on a manual clock: nothing fires until `advance`. */
export function manualClock(): Timers & { now: number; advance(ms: number): void; pending(): number[] } {
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  const clock = {
    now: 0,
    setTimeout(fn: () => void, ms: number) {
      const id = ++seq;
      timers.set(id, { due: clock.now + ms, fn });
      return id;
    },
    clearTimeout(id: unknown) {
      timers.delete(id as number);
    },
    advance(ms: number) {
      const until = clock.now + ms;
      for (;;) {
        let next: [number, { due: number; fn: () => void }] | null = null;
        for (const entry of timers) if (entry[1].due <= until && (!next || entry[1].due < next[1].due)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        clock.now = next[1].due;
        next[1].fn();
      }
      clock.now = until;
    },
    /** Delays (from now) of the timers still pending. */
    pending() {
      return [...timers.values()].map((t) => t.due - clock.now).sort((a, b) => a - b);
    },
  };
  return clock;
}
