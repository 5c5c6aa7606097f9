import type { Order } from '@contract';

/** How an order's amount is labelled: 应付 (still to pay), 实付 (paid), 订单金额 (never paid). */
export type OrderAmountKind = 'payable' | 'paid' | 'total';

/**
 * The amount an order card or detail shows, and what to call it. Only money that was paid is
 * 实付: an order cancelled or closed before any payment shows its 订单金额; one that was partly
 * paid before it closed shows what was paid (and is refunded).
 */
export function orderAmount(order: Pick<Order, 'status' | 'amounts' | 'paidAmount'>): { kind: OrderAmountKind; fen: number } {
  switch (order.status) {
    case 'pending_payment':
      return { kind: 'payable', fen: order.amounts.payableAmount };
    case 'paid':
    case 'shipped':
    case 'completed':
      return { kind: 'paid', fen: order.amounts.payableAmount };
    case 'cancelled':
    case 'closed':
      return order.paidAmount > 0 ? { kind: 'paid', fen: order.paidAmount } : { kind: 'total', fen: order.amounts.payableAmount };
  }
}
