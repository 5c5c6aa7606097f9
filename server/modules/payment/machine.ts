import type { PaymentStatus } from '@contract/payment';
import { defineMachine } from '../../platform/state-machine';

/** A payment through one channel: open while paying, then exactly one outcome. */
export const paymentMachine = defineMachine({
  name: 'payment',
  states: ['paying', 'paid', 'failed', 'closed'] satisfies PaymentStatus[],
  initial: 'paying',
  transitions: {
    /** Verified channel notification: SUCCESS. */
    succeed: { from: ['paying'], to: 'paid' },
    /** Verified channel notification: FAILED (the channel declined). */
    fail: { from: ['paying'], to: 'failed' },
    /** Cancelled at the cashier, replaced by a new payment, or the order closed/cancelled. */
    close: { from: ['paying'], to: 'closed' },
  },
});

export type PaymentEventName = (typeof paymentMachine.events)[number];
