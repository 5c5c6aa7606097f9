import type { Payment, PaymentStatus } from '@contract';
import type { PayOutcome } from '../platform/types';

/** How often the result page asks the server, and for how long before it says "still waiting". */
export const PAYMENT_POLL_INTERVAL_MS = 1500;
/**
 * While the realtime socket is live the payment's outcome is pushed the moment it is known; the
 * page still asks now and then, in case a push is lost between the server and the socket.
 */
export const PAYMENT_POLL_INTERVAL_LIVE_MS = 10_000;
export const PAYMENT_POLL_LIMIT_MS = 2 * 60_000;

/** What the payment result page shows. */
export type ResultView = 'waiting' | 'closing' | 'paid' | 'unpaid' | 'failed' | 'closed' | 'expired' | 'timeout';

type PaymentState = Pick<Payment, 'status' | 'endReason'>;

/**
 * The server's word decides: paid is paid; failed and closed are final (closed because it
 * expired means the order closed too). `closing` is on its way to closed (the channel is being
 * asked and the internal tenders released): keep waiting. While the server still says
 * `paying`, the adapter's cue (the shopper cancelled, or the channel failed in-app) means the
 * payment is not going to complete by itself, so offer to pay again; otherwise keep waiting
 * until the polling limit.
 */
export function resultView(payment: PaymentState, cue: PayOutcome | null, timedOut: boolean): ResultView {
  switch (payment.status) {
    case 'paid':
      return 'paid';
    case 'failed':
      return 'failed';
    case 'closed':
      return payment.endReason === 'expired' ? 'expired' : 'closed';
    case 'closing':
      return timedOut ? 'timeout' : 'closing';
    case 'paying':
      if (cue === 'cancelled' || cue === 'failed') return 'unpaid';
      return timedOut ? 'timeout' : 'waiting';
  }
}

/** Keep asking the server only while the page is waiting for its answer. */
export function shouldPoll(payment: PaymentState | undefined, cue: PayOutcome | null, timedOut: boolean): boolean {
  if (!payment) return true;
  const view = resultView(payment, cue, timedOut);
  return view === 'waiting' || view === 'closing';
}

/** Final states: nothing will change any more. */
export function isFinal(status: PaymentStatus): boolean {
  return status === 'paid' || status === 'failed' || status === 'closed';
}

/** The adapter's cue as carried in the result page's query string. */
export function parseOutcome(raw: string | undefined): PayOutcome | null {
  return raw === 'submitted' || raw === 'cancelled' || raw === 'failed' ? raw : null;
}
