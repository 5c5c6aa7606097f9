import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types';
import { EVENTS, payloadOf } from '../../events/catalog';
import type { OutboxEvent } from '../../infra/outbox';
import { refundedLinesOf } from '../aftersale';
import { commissionsOnCompleted, commissionsOnEnded, commissionsOnPaid, commissionsOnRefund, snapshotOrder } from './commissions';
import { FRAUD_DEFAULTS, type FraudSettings } from './fraud';
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

export async function applyReferralEvent(trx: Db, event: OutboxEvent, now = Date.now(), fraud: FraudSettings = FRAUD_DEFAULTS): Promise<void> {
  // An order of a merchant that never turned commissions on has none: one read, nothing else.
  if (ORDER_EVENTS.has(event.type) && !(await everEnabled(trx, orderMerchant.parse(event.payload).merchantId))) return;
  switch (event.type) {
    case EVENTS.orderCreated.name:
      await snapshotOrder(trx, payloadOf(EVENTS.orderCreated, event).orderId, now);
      return;
    case EVENTS.orderPaid.name:
      await commissionsOnPaid(trx, payloadOf(EVENTS.orderPaid, event).orderId, now, fraud);
      return;
    case EVENTS.orderCompleted.name: {
      const p = payloadOf(EVENTS.orderCompleted, event);
      await commissionsOnCompleted(trx, p.orderId, p.at, now, fraud);
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
      await commissionsOnRefund(trx, { refundId: p.refundId, orderId: p.orderId, amount: p.amount, lines }, now, fraud);
      return;
    }
    default:
      return;
  }
}
