import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { EVENTS, payloadOf } from '../../events/catalog';
import type { OutboxEvent } from '../../infra/outbox';
import { tryApply, type ExtraSet } from '../../infra/state-machine';
import { emit } from '../../events/emit';
import { afterSaleMachine } from './machine';
import { payloadOf as changedPayload } from './service';

type Db = Kysely<Database>;

/**
 * The after-sale module's outbox consumer (consumerSink 'after_sale', built in server/compose.ts;
 * deduplicated by event id): the payment module's refund.succeeded and refund.failed of a refund
 * of source after_sale move the request that holds that refund to refunded or refund_failed
 * (guarded: once), with its own event in the same transaction. A refund the request no longer
 * holds (an earlier one, before a retry) changes nothing.
 */
export const AFTER_SALE_CONSUMER = 'after_sale';
export const AFTER_SALE_CONSUMED_EVENTS = [EVENTS.refundSucceeded.name, EVENTS.refundFailed.name] as const;

export async function applyAfterSaleEvent(trx: Db, event: OutboxEvent, now = Date.now()): Promise<void> {
  const succeeded = event.type === EVENTS.refundSucceeded.name;
  if (!succeeded && event.type !== EVENTS.refundFailed.name) return;
  const payload = payloadOf(succeeded ? EVENTS.refundSucceeded : EVENTS.refundFailed, event);
  if (payload.source !== 'after_sale') return;
  const row = await trx.selectFrom('after_sales').selectAll().where('refund_id', '=', payload.refundId).executeTakeFirst();
  if (!row) return;
  const set: ExtraSet = succeeded ? { refunded_at: now, updated_at: now } : { updated_at: now };
  if (!(await tryApply(trx, afterSaleMachine, 'after_sales', row.id, succeeded ? 'refundSucceeded' : 'refundFailed', set))) return;
  await emit(trx, succeeded ? EVENTS.afterSaleRefunded : EVENTS.afterSaleRefundFailed, row.id, changedPayload(row, succeeded ? 'refunded' : 'refund_failed', now), now);
}
