import type { PaymentStatus } from '@contract';
import type { PayOutcome } from '../platform/types';

/** How often the result page asks the server, and for how long before it says "still waiting". */
export const PAYMENT_POLL_INTERVAL_MS = 1500;
export const PAYMENT_POLL_LIMIT_MS = 2 * 60_000;

/** What the payment result page shows. */
export type ResultView = 'waiting' | 'paid' | 'unpaid' | 'closed' | 'timeout';

/**
 * The server's word decides: paid is paid, failed/closed are final. While the server still says
 * `paying`, the adapter's cue (the shopper cancelled, or the channel failed in-app) means the
 * payment is not going to complete by itself, so offer to pay again; otherwise keep waiting
 * until the polling limit.
 */
export function resultView(status: PaymentStatus, cue: PayOutcome | null, timedOut: boolean): ResultView {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'failed':
      return 'unpaid';
    case 'closed':
      return 'closed';
    case 'paying':
      if (cue === 'cancelled' || cue === 'failed') return 'unpaid';
      return timedOut ? 'timeout' : 'waiting';
  }
}

/** Keep asking the server only while the page is waiting for its answer. */
export function shouldPoll(status: PaymentStatus | undefined, cue: PayOutcome | null, timedOut: boolean): boolean {
  return status === undefined || resultView(status, cue, timedOut) === 'waiting';
}

/** The adapter's cue as carried in the result page's query string. */
export function parseOutcome(raw: string | undefined): PayOutcome | null {
  return raw === 'submitted' || raw === 'cancelled' || raw === 'failed' ? raw : null;
}
