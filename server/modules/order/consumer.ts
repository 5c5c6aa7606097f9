import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { prepared } from '../../db/prepared';
import type { Database } from '../../db/types';
import { EVENTS } from '../../events/catalog';
import type { OutboxEvent } from '../../infra/outbox';
import { appendTimeline, honourLateMoney, tryTransitionOrder, type OrderEndedHook } from './service';

type Db = Kysely<Database>;

/**
 * The order module's side of payments, run by its outbox consumer (consumerSink 'order', built in
 * payment/setup.ts; deduplicated by event id, so a redelivered event changes nothing): payment.succeeded adds each child's share to its
 * paid_amount and, once that meets the payable amount, applies the order's pay transition
 * (guarded); refund.succeeded adds to refunded_amount.
 */
export const ORDER_CONSUMER = 'order';
export const REFUND_SUCCEEDED = EVENTS.refundSucceeded.name;
/** The events the order consumer takes. */
export const ORDER_CONSUMED_EVENTS = [EVENTS.paymentSucceeded.name, EVENTS.refundSucceeded.name] as const;

/** What the order module is given by the app: the other modules' part when an order ends, and a log. */
export interface OrderLifecycle {
  ended: OrderEndedHook;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const paymentSucceeded = z.object({
  paymentId: z.string(),
  paidAt: z.number().int(),
  children: z.array(z.object({ orderId: z.string(), amount: z.number().int().min(0) })),
});
const refundSucceeded = z.object({ orderId: z.string(), amount: z.number().int().min(0) });

function formatYuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Adds a payment's share to the child's paid amount; the row comes back as updated. */
const addPaid = prepared<{ id: string; amount: number }, { status: string; paid_amount: number; payable_amount: number; live_session_id: string | null }>((db, p) =>
  db
    .updateTable('orders')
    .set({ paid_amount: sql<number>`paid_amount + ${p('amount')}` })
    .where('id', '=', p('id'))
    .returning(['status', 'paid_amount', 'payable_amount', 'live_session_id']),
);

export async function applyOrderEvent(trx: Db, deps: OrderLifecycle, event: OutboxEvent, now = Date.now()): Promise<void> {
  if (event.type === EVENTS.paymentSucceeded.name) {
    const payload = paymentSucceeded.parse(event.payload);
    for (const child of payload.children) {
      const [order] = (await addPaid.execute(trx, { id: child.orderId, amount: child.amount })).rows;
      if (!order) continue;
      const paid = Number(order.paid_amount);
      const payable = Number(order.payable_amount);
      if (order.status === 'pending_payment') {
        if (paid >= payable) {
          await tryTransitionOrder(trx, child.orderId, 'pay', payload.paidAt);
        } else {
          await appendTimeline(trx, child.orderId, 'pending_payment', `已支付 ${formatYuan(paid)}，还需支付 ${formatYuan(payable - paid)}`, now);
        }
      } else if (order.status === 'closed' && order.live_session_id !== null && child.amount >= payable && (await honourLateMoney(trx, child.orderId, payload.paidAt))) {
        // Late money for an order placed from a live session, closed by expiry: this payment
        // alone pays the whole order and its lines could be taken again, so it is honoured
        // (docs/live.md, "Late payments"; decision 0035).
        deps.log.warn({ orderId: child.orderId, paymentId: payload.paymentId }, 'payment arrived for a closed live order; honoured');
      } else if (order.status === 'cancelled' || order.status === 'closed') {
        // Paid after the order ended (a payment that was closing when the order closed): give it back.
        deps.log.warn({ orderId: child.orderId, paymentId: payload.paymentId }, 'payment arrived for an ended order; refunding it');
        await deps.ended(trx, child.orderId, order.status === 'cancelled' ? 'cancelled' : 'expired', now);
      } else if (paid > payable) {
        deps.log.error({ orderId: child.orderId, paymentId: payload.paymentId, paid, payable }, 'child order paid more than its amount');
      }
    }
  } else if (event.type === REFUND_SUCCEEDED) {
    const payload = refundSucceeded.parse(event.payload);
    await trx.updateTable('orders').set({ refunded_amount: sql<number>`refunded_amount + ${payload.amount}` }).where('id', '=', payload.orderId).execute();
  }
}
