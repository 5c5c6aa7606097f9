import type { Kysely } from 'kysely';
import { MERCHANT_TIME_ZONE, type DashboardFigures } from '@contract/workbench';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { EVENTS, NEW_ORDERS_MAX } from '../../events/catalog';
import { emit } from '../../events/emit';
import type { EventWriter, OutboxEvent } from '../../infra/outbox';
import { prepared } from '../../db/prepared';
import { merchantOfOrder, newOrderRows, orderFigures } from '../order';
import { refundFigures } from '../payment';
import { afterSalesWaiting } from '../aftersale';

type Db = Kysely<Database>;

/**
 * The merchant's dashboard (docs/merchant.md, "Dashboard"): today's figures, computed by the
 * server from the owners' surfaces (orders: paid today, GMV, waiting to ship or be picked up;
 * payments: refunds today; after-sales: requests waiting for the merchant), each an indexed read.
 * When they change (an order paid, shipped or completed, a refund, an after-sale moving), the
 * dashboard's event writer records the change in the event's transaction; the push job sends the
 * new figures on the `merchant:{id}` topic at most once per DEBOUNCE_MS per merchant.
 */

/** China has one offset all year (no daylight saving): UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The merchant's day that `now` falls in: [start, end) in epoch ms, and its date. */
export function merchantDay(now: number): { from: number; to: number; date: string } {
  const local = now + SHANGHAI_OFFSET_MS;
  const from = Math.floor(local / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  return { from, to: from + DAY_MS, date: new Date(from + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10) };
}

export async function dashboardFigures(db: Db, merchantId: string, now = Date.now()): Promise<DashboardFigures> {
  const day = merchantDay(now);
  const [orders, refunds, waiting] = await Promise.all([
    orderFigures(db, merchantId, day.from, day.to),
    refundFigures(db, merchantId, day.from, day.to),
    afterSalesWaiting(db, merchantId),
  ]);
  return { date: day.date, timeZone: MERCHANT_TIME_ZONE, ...orders, refunds, afterSalesWaiting: waiting, computedAt: now };
}

/** How long a change waits for others before the figures are pushed. */
export const DEBOUNCE_MS = 2_000;

/** The events that change a merchant's figures. */
export const DASHBOARD_EVENTS = [
  EVENTS.orderPaid.name,
  EVENTS.orderShipped.name,
  EVENTS.orderCompleted.name,
  EVENTS.refundSucceeded.name,
  // After-sales waiting for the merchant come and go.
  EVENTS.afterSaleRequested.name,
  EVENTS.afterSaleApproved.name,
  EVENTS.afterSaleRejected.name,
  EVENTS.afterSaleCancelled.name,
  EVENTS.afterSaleReturnShipped.name,
  EVENTS.afterSaleReceived.name,
  EVENTS.afterSaleClosed.name,
  EVENTS.afterSaleRefundFailed.name,
  EVENTS.afterSaleRefundRetried.name,
] as const;

const DASHBOARD_EVENT_SET: ReadonlySet<string> = new Set(DASHBOARD_EVENTS);

/**
 * Records that `event` changed its merchant's figures, in the event's own transaction: one
 * insert of a new key (the event's id), which never waits for another transaction, so a busy
 * merchant's concurrent payments do not queue on a shared row and the dashboard takes no part in
 * the lock order. An event without a merchant in its payload names an order; its merchant is read.
 */
export async function recordDashboardChange(trx: Db, event: OutboxEvent): Promise<void> {
  const payload = event.payload as { merchantId?: string; orderId?: string };
  const merchantId = payload.merchantId ?? (payload.orderId ? await merchantOfOrder(trx, payload.orderId) : null);
  if (!merchantId) return;
  const orderId = event.type === EVENTS.orderPaid.name ? (payload.orderId ?? null) : null;
  await insertChange.execute(trx, { eventId: event.id, merchantId, at: event.createdAt, orderId });
}

const insertChange = prepared<{ eventId: string; merchantId: string; at: number; orderId: string | null }>((db, p) =>
  db.insertInto('dashboard_changes').values({ event_id: p('eventId'), merchant_id: p('merchantId'), at: p('at'), order_id: p('orderId') }),
);

/**
 * The dashboard's event writer (run by the outbox in the producer's transaction, as realtime's):
 * no outbox row, delivery or consumer transaction per paid order: one insert.
 */
export const dashboardWriter: EventWriter = {
  accepts: (type) => DASHBOARD_EVENT_SET.has(type),
  write: recordDashboardChange,
};

/**
 * Pushes the figures of every merchant whose oldest change is DEBOUNCE_MS old (the first change
 * of a burst sets when the push happens; the rest join it): the merchant's changes are taken (a
 * delete; two nodes never both push the same changes: the second deletes nothing), and in one
 * transaction the rows of the orders paid since the last push are emitted (workbench.new_orders:
 * the new-order cue and the list; at most NEW_ORDERS_MAX, `more` beyond) and then the figures.
 * A change committed after the take stays for the next push. Answers how many were pushed.
 */
export async function pushDueDashboards(db: Db, now = Date.now(), batchSize = 100): Promise<number> {
  const due = await db
    .selectFrom('dashboard_changes')
    .select('merchant_id')
    .groupBy('merchant_id')
    .having((eb) => eb.fn.min('at'), '<=', now - DEBOUNCE_MS)
    .orderBy('merchant_id')
    .limit(batchSize)
    .execute();
  let pushed = 0;
  for (const { merchant_id: merchantId } of due) {
    const sent = await transact(db, async (trx) => {
      const taken = await trx.deleteFrom('dashboard_changes').where('merchant_id', '=', merchantId).where('at', '<=', now).returning('order_id').execute();
      if (taken.length === 0) return false;
      const paid = [...new Set(taken.flatMap((c) => (c.order_id ? [c.order_id] : [])))];
      if (paid.length > 0) {
        const orders = await newOrderRows(trx, merchantId, paid, NEW_ORDERS_MAX);
        if (orders.length > 0) await emit(trx, EVENTS.workbenchNewOrders, merchantId, { merchantId, orders, more: paid.length > orders.length }, now);
      }
      const figures = await dashboardFigures(trx, merchantId, now);
      await emit(trx, EVENTS.dashboardUpdated, merchantId, { merchantId, figures }, now);
      return true;
    });
    if (sent) pushed += 1;
  }
  return pushed;
}

/** The dashboard's jobs: the debounced push. */
export const DASHBOARD_JOBS = [
  {
    name: 'push-dashboards',
    intervalMs: 1_000,
    run: ({ db }: { db: Db }, now: number) => pushDueDashboards(db, now),
  },
] as const;
