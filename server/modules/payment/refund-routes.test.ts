import { randomUUID } from 'node:crypto';
import type { Payment, Refund, RefundList } from '@contract/payment';
import type { ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../../test/app';
import { makeSku } from '../order/testing';
import { checkLedger } from '../../checks/ledger';

/**
 * The refund routes through the whole app over HTTP: a shopper pays a child order with the
 * welcome balance, asks for a partial refund, reads the refunds, and cannot touch another
 * shopper's order.
 */
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

const pickup = { type: 'pickup', contactName: '李四', contactPhone: '13900139000' } as const;

async function paidChild(token: string, price: number): Promise<string> {
  const sku = await makeSku(t.db, { price, merchantId: 'm_rr1' });
  const order = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: pickup }, { token, idempotencyKey: randomUUID() });
  expect(order.status).toBe(201);
  const childId = order.body.children[0].id;
  const payment = await t.post<Payment>('/api/payments', { orderId: childId, tenders: { balance: true } }, { token, idempotencyKey: randomUUID() });
  expect([payment.status, payment.body.status]).toEqual([201, 'paid']);
  // The order module marks the child paid from the outbox (a kick may be delivering it already).
  let status = '';
  for (let i = 0; i < 200 && status !== 'paid'; i++) {
    await t.app.paymentDeps.outbox.relayOnce();
    status = (await t.get<{ status: string }>(`/api/orders/${childId}`, { token })).body.status;
    if (status !== 'paid') await new Promise((r) => setTimeout(r, 10));
  }
  expect(status).toBe('paid');
  return childId;
}

describe('refund routes', () => {
  it('refunds part of a paid order, replays a repeated request, lists refunds, and hides other shoppers’ orders', async () => {
    const token = await t.login();
    const orderId = await paidChild(token, 3000);

    const key = randomUUID();
    const created = await t.post<Refund>(`/api/orders/${orderId}/refunds`, { amount: 1000, reason: '尺码不合适' }, { token, idempotencyKey: key });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orderId, amount: 1000, status: 'succeeded', parts: [{ kind: 'balance', amount: 1000, points: null }] });
    const replay = await t.post<Refund>(`/api/orders/${orderId}/refunds`, { amount: 1000, reason: '尺码不合适' }, { token, idempotencyKey: key });
    expect([replay.status, replay.body.id]).toEqual([201, created.body.id]);

    const list = await t.get<RefundList>(`/api/orders/${orderId}/refunds`, { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ paidAmount: 3000, refundableAmount: 2000 });
    expect(list.body.items.map((r) => r.id)).toEqual([created.body.id]);

    const tooMuch = await t.post(`/api/orders/${orderId}/refunds`, { amount: 2001, reason: '全部' }, { token, idempotencyKey: randomUUID() });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([409, 'REFUND_AMOUNT_EXCEEDED']);
    const noReason = await t.post(`/api/orders/${orderId}/refunds`, { amount: 100 }, { token, idempotencyKey: randomUUID() });
    expect([noReason.status, noReason.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    const other = await t.login();
    const stranger = await t.post(`/api/orders/${orderId}/refunds`, { amount: 100, reason: '不是我的' }, { token: other, idempotencyKey: randomUUID() });
    expect([stranger.status, stranger.body.code]).toEqual([404, 'NOT_FOUND']);
    const strangerList = await t.get(`/api/orders/${orderId}/refunds`, { token: other });
    expect([strangerList.status, strangerList.body.code]).toEqual([404, 'NOT_FOUND']);

    const rest = await t.post<Refund>(`/api/orders/${orderId}/refunds`, { reason: '退剩下的' }, { token, idempotencyKey: randomUUID() });
    expect([rest.status, rest.body.amount, rest.body.status]).toEqual([201, 2000, 'succeeded']);
    const none = await t.post(`/api/orders/${orderId}/refunds`, { reason: '还想退' }, { token, idempotencyKey: randomUUID() });
    expect([none.status, none.body.code]).toEqual([409, 'REFUND_NOT_ALLOWED']);

    expect((await checkLedger(t.db)).discrepancies).toEqual([]);
  });
});
