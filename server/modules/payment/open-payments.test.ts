import type { ParentOrder } from '@contract/order';
import { openPaymentList, type Payment } from '@contract/payment';
import { channelRegistry } from '../../channels/registry';
import { devpayKey } from '../../channels/devpay/wire';
import { ChannelError, type ChannelAdapter } from '../../channels/types';
import { testApp, type TestApp } from '../../test/app';
import { makeSku, userToken } from '../order/testing';
import { checkLedger } from '../../checks/ledger';
import { balanceOf } from '../wallet/ledger';
import type { PaymentDeps } from './deps';
import { cancelPayment } from './service';

/**
 * GET /api/orders/:id/open-payments: what the cashier needs to offer "continue or cancel" for
 * an attempt the shopper left at the channel's cashier, with the tenders it holds.
 */
let t: TestApp;
let deps: PaymentDeps;
beforeAll(async () => {
  t = await testApp({ seed: false });
  deps = t.app.paymentDeps;
  expect(devpayKey(t.config)).toBeTruthy();
});
afterEach(async () => {
  expect((await checkLedger(t.db)).discrepancies).toEqual([]);
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const newKey = () => `open-${process.pid}-${Date.now()}-${++n}`;
const pickup = { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } as const;
type Shopper = Awaited<ReturnType<typeof userToken>>;

async function placeOrder(s: Shopper, prices: number[]): Promise<ParentOrder> {
  const items = [];
  for (const [i, price] of prices.entries()) items.push({ skuId: (await makeSku(t.db, { price, merchantId: `m_open${i + 1}` })).skuId, quantity: 1 });
  const res = await t.post<ParentOrder>('/api/orders', { items, fulfilment: pickup }, { token: s.token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body;
}

async function pay(s: Shopper, body: Record<string, unknown>): Promise<Payment> {
  const res = await t.post<Payment>('/api/payments', body, { token: s.token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`payment: ${res.status} ${res.text}`);
  return res.body;
}

async function open(s: Shopper, orderId: string) {
  const res = await t.get<{ items: Payment[] }>(`/api/orders/${orderId}/open-payments`, { token: s.token });
  return { status: res.status, body: res.body };
}

const balance = (userId: string) => balanceOf(t.db, { kind: 'user_balance', ownerId: userId });

describe('open payments of an order', () => {
  it('an order nobody has started paying has none', async () => {
    const s = await userToken(t.db, t.config.tokenSecret);
    const parent = await placeOrder(s, [12000]);
    expect(await open(s, parent.id)).toEqual({ status: 200, body: { items: [] } });
    expect(await open(s, parent.children[0].id)).toEqual({ status: 200, body: { items: [] } });
  });

  it('an attempt left at the channel: listed with the tenders it holds, by the parent and by the child; gone once cancelled', async () => {
    const s = await userToken(t.db, t.config.tokenSecret);
    const parent = await placeOrder(s, [30000, 12000]);
    const p = await pay(s, { orderId: parent.id, tenders: { balance: true, points: true }, channel: 'sandbox' });
    expect(await balance(s.userId)).toBe(0);

    const byParent = await open(s, parent.id);
    expect(byParent.status).toBe(200);
    expect(openPaymentList.parse(byParent.body)).toEqual({ items: [p] });
    expect(byParent.body.items[0]).toMatchObject({
      status: 'paying',
      amount: 42000,
      channel: 'sandbox',
      channelAmount: 42000 - 20000 - 5000,
      tenders: [
        { kind: 'points', amount: 5000, points: 5000 },
        { kind: 'balance', amount: 20000 },
        { kind: 'channel', amount: 17000 },
      ],
    });
    // Each child it pays finds it too.
    for (const child of parent.children) expect((await open(s, child.id)).body.items.map((x) => x.id)).toEqual([p.id]);

    const cancelled = await t.post<Payment>(`/api/payments/${p.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
    expect(cancelled.body.status).toBe('closed');
    expect(await open(s, parent.id)).toEqual({ status: 200, body: { items: [] } });
    expect(await balance(s.userId)).toBe(20000);
  });

  it('a paid payment is not open; a payment of one child shows on the parent, newest first', async () => {
    const s = await userToken(t.db, t.config.tokenSecret);
    const parent = await placeOrder(s, [5000, 9000]);
    const [first, second] = parent.children;
    const paid = await pay(s, { orderId: first.id, tenders: { balance: true } });
    expect(paid.status).toBe('paid');
    expect((await open(s, parent.id)).body.items).toEqual([]);
    const childOnly = await pay(s, { orderId: second.id, channel: 'sandbox' });
    expect((await open(s, parent.id)).body.items.map((x) => x.id)).toEqual([childOnly.id]);
    expect((await open(s, first.id)).body.items).toEqual([]);
    await t.post(`/api/payments/${childOnly.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
  });

  it('a payment still closing (the channel not reached yet) is listed as closing, its tenders still held', async () => {
    const s = await userToken(t.db, t.config.tokenSecret);
    const parent = await placeOrder(s, [30000]);
    const p = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' });
    const sandbox = deps.channels.get('sandbox') as ChannelAdapter;
    const unreachable: ChannelAdapter = { ...sandbox, channel: 'sandbox', query: async () => Promise.reject(new ChannelError('sandbox', 'gateway timeout')) };
    const closing = await cancelPayment({ ...deps, channels: channelRegistry([unreachable]) }, s.userId, p.id);
    expect(closing.status).toBe('closing');
    expect((await open(s, parent.id)).body.items).toEqual([expect.objectContaining({ id: p.id, status: 'closing', tenders: p.tenders })]);
    expect(await balance(s.userId)).toBe(0);
    // The channel answers again: closed, released, no longer listed.
    await cancelPayment(deps, s.userId, p.id);
    expect((await open(s, parent.id)).body.items).toEqual([]);
    expect(await balance(s.userId)).toBe(20000);
  });

  it("another shopper's order, an unknown order and a malformed id: 404, 404, 400", async () => {
    const s = await userToken(t.db, t.config.tokenSecret);
    const parent = await placeOrder(s, [3000]);
    const other = await userToken(t.db, t.config.tokenSecret);
    expect((await open(other, parent.id)).body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await open(other, parent.children[0].id)).status).toBe(404);
    expect((await open(s, 'po_nope')).status).toBe(404);
    expect((await open(s, 'bad id')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await t.get(`/api/orders/${parent.id}/open-payments`)).status).toBe(401);
  });
});
