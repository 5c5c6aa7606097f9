import type { CacheOp } from './cache-ops';
import { RealtimeClient } from './client';
import { fakeSockets, manualClock } from './test-support';

function setup() {
  const sockets = fakeSockets();
  const applied: CacheOp[][] = [];
  const client = new RealtimeClient({ openSocket: sockets.openSocket, url: () => 'ws://shop.test/api/realtime', token: () => 'tok', apply: (ops) => applied.push(ops), random: () => 0.5, timers: manualClock() });
  return { client, sockets, applied };
}

const frames = (sent: unknown[]) => sent.map((f) => (typeof f === 'string' ? JSON.parse(f) : f) as Record<string, unknown>);

describe('realtime client: merchant topics beside the user topic', () => {
  test('subscribes at ready, applies its events in order with its own versions, and unsubscribes when dropped', () => {
    const t = setup();
    t.client.setExtraTopics(['merchant:m_1']);
    t.client.start();
    const conn = t.sockets.last();
    conn.open();
    conn.push({ op: 'ready', userId: 'u_1' });
    expect(frames(conn.sent).filter((f) => f.op === 'sub').map((f) => f.topic)).toEqual(['user:u_1', 'merchant:m_1']);
    conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    conn.push({ op: 'subscribed', topic: 'merchant:m_1', version: 0 });
    expect(t.client.status).toBe('live');

    const row = { id: 'o_9', orderNo: '1', status: 'paid', fulfilmentType: 'delivery' };
    conn.push({ op: 'event', topic: 'merchant:m_1', version: 1, type: 'workbench.new_orders', data: { orders: [row], more: false } });
    // A duplicate of the same version is dropped.
    conn.push({ op: 'event', topic: 'merchant:m_1', version: 1, type: 'workbench.new_orders', data: { orders: [row], more: false } });
    const kinds = t.applied.flat().map((o) => o.kind);
    expect(kinds.filter((k) => k === 'merchantOrdersPaid')).toHaveLength(1);

    t.client.setExtraTopics([]);
    expect(frames(conn.sent).at(-1)).toEqual({ op: 'unsub', topic: 'merchant:m_1' });
    expect(t.client.extraTopics).toEqual([]);
  });

  test('a topic added while live is subscribed at once; a reset refetches the merchant scope only', () => {
    const t = setup();
    t.client.start();
    const conn = t.sockets.last();
    conn.open();
    conn.push({ op: 'ready', userId: 'u_1' });
    conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    t.client.setExtraTopics(['merchant:m_2']);
    expect(frames(conn.sent).at(-1)).toEqual({ op: 'sub', topic: 'merchant:m_2' });
    conn.push({ op: 'reset', topic: 'merchant:m_2', version: 5 });
    expect(t.applied.at(-1)).toEqual([{ kind: 'invalidate', queryKey: ['merchant', 'm_2'] }]);
  });
});
