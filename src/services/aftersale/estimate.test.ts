import type { AfterSale } from '@contract/aftersale';
import { order } from '@/services/checkout/test-support';
import { spreadByWeight } from '@contract/money';
import { availableUnits, estimateRefund, heldByRequests, orderShipped } from './estimate';

const twoLines = () =>
  order({
    status: 'paid',
    lines: [
      { skuId: 's1', productId: 'p1', title: 'A', specText: '', image: '', unitPrice: 1000, quantity: 3, lineAmount: 3000 },
      { skuId: 's2', productId: 'p2', title: 'B', specText: '', image: '', unitPrice: 1000, quantity: 1, lineAmount: 1000 },
    ],
    amounts: { itemsAmount: 4000, shippingAmount: 800, discountAmount: 1001, payableAmount: 3799 },
    timeline: [{ status: 'paid', at: 1, note: '' }],
  });

const none = { lines: new Map(), shippingHeld: false };

describe('after-sale estimate', () => {
  it('spreads by largest remainder, the parts adding up', () => {
    expect(spreadByWeight(1001, [3000, 1000])).toEqual([751, 250]);
    expect(spreadByWeight(5, [0, 0])).toEqual([0, 0]);
  });

  it('refunds units in proportion, the last units what is left, and the shipping fee only for everything before shipping', () => {
    const o = twoLines();
    // line 0 paid 3000 - 751 = 2249: one of three units, rounded down.
    expect(estimateRefund(o, none, [1, 0])).toBe(749);
    expect(estimateRefund(o, none, [3, 0])).toBe(2249);
    // Everything of an unshipped order: the shipping fee too.
    expect(estimateRefund(o, none, [3, 1])).toBe(2249 + 750 + 800);
    // Shipped: the fee stays.
    expect(estimateRefund({ ...o, status: 'shipped' }, none, [3, 1])).toBe(2249 + 750);
    // Capped at what is refundable.
    expect(estimateRefund(o, none, [3, 1], 1000)).toBe(1000);
    expect(estimateRefund(o, none, [0, 0])).toBe(0);
  });

  it('counts what earlier requests hold', () => {
    const o = twoLines();
    const earlier = (status: AfterSale['status']) =>
      ({ orderId: o.id, status, shippingAmount: 0, lines: [{ lineNo: 0, quantity: 1, amount: 749 }] }) as unknown as AfterSale;
    const held = heldByRequests(o.id, [earlier('requested'), earlier('cancelled'), { ...earlier('refunded'), orderId: 'other' }]);
    expect(availableUnits(o, held)).toEqual([2, 1]);
    // The last two units of line 0 take what is left of it.
    expect(estimateRefund(o, held, [2, 0])).toBe(2249 - 749);
  });

  it('a return needs an order that shipped', () => {
    expect(orderShipped({ status: 'paid', timeline: [] })).toBe(false);
    expect(orderShipped({ status: 'shipped', timeline: [] })).toBe(true);
    expect(orderShipped({ status: 'completed', timeline: [{ status: 'shipped', at: 1, note: '' }] })).toBe(true);
    expect(orderShipped({ status: 'completed', timeline: [{ status: 'paid', at: 1, note: '' }] })).toBe(false);
  });
});
