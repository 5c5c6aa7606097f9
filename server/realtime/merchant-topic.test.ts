import { testApp, uniquePhone, type TestApp } from '../test/app';
import { addStaff, makeMerchant } from '../modules/merchant/testing';
import { makeSku, userToken } from '../modules/order/testing';
import { DEBOUNCE_MS, pushDueDashboards } from '../modules/dashboard';
import { paidOrder, pay, placeOrder, shopper, type Shopper } from '../test/workbench';
import { disableAccount, revokeSessions } from '../modules/identity';
import { openSocket, realtimeUrl, signedInSocket, type Frame } from './testing';

/**
 * The `merchant:{id}` topic (docs/realtime.md, docs/merchant.md): only the merchant's active
 * owners and operators may subscribe (the hub asks the merchant module through the function the
 * app gives it); a new paid order arrives with the row to show, then its transitions, sold-out
 * SKUs and the dashboard's figures; a member removed, or moved to a role without the workbench,
 * stops receiving it at once (the merchant module's event tells every node's hub).
 */
let t: TestApp;
let url: string;
const A = 'm_rta';
const B = 'm_rtb';
let buyer: Shopper;
const people: Record<string, { userId: string; token: string; staffId?: string }> = {};

beforeAll(async () => {
  t = await testApp({ seed: false });
  url = realtimeUrl(t.baseUrl);
  await makeMerchant(t.db, A);
  await makeMerchant(t.db, B);
  for (const [name, merchant, role] of [
    ['owner', A, 'owner'],
    ['operator', A, 'operator'],
    ['live_host', A, 'live_host'],
    ['kitchen', A, 'kitchen'],
    ['ownerB', B, 'owner'],
  ] as const) {
    const p = await userToken(t.db, t.config.tokenSecret);
    people[name] = { ...p, staffId: await addStaff(t.db, merchant, p.userId, role) };
  }
  people.shopper = await userToken(t.db, t.config.tokenSecret);
  buyer = await shopper(t, uniquePhone());
});
afterAll(async () => {
  await t.close();
});

async function relay(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await t.app.core.outbox.relayOnce();
    if (r.delivered + r.retried + r.dead === 0) return;
  }
}
const isEvent = (type: string) => (f: Frame) => f.op === 'event' && f.type === type;

it('lets only the merchant\'s owners and operators subscribe; everyone else is refused', async () => {
  for (const name of ['owner', 'operator']) {
    const s = await signedInSocket(url, people[name].token);
    s.send({ op: 'sub', topic: `merchant:${A}` });
    expect(await s.next((f) => f.op === 'subscribed' || f.op === 'error')).toMatchObject({ op: 'subscribed', topic: `merchant:${A}` });
    s.close();
  }
  for (const name of ['live_host', 'kitchen', 'shopper', 'ownerB']) {
    const s = await signedInSocket(url, people[name].token);
    s.send({ op: 'sub', topic: `merchant:${A}` });
    expect([name, await s.next((f) => f.op === 'subscribed' || f.op === 'error')]).toEqual([name, { op: 'error', code: 'TOPIC_FORBIDDEN', topic: `merchant:${A}`, message: 'this topic is not yours' }]);
    s.close();
  }
  // A merchant that does not exist, and nothing before auth.
  const s = await signedInSocket(url, people.owner.token);
  s.send({ op: 'sub', topic: 'merchant:m_nowhere' });
  expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'TOPIC_FORBIDDEN' });
  s.close();
  const anon = await openSocket(url);
  anon.send({ op: 'sub', topic: `merchant:${A}` });
  expect(await anon.next((f) => f.op === 'error')).toMatchObject({ code: 'UNAUTHENTICATED' });
  anon.close();
});

it('pushes a new paid order with its row, its shipping, a sold-out SKU and the new figures to the staff; nothing of it to another merchant', async () => {
  const s = await signedInSocket(url, people.operator.token);
  s.send({ op: 'sub', topic: `merchant:${A}` });
  await s.next((f) => f.op === 'subscribed');
  const other = await signedInSocket(url, people.ownerB.token);
  other.send({ op: 'sub', topic: `merchant:${B}` });
  await other.next((f) => f.op === 'subscribed');

  // Placing an order is not pushed; paying it is, by the dashboard's push (not the payment's
  // transaction): the rows the workbench shows, then the figures.
  const placed = await placeOrder(t, buyer, { merchantId: A, title: '桂花糕', quantity: 2 });
  await relay();
  await pay(t, placed.orderId);
  await relay();
  await t.app.realtime.hub.idle();
  expect(s.frames.filter((f) => f.op === 'event')).toEqual([]);
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  const paid = await s.next(isEvent('workbench.new_orders'));
  expect(paid.data).toMatchObject({
    more: false,
    orders: [{ id: placed.orderId, orderNo: placed.orderNo, status: 'paid', fulfilmentType: 'delivery', contactName: '王五', contactPhone: buyer.phone, title: '桂花糕', itemCount: 2, lineCount: 1 }],
  });
  expect((await s.next(isEvent('dashboard.updated'))).data).toMatchObject({ paidOrders: 1, toShip: 1 });

  const shipped = await t.post(`/api/merchants/${A}/orders/${placed.orderId}/ship`, { parcels: [{ carrier: 'yunda', trackingNo: 'YD123456' }] }, { token: people.operator.token });
  expect(shipped.status).toBe(200);
  expect((await s.next(isEvent('order.shipped'))).data).toEqual({ orderId: placed.orderId, parentId: placed.parentId, status: 'shipped' });

  // The last piece sold.
  const last = await makeSku(t.db, { merchantId: A, stock: 1 });
  await placeOrder(t, buyer, { merchantId: A, sku: last });
  expect((await s.next(isEvent('sku.sold_out'))).data).toMatchObject({ skuId: last.skuId, stock: 0, cause: 'sale' });

  // The figures, once the debounce has passed.
  await relay();
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  expect((await s.next(isEvent('dashboard.updated'))).data).toMatchObject({ paidOrders: 1, toShip: 0, timeZone: 'Asia/Shanghai' });

  await t.app.realtime.hub.idle();
  expect(other.frames.filter((f) => f.op === 'event')).toEqual([]);
  // Versions in order, each once.
  const versions = s.frames.filter((f) => f.op === 'event').map((f) => Number(f.version));
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
  s.close();
  other.close();
});

it('replays what a staff member missed while away', async () => {
  const placed = await paidOrder(t, buyer, { merchantId: A });
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  const s = await signedInSocket(url, people.owner.token);
  s.send({ op: 'sub', topic: `merchant:${A}`, version: 1 });
  const replayed = await s.next((f) => f.op === 'event' && f.type === 'workbench.new_orders' && (f.data as { orders: { id: string }[] }).orders.some((o) => o.id === placed.orderId));
  expect(replayed).toMatchObject({ type: 'workbench.new_orders' });
  s.close();
});

/** Something the merchant's topic carries at once, in the change's transaction: the last piece of a SKU sold. */
async function sellOut(): Promise<string> {
  const sku = await makeSku(t.db, { merchantId: A, stock: 1 });
  await placeOrder(t, buyer, { merchantId: A, sku });
  return sku.skuId;
}
const soldOut = (skuId: string) => (f: Frame) => f.op === 'event' && f.type === 'sku.sold_out' && (f.data as { skuId?: string }).skuId === skuId;

it('ends the subscription of a member removed from the merchant at once, without waiting for the minute\'s recheck', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'operator');
  const s = await signedInSocket(url, p.token);
  s.send({ op: 'sub', topic: `merchant:${A}` });
  await s.next((f) => f.op === 'subscribed' && f.topic === `merchant:${A}`);
  s.send({ op: 'sub', topic: `user:${p.userId}` });
  await s.next((f) => f.op === 'subscribed' && f.topic === `user:${p.userId}`);
  // Another member's subscription is not touched.
  const stays = await signedInSocket(url, people.operator.token);
  stays.send({ op: 'sub', topic: `merchant:${A}` });
  await stays.next((f) => f.op === 'subscribed');

  const removed = await t.del(`/api/merchants/${A}/staff/${staffId}`, { token: people.owner.token });
  expect(removed.status).toBe(200);
  // No recheckTopics() here: the removal itself ends the subscription.
  expect(await s.next((f) => f.op === 'error', 2000)).toEqual({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: `merchant:${A}`, message: 'this topic is no longer yours' });
  await stays.next(soldOut(await sellOut()));
  await t.app.realtime.hub.idle();
  expect(s.frames.filter((f) => f.op === 'event' && f.topic === `merchant:${A}`)).toEqual([]);
  // The user's own topic stays, and nothing else was ended.
  expect(s.frames.filter((f) => f.op === 'error').map((f) => f.topic)).toEqual([`merchant:${A}`]);
  expect(stays.frames.filter((f) => f.op === 'error')).toEqual([]);
  s.close();
  stays.close();
});

it('ends it at once when a role change takes the workbench away, and keeps it when the new role still has it', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'operator');
  const s = await signedInSocket(url, p.token);
  s.send({ op: 'sub', topic: `merchant:${A}` });
  await s.next((f) => f.op === 'subscribed');

  const promoted = await t.patch(`/api/merchants/${A}/staff/${staffId}`, { role: 'owner' }, { token: people.owner.token });
  expect(promoted.status).toBe(200);
  await s.next(soldOut(await sellOut()));

  const demoted = await t.patch(`/api/merchants/${A}/staff/${staffId}`, { role: 'kitchen' }, { token: people.owner.token });
  expect(demoted.status).toBe(200);
  expect(await s.next((f) => f.op === 'error', 2000)).toMatchObject({ code: 'TOPIC_FORBIDDEN', topic: `merchant:${A}` });
  const after = await sellOut();
  await t.app.realtime.hub.idle();
  expect(s.frames.filter(soldOut(after))).toEqual([]);
  s.close();
});

it('closes the sockets of an account disabled (or whose sessions are revoked) at once', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, A, p.userId, 'operator');
  const s = await signedInSocket(url, p.token);
  s.send({ op: 'sub', topic: `merchant:${A}` });
  await s.next((f) => f.op === 'subscribed');
  await disableAccount(t.db, p.userId);
  expect(await Promise.race([s.closed, new Promise((r) => setTimeout(() => r('still open'), 2000))])).toBe(4401);

  const q = await userToken(t.db, t.config.tokenSecret);
  const other = await signedInSocket(url, q.token);
  other.send({ op: 'sub', topic: `user:${q.userId}` });
  await other.next((f) => f.op === 'subscribed');
  await revokeSessions(t.db, q.userId);
  expect(await Promise.race([other.closed, new Promise((r) => setTimeout(() => r('still open'), 2000))])).toBe(4401);
});

it('keeps the minute\'s recheck as the backstop: a membership gone without its event still ends there', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'operator');
  const s = await signedInSocket(url, p.token);
  s.send({ op: 'sub', topic: `merchant:${A}` });
  await s.next((f) => f.op === 'subscribed');
  // Deleted behind the merchant module's back: no event, so only the periodic recheck sees it.
  await t.db.deleteFrom('merchant_staff').where('id', '=', staffId).execute();
  expect(await t.app.realtime.hub.recheckTopics()).toBe(1);
  expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'TOPIC_FORBIDDEN', topic: `merchant:${A}` });
  s.close();
});
