import type { JobDef } from '../../infra/jobs';
import type { OrderEndedHook } from '../order';
import { refundDepsOf, type PaymentDeps } from './deps';
import { refundClosedOrder, retryRefunds } from './refunds';
import { closeOpenPaymentsFor, expirePayments, reconcilePayments } from './service';

/**
 * The payment module's part when a child order ends unpaid (the app hands it to the order
 * module): its open payments go to closing (reconciliation asks the channel before releasing
 * their tenders), and what was already paid is refunded.
 */
export function orderEndedInPayments(deps: PaymentDeps): OrderEndedHook {
  return async (trx, orderId, reason, now) => {
    await closeOpenPaymentsFor(trx, [orderId], reason, now);
    await refundClosedOrder(trx, refundDepsOf(deps), orderId, now);
  };
}

/** The payment module's scheduled jobs. */
export const PAYMENT_JOBS: readonly JobDef<{ payments: PaymentDeps }>[] = [
  {
    // paying past its deadline -> closing (expired); reconciliation asks the channel before releasing.
    name: 'expire-payments',
    intervalMs: 5_000,
    run: ({ payments }, now) => expirePayments(payments, now),
  },
  {
    // closing payments, and paying ones older than a minute whose next check is due: ask the channel.
    name: 'reconcile-payments',
    intervalMs: 10_000,
    run: ({ payments }, now) => reconcilePayments(payments, now),
  },
  {
    name: 'retry-refunds',
    intervalMs: 10_000,
    run: ({ payments }, now) => retryRefunds(refundDepsOf(payments), now),
  },
];
