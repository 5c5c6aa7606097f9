import type { CacheOp } from './cache-ops';
import { CLOSE_STALE, RealtimeClient, type RealtimeStatus } from './client';
import { realtimePolicy } from './backoff';
import { fakeSockets, manualClock } from './test-support';

const URL = 'ws://shop.test/api/realtime';

function setup(opts: { token?: string | null; random?: () => number } = {}) {
  const sockets = fakeSockets();
  const clock = manualClock();
  const applied: CacheOp[][] = [];
  let token: string | null = opts.token === undefined ? 'tok-1' : opts.token;
  const statuses: RealtimeStatus[] = [];
  const client = new RealtimeClient({
    openSocket: sockets.openSocket,
    url: () => URL,
    token: () => token,
    apply: (ops) => applied.push(ops),
    random: opts.random ?? (() => 0.5),
    timers: clock,
  });
  client.subscribe((s) => statuses.push(s));
  return {
    client,
    sockets,
    clock,
    applied,
    statuses,
    setToken: (t: string | null) => {
      token = t;
    },
    /** Order ids whose status was written, in order. */
    written: () => applied.flat().flatMap((o) => (o.kind === 'orderStatus' ? [`${o.orderId}:${o.status}`] : o.kind === 'paymentStatus' ? [`${o.paymentId}:${o.status}`] : [])),
    /** Runs the handshake on the last connection up to `subscribed` at `version`. */
    handshake(version: number, userId = 'u_1') {
      const conn = sockets.last();
      conn.open();
      conn.push({ op: 'ready', userId });
      conn.push({ op: 'subscribed', topic: `user:${userId}`, version });
      return conn;
    },
  };
}

const shipped = (version: number, orderId = `o_${version}`) => ({
  op: 'event',
  topic: 'user:u_1',
  version,
  type: 'order.shipped',
  data: { orderId, parentId: 'po_1', status: 'shipped' },
});

describe('realtime client: the handshake', () => {
  test('auth with the session token, then ready, then sub to the user topic, then live', () => {
    const t = setup();
    t.client.start();
    const conn = t.sockets.last();
    expect(conn.url).toBe(URL);
    expect(t.client.status).toBe('connecting');
    expect(conn.sent).toEqual([]);

    conn.open();
    expect(conn.sent).toEqual([{ op: 'auth', token: 'tok-1' }]);
    expect(t.client.status).toBe('authenticating');

    conn.push({ op: 'ready', userId: 'u_1' });
    // No version applied yet: the sub carries none, the server only tells the current one.
    expect(conn.sent[1]).toEqual({ op: 'sub', topic: 'user:u_1' });
    expect(t.client.status).toBe('subscribing');

    conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    expect(t.client.status).toBe('live');
    expect(t.statuses).toEqual(['connecting', 'authenticating', 'subscribing', 'live']);
  });

  test('no token: nothing is opened', () => {
    const t = setup({ token: null });
    t.client.start();
    expect(t.sockets.connections).toHaveLength(0);
    expect(t.client.status).toBe('off');
  });

  test('events apply in version order, duplicates dropped, written into the cache', () => {
    const t = setup();
    t.client.start();
    const conn = t.handshake(3);
    conn.push(shipped(4));
    conn.push(shipped(4));
    conn.push(shipped(3));
    conn.push({ op: 'event', topic: 'user:u_1', version: 5, type: 'payment.succeeded', data: { paymentId: 'pay_1', status: 'succeeded', orderIds: ['o_1'] } });
    expect(t.written()).toEqual(['o_4:shipped', 'pay_1:paid']);
    expect(t.client.position).toEqual({ topic: 'user:u_1', version: 5 });
  });

  test('garbage and unknown frames are ignored; an error frame is kept for diagnostics and the socket stays', () => {
    const t = setup();
    t.client.start();
    const conn = t.handshake(0);
    conn.pushRaw('{oops');
    conn.push({ op: 'future-thing' });
    conn.push({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: 'user:u_2', message: 'not yours' });
    expect(t.client.status).toBe('live');
    expect(t.client.lastError).toEqual({ code: 'TOPIC_FORBIDDEN', topic: 'user:u_2', message: 'not yours' });
    expect(conn.closedByClient).toBeNull();
  });

  test('reset from the server: everything the topic covers is invalidated, the version taken', () => {
    const t = setup();
    t.client.start();
    const conn = t.handshake(2);
    t.applied.length = 0;
    conn.push({ op: 'reset', topic: 'user:u_1', version: 40 });
    const keys = t.applied.flat().flatMap((o) => (o.kind === 'invalidate' ? [o.queryKey[0]] : []));
    expect(keys).toEqual(['orders', 'payments', 'refunds', 'wallet', 'afterSales']);
    conn.push(shipped(41));
    expect(t.client.position?.version).toBe(41);
  });
});

describe('realtime client: losing the connection', () => {
  test('reconnects with exponential backoff and full jitter, and resubscribes from the last version', () => {
    const draws = [0.5, 0.25, 1 - 1e-9, 0.5];
    const t = setup({ random: () => draws.shift() ?? 0.5 });
    t.client.start();
    t.handshake(7);
    t.sockets.last().push(shipped(8));

    // The server goes away; the first wait is random in [0, 1 s): 0.5 -> 500 ms.
    t.sockets.last().drop(1006);
    expect(t.client.status).toBe('waiting');
    expect(t.clock.pending()).toEqual([500]);
    t.clock.advance(499);
    expect(t.sockets.connections).toHaveLength(1);
    t.clock.advance(1);
    expect(t.sockets.connections).toHaveLength(2);

    // Refused again (never opened): the ceiling doubles, 0.25 of 2 s.
    t.sockets.last().drop(1006);
    expect(t.clock.pending()).toEqual([500]);
    t.clock.advance(500);
    // And again: just under 4 s.
    t.sockets.last().drop(1006);
    expect(t.clock.pending()).toEqual([3999]);
    t.clock.advance(3999);

    // This one connects: auth, ready, and a sub from the version it applied.
    const conn = t.sockets.last();
    conn.open();
    conn.push({ op: 'ready', userId: 'u_1' });
    expect(conn.sent).toEqual([
      { op: 'auth', token: 'tok-1' },
      { op: 'sub', topic: 'user:u_1', version: 8 },
    ]);
    // The replay, then subscribed.
    conn.push(shipped(9));
    conn.push({ op: 'subscribed', topic: 'user:u_1', version: 9 });
    expect(t.written()).toEqual(['o_8:shipped', 'o_9:shipped']);
    expect(t.client.status).toBe('live');

    // A live subscription resets the backoff: the next loss starts from 1 s again.
    conn.drop(1001);
    expect(t.clock.pending()).toEqual([500]);
  });

  test('the wait is capped at 30 s', () => {
    const t = setup({ random: () => 1 - 1e-9 });
    t.client.start();
    for (let i = 0; i < 12; i++) {
      t.sockets.last().drop(1006);
      const [wait] = t.clock.pending();
      expect(wait).toBeLessThanOrEqual(realtimePolicy.maxDelayMs);
      t.clock.advance(wait);
    }
    expect(t.clock.pending()).toEqual([]);
    t.sockets.last().drop(1006);
    expect(t.clock.pending()).toEqual([realtimePolicy.maxDelayMs - 1]);
  });

  test('4401: the token is refused, no reconnect until the session has a new token', () => {
    const t = setup();
    t.client.start();
    const conn = t.sockets.last();
    conn.open();
    conn.drop(4401, 'token revoked');
    expect(t.client.status).toBe('unauthorized');
    expect(t.clock.pending()).toEqual([]);
    t.clock.advance(120_000);
    expect(t.sockets.connections).toHaveLength(1);

    // Coming back from the background or the network does not retry the same token.
    t.client.pause();
    t.client.resume();
    t.client.kick();
    t.client.tokenChanged();
    expect(t.sockets.connections).toHaveLength(1);

    // A new login: a new token connects.
    t.setToken('tok-2');
    t.client.tokenChanged();
    expect(t.sockets.connections).toHaveLength(2);
    t.sockets.last().open();
    expect(t.sockets.last().sent[0]).toEqual({ op: 'auth', token: 'tok-2' });
  });

  test('4401 for a token the session has already replaced: reconnect with the new one', () => {
    const t = setup();
    t.client.start();
    t.handshake(3);
    t.setToken('tok-2');
    t.sockets.last().drop(4401, 'revoked');
    expect(t.client.status).toBe('waiting');
    t.clock.advance(1000);
    t.sockets.last().open();
    expect(t.sockets.last().sent[0]).toEqual({ op: 'auth', token: 'tok-2' });
  });

  test('4408 (auth too late) and 1008 are ordinary losses: reconnect', () => {
    const t = setup();
    t.client.start();
    t.sockets.last().drop(4408);
    expect(t.client.status).toBe('waiting');
    t.clock.advance(1000);
    t.sockets.last().drop(1008);
    expect(t.client.status).toBe('waiting');
  });

  test('ping every 25 s; a connection that answers nothing within 10 s is closed and replaced', () => {
    const t = setup();
    t.client.start();
    const conn = t.handshake(0);
    t.clock.advance(25_000);
    expect(conn.sent.at(-1)).toEqual({ op: 'ping' });
    conn.push({ op: 'pong' });
    t.clock.advance(25_000);
    expect(conn.sent.filter((f) => f.op === 'ping')).toHaveLength(2);
    // No answer to the second ping.
    t.clock.advance(10_000);
    expect(conn.closedByClient).toEqual({ code: CLOSE_STALE, reason: 'no pong' });
    expect(t.client.status).toBe('waiting');
    t.clock.advance(1000);
    expect(t.sockets.connections).toHaveLength(2);
  });

  test('the network coming back cuts a backoff wait short', () => {
    const t = setup({ random: () => 0.9 });
    t.client.start();
    t.sockets.last().drop(1006);
    expect(t.client.status).toBe('waiting');
    t.client.kick();
    expect(t.sockets.connections).toHaveLength(2);
    expect(t.clock.pending()).toEqual([]);
  });

  test('events of a replaced connection are ignored', () => {
    const t = setup();
    t.client.start();
    const old = t.handshake(1);
    old.drop(1006);
    t.clock.advance(1000);
    t.handshake(1);
    old.push(shipped(2));
    old.drop(1006);
    expect(t.written()).toEqual([]);
    expect(t.client.status).toBe('live');
  });
});

describe('realtime client: app lifecycle and session', () => {
  test('pause closes the socket and keeps the version; resume reconnects at once and resyncs from it', () => {
    const t = setup();
    t.client.start();
    const first = t.handshake(5);
    first.push(shipped(6));

    t.client.pause();
    expect(first.closedByClient).toEqual({ code: 1000, reason: undefined });
    expect(t.client.status).toBe('paused');
    // Nothing reconnects while paused, however long.
    t.clock.advance(10 * 60_000);
    expect(t.sockets.connections).toHaveLength(1);
    expect(t.clock.pending()).toEqual([]);

    t.client.resume();
    expect(t.sockets.connections).toHaveLength(2);
    const second = t.sockets.last();
    second.open();
    second.push({ op: 'ready', userId: 'u_1' });
    expect(second.sent[1]).toEqual({ op: 'sub', topic: 'user:u_1', version: 6 });
    // What happened while away is replayed.
    second.push(shipped(7));
    second.push(shipped(8));
    second.push({ op: 'subscribed', topic: 'user:u_1', version: 8 });
    expect(t.written()).toEqual(['o_6:shipped', 'o_7:shipped', 'o_8:shipped']);
    expect(t.client.status).toBe('live');
  });

  test('pause during a backoff wait cancels it; resume connects without waiting', () => {
    const t = setup({ random: () => 0.99 });
    t.client.start();
    t.sockets.last().drop(1006);
    t.client.pause();
    expect(t.clock.pending()).toEqual([]);
    t.client.resume();
    expect(t.sockets.connections).toHaveLength(2);
  });

  test('started while in the background: connects when the app comes back', () => {
    const t = setup();
    t.client.pause();
    t.client.start();
    expect(t.sockets.connections).toHaveLength(0);
    expect(t.client.status).toBe('paused');
    t.client.resume();
    expect(t.sockets.connections).toHaveLength(1);
  });

  test('stop (logout) closes and forgets the versions; the next user starts from none', () => {
    const t = setup();
    t.client.start();
    const conn = t.handshake(9);
    t.client.stop();
    expect(conn.closedByClient).not.toBeNull();
    expect(t.client.status).toBe('off');
    expect(t.client.position).toBeNull();
    t.clock.advance(60_000);
    expect(t.sockets.connections).toHaveLength(1);

    t.setToken('tok-b');
    t.client.start();
    const next = t.sockets.last();
    next.open();
    next.push({ op: 'ready', userId: 'u_2' });
    expect(next.sent).toEqual([
      { op: 'auth', token: 'tok-b' },
      { op: 'sub', topic: 'user:u_2' },
    ]);
  });

  test('a ready for another user than the versions belong to starts that topic from none', () => {
    const t = setup();
    t.client.start();
    t.handshake(9, 'u_1');
    t.sockets.last().drop(1006);
    t.clock.advance(1000);
    const conn = t.sockets.last();
    conn.open();
    conn.push({ op: 'ready', userId: 'u_2' });
    expect(conn.sent[1]).toEqual({ op: 'sub', topic: 'user:u_2' });
  });

  test('the token disappearing before the socket opens stops the client', () => {
    const t = setup();
    t.client.start();
    t.setToken(null);
    t.sockets.last().open();
    expect(t.sockets.last().sent).toEqual([]);
    expect(t.client.status).toBe('off');
  });

  test('an adapter that throws while opening counts as a lost connection', () => {
    const clock = manualClock();
    const client = new RealtimeClient({
      openSocket: () => {
        throw new Error('no sockets here');
      },
      url: () => URL,
      token: () => 't',
      apply: () => undefined,
      random: () => 0.5,
      timers: clock,
    });
    client.start();
    expect(client.status).toBe('waiting');
    expect(clock.pending()).toEqual([500]);
  });
});
