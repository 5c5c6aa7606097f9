import type { PaymentStatus } from '@contract/payment';
import { defineMachine } from '../../infra/state-machine';

/**
 * A payment's lifecycle. It is open while `paying`; `closing` means we decided to end it
 * (cancelled, superseded, expired) and are confirming with the channel that no money was
 * taken: the channel may still answer "paid" (closing -> paid), otherwise it is closed and its
 * internal tenders are released. failed: the channel declined; the tenders are released.
 */
export const paymentMachine = defineMachine({
  name: 'payment',
  states: ['paying', 'closing', 'paid', 'failed', 'closed'] satisfies PaymentStatus[],
  initial: 'paying',
  transitions: {
    /** The channel took the money (verified notification or query), or internal tenders covered it all. */
    succeed: { from: ['paying', 'closing'], to: 'paid' },
    /** The channel declined (verified FAILED notification, or the prepay call failed). */
    fail: { from: ['paying'], to: 'failed' },
    /** Cancelled at the cashier, superseded by a new attempt, expired, or its order ended. */
    close: { from: ['paying'], to: 'closing' },
    /** The channel confirmed nothing was (or can be) paid: the trade is closed. */
    finishClose: { from: ['closing'], to: 'closed' },
  },
});

export type PaymentEventName = (typeof paymentMachine.events)[number];

/** Statuses in which a payment still holds its internal tenders. */
export const OPEN_PAYMENT_STATUSES = ['paying', 'closing'] as const satisfies readonly PaymentStatus[];
