import { z } from 'zod';
import { fen, id, timestamp } from './common';

/**
 * Payment channels. `sandbox` is the local stand-in channel used in development and tests;
 * the real channels arrive with the payment middle platform.
 */
export const payChannel = z.enum(['sandbox']);
export type PayChannel = z.infer<typeof payChannel>;

export const paymentStatus = z.enum(['paying', 'paid', 'failed', 'closed']);
export type PaymentStatus = z.infer<typeof paymentStatus>;

export const createPaymentBody = z.strictObject({
  /** A parent order id (pays every unpaid child) or a child order id. */
  orderId: id,
  channel: payChannel,
});

export const payment = z.object({
  id,
  orderId: id,
  channel: payChannel,
  amount: fen,
  status: paymentStatus,
  expiresAt: timestamp,
  paidAt: timestamp.nullable(),
  /** What the client's pay adapter needs to open the channel's cashier. */
  clientParams: z.object({
    /** Sandbox: the channel's hosted confirmation page (H5 opens it; mini-programs confirm in-app). */
    cashierUrl: z.string(),
    paymentNo: z.string(),
  }),
});
export type Payment = z.infer<typeof payment>;
