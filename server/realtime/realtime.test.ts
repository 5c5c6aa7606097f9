import type { ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../test/app';
import { disableAccount } from '../modules/identity/accounts';
import { makeSku, userToken } from '../modules/order/testing';
import { EVENTS } from '../events/catalog';
import { pruneMessages } from './store';
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

/** Runs the outbox relay until nothing is due (the realtime sink writes the messages). */
async function relay(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await t.app.paymentDeps.outbox.relayOnce();
    if (r.delivered + r.retried + r.dead === 0) return;
  }
}

const isEvent = (type: string) => (f: Frame) => f.op === 'event' && f.type === type;

describe('the realtime endpoint', () => {
  it('pushes a user the transitions of their orders, in version order, each once', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const s = await signedInSocket(url, token);
    s.send({ op: 'sub', topic: `user:${userId}` });
    expect(await s.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic: `user:${userId}`, version: 0 });

    const parent = await placeOrder(token);
    const orderId = parent.children[0].id;
    await relay();
    expect(await s.next(isEvent(EVENTS.orderCreated.name))).toEqual({
      op: 'event',
      topic: `user:${userId}`,
      version: 1,
      type: 'order.created',
      data: { orderId, parentId: parent.id, status: 'pending_payment' },
    });
    await cancel(token, orderId);
    await relay();
    expect(await s.next(isEvent('order.cancelled'))).toMatchObject({ version: 2, data: { orderId, status: 'cancelled' } });
    // A redelivered event (the relay crashed after the sink wrote) is not sent again: the sink
    // deduplicates by event id, and the subscription never repeats a version.
    await t.db.updateTable('outbox_deliveries').set({ status: 'pending', attempts: 1, next_attempt_at: 0 }).where('sink', '=', 'realtime').execute();
    await relay();
    await t.app.realtime.hub.idle();
    const events = s.frames.filter((f) => f.op === 'event');
    expect(events.map((f) => f.version)).toEqual([1, 2]);
    s.close();
  });

  it('replays what a client missed while away, from the version it last applied', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const topic = `user:${userId}`;
    const first = await placeOrder(token);
    await relay();
    // Away: two more events happen.
    await cancel(token, first.children[0].id);
    const second = await placeOrder(token);
    await relay();
    const s = await signedInSocket(url, token);
    s.send({ op: 'sub', topic, version: 1 });
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 2, type: 'order.cancelled', data: { orderId: first.children[0].id } });
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 3, type: 'order.created', data: { orderId: second.children[0].id } });
    expect(await s.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic, version: 3 });
    // Live again: the next one arrives as it happens.
    await cancel(token, second.children[0].id);
    await relay();
    expect(await s.next((f) => f.op === 'event')).toMatchObject({ version: 4, type: 'order.cancelled' });
    s.close();
  });

  it('tells a client to reset when it cannot replay: a version it never had, or messages already pruned', async () => {
    const { userId, token } = await userToken(t.db, t.config.tokenSecret);
    const topic = `user:${userId}`;
    const o = await placeOrder(token);
    await cancel(token, o.children[0].id);
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
    await placeOrder(b.token);
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

  it('a plain GET is told to upgrade (426, problem+json)', async () => {
    const res = await t.get<{ code: string }>('/api/realtime');
    expect(res.status).toBe(426);
    expect(res.body.code).toBe('UPGRADE_REQUIRED');
  });
});
