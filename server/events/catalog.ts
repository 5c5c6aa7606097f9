import { z } from 'zod';
import { orderStatus } from '@contract/order';
import { payChannel } from '@contract/payment';
import { afterSaleKind, afterSaleStatus } from '@contract/aftersale';
import { dashboardFigures, merchantOrderSummary } from '@contract/workbench';
import { staffRole } from '@contract/merchant';
import { liveSessionStatus } from '@contract/live';

/**
 * The one catalog of domain events: every event any module writes to the outbox, with its name,
 * the version of its payload and the payload's schema. Producers write through emit()
 * (server/events/emit.ts), which checks the payload against the schema; consumers, the broker
 * sink and the realtime channel read events by these definitions. A payload change that is not
 * backwards compatible gets a new version (and, while consumers catch up, a new definition).
 */
export interface EventDef<N extends string = string, P = unknown> {
  name: N;
  version: number;
  schema: z.ZodType<P>;
}

function defineEvent<N extends string, S extends z.ZodType>(name: N, version: number, schema: S): EventDef<N, z.infer<S>> {
  return { name, version, schema: schema as z.ZodType<z.infer<S>> };
}

const id = z.string().min(1);
const fen = z.number().int().min(0);
const epochMs = z.number().int();

/** Every order transition: the child order, its parent, owner and merchant, the status it reached. */
const orderChanged = z.object({
  orderId: id,
  parentId: id,
  userId: id,
  merchantId: id,
  status: orderStatus,
  at: epochMs,
});

/**
 * order.paid: the transition. (The workbench's row of the order reaches the merchant's topic
 * in workbench.new_orders, batched by the dashboard's push, not from the payment's transaction.
 * Events written by an earlier version may carry that row as `summary`: it is ignored.)
 */
const orderPaid = orderChanged.extend({ summary: merchantOrderSummary.optional() });

/** At most this many rows in one workbench.new_orders message; `more` says the list should be fetched. */
export const NEW_ORDERS_MAX = 20;

/**
 * The orders a merchant was paid for since the dashboard's last push, with the rows the
 * workbench's list shows (newest first): the new-order cue and the list without a request.
 */
const workbenchNewOrders = z.object({ merchantId: id, orders: z.array(merchantOrderSummary).max(NEW_ORDERS_MAX), more: z.boolean() });

/** A SKU's stock reached zero (a sale, or a stock edit): the merchant's sold-out alert. */
const skuSoldOut = z.object({
  skuId: id,
  productId: id,
  merchantId: id,
  title: z.string(),
  specText: z.string(),
  /** What took it to zero. */
  cause: z.enum(['sale', 'edit']),
  at: epochMs,
});

/** A merchant's dashboard figures after they changed (debounced: at most one per merchant per few seconds). */
const dashboardUpdated = z.object({ merchantId: id, figures: dashboardFigures });

const paymentSucceeded = z.object({
  paymentId: id,
  /** The order paid: a parent order or a child order. */
  orderId: id,
  userId: id,
  amount: fen,
  channel: payChannel.nullable(),
  channelAmount: fen,
  paidAt: epochMs,
  /** What each child order received. */
  children: z.array(z.object({ orderId: id, amount: fen })),
});

const paymentFailed = z.object({
  paymentId: id,
  orderId: id,
  userId: id,
  status: z.enum(['failed', 'closed']),
  endReason: z.string().nullable(),
});

const refundEnded = z.object({
  refundId: id,
  orderId: id,
  userId: id,
  amount: fen,
  source: z.enum(['shopper', 'order_closed', 'late_payment', 'after_sale']),
});

/**
 * A shopper was bound under a promoter (docs/referral.md, "Attribution and binding"): at a
 * sign-in or by a token; `replaced` is the promoter of the binding it took the place of
 * (first_touch_days after a lapse, last_touch), null for a first binding.
 */
const referralBound = z.object({
  userId: id,
  promoterId: id,
  replaced: id.nullable(),
  /** The share link the binding came through. */
  linkId: id,
  via: z.enum(['sign_in', 'token']),
  boundAt: epochMs,
  /** first_touch_days:N: when the binding lapses (null: never). */
  expiresAt: epochMs.nullable(),
});

/** Every after-sale transition: the request, its order, shopper and merchant, the status it reached. */
const afterSaleChanged = z.object({
  afterSaleId: id,
  orderId: id,
  userId: id,
  merchantId: id,
  kind: afterSaleKind,
  status: afterSaleStatus,
  /** What the request refunds (fen). */
  amount: fen,
  at: epochMs,
});

/**
 * A member's access to a merchant changed (the merchant module, decision 0023): removed, or given
 * another role. Only for a member with an account (an invite withdrawn or changed has nobody to
 * tell). Realtime asks again, on every node, about the member's subscriptions to the merchant's
 * topic.
 */
const staffChanged = z.object({
  merchantId: id,
  staffId: id,
  userId: id,
  /** The role before the change. */
  from: staffRole,
  /** The role after it; null when removed. */
  to: staffRole.nullable(),
  at: epochMs,
});

/** An account's sessions ended (identity's): disabled, or its sessions revoked. Realtime closes its sockets on every node. */
const accountSessionsEnded = z.object({ userId: id, at: epochMs });

/**
 * A live session's lifecycle moved (the live module, docs/live.md): started, paused, resumed,
 * ended or cancelled. Pushed on `live:{sessionId}` as `live.status`; the event's name is the
 * topic's event type.
 */
const liveStatus = z.object({ sessionId: id, merchantId: id, status: liveSessionStatus, at: epochMs });

/** The product a live session presents (讲解中) changed; null: unpinned (or the session ended). Pushed on `live:{sessionId}`. */
const livePinned = z.object({ sessionId: id, merchantId: id, productId: id.nullable(), at: epochMs });

export const EVENTS = {
  orderCreated: defineEvent('order.created', 1, orderChanged),
  orderPaid: defineEvent('order.paid', 1, orderPaid),
  orderShipped: defineEvent('order.shipped', 1, orderChanged),
  orderCompleted: defineEvent('order.completed', 1, orderChanged),
  orderCancelled: defineEvent('order.cancelled', 1, orderChanged),
  orderClosed: defineEvent('order.closed', 1, orderChanged),
  paymentSucceeded: defineEvent('payment.succeeded', 1, paymentSucceeded),
  paymentFailed: defineEvent('payment.failed', 1, paymentFailed),
  refundSucceeded: defineEvent('refund.succeeded', 1, refundEnded),
  refundFailed: defineEvent('refund.failed', 1, refundEnded),
  /** Late money went back to the shopper through the channel (not an order refund). */
  latePaymentRefunded: defineEvent('late_payment.refunded', 1, refundEnded),
  /** The shopper asked (requested). */
  afterSaleRequested: defineEvent('after_sale.requested', 1, afterSaleChanged),
  /** Approved: refunding (refund only) or awaiting_return (with a return address). */
  afterSaleApproved: defineEvent('after_sale.approved', 1, afterSaleChanged),
  afterSaleRejected: defineEvent('after_sale.rejected', 1, afterSaleChanged),
  afterSaleCancelled: defineEvent('after_sale.cancelled', 1, afterSaleChanged),
  /** The shopper sent the goods back (returning). */
  afterSaleReturnShipped: defineEvent('after_sale.return_shipped', 1, afterSaleChanged),
  /** The merchant confirmed the returned goods arrived; the refund runs (refunding). */
  afterSaleReceived: defineEvent('after_sale.received', 1, afterSaleChanged),
  /** The goods were not sent back in time (closed). */
  afterSaleClosed: defineEvent('after_sale.closed', 1, afterSaleChanged),
  afterSaleRefunded: defineEvent('after_sale.refunded', 1, afterSaleChanged),
  afterSaleRefundFailed: defineEvent('after_sale.refund_failed', 1, afterSaleChanged),
  /** The merchant ran a failed refund again (refunding). */
  afterSaleRefundRetried: defineEvent('after_sale.refund_retried', 1, afterSaleChanged),
  skuSoldOut: defineEvent('sku.sold_out', 1, skuSoldOut),
  dashboardUpdated: defineEvent('dashboard.updated', 1, dashboardUpdated),
  workbenchNewOrders: defineEvent('workbench.new_orders', 1, workbenchNewOrders),
  staffRemoved: defineEvent('staff.removed', 1, staffChanged),
  staffRoleChanged: defineEvent('staff.role_changed', 1, staffChanged),
  accountDisabled: defineEvent('account.disabled', 1, accountSessionsEnded),
  accountSessionsRevoked: defineEvent('account.sessions_revoked', 1, accountSessionsEnded),
  referralBound: defineEvent('referral.bound', 1, referralBound),
  liveStatus: defineEvent('live.status', 1, liveStatus),
  livePinned: defineEvent('live.pinned', 1, livePinned),
} as const;

/**
 * The events a merchant's own systems may subscribe to by webhook (docs/outbox.md): the order,
 * payment, refund and after-sale facts and stock running out. The rest are the platform's own
 * plumbing (the dashboard's push, the workbench's cue, staff and account changes, referral
 * bindings naming shoppers): no webhook receives them, whatever its pattern.
 */
const WEBHOOK_PREFIXES = ['order.', 'payment.', 'refund.', 'late_payment.', 'after_sale.', 'sku.'] as const;
export const WEBHOOK_EVENT_NAMES: readonly string[] = Object.values(EVENTS)
  .map((e) => e.name)
  .filter((name) => WEBHOOK_PREFIXES.some((p) => name.startsWith(p)));

type Catalog = typeof EVENTS;
export type EventName = Catalog[keyof Catalog]['name'];
export type PayloadOf<D> = D extends EventDef<string, infer P> ? P : never;
export type OrderChangedPayload = z.infer<typeof orderChanged>;
export type OrderPaidPayload = z.infer<typeof orderPaid>;
export type SkuSoldOutPayload = z.infer<typeof skuSoldOut>;
export type DashboardUpdatedPayload = z.infer<typeof dashboardUpdated>;
export type WorkbenchNewOrdersPayload = z.infer<typeof workbenchNewOrders>;
export type PaymentSucceededPayload = z.infer<typeof paymentSucceeded>;
export type PaymentFailedPayload = z.infer<typeof paymentFailed>;
export type RefundEndedPayload = z.infer<typeof refundEnded>;
export type AfterSaleChangedPayload = z.infer<typeof afterSaleChanged>;
export type StaffChangedPayload = z.infer<typeof staffChanged>;
export type AccountSessionsEndedPayload = z.infer<typeof accountSessionsEnded>;
export type ReferralBoundPayload = z.infer<typeof referralBound>;
export type LiveStatusPayload = z.infer<typeof liveStatus>;
export type LivePinnedPayload = z.infer<typeof livePinned>;

const byName = new Map<string, EventDef>(Object.values(EVENTS).map((d) => [d.name, d as EventDef]));

/** The definition of an event type, or undefined for a type the catalog does not know. */
export function eventDef(name: string): EventDef | undefined {
  return byName.get(name);
}

/** Every event type in the catalog. */
export const EVENT_NAMES: readonly EventName[] = Object.values(EVENTS).map((d) => d.name);

/**
 * A consumer's view of an event it accepts: the payload parsed with the catalog's schema
 * (throws on a payload the schema refuses, so the outbox retries and finally marks it dead
 * rather than a consumer acting on a shape it does not know).
 */
export function payloadOf<D extends EventDef>(def: D, event: { type: string; payload: unknown }): PayloadOf<D> {
  if (event.type !== def.name) throw new Error(`expected a ${def.name} event, got ${event.type}`);
  return def.schema.parse(event.payload) as PayloadOf<D>;
}
