import { EventEmitter } from 'node:events';
import { testDb, type TestDb } from '../test/db';
import { inProcessBus } from './bus';
import { createHub, type Hub, type HubSocket } from './hub';
import type { Topic } from './topics';

/**
 * The hub's answer to a user notice on the bus (docs/realtime.md, "Access that changes"): a
 * `recheck` asks again about that user's subscriptions to topics that are not their own, and
 * only theirs; a `disconnect` closes that user's sockets. A subscription whose check was in
 * flight when the notice came is asked about again, so it cannot slip through.
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
}

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const settle = () => new Promise((r) => setTimeout(r, 20));

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
});
afterAll(async () => {
  await tdb.destroy();
});

function setUp(allowed: Set<string>, asked: string[], gate?: () => Promise<void>) {
  const bus = inProcessBus();
  const hub: Hub = createHub({
    db: tdb.db,
    bus,
    log,
    // A token is the user id here.
    authenticate: async (token) => token,
    authorizeTopic: async (userId: string, topic: Topic) => {
      asked.push(`${userId} ${topic.kind}:${topic.id}`);
      if (gate) await gate();
      return topic.kind === 'user' ? topic.id === userId : allowed.has(`${userId} ${topic.kind}:${topic.id}`);
    },
  });
  return { bus, hub };
}

async function connect(hub: Hub, userId: string, topics: string[]): Promise<FakeSocket> {
  const s = new FakeSocket();
  hub.accept(s);
  s.frame({ op: 'auth', token: userId });
  await settle();
  for (const topic of topics) s.frame({ op: 'sub', topic });
  await settle();
  await hub.idle();
  return s;
}

it('a recheck notice asks again about that user\'s merchant subscriptions only, and ends the ones no longer allowed', async () => {
  const allowed = new Set(['u_a merchant:m_1', 'u_b merchant:m_1', 'u_a merchant:m_2']);
  const asked: string[] = [];
  const { bus, hub } = setUp(allowed, asked);
  try {
    const a = await connect(hub, 'u_a', ['user:u_a', 'merchant:m_1', 'merchant:m_2']);
    const b = await connect(hub, 'u_b', ['merchant:m_1']);
    expect(hub.stats().subscriptions).toBe(4);
    asked.length = 0;

    allowed.delete('u_a merchant:m_1');
    bus.committed([], [{ userId: 'u_a', action: 'recheck' }]);
    await settle();
    expect(asked.sort()).toEqual(['u_a merchant:m_1', 'u_a merchant:m_2']);
    expect(a.frames.filter((f) => f.op === 'error')).toEqual([{ op: 'error', code: 'TOPIC_FORBIDDEN', message: 'this topic is no longer yours', topic: 'merchant:m_1' }]);
    expect(b.frames.filter((f) => f.op === 'error')).toEqual([]);
    expect(hub.stats().subscriptions).toBe(3);
  } finally {
    await hub.close();
  }
});

it('a subscription being checked when the notice comes is asked about again', async () => {
  const allowed = new Set(['u_a merchant:m_1']);
  const asked: string[] = [];
  let release: (() => void) | null = null;
  let hold = true;
  // The first check of merchant:m_1 waits until the test lets it go (it read "allowed" before the removal committed).
  const gate = () => (hold ? new Promise<void>((r) => (release = r)) : Promise.resolve());
  const { bus, hub } = setUp(allowed, asked, gate);
  try {
    const s = new FakeSocket();
    hub.accept(s);
    s.frame({ op: 'auth', token: 'u_a' });
    await settle();
    s.frame({ op: 'sub', topic: 'merchant:m_1' });
    await settle();
    expect(release).not.toBeNull();
    // The removal commits and its notice arrives while that check is in flight.
    allowed.delete('u_a merchant:m_1');
    hold = false;
    bus.committed([], [{ userId: 'u_a', action: 'recheck' }]);
    release!();
    await settle();
    await hub.idle();
    expect(s.frames.filter((f) => f.op === 'subscribed')).toEqual([]);
    expect(s.frames.filter((f) => f.op === 'error')).toMatchObject([{ code: 'TOPIC_FORBIDDEN', topic: 'merchant:m_1' }]);
    expect(hub.stats().subscriptions).toBe(0);
  } finally {
    await hub.close();
  }
});

it('a disconnect notice closes that user\'s sockets (4401), no one else\'s', async () => {
  const { bus, hub } = setUp(new Set(), []);
  try {
    const a1 = await connect(hub, 'u_a', ['user:u_a']);
    const a2 = await connect(hub, 'u_a', []);
    const b = await connect(hub, 'u_b', ['user:u_b']);
    bus.committed([], [{ userId: 'u_a', action: 'disconnect' }]);
    expect([a1.closedWith, a2.closedWith, b.closedWith]).toEqual([4401, 4401, null]);
  } finally {
    await hub.close();
  }
});
