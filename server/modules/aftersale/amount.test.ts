import fc from 'fast-check';
import { spreadByWeight } from '@contract/money';
import type { OrderForAfterSale } from '../order/payable';
import { claimLines } from './service';

/** The refund amount of a request (pure): per unit of what was paid, the last units get the rest, shipping only for an unshipped order in full. */
type Order = Pick<OrderForAfterSale, 'lines' | 'shipped' | 'shippingAmount'>;
const line = (lineNo: number, quantity: number, paidAmount: number) => ({ lineNo, skuId: `sku_${lineNo}`, title: 't', specText: '', image: '', quantity, lineAmount: paidAmount, paidAmount });
const none = { lines: new Map<number, { quantity: number; amount: number }>(), shippingHeld: false };

it('spreads a discount over lines by amount, adding up exactly', () => {
  expect(spreadByWeight(100, [1000, 2000, 3000])).toEqual([17, 33, 50]);
  expect(spreadByWeight(0, [5, 5])).toEqual([0, 0]);
  expect(spreadByWeight(7, [0, 0])).toEqual([0, 0]);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 100_000 }), (weights, total) => {
      const parts = spreadByWeight(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0);
      return parts.every((p) => p >= 0) && (sum === 0 || parts.reduce((a, b) => a + b, 0) === total);
    }),
  );
});

it('per unit, rounded down; the last units get what is left', () => {
  const order: Order = { lines: [line(0, 3, 1000)], shipped: true, shippingAmount: 800 };
  const first = claimLines(order, none, new Map([[0, 1]]));
  expect(first).toEqual({ lines: [{ lineNo: 0, quantity: 1, amount: 333 }], shippingAmount: 0 });
  const held = { lines: new Map([[0, { quantity: 1, amount: 333 }]]), shippingHeld: false };
  expect(claimLines(order, held, null)).toEqual({ lines: [{ lineNo: 0, quantity: 2, amount: 667 }], shippingAmount: 0 });
  expect(() => claimLines(order, held, new Map([[0, 3]]))).toThrow(expect.objectContaining({ code: 'AFTER_SALE_QUANTITY_EXCEEDED' }));
});

it('gives the shipping fee back only for an unshipped order asked for in full, once', () => {
  const order: Order = { lines: [line(0, 2, 2000), line(1, 1, 500)], shipped: false, shippingAmount: 800 };
  expect(claimLines(order, none, null).shippingAmount).toBe(800);
  expect(claimLines(order, none, new Map([[0, 2]])).shippingAmount).toBe(0);
  const rest = { lines: new Map([[0, { quantity: 2, amount: 2000 }]]), shippingHeld: false };
  expect(claimLines(order, rest, null)).toEqual({ lines: [{ lineNo: 1, quantity: 1, amount: 500 }], shippingAmount: 800 });
  expect(claimLines(order, { ...rest, shippingHeld: true }, null).shippingAmount).toBe(0);
  expect(claimLines({ ...order, shipped: true }, none, null).shippingAmount).toBe(0);
});

it('never adds up to more than was paid for a line, whatever the partial requests', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 20 }), (quantity, paid, asks) => {
      const order: Order = { lines: [line(0, quantity, paid)], shipped: true, shippingAmount: 0 };
      const held = { lines: new Map<number, { quantity: number; amount: number }>(), shippingHeld: false };
      for (const q of asks) {
        const before = held.lines.get(0) ?? { quantity: 0, amount: 0 };
        if (before.quantity + q > quantity) continue;
        const claim = claimLines(order, held, new Map([[0, q]]));
        held.lines.set(0, { quantity: before.quantity + q, amount: before.amount + claim.lines[0].amount });
      }
      const total = held.lines.get(0) ?? { quantity: 0, amount: 0 };
      return total.amount <= paid && (total.quantity < quantity || total.amount === paid);
    }),
  );
});
