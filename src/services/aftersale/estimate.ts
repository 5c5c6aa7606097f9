import type { AfterSale, AfterSaleStatus } from '@contract/aftersale';
import type { Order } from '@contract';
import { spreadByWeight } from '@contract/money';

/**
 * What an after-sale request would refund, worked out the way the server does
 * (docs/aftersale.md, "The amount"; the server's claimLines and spreadByWeight), so the apply
 * page can show an estimate before sending. The server computes the real amount.
 */

/** Statuses whose units a request holds: they cannot be asked for again. */
export const HOLDING_STATUSES: readonly AfterSaleStatus[] = ['requested', 'awaiting_return', 'returning', 'refunding', 'refunded', 'refund_failed'];

/** Statuses in which the shopper may withdraw the request. */
export const CANCELLABLE_STATUSES: readonly AfterSaleStatus[] = ['requested', 'awaiting_return'];

/** Order statuses in which an after-sale can be asked for. */
export const AFTER_SALE_ORDER_STATUSES: readonly Order['status'][] = ['paid', 'shipped', 'completed'];

/** At most this many photos per request (the contract's MAX_AFTER_SALE_PHOTOS). */
export const MAX_PHOTOS = 6;

/** Whether the order left the merchant: a return (退货退款) is offered only then. */
export function orderShipped(order: Pick<Order, 'status' | 'timeline'>): boolean {
  return order.status === 'shipped' || order.timeline.some((e) => e.status === 'shipped');
}

export interface HeldLine {
  quantity: number;
  amount: number;
}

export interface Held {
  lines: Map<number, HeldLine>;
  shippingHeld: boolean;
}

/** What the shopper's earlier requests of this order already hold, per line (0-based line number). */
export function heldByRequests(orderId: string, requests: readonly AfterSale[]): Held {
  const lines = new Map<number, HeldLine>();
  let shippingHeld = false;
  for (const r of requests) {
    if (r.orderId !== orderId || !HOLDING_STATUSES.includes(r.status)) continue;
    if (r.shippingAmount > 0) shippingHeld = true;
    for (const l of r.lines) {
      const before = lines.get(l.lineNo) ?? { quantity: 0, amount: 0 };
      lines.set(l.lineNo, { quantity: before.quantity + l.quantity, amount: before.amount + l.amount });
    }
  }
  return { lines, shippingHeld };
}

/** Units of each line still free to ask for. */
export function availableUnits(order: Pick<Order, 'lines'>, held: Held): number[] {
  return order.lines.map((l, lineNo) => Math.max(0, l.quantity - (held.lines.get(lineNo)?.quantity ?? 0)));
}

/**
 * The estimated refund of `wanted[lineNo]` units per line: each line's share of what was paid
 * for it, in proportion to the units (the last units get what is left); the shipping fee only
 * when an order that has not shipped is asked for in full. Capped at `refundable` when known.
 */
export function estimateRefund(
  order: Pick<Order, 'lines' | 'amounts' | 'status' | 'timeline'>,
  held: Held,
  wanted: readonly number[],
  refundable?: number,
): number {
  const paid = spreadByWeight(order.amounts.discountAmount, order.lines.map((l) => l.lineAmount)).map((share, i) => order.lines[i].lineAmount - share);
  let total = 0;
  let everything = true;
  order.lines.forEach((line, lineNo) => {
    const before = held.lines.get(lineNo) ?? { quantity: 0, amount: 0 };
    const left = line.quantity - before.quantity;
    const quantity = Math.min(Math.max(0, wanted[lineNo] ?? 0), Math.max(0, left));
    if (before.quantity + quantity < line.quantity) everything = false;
    if (quantity === 0) return;
    const amount = quantity === left ? paid[lineNo] - before.amount : Math.floor((paid[lineNo] * quantity) / line.quantity);
    total += Math.max(0, amount);
  });
  if (total > 0 && !orderShipped(order) && everything && !held.shippingHeld) total += order.amounts.shippingAmount;
  return refundable === undefined ? total : Math.min(total, refundable);
}
