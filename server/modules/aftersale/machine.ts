import type { AfterSaleStatus } from '@contract/aftersale';
import { defineMachine } from '../../infra/state-machine';

/**
 * An after-sale request's lifecycle (docs/aftersale.md). Every transition is a guarded update,
 * so a repeated or racing action applies at most once; anything else is 409 ILLEGAL_TRANSITION.
 */
export const afterSaleMachine = defineMachine({
  name: 'after_sale',
  states: ['requested', 'awaiting_return', 'returning', 'refunding', 'refunded', 'refund_failed', 'rejected', 'cancelled', 'closed'] satisfies AfterSaleStatus[],
  initial: 'requested',
  transitions: {
    /** Refund only: the merchant (or the rules) approved; the refund is booked with it. */
    approve: { from: ['requested'], to: 'refunding' },
    /** Return and refund: approved with the address the goods go back to. */
    approveReturn: { from: ['requested'], to: 'awaiting_return' },
    /** The merchant said no, with a reason. */
    reject: { from: ['requested'], to: 'rejected' },
    /** The shopper withdrew it before the merchant decided, or before sending the goods. */
    cancel: { from: ['requested', 'awaiting_return'], to: 'cancelled' },
    /** The shopper entered the carrier and tracking number. */
    shipReturn: { from: ['awaiting_return'], to: 'returning' },
    /** The goods were not sent back before the deadline (job). */
    close: { from: ['awaiting_return'], to: 'closed' },
    /** The merchant confirmed the goods arrived; the refund is booked with it. */
    receive: { from: ['returning'], to: 'refunding' },
    /** The payment module's refund succeeded (refund.succeeded). */
    refundSucceeded: { from: ['refunding'], to: 'refunded' },
    /** The channel refused the refund (refund.failed). */
    refundFailed: { from: ['refunding'], to: 'refund_failed' },
    /** The merchant runs the refund once more; a new refund is booked. */
    retryRefund: { from: ['refund_failed'], to: 'refunding' },
  },
});

export type AfterSaleEvent = (typeof afterSaleMachine.events)[number];
