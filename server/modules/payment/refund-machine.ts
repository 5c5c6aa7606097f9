import type { RefundStatus } from '@contract/payment';
import { defineMachine } from '../../infra/state-machine';

/**
 * A refund's lifecycle. Internal parts go back at once; a refund with channel parts stays
 * processing until the channel has answered for every one of them (synchronously, by
 * notification, or when the retry job asks), then ends succeeded or failed exactly once.
 */
export const refundMachine = defineMachine({
  name: 'refund',
  states: ['processing', 'succeeded', 'failed'] satisfies RefundStatus[],
  initial: 'processing',
  transitions: {
    /** Every part is done. */
    succeed: { from: ['processing'], to: 'succeeded' },
    /** No part is pending and at least one failed at the channel (the money stays with the merchant). */
    fail: { from: ['processing'], to: 'failed' },
  },
});

export type RefundEventName = (typeof refundMachine.events)[number];

/** Where a refund came from (refunds.source). */
/** after_sale: an approved after-sale request (refunds.source_ref names it). */
export const REFUND_SOURCES = ['shopper', 'order_closed', 'late_payment', 'after_sale'] as const;
export type RefundSource = (typeof REFUND_SOURCES)[number];

/** A refund part's states (refund_parts.status): pending at the channel, then done or failed once. */
export type RefundPartStatus = 'pending' | 'done' | 'failed';
