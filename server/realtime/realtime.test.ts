import type { ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../test/app';
import { disableAccount } from '../modules/identity/accounts';
import { makeSku, userToken } from '../modules/order/testing';
import { EVENTS } from '../events/catalog';
import { pruneMessages } from './store';
import { transact } from '../db/transaction';
import { transitionOrder } from '../modules/order';
import { openSocket, realtimeUrl, signedInSocket, type Frame } from './testing';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await testApp({ seed: false });
  url = realtimeUrl(t.baseUrl);
});
afterAll(async () => {
  await t.close();
});

let keyCounter = 0;
const newKey = () => `rt-${process.pid}-${Date.now()}-${++keyCounter}`;
const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;

async function placeOrder(token: string): Promise<ParentOrder> {
  const sku = await makeSku(t.db, { stock: 10, price: 1000 });
  const res = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: pickup }, { token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body;
}

async function cancel(token: string, orderId: string): Promise<void> {
  const res = await t.post(`/api/orders/${orderId}/cancel`, undefined, { token, idempotencyKey: newKey() });
  if (res.status !== 200) throw new Error(`cancel: ${res.status} ${res.text}`);
}

/** Runs the outbox relay until nothing is due (the order consumer; realtime messages are written with the change). */
async function relay(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await t.app.paymentDeps.outbox.relayOnce();
    if (r.delivered + r.retried + r.dead === 0) return;
  }
}

const isEvent = (type: string) => (f: Frame) => f.op === 'event' && f.type === type;

/** An order placed and cancelled: one order.cancelled message on the owner's topic (order.created is not pushed). */
async function placeAndCancel(token: string): Promise<string> {
  const parent = await placeOrder(token);
  await cancel(token, parent.children[0].id);
  return parent.children[0].id;
}

describe('the realtime endpoint', () => {
  it('pushes a user the transitions of their orders, in version order, each once', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const s = await signedInSocket(url, token);
    s.send({ op: 'sub', topic: `user:${userId}` });
    expect(await s.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic: `user:${userId}`, version: 0 });

    const parent = await placeOrder(token);
    const orderId = parent.children[0].id;
    await cancel(token, orderId);
    await relay();
    expect(await s.next(isEvent(EVENTS.orderCancelled.name))).toEqual({
      op: 'event',
      topic: `user:${userId}`,
      version: 1,
      type: 'order.cancelled',
      data: { orderId, parentId: parent.id, status: 'cancelled' },
    });
    const second = await placeAndCancel(token);
    await relay();
    expect(await s.next(isEvent('order.cancelled'))).toMatchObject({ version: 2, data: { orderId: second, status: 'cancelled' } });
    // A change that rolls back leaves no message (the message is written with it).
    const third = await placeOrder(token);
    await expect(
      transact(t.db, async (trx) => {
        await transitionOrder(trx, third.children[0].id, 'cancel');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await t.app.realtime.hub.idle();
    expect(await t.db.selectFrom('realtime_messages').select('version').where('topic', '=', `user:${userId}`).execute()).toHaveLength(2);
    const events = s.frames.filter((f) => f.op === 'event');
    expect(events.map((f) => f.version)).toEqual([1, 2]);
    // Placing an order is not pushed (the client has it in the answer).
    await placeOrder(token);
    await relay();
    await t.app.realtime.hub.idle();
    expect(s.frames.filter((f) => f.op === 'event')).toHaveLength(2);
    s.close();
  });

  it('replays what a client missed while away, from the version it last applied', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const topic = `user:${userId}`;
    await placeAndCancel(token);
    await relay();
    // Away: two more events happen.
    const second = await placeAndCancel(token);
    const third = await placeAndCancel(token);
    await relay();
    const s = await signedInSocket(url, token);
    s.send({ op: 'sub', topic, version: 1 });
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 2, type: 'order.cancelled', data: { orderId: second } });
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 3, type: 'order.cancelled', data: { orderId: third } });
    expect(await s.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic, version: 3 });
    // Live again: the next one arrives as it happens.
    await placeAndCancel(token);
    await relay();
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 4, type: 'order.cancelled' });
    s.close();
  });

  it('tells a client to reset when it cannot replay: a version it never had, or messages already pruned', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const topic = `user:${userId}`;
    await placeAndCancel(token);
    await placeAndCancel(token);
    await relay();
    const s = await signedInSocket(url, token);
    s.send({ op: 'sub', topic, version: 99 });
    expect(await s.next((f) => f.op === 'reset')).toEqual({ op: 'reset', topic, version: 2 });
    expect(await s.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic, version: 2 });
    s.close();

    // Pruned: everything older than now.
    expect(await pruneMessages(t.db, Date.now() + 1, 0)).toBeGreaterThanOrEqual(2);
    const again = await signedInSocket(url, token);
    again.send({ op: 'sub', topic, version: 1 });
    expect(await again.next((f) => f.op === 'reset' || f.op === 'event')).toEqual({ op: 'reset', topic, version: 2 });
    again.close();
  });

  it('authorises every topic: a user may not subscribe to another user, nothing before auth, unknown topics refused', async () => {
    const a = await userToken(t.db, t.config.tokenSecret);
    const b = await userToken(t.db, t.config.tokenSecret);
    const s = await openSocket(url);
    s.send({ op: 'sub', topic: `user:${a.userId}` });
    expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'UNAUTHENTICATED' });
    s.send({ op: 'auth', token: a.token });
    await s.next((f) => f.op === 'ready');
    s.send({ op: 'sub', topic: `user:${b.userId}` });
    expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'TOPIC_FORBIDDEN', topic: `user:${b.userId}` });
    s.send({ op: 'sub', topic: 'table:t_1' });
    expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'TOPIC_UNKNOWN' });
    s.send({ op: 'sub', topic: `user:${a.userId}`, version: -1 });
    expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'BAD_FRAME' });
    s.send({ op: 'ping' });
    expect(await s.next((f) => f.op === 'pong')).toEqual({ op: 'pong' });
    // b's events never reach a.
    await placeAndCancel(b.token);
    await relay();
    await t.app.realtime.hub.idle();
    expect(s.frames.filter((f) => f.op === 'event')).toEqual([]);
    s.close();
  });

  it('closes with 4401 for a bad token or a disabled account, and 1008 for a frame that is not JSON', async () => {
    const bad = await openSocket(url);
    bad.send({ op: 'auth', token: 'not-a-token' });
    expect(await bad.closed).toBe(4401);

    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    await disableAccount(t.db, userId);
    const disabled = await openSocket(url);
    disabled.send({ op: 'auth', token });
    expect(await disabled.closed).toBe(4401);

    const garbage = await openSocket(url);
    garbage.sendRaw('nope');
    expect(await garbage.closed).toBe(1008);
  });

  it('a node that holds its most sockets refuses one more (1013) and takes it again once one leaves', async () => {
    const limited = await testApp({ seed: false, env: { REALTIME_MAX_CONNECTIONS: String(1) } });
    try {
      const at = realtimeUrl(limited.baseUrl);
      const first = await openSocket(at);
      const second = await openSocket(at);
      expect(await second.closed).toBe(1013);
      first.close();
      await first.closed;
      const third = await openSocket(at);
      third.send({ op: 'ping' });
      expect(await third.next((f) => f.op === 'pong')).toEqual({ op: 'pong' });
      third.close();
    } finally {
      await limited.close();
    }
  });

  it('a guest (nobody signed in) follows a live room over the endpoint and gets its volatile events; nothing else is a guest\'s', async () => {
    const g = await openSocket(url);
    g.send({ op: 'auth', guest: true });
    expect(await g.next((f) => f.op === 'ready')).toEqual({ op: 'ready', userId: null });
    g.send({ op: 'sub', topic: 'user:u_someone' });
    expect(await g.next((f) => f.op === 'error')).toEqual({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: 'user:u_someone', message: 'sign in for this topic' });
    g.send({ op: 'sub', topic: 'live:ls_endpoint' });
    expect(await g.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic: 'live:ls_endpoint', version: 0 });
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const u = await signedInSocket(url, token);
    u.send({ op: 'sub', topic: 'live:ls_endpoint' });
    await u.next((f) => f.op === 'subscribed');
    expect(t.app.realtime.volatile.subscribers('live:ls_endpoint')).toBe(2);
    const data = { sessionId: 'ls_endpoint', viewers: 2, likes: 7, at: Date.now() };
    t.app.realtime.volatile.publish('live:ls_endpoint', 'live.stats', data);
    for (const s of [g, u]) expect(await s.next((f) => f.op === 'event')).toEqual({ op: 'event', topic: 'live:ls_endpoint', type: 'live.stats', data, volatile: true });
    g.close();
    u.close();
  });

  it('a plain GET is told to upgrade (426, problem+json)', async () => {
    const res = await t.get<{ code: string }>('/api/realtime');
    expect(res.status).toBe(426);
    expect(res.body.code).toBe('UPGRADE_REQUIRED');
  });
});
