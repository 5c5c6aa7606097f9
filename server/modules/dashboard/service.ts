import type { Kysely } from 'kysely';
import { MERCHANT_TIME_ZONE, type DashboardFigures } from '@contract/workbench';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import type { OutboxEvent } from '../../infra/outbox';
import { merchantOfOrder, orderFigures } from '../order';
import { refundFigures } from '../payment';
import { afterSalesWaiting } from '../aftersale';

type Db = Kysely<Database>;

/**
 * The merchant's dashboard (docs/merchant.md, "Dashboard"): today's figures, computed by the
 * server from the owners' surfaces (orders: paid today, GMV, waiting to ship or be picked up;
 * payments: refunds today; after-sales: requests waiting for the merchant), each an indexed read. When they change (an order paid, shipped or
 * completed, a refund), the outbox's dashboard consumer marks the merchant; the push job sends
 * the new figures on the `merchant:{id}` topic at most once per DEBOUNCE_MS per merchant.
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

export const DASHBOARD_CONSUMER = 'dashboard';
/** The events that change a merchant's figures. */
export const DASHBOARD_CONSUMED_EVENTS = [
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

/**
 * The dashboard's outbox consumer: marks the event's merchant as due for a push, unless it is
 * already (the first change of a burst sets when the push happens; the rest join it).
 */
export async function applyDashboardEvent(trx: Db, event: OutboxEvent, now = Date.now()): Promise<void> {
  const payload = event.payload as { merchantId?: string; orderId?: string };
  const merchantId = payload.merchantId ?? (payload.orderId ? await merchantOfOrder(trx, payload.orderId) : null);
  if (!merchantId) return;
  await trx
    .insertInto('dashboard_marks')
    .values({ merchant_id: merchantId, due_at: now + DEBOUNCE_MS })
    .onConflict((oc) => oc.column('merchant_id').doNothing())
    .execute();
}

/**
 * Pushes the figures of every merchant whose mark is due: the mark is taken (a guarded delete,
 * so two nodes never push the same mark twice) and the figures emitted in one transaction.
 * Answers how many were pushed.
 */
export async function pushDueDashboards(db: Db, now = Date.now(), batchSize = 100): Promise<number> {
  const due = await db.selectFrom('dashboard_marks').select('merchant_id').where('due_at', '<=', now).orderBy('due_at').limit(batchSize).execute();
  let pushed = 0;
  for (const { merchant_id: merchantId } of due) {
    const sent = await transact(db, async (trx) => {
      const taken = await trx.deleteFrom('dashboard_marks').where('merchant_id', '=', merchantId).where('due_at', '<=', now).executeTakeFirst();
      if (Number(taken.numDeletedRows) === 0) return false;
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
