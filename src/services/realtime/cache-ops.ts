import type { Order, OrderPage, OrderStatus, ParentOrder, Payment, PaymentStatus } from '@contract';
import type { AfterSale, AfterSalePage, AfterSaleStatus } from '@contract/aftersale';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { keys } from '../keys';
import { applyLiveOp, liveBoardOps, liveBoardResetKeys, liveBoardSessionIdOf, liveEventOps, liveResetKeys, liveSessionIdOf, type LiveOp } from './live';
import { applyMerchantOp, merchantEventEffects, merchantIdOf, merchantResetKeys, type MerchantOp } from './merchant';

/**
 * What a realtime message does to the react-query cache, as data: the pure part
 * (`opsForEvent`, `resetOps`) decides, `applyCacheOps` carries it out. Writes only touch entries
 * that are already cached; invalidations refetch what is on screen and mark the rest stale, so
 * the server's answer always has the last word over the pushed status.
 */
export type CacheOp =
  /** Write a child order's status into its detail, the lists and its parent, where cached. */
  | { kind: 'orderStatus'; orderId: string; status: OrderStatus }
  /** Write a payment's status into its cached detail (the result page reads it). */
  | { kind: 'paymentStatus'; paymentId: string; status: PaymentStatus }
  /** Write an after-sale request's status into its cached detail and the lists. */
  | { kind: 'afterSaleStatus'; afterSaleId: string; status: AfterSaleStatus }
  | { kind: 'invalidate'; queryKey: QueryKey }
  /** A merchant topic's write (merchant.ts). */
  | MerchantOp
  /** A live room's event, or the host's live board (live.ts). */
  | LiveOp;

const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'closed'];
const PAYMENT_STATUSES: readonly PaymentStatus[] = ['paying', 'closing', 'paid', 'failed', 'closed'];

const AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = ['requested', 'awaiting_return', 'returning', 'refunding', 'refunded', 'refund_failed', 'rejected', 'cancelled', 'closed'];

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function orderStatusOf(v: unknown): OrderStatus | null {
  return ORDER_STATUSES.includes(v as OrderStatus) ? (v as OrderStatus) : null;
}

/**
 * The payment's status after the event. The event names the outcome (`succeeded`, `failed`);
 * the cache holds the API's PaymentStatus, where a succeeded payment is `paid`.
 */
export function paymentStatusOf(type: string, v: unknown): PaymentStatus | null {
  if (PAYMENT_STATUSES.includes(v as PaymentStatus)) return v as PaymentStatus;
  if (v === 'succeeded' || (v === undefined && type === 'payment.succeeded')) return 'paid';
  if (v === undefined && type === 'payment.failed') return 'failed';
  return null;
}

/** Everything a user's topic covers: refetched after a `reset` or a gap in the versions. */
export function resetOps(): CacheOp[] {
  return [
    { kind: 'invalidate', queryKey: keys.orders.all() },
    { kind: 'invalidate', queryKey: keys.payments.all() },
    { kind: 'invalidate', queryKey: keys.refunds.all() },
    { kind: 'invalidate', queryKey: keys.wallet.all() },
    { kind: 'invalidate', queryKey: keys.afterSales.all() },
  ];
}

/** The cache operations of one event on a user's topic; an unknown type or malformed data does nothing. */
export function opsForEvent(type: string, data: Record<string, unknown>): CacheOp[] {
  if (type === 'order.created') {
    return [
      { kind: 'invalidate', queryKey: keys.orders.lists() },
      { kind: 'invalidate', queryKey: keys.orders.counts() },
    ];
  }
  if (type.startsWith('order.')) {
    const orderId = text(data.orderId);
    const status = orderStatusOf(data.status);
    if (!orderId) return [];
    const parentId = text(data.parentId);
    const ops: CacheOp[] = status ? [{ kind: 'orderStatus', orderId, status }] : [];
    ops.push(
      { kind: 'invalidate', queryKey: keys.orders.detail(orderId) },
      { kind: 'invalidate', queryKey: keys.orders.lists() },
      { kind: 'invalidate', queryKey: keys.orders.counts() },
    );
    if (parentId) ops.push({ kind: 'invalidate', queryKey: keys.orders.parent(parentId) });
    // Paying, cancelling or closing an order ends its open payments.
    ops.push({ kind: 'invalidate', queryKey: keys.payments.opens() });
    return ops;
  }
  if (type === 'payment.succeeded' || type === 'payment.failed') {
    const paymentId = text(data.paymentId);
    if (!paymentId) return [];
    const status = paymentStatusOf(type, data.status);
    const ops: CacheOp[] = status ? [{ kind: 'paymentStatus', paymentId, status }] : [];
    ops.push(
      // The full payment (paid time, end reason) follows from the server.
      { kind: 'invalidate', queryKey: keys.payments.detail(paymentId) },
      { kind: 'invalidate', queryKey: keys.payments.opens() },
      { kind: 'invalidate', queryKey: keys.orders.all() },
      // Internal tenders were spent, or come back.
      { kind: 'invalidate', queryKey: keys.wallet.all() },
    );
    return ops;
  }
  if (type === 'refund.succeeded' || type === 'refund.failed') {
    const orderId = text(data.orderId);
    if (!orderId) return [];
    return [
      { kind: 'invalidate', queryKey: keys.refunds.list(orderId) },
      { kind: 'invalidate', queryKey: keys.orders.detail(orderId) },
      { kind: 'invalidate', queryKey: keys.orders.lists() },
      { kind: 'invalidate', queryKey: keys.wallet.all() },
    ];
  }
  if (type.startsWith('after_sale.')) {
    const afterSaleId = text(data.afterSaleId);
    if (!afterSaleId) return [];
    const status = AFTER_SALE_STATUSES.includes(data.status as AfterSaleStatus) ? (data.status as AfterSaleStatus) : null;
    const orderId = text(data.orderId);
    const ops: CacheOp[] = status ? [{ kind: 'afterSaleStatus', afterSaleId, status }] : [];
    // The full request (return address, refund, reject reason) follows from the server.
    ops.push({ kind: 'invalidate', queryKey: keys.afterSales.detail(afterSaleId) }, { kind: 'invalidate', queryKey: keys.afterSales.lists() });
    if (orderId) {
      // What the order can still refund, and its refunds, move with the request.
      ops.push({ kind: 'invalidate', queryKey: keys.orders.detail(orderId) }, { kind: 'invalidate', queryKey: keys.refunds.list(orderId) });
    }
    if (status === 'refunded') ops.push({ kind: 'invalidate', queryKey: keys.wallet.all() });
    return ops;
  }
  return [];
}

/** The ops of one event on any topic: the user's (above), a merchant's workbench topic, a live room or a host's board. */
export function opsForTopicEvent(topic: string, type: string, data: Record<string, unknown>): CacheOp[] {
  const sessionId = liveSessionIdOf(topic);
  if (sessionId) return liveEventOps(sessionId, type, data);
  const boardId = liveBoardSessionIdOf(topic);
  if (boardId) return liveBoardOps(boardId, type, data);
  const merchantId = merchantIdOf(topic);
  if (!merchantId) return opsForEvent(type, data);
  const effects = merchantEventEffects(merchantId, type, data);
  return [...effects.ops, ...effects.invalidate.map((queryKey): CacheOp => ({ kind: 'invalidate', queryKey }))];
}

/**
 * The ops of a volatile event (no version; latest `at` wins): a live room's lines and stats, the
 * host's board (`liveboard:{sessionId}`). Nothing else is volatile; an unknown one does nothing.
 */
export function opsForVolatileEvent(topic: string, type: string, data: Record<string, unknown>): CacheOp[] {
  const sessionId = liveSessionIdOf(topic);
  if (sessionId) return liveEventOps(sessionId, type, data);
  const boardId = liveBoardSessionIdOf(topic);
  return boardId ? liveBoardOps(boardId, type, data) : [];
}

/** Everything a topic covers, refetched after a reset or a gap. */
export function resetOpsFor(topic: string): CacheOp[] {
  const sessionId = liveSessionIdOf(topic);
  if (sessionId) return liveResetKeys(sessionId).map((queryKey): CacheOp => ({ kind: 'invalidate', queryKey }));
  const boardId = liveBoardSessionIdOf(topic);
  if (boardId) return liveBoardResetKeys(boardId).map((queryKey): CacheOp => ({ kind: 'invalidate', queryKey }));
  const merchantId = merchantIdOf(topic);
  if (!merchantId) return resetOps();
  return merchantResetKeys(merchantId).map((queryKey): CacheOp => ({ kind: 'invalidate', queryKey }));
}

function withAfterSaleStatus(item: AfterSale, id: string, status: AfterSaleStatus): AfterSale {
  return item.id === id && item.status !== status ? { ...item, status } : item;
}

function withOrderStatus(order: Order, orderId: string, status: OrderStatus): Order {
  return order.id === orderId && order.status !== status ? { ...order, status } : order;
}

/** Carries out cache operations: writes first (in order), then the invalidations. */
export function applyCacheOps(queryClient: QueryClient, ops: readonly CacheOp[]): void {
  for (const op of ops) {
    if (op.kind === 'orderStatus') {
      const { orderId, status } = op;
      // An updater that returns undefined leaves a missing entry missing.
      queryClient.setQueryData<Order>(keys.orders.detail(orderId), (old) => (old ? withOrderStatus(old, orderId, status) : old));
      queryClient.setQueriesData<InfiniteData<OrderPage>>({ queryKey: keys.orders.lists() }, (old) => {
        if (!old?.pages) return old;
        if (!old.pages.some((p) => p.items.some((o) => o.id === orderId))) return old;
        return { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((o) => withOrderStatus(o, orderId, status)) })) };
      });
      queryClient.setQueriesData<ParentOrder>({ queryKey: keys.orders.parents() }, (old) => {
        if (!old?.children?.some((c) => c.id === orderId)) return old;
        return { ...old, children: old.children.map((c) => withOrderStatus(c, orderId, status)) };
      });
    } else if (op.kind === 'afterSaleStatus') {
      const { afterSaleId, status } = op;
      queryClient.setQueryData<AfterSale>(keys.afterSales.detail(afterSaleId), (old) => (old ? withAfterSaleStatus(old, afterSaleId, status) : old));
      queryClient.setQueriesData<InfiniteData<AfterSalePage>>({ queryKey: keys.afterSales.lists() }, (old) => {
        if (!old?.pages?.some((p) => p.items.some((a) => a.id === afterSaleId))) return old;
        return { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((a) => withAfterSaleStatus(a, afterSaleId, status)) })) };
      });
    } else if (op.kind === 'paymentStatus') {
      queryClient.setQueryData<Payment>(keys.payments.detail(op.paymentId), (old) =>
        old && old.status !== op.status ? { ...old, status: op.status } : old,
      );
    } else if (op.kind === 'merchantOrdersPaid' || op.kind === 'merchantDashboard') {
      applyMerchantOp(queryClient, op);
    } else if (op.kind === 'liveEvent' || op.kind === 'liveBoard' || op.kind === 'liveBoardStats') {
      applyLiveOp(queryClient, op);
    }
  }
  for (const op of ops) {
    if (op.kind === 'invalidate') void queryClient.invalidateQueries({ queryKey: op.queryKey });
  }
}
