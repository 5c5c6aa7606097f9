import {
  EVENTS,
  type AccountSessionsEndedPayload,
  type AfterSaleChangedPayload,
  type DashboardUpdatedPayload,
  type LivePinnedPayload,
  type LiveStatusPayload,
  type EventDef,
  type OrderChangedPayload,
  type WorkbenchNewOrdersPayload,
  type PaymentFailedPayload,
  type PaymentSucceededPayload,
  type RefundEndedPayload,
  type SkuSoldOutPayload,
  type StaffChangedPayload,
} from '../events/catalog';
import type { OutboxEvent } from '../infra/outbox';
import type { UserNotice } from './bus';
import { liveTopic, merchantTopic, userTopic } from './topics';

/** One realtime message an event becomes: the topic it goes to and what the client is told. */
export interface TopicMessage {
  topic: string;
  data: Record<string, unknown>;
}

type Projection = (event: OutboxEvent) => TopicMessage[];

/**
 * The order transitions a client is told about, on the shopper's topic and the merchant's. Not
 * order.created (the client that placed the order has it in the answer; the merchant's workbench
 * lists orders once paid), not order.paid (for the shopper it is the same moment as the
 * payment.succeeded that names the orders it paid; the merchant gets workbench.new_orders, a
 * batch per debounced push): each message costs a versioned row and a notification.
 */
const orderEvents: EventDef[] = [EVENTS.orderShipped, EVENTS.orderCompleted, EVENTS.orderCancelled, EVENTS.orderClosed];

/**
 * The events that reach clients and what each becomes (docs/realtime.md, "Topics"): only what a
 * client can also fetch, with the resource's status after the event so it can update its cache
 * without a request. Amounts, channels and merchant data stay on the server.
 */
/** Every after-sale transition reaches its shopper. */
const afterSaleEvents: EventDef[] = [
  EVENTS.afterSaleRequested,
  EVENTS.afterSaleApproved,
  EVENTS.afterSaleRejected,
  EVENTS.afterSaleCancelled,
  EVENTS.afterSaleReturnShipped,
  EVENTS.afterSaleReceived,
  EVENTS.afterSaleClosed,
  EVENTS.afterSaleRefunded,
  EVENTS.afterSaleRefundFailed,
  EVENTS.afterSaleRefundRetried,
];

const PROJECTIONS = new Map<string, Projection>([
  ...orderEvents.map((def): [string, Projection] => [
    def.name,
    (event) => {
      const p = event.payload as OrderChangedPayload;
      const data = { orderId: p.orderId, parentId: p.parentId, status: p.status };
      // The shopper's topic and the merchant's workbench.
      return [
        { topic: userTopic(p.userId), data },
        { topic: merchantTopic(p.merchantId), data },
      ];
    },
  ]),
  [
    // New paid orders reach the merchant's workbench batched by the dashboard's push (never a
    // message per payment: the topic's row would serialise the merchant's payments).
    EVENTS.workbenchNewOrders.name,
    (event) => {
      const p = event.payload as WorkbenchNewOrdersPayload;
      return [{ topic: merchantTopic(p.merchantId), data: { orders: p.orders, more: p.more } }];
    },
  ],
  [
    EVENTS.skuSoldOut.name,
    (event) => {
      const p = event.payload as SkuSoldOutPayload;
      return [{ topic: merchantTopic(p.merchantId), data: { skuId: p.skuId, productId: p.productId, title: p.title, specText: p.specText, stock: 0, cause: p.cause } }];
    },
  ],
  [
    EVENTS.dashboardUpdated.name,
    (event) => {
      const p = event.payload as DashboardUpdatedPayload;
      return [{ topic: merchantTopic(p.merchantId), data: p.figures }];
    },
  ],
  [
    EVENTS.paymentSucceeded.name,
    (event) => {
      const p = event.payload as PaymentSucceededPayload;
      return [{ topic: userTopic(p.userId), data: { paymentId: p.paymentId, status: 'succeeded', orderId: p.orderId, orderIds: p.children.map((c) => c.orderId) } }];
    },
  ],
  [
    EVENTS.paymentFailed.name,
    (event) => {
      const p = event.payload as PaymentFailedPayload;
      return [{ topic: userTopic(p.userId), data: { paymentId: p.paymentId, status: p.status, orderId: p.orderId } }];
    },
  ],
  ...afterSaleEvents.map((def): [string, Projection] => [
    def.name,
    (event) => {
      const p = event.payload as AfterSaleChangedPayload;
      return [
        { topic: userTopic(p.userId), data: { afterSaleId: p.afterSaleId, orderId: p.orderId, status: p.status } },
        // The merchant's workbench: its after-sales list and tab counts.
        { topic: merchantTopic(p.merchantId), data: { afterSaleId: p.afterSaleId, orderId: p.orderId, status: p.status, kind: p.kind, amount: p.amount } },
      ];
    },
  ]),
  ...[EVENTS.refundSucceeded, EVENTS.refundFailed].map((def): [string, Projection] => [
    def.name,
    (event) => {
      const p = event.payload as RefundEndedPayload;
      return [{ topic: userTopic(p.userId), data: { refundId: p.refundId, orderId: p.orderId, status: def === EVENTS.refundFailed ? 'failed' : 'succeeded' } }];
    },
  ]),
  // A live session's own changes, kept and versioned on its topic (contract/live.ts liveTopicEvent);
  // its lines, stats and "just bought" notices are volatile (the live module publishes them).
  [
    EVENTS.liveStatus.name,
    (event) => {
      const p = event.payload as LiveStatusPayload;
      return [{ topic: liveTopic(p.sessionId), data: { sessionId: p.sessionId, status: p.status, at: p.at } }];
    },
  ],
  [
    EVENTS.livePinned.name,
    (event) => {
      const p = event.payload as LivePinnedPayload;
      return [{ topic: liveTopic(p.sessionId), data: { sessionId: p.sessionId, productId: p.productId, at: p.at } }];
    },
  ],
]);

/**
 * The events that change what a user may receive: not messages (nothing is stored or replayed)
 * but notices on the bus, sent at commit to every node's hub (docs/realtime.md, "Access that
 * changes"). A staff change has every hub ask again about that member's subscriptions to topics
 * not their own (the answer is the merchant module's, as at subscription); an account whose
 * sessions ended has its sockets closed.
 */
const USER_NOTICES = new Map<string, (event: OutboxEvent) => UserNotice[]>([
  ...[EVENTS.staffRemoved, EVENTS.staffRoleChanged].map((def): [string, (event: OutboxEvent) => UserNotice[]] => [
    def.name,
    (event) => [{ userId: (event.payload as StaffChangedPayload).userId, action: 'recheck' }],
  ]),
  ...[EVENTS.accountDisabled, EVENTS.accountSessionsRevoked].map((def): [string, (event: OutboxEvent) => UserNotice[]] => [
    def.name,
    (event) => [{ userId: (event.payload as AccountSessionsEndedPayload).userId, action: 'disconnect' }],
  ]),
]);

/** The event types the realtime channel takes: those it turns into messages and those it turns into user notices. */
export const REALTIME_EVENT_TYPES: readonly string[] = [...PROJECTIONS.keys(), ...USER_NOTICES.keys()];

/** What an event asks of every node's hub about a user (none for most events). */
export function userNoticesOf(event: OutboxEvent): UserNotice[] {
  const notices = USER_NOTICES.get(event.type);
  return notices ? notices(event) : [];
}

/** What an event becomes on the realtime channel; its payload was checked against the catalog when it was emitted, in the same transaction. */
export function projectEvent(event: OutboxEvent): TopicMessage[] {
  const projection = PROJECTIONS.get(event.type);
  return projection ? projection(event) : [];
}
