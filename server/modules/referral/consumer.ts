import type { Kysely } from 'kysely';
import { z } from 'zod';
import { prepared } from '../../db/prepared';
import type { Database } from '../../db/types';
import { EVENTS, payloadOf } from '../../events/catalog';
import type { OutboxEvent } from '../../infra/outbox';
import { refundedLinesOf } from '../aftersale';
import { commissionsOnCompleted, commissionsOnEnded, commissionsOnPaid, commissionsOnRefund, snapshotOrder } from './commissions';
import { everEnabled } from './rules';

type Db = Kysely<Database>;

/**
 * The referral module's consumer of other modules' events (server/compose.ts registers it with
 * consumerSink, which runs it in one transaction per event and deduplicates by event id). Events
 * of one order may arrive in any order: each step first does what an earlier event would have
 * (snapshot, earn), so a late order.created or order.paid finds its work done.
 */
export const REFERRAL_CONSUMER = 'referral';
export const REFERRAL_CONSUMED_EVENTS = [
  EVENTS.orderCreated.name,
  EVENTS.orderPaid.name,
  EVENTS.orderCompleted.name,
  EVENTS.orderCancelled.name,
  EVENTS.orderClosed.name,
  EVENTS.refundSucceeded.name,
] as const;

/** What every order event carries (the catalog's orderChanged). */
const orderMerchant = z.object({ merchantId: z.string().min(1) });
const ORDER_EVENTS: ReadonlySet<string> = new Set([EVENTS.orderCreated.name, EVENTS.orderPaid.name, EVENTS.orderCompleted.name, EVENTS.orderCancelled.name, EVENTS.orderClosed.name]);

/** What every order event carries (the catalog's orderChanged): the merchant and the buyer. */
const orderParties = z.object({ merchantId: z.string().min(1), userId: z.string().min(1) });

/**
 * Whether a merchant ever turned commissions on and the buyer was ever referred: one read.
 * Both only ever become true (rule versions and bindings are never deleted), so a "no" for an
 * order's event stays right for every later event of it.
 */
const concernsQuery = prepared<{ merchantId: string; userId: string }, { version: number }>((db, p) =>
  db
    .selectFrom('referral_rules')
    .select('version')
    .where('merchant_id', '=', p('merchantId'))
    .where('enabled', '=', 1)
    .where((eb) => eb.exists(eb.selectFrom('referral_bindings').select('user_id').where('user_id', '=', p('userId'))))
    .limit(1),
);

/**
 * The referral consumer's filter, asked in the producer's transaction (the outbox's `admits`):
 * an order event concerns referral only when its merchant ever had commission rules and its
 * buyer was ever bound to a promoter; any other order's events are not stored or relayed for
 * referral (docs/referral.md, "What an order costs"). Refunds are always taken (rare; the
 * handler finds no commissions when there are none).
 */
export async function referralAdmits(trx: Db, event: OutboxEvent): Promise<boolean> {
  if (!ORDER_EVENTS.has(event.type)) return true;
  const parties = orderParties.safeParse(event.payload);
  if (!parties.success) return true;
  const r = await concernsQuery.execute(trx, parties.data);
  return r.rows.length > 0;
}

export async function applyReferralEvent(trx: Db, event: OutboxEvent, now = Date.now()): Promise<void> {
  // An order of a merchant that never turned commissions on has none: one read, nothing else.
  if (ORDER_EVENTS.has(event.type) && !(await everEnabled(trx, orderMerchant.parse(event.payload).merchantId))) return;
  switch (event.type) {
    case EVENTS.orderCreated.name:
      await snapshotOrder(trx, payloadOf(EVENTS.orderCreated, event).orderId, now);
      return;
    case EVENTS.orderPaid.name:
      await commissionsOnPaid(trx, payloadOf(EVENTS.orderPaid, event).orderId, now);
      return;
    case EVENTS.orderCompleted.name: {
      const p = payloadOf(EVENTS.orderCompleted, event);
      await commissionsOnCompleted(trx, p.orderId, p.at, now);
      return;
    }
    case EVENTS.orderCancelled.name:
      await commissionsOnEnded(trx, payloadOf(EVENTS.orderCancelled, event).orderId, now);
      return;
    case EVENTS.orderClosed.name:
      await commissionsOnEnded(trx, payloadOf(EVENTS.orderClosed, event).orderId, now);
      return;
    case EVENTS.refundSucceeded.name: {
      const p = payloadOf(EVENTS.refundSucceeded, event);
      const request = p.source === 'after_sale' ? await refundedLinesOf(trx, p.refundId) : null;
      const lines = request && request.orderId === p.orderId ? request.lines : null;
      await commissionsOnRefund(trx, { refundId: p.refundId, orderId: p.orderId, amount: p.amount, lines }, now);
      return;
    }
    default:
      return;
  }
}
