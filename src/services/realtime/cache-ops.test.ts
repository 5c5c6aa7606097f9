import type { OrderPage } from '@contract';
import type { InfiniteData } from '@tanstack/react-query';
import { order, parentOrder, payment } from '../checkout/test-support';
import { keys } from '../keys';
import { testQueryClient } from '@/test/render';
import type { AfterSale, AfterSalePage } from '@contract/aftersale';
import { applyCacheOps, opsForEvent, paymentStatusOf, resetOps } from './cache-ops';

const invalidated = (ops: ReturnType<typeof opsForEvent>) => ops.flatMap((o) => (o.kind === 'invalidate' ? [JSON.stringify(o.queryKey)] : []));

describe('cache operations of an event', () => {
  test('order.shipped writes the status and refetches the order views', () => {
    const ops = opsForEvent('order.shipped', { orderId: 'o_1', parentId: 'po_1', status: 'shipped' });
    expect(ops[0]).toEqual({ kind: 'orderStatus', orderId: 'o_1', status: 'shipped' });
    expect(invalidated(ops)).toEqual(
      expect.arrayContaining([keys.orders.detail('o_1'), keys.orders.lists(), keys.orders.counts(), keys.orders.parent('po_1')].map((k) => JSON.stringify(k))),
    );
  });

  test('payment.succeeded writes paid into the payment and refetches orders, wallet and open payments', () => {
    const ops = opsForEvent('payment.succeeded', { paymentId: 'pay_1', status: 'succeeded', orderIds: ['o_1'], parentId: 'po_1' });
    expect(ops[0]).toEqual({ kind: 'paymentStatus', paymentId: 'pay_1', status: 'paid' });
    expect(invalidated(ops)).toEqual(
      expect.arrayContaining([keys.orders.all(), keys.wallet.all(), keys.payments.opens(), keys.payments.detail('pay_1')].map((k) => JSON.stringify(k))),
    );
  });

  test('the payment status: the event outcome or the API status', () => {
    expect(paymentStatusOf('payment.succeeded', 'succeeded')).toBe('paid');
    expect(paymentStatusOf('payment.succeeded', 'paid')).toBe('paid');
    expect(paymentStatusOf('payment.succeeded', undefined)).toBe('paid');
    expect(paymentStatusOf('payment.failed', 'failed')).toBe('failed');
    expect(paymentStatusOf('payment.failed', undefined)).toBe('failed');
    expect(paymentStatusOf('payment.failed', 'weird')).toBeNull();
  });

  test('refunds refetch the order, its refunds and the wallet', () => {
    const ops = opsForEvent('refund.succeeded', { refundId: 'rf_1', orderId: 'o_1', status: 'succeeded' });
    expect(invalidated(ops)).toEqual(
      expect.arrayContaining([keys.refunds.list('o_1'), keys.orders.detail('o_1'), keys.wallet.all()].map((k) => JSON.stringify(k))),
    );
  });

  test('unknown types and malformed data do nothing', () => {
    expect(opsForEvent('live.started', { id: 'x' })).toEqual([]);
    expect(opsForEvent('order.paid', {})).toEqual([]);
    expect(opsForEvent('payment.succeeded', { paymentId: 3 })).toEqual([]);
    // A status it does not know is not written, but the order is still refetched.
    expect(opsForEvent('order.paid', { orderId: 'o_1', status: 'teleported' }).some((o) => o.kind === 'orderStatus')).toBe(false);
  });
});

describe('applying cache operations', () => {
  test('writes a status into the cached detail, list pages and parent, and leaves missing entries missing', () => {
    const client = testQueryClient();
    client.setQueryData(keys.orders.detail('o_1'), order({ status: 'paid' }));
    const page: InfiniteData<OrderPage> = {
      pages: [{ items: [order({ id: 'o_2' }), order({ status: 'paid' })], nextCursor: null }],
      pageParams: [null],
    };
    client.setQueryData(keys.orders.list('all'), page);
    client.setQueryData(keys.orders.parent('po_1'), parentOrder([order({ status: 'paid' }), order({ id: 'o_3' })]));
    client.setQueryData(keys.payments.detail('pay_1'), payment());

    applyCacheOps(client, [
      ...opsForEvent('order.shipped', { orderId: 'o_1', parentId: 'po_1', status: 'shipped' }),
      ...opsForEvent('payment.succeeded', { paymentId: 'pay_1', status: 'succeeded' }),
      ...opsForEvent('payment.failed', { paymentId: 'pay_9', status: 'failed' }),
      ...opsForEvent('order.shipped', { orderId: 'o_404', parentId: 'po_404', status: 'shipped' }),
    ]);

    expect(client.getQueryData<ReturnType<typeof order>>(keys.orders.detail('o_1'))?.status).toBe('shipped');
    const list = client.getQueryData<InfiniteData<OrderPage>>(keys.orders.list('all'));
    expect(list?.pages[0].items.map((o) => [o.id, o.status])).toEqual([
      ['o_2', 'pending_payment'],
      ['o_1', 'shipped'],
    ]);
    expect(client.getQueryData<ReturnType<typeof parentOrder>>(keys.orders.parent('po_1'))?.children.map((c) => c.status)).toEqual(['shipped', 'pending_payment']);
    expect(client.getQueryData<ReturnType<typeof payment>>(keys.payments.detail('pay_1'))?.status).toBe('paid');
    expect(client.getQueryData(keys.payments.detail('pay_9'))).toBeUndefined();
    expect(client.getQueryData(keys.orders.detail('o_404'))).toBeUndefined();
    // The written entries are stale: the server's answer follows.
    expect(client.getQueryState(keys.orders.detail('o_1'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.payments.detail('pay_1'))?.isInvalidated).toBe(true);
  });

  test('reset invalidates everything a user topic covers and nothing else', () => {
    const client = testQueryClient();
    client.setQueryData(keys.orders.detail('o_1'), order());
    client.setQueryData(keys.wallet.detail(), { balance: 1 });
    client.setQueryData(keys.catalog.home(), { banners: [] });
    applyCacheOps(client, resetOps());
    expect(client.getQueryState(keys.orders.detail('o_1'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.wallet.detail())?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.catalog.home())?.isInvalidated).toBe(false);
  });

  test('an after-sale event writes the status into the cached request and the lists, and refetches its order and refunds', () => {
    const client = testQueryClient();
    const request = { id: 'as_1', orderId: 'o_1', status: 'awaiting_return' } as unknown as AfterSale;
    client.setQueryData(keys.afterSales.detail('as_1'), request);
    const page: InfiniteData<AfterSalePage> = { pages: [{ items: [request, { ...request, id: 'as_2' }], nextCursor: null }], pageParams: [null] };
    client.setQueryData(keys.afterSales.list(), page);
    client.setQueryData(keys.orders.detail('o_1'), order({ status: 'shipped' }));
    client.setQueryData(keys.refunds.list('o_1'), { items: [], paidAmount: 0, refundableAmount: 0 });

    applyCacheOps(client, [
      ...opsForEvent('after_sale.return_shipped', { afterSaleId: 'as_1', orderId: 'o_1', status: 'returning' }),
      ...opsForEvent('after_sale.refunded', { afterSaleId: 'as_404', orderId: 'o_404', status: 'refunded' }),
      ...opsForEvent('after_sale.cancelled', { orderId: 'o_1' }),
    ]);

    expect(client.getQueryData<AfterSale>(keys.afterSales.detail('as_1'))?.status).toBe('returning');
    const list = client.getQueryData<InfiniteData<AfterSalePage>>(keys.afterSales.list());
    expect(list?.pages[0].items.map((a) => [a.id, a.status])).toEqual([
      ['as_1', 'returning'],
      ['as_2', 'awaiting_return'],
    ]);
    expect(client.getQueryData(keys.afterSales.detail('as_404'))).toBeUndefined();
    expect(client.getQueryState(keys.afterSales.detail('as_1'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.orders.detail('o_1'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.refunds.list('o_1'))?.isInvalidated).toBe(true);
    expect(opsForEvent('after_sale.approved', { status: 'refunding' })).toEqual([]);
  });
});
