import { EventEmitter } from 'node:events';
import { transact } from '../db/transaction';
import { testDb, type TestDb } from '../test/db';
import { inProcessBus } from './bus';
import { createHub, type Hub, type HubSocket } from './hub';
import { appendMessages } from './store';
import { nodeVolatile } from './volatile';

/**
 * Live rooms on one node's hub (docs/realtime.md, "Guests" and "Volatile events"): a guest
 * socket follows `live:` topics and nothing else; volatile events reach every live subscriber
 * without a version and are dropped, not queued, for a socket whose buffer is too full; a
 * `live:` topic's versioned messages replay or reset for a guest as a user's topic does.
 */
class FakeSocket extends EventEmitter implements HubSocket {
  readyState = 1;
  bufferedAmount = 0;
  frames: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  send(data: string): void {
    this.frames.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    if (this.closedWith !== null) return;
    this.closedWith = code ?? 1000;
    this.readyState = 3;
    this.emit('close');
  }
  frame(f: object): void {
    this.emit('message', Buffer.from(JSON.stringify(f)), false);
  }
  ops(op: string): Record<string, unknown>[] {
    return this.frames.filter((f) => f.op === op);
  }
}

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const settle = () => new Promise((r) => setTimeout(r, 20));

let tdb: TestDb;
let hub: Hub;
let bus: ReturnType<typeof inProcessBus>;
const volatile = nodeVolatile();
beforeAll(async () => {
  tdb = await testDb();
  bus = inProcessBus();
  // A token is the user id; merchant topics are nobody's here.
  hub = createHub({ db: tdb.db, bus, log, authenticate: async (token) => token, authorizeTopic: async (userId, topic) => topic.kind === 'user' && topic.id === userId, maxConnections: 6 });
  volatile.attach(hub);
});
afterAll(async () => {
  await hub.close();
  await tdb.destroy();
});

async function guest(topics: string[] = []): Promise<FakeSocket> {
  const s = new FakeSocket();
  hub.accept(s);
  s.frame({ op: 'auth', guest: true });
  await settle();
  for (const topic of topics) s.frame({ op: 'sub', topic });
  await settle();
  await hub.idle();
  return s;
}

async function user(userId: string, topics: string[] = []): Promise<FakeSocket> {
  const s = new FakeSocket();
  hub.accept(s);
  s.frame({ op: 'auth', token: userId });
  await settle();
  for (const topic of topics) s.frame({ op: 'sub', topic });
  await settle();
  await hub.idle();
  return s;
}

describe('guest sockets', () => {
  it('authenticate as a guest (ready, userId null) and may follow live rooms only', async () => {
    const s = await guest();
    expect(s.frames).toEqual([{ op: 'ready', userId: null }]);
    s.frame({ op: 'sub', topic: 'live:ls_1' });
    s.frame({ op: 'sub', topic: 'user:u_1' });
    s.frame({ op: 'sub', topic: 'merchant:m_1' });
    s.frame({ op: 'sub', topic: 'table:t_1' });
    await settle();
    await hub.idle();
    expect(s.frames.slice(1)).toEqual(
      expect.arrayContaining([
        { op: 'subscribed', topic: 'live:ls_1', version: 0 },
        { op: 'error', code: 'TOPIC_FORBIDDEN', topic: 'user:u_1', message: 'sign in for this topic' },
        { op: 'error', code: 'TOPIC_FORBIDDEN', topic: 'merchant:m_1', message: 'sign in for this topic' },
        { op: 'error', code: 'TOPIC_UNKNOWN', topic: 'table:t_1', message: 'no such topic' },
      ]),
    );
    expect(s.frames).toHaveLength(5);
    s.close();
  });

  it('a socket without auth still gets nothing; a signed-in user follows live rooms too', async () => {
    const s = new FakeSocket();
    hub.accept(s);
    s.frame({ op: 'sub', topic: 'live:ls_1' });
    await settle();
    expect(s.frames).toEqual([{ op: 'error', code: 'UNAUTHENTICATED', message: 'send auth first' }]);
    s.close();
    const u = await user('u_live', ['user:u_live', 'live:ls_1']);
    expect(u.ops('subscribed').map((f) => f.topic).sort()).toEqual(['live:ls_1', 'user:u_live']);
    // Signing out on the same socket (guest auth) keeps the room, ends the rest.
    u.frame({ op: 'auth', guest: true });
    await settle();
    expect(u.frames.at(-1)).toEqual({ op: 'ready', userId: null });
    volatile.publish('user:u_live', 'probe', {});
    volatile.publish('live:ls_1', 'live.stats', { viewers: 1 });
    expect(u.ops('event')).toEqual([{ op: 'event', topic: 'live:ls_1', type: 'live.stats', data: { viewers: 1 }, volatile: true }]);
    u.close();
  });

  it('a guest may follow a few rooms at most, and guest sockets count in the node\'s connection limit', async () => {
    const s = await guest(['live:a', 'live:b', 'live:c', 'live:d', 'live:e', 'live:f']);
    expect(s.ops('subscribed')).toHaveLength(5);
    expect(s.ops('error')).toEqual([{ op: 'error', code: 'BAD_FRAME', topic: 'live:f', message: 'too many topics on one socket' }]);
    const sockets = [s];
    // maxConnections 6: five more, then the seventh is refused.
    for (let i = 0; i < 5; i++) sockets.push(await guest());
    expect(hub.stats()).toMatchObject({ connections: 6, guests: 6 });
    const extra = new FakeSocket();
    hub.accept(extra);
    expect(extra.closedWith).toBe(1013);
    for (const x of sockets) x.close();
    expect(hub.stats()).toMatchObject({ connections: 0, guests: 0, subscriptions: 0 });
  });
});

describe('volatile events', () => {
  it('reach every live subscriber of the topic (guests and users), once, without a version; subscribers() counts them', async () => {
    const g1 = await guest(['live:ls_v']);
    const g2 = await guest(['live:ls_other']);
    const u = await user('u_v', ['live:ls_v']);
    expect(volatile.subscribers('live:ls_v')).toBe(2);
    volatile.publish('live:ls_v', 'live.lines', { sessionId: 'ls_v', lines: [{ skuId: 's1', price: 990, quota: 10, left: 3 }], at: 5 });
    const frame = { op: 'event', topic: 'live:ls_v', type: 'live.lines', data: { sessionId: 'ls_v', lines: [{ skuId: 's1', price: 990, quota: 10, left: 3 }], at: 5 }, volatile: true };
    expect(g1.ops('event')).toEqual([frame]);
    expect(u.ops('event')).toEqual([frame]);
    expect(g2.ops('event')).toEqual([]);
    g1.frame({ op: 'unsub', topic: 'live:ls_v' });
    await settle();
    expect(volatile.subscribers('live:ls_v')).toBe(1);
    for (const s of [g1, g2, u]) s.close();
    expect(volatile.subscribers('live:ls_v')).toBe(0);
  });

  it('a socket whose buffer is too full misses volatile events (not closed); a durable message keeps the rule (closed when past 1 MiB)', async () => {
    const slow = await guest(['live:ls_slow']);
    const fast = await guest(['live:ls_slow']);
    slow.bufferedAmount = 100 * 1024;
    const before = hub.stats().volatileDropped;
    volatile.publish('live:ls_slow', 'live.stats', { viewers: 2, likes: 0, at: 1 });
    expect(slow.ops('event')).toEqual([]);
    expect(slow.closedWith).toBeNull();
    expect(fast.ops('event')).toHaveLength(1);
    expect(hub.stats().volatileDropped).toBe(before + 1);
    // Drained: it gets the next one.
    slow.bufferedAmount = 0;
    volatile.publish('live:ls_slow', 'live.stats', { viewers: 2, likes: 1, at: 2 });
    expect(slow.ops('event')).toHaveLength(1);
    // A durable message to a socket past 1 MiB closes it, as for any topic.
    slow.bufferedAmount = 2 << 20;
    await transact(tdb.db, async (trx) => {
      const stored = await appendMessages(trx, 'ev_slow', 'live.pinned', [{ topic: 'live:ls_slow', data: { sessionId: 'ls_slow', productId: 'p_1', at: 3 } }], Date.now());
      return stored;
    });
    bus.committed([{ topic: 'live:ls_slow', version: 1 }]);
    await settle();
    await hub.idle();
    expect(slow.closedWith).toBe(1013);
    expect(fast.ops('event').at(-1)).toEqual({ op: 'event', topic: 'live:ls_slow', version: 1, type: 'live.pinned', data: { sessionId: 'ls_slow', productId: 'p_1', at: 3 } });
    fast.close();
  });

  it('do not reach a subscription the server has not confirmed yet (the client refetches at subscribed)', async () => {
    const s = new FakeSocket();
    hub.accept(s);
    s.frame({ op: 'auth', guest: true });
    await settle();
    s.frame({ op: 'sub', topic: 'live:ls_pending' });
    // Synchronously after the frame: the subscription's version is still being read.
    volatile.publish('live:ls_pending', 'live.stats', { viewers: 1, likes: 0, at: 1 });
    await settle();
    await hub.idle();
    expect(s.ops('event')).toEqual([]);
    expect(s.ops('subscribed')).toHaveLength(1);
    s.close();
  });
});

describe('a live topic\'s versioned messages', () => {
  it('replay for a guest from the version it gives, and reset when it cannot', async () => {
    const topic = 'live:ls_durable';
    for (const [i, type] of ['live.status', 'live.pinned', 'live.pinned'].entries()) {
      await transact(tdb.db, (trx) => appendMessages(trx, `ev_d${i}`, type, [{ topic, data: { sessionId: 'ls_durable', at: i } }], Date.now()));
    }
    const g = await guest();
    g.frame({ op: 'sub', topic, version: 1 });
    await settle();
    await hub.idle();
    expect(g.frames.slice(1)).toEqual([
      { op: 'event', topic, version: 2, type: 'live.pinned', data: { sessionId: 'ls_durable', at: 1 } },
      { op: 'event', topic, version: 3, type: 'live.pinned', data: { sessionId: 'ls_durable', at: 2 } },
      { op: 'subscribed', topic, version: 3 },
    ]);
    // A version it could not have had: reset at the current one.
    const h = await guest();
    h.frame({ op: 'sub', topic, version: 9 });
    await settle();
    await hub.idle();
    expect(h.frames.slice(1)).toEqual([
      { op: 'reset', topic, version: 3 },
      { op: 'subscribed', topic, version: 3 },
    ]);
    // New messages arrive as they happen.
    await transact(tdb.db, (trx) => appendMessages(trx, 'ev_d3', 'live.status', [{ topic, data: { sessionId: 'ls_durable', status: 'ended', at: 4 } }], Date.now()));
    bus.committed([{ topic, version: 4 }]);
    await settle();
    await hub.idle();
    for (const s of [g, h]) expect(s.frames.at(-1)).toEqual({ op: 'event', topic, version: 4, type: 'live.status', data: { sessionId: 'ls_durable', status: 'ended', at: 4 } });
    g.close();
    h.close();
  });
});
