import type { MiniLoginBody, Payment } from '@contract';

/** What a mini-program login adapter hands to loginMini. */
export type MiniLoginInput = MiniLoginBody;

export type LoginAdapter = () => Promise<MiniLoginInput | null>;

export type PayOutcome = 'submitted' | 'cancelled' | 'failed';

export interface PayResult {
  /** Only a cue for the UI: the result page asks the server whether the payment succeeded. */
  outcome: PayOutcome;
  message?: string;
}

export interface PayOptions {
  /** Page path (e.g. "/pages/checkout/result?paymentId=..") to come back to after an H5 redirect. */
  returnPath: string;
}

/**
 * The one interface every platform's pay adapter implements (pay.<env>.ts): open the channel's
 * own cashier for a payment's channel part with its clientParams, and report a cue.
 */
export type PayAdapter = (payment: Payment, opts: PayOptions) => Promise<PayResult>;
