import { z } from 'zod';
import { cursorPage, fen, id, pageQuery, text, timestamp } from './common';

/**
 * Referral fraud controls (docs/referral.md, "Fraud controls"; decision 0031): commissions held
 * at earn time, for the merchant whose goods earned them to release or reject in the workbench.
 */

/** The risk ranks WeChat's getUserRiskRank answers: 0 (none) to 4 (highest). */
export const RISK_RANK_MAX = 4;

/**
 * Why a promoter's commissions on an order were held (never which device, payer or address
 * matched: the queue names the signal, not the shopper's data):
 * - same_device: the buyer and the promoter used the same device (at sign-in or on a shared link);
 * - same_payer: the order was paid by a payer account (WeChat Pay, Alipay, DevPay) that is the
 *   promoter's or paid for the promoter's own orders;
 * - same_address: the order ships to an address (recipient phone and address) in the promoter's
 *   address book or on his own orders;
 * - velocity: the promoter bound more new accounts within the window than REFERRAL_VELOCITY_MAX;
 * - risk_rank: WeChat's risk check ranked the buyer at or above REFERRAL_RISK_RANK;
 * - risk_unavailable: the risk check could not be made (WeChat did not answer after retries).
 */
export const holdReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('same_device') }),
  z.object({ code: z.literal('same_payer'), channel: z.string() }),
  z.object({ code: z.literal('same_address') }),
  z.object({ code: z.literal('velocity'), bindings: z.number().int().min(0), max: z.number().int().min(0), windowMinutes: z.number().int().min(1) }),
  z.object({ code: z.literal('risk_rank'), rank: z.number().int().min(0).max(RISK_RANK_MAX) }),
  z.object({ code: z.literal('risk_unavailable') }),
]);
export type HoldReason = z.infer<typeof holdReason>;
export type HoldReasonCode = HoldReason['code'];

/** A hold as the merchant sees it: open (waiting for a decision), released or rejected. */
export const referralHoldState = z.enum(['open', 'released', 'rejected']);
export type ReferralHoldState = z.infer<typeof referralHoldState>;

/** The queue's tabs: open holds, or the decided ones (released and rejected). */
export const referralHoldTab = z.enum(['open', 'decided']);
export type ReferralHoldTab = z.infer<typeof referralHoldTab>;

export const referralHoldQuery = z.strictObject({ state: referralHoldTab.default('open'), ...pageQuery });
export type ReferralHoldQuery = z.input<typeof referralHoldQuery>;

/** A shopper in the queue: nickname masked (张**丰), phone masked (138****0000) or null. */
const maskedPerson = z.object({ nickname: z.string(), phone: z.string().nullable() });

export const referralHold = z.object({
  id,
  orderId: id,
  orderNo: z.string(),
  /** The promoter's level over the buyer (1: the buyer's own promoter). */
  level: z.number().int().min(1),
  state: referralHoldState,
  reasons: z.array(holdReason),
  promoter: maskedPerson,
  buyer: maskedPerson,
  /** The held commissions' earnings (before reversals) and what is left of them now. */
  earned: fen,
  amount: fen,
  /** The products whose commissions are held (an order's lines), first few. */
  titles: z.array(z.string()),
  /** WeChat's risk rank of the buyer, when the risk check answered. */
  riskRank: z.number().int().min(0).max(RISK_RANK_MAX).nullable(),
  createdAt: timestamp,
  decidedAt: timestamp.nullable(),
  /** The reason given with a rejection. */
  note: z.string().nullable(),
});
export type ReferralHold = z.infer<typeof referralHold>;

export const referralHoldPage = cursorPage(referralHold);
export type ReferralHoldPage = z.infer<typeof referralHoldPage>;

export const referralHoldParams = z.strictObject({ merchantId: id, holdId: id });
export const rejectReferralHoldBody = z.strictObject({ reason: text({ max: 200 }).optional() });
export type RejectReferralHoldBody = z.input<typeof rejectReferralHoldBody>;
