import { randomUUID } from 'node:crypto';
import type { Payment, RefundList } from '@contract/payment';
import type { ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../../test/app';
import { makeSku } from '../order/testing';
import { checkLedger } from '../../checks/ledger';
import { refundDepsOf } from './deps';
import { createRefund } from './refunds';

/**
 * The refund routes through the whole app over HTTP: a shopper pays a child order with the
 * welcome balance and reads its refunds; there is no shopper's route to refund (refunds reach a
 * shopper through after-sales, docs/aftersale.md); another shopper's order stays hidden.
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
  it('a shopper cannot refund an order directly (refunds go through after-sales): the POST is gone, nothing is refunded', async () => {
    const token = await t.login();
    const orderId = await paidChild(token, 3000);
    const direct = await t.post(`/api/orders/${orderId}/refunds`, { amount: 1000, reason: '尺码不合适' }, { token, idempotencyKey: randomUUID() });
    expect([direct.status, direct.body.code, direct.headers.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET']);
    const list = await t.get<RefundList>(`/api/orders/${orderId}/refunds`, { token });
    expect(list.body).toMatchObject({ items: [], paidAmount: 3000, refundableAmount: 3000 });
    expect(await t.db.selectFrom('refunds').select('id').where('order_id', '=', orderId).execute()).toEqual([]);
  });

  it('lists the refunds the payment core made of a shopper\'s order (an internal caller\'s), and hides other shoppers\' orders', async () => {
    const token = await t.login();
    const orderId = await paidChild(token, 3000);
    const owner = await t.db.selectFrom('orders').select('user_id').where('id', '=', orderId).executeTakeFirstOrThrow();
    const deps = refundDepsOf(t.app.paymentDeps);
    const created = await createRefund(deps, { userId: owner.user_id, orderId, amount: 1000, reason: '尺码不合适' });
    expect(created).toMatchObject({ orderId, amount: 1000, status: 'succeeded', parts: [{ kind: 'balance', amount: 1000, points: null }] });

    const list = await t.get<RefundList>(`/api/orders/${orderId}/refunds`, { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ paidAmount: 3000, refundableAmount: 2000 });
    expect(list.body.items.map((r) => r.id)).toEqual([created.id]);

    const other = await t.login();
    const strangerList = await t.get(`/api/orders/${orderId}/refunds`, { token: other });
    expect([strangerList.status, strangerList.body.code]).toEqual([404, 'NOT_FOUND']);

    expect((await checkLedger(t.db)).discrepancies).toEqual([]);
  });
});
