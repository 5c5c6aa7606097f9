import { z } from 'zod';
import { cursorPage, fen, id, pageQuery, text, timestamp } from './common';

/**
 * Promoters' withdrawals (docs/referral.md, "Withdrawals"): the promoter asks for an amount of his
 * available commissions to the stored balance, WeChat Pay (his change) or Alipay; the operating
 * merchant reviews what is above the auto-approval threshold.
 */

export const withdrawalDestination = z.enum(['balance', 'wechat', 'alipay']);
export type WithdrawalDestination = z.infer<typeof withdrawalDestination>;

/**
 * requested (waiting for review) -> approved -> transferring -> succeeded | failed; or rejected.
 * rejected and failed gave the money back (available again).
 */
export const withdrawalStatus = z.enum(['requested', 'approved', 'rejected', 'transferring', 'succeeded', 'failed']);
export type WithdrawalStatus = z.infer<typeof withdrawalStatus>;

/** The largest amount one withdrawal may ask for (¥1,000,000). */
export const MAX_WITHDRAWAL_FEN = 100_000_000;

export const createWithdrawalBody = z.strictObject({
  amount: z.number().int().min(1).max(MAX_WITHDRAWAL_FEN),
  destination: withdrawalDestination,
});
export type CreateWithdrawalBody = z.infer<typeof createWithdrawalBody>;

export const withdrawal = z.object({
  id,
  /** Fen asked for, taken from the available commissions. */
  amount: fen,
  fee: fen,
  /** amount − fee: what reaches the destination. */
  payout: fen,
  destination: withdrawalDestination,
  status: withdrawalStatus,
  /** auto: approved at once (at most the threshold); manual: the operating merchant decides. */
  review: z.enum(['auto', 'manual']),
  /** rejected: the merchant's reason. */
  reason: z.string().nullable(),
  /** failed: why, in the channel's words. */
  failReason: z.string().nullable(),
  createdAt: timestamp,
  decidedAt: timestamp.nullable(),
  settledAt: timestamp.nullable(),
  /**
   * WeChat, while the transfer waits for the payee: what wx.requestMerchantTransfer needs
   * (mchId, appId, package) to open WeChat's confirmation; null otherwise.
   */
  confirm: z.object({ mchId: z.string(), appId: z.string(), package: z.string() }).nullable(),
});
export type Withdrawal = z.infer<typeof withdrawal>;

export const withdrawalParams = z.strictObject({ withdrawalId: id });
export const withdrawalListQuery = z.strictObject({ status: withdrawalStatus.optional(), ...pageQuery });
export type WithdrawalListQuery = z.input<typeof withdrawalListQuery>;
export const withdrawalPage = cursorPage(withdrawal);
export type WithdrawalPage = z.infer<typeof withdrawalPage>;

/** A withdrawal as the operating merchant's staff review it. */
export const merchantWithdrawal = withdrawal.extend({
  promoterId: id,
  nickname: z.string(),
  /** Masked: 138****0000. */
  phone: z.string().nullable(),
});
export type MerchantWithdrawal = z.infer<typeof merchantWithdrawal>;
/** Default: the withdrawals waiting for review (requested), oldest first; any other status newest first. */
export const merchantWithdrawalQuery = z.strictObject({ status: withdrawalStatus.default('requested'), ...pageQuery });
export type MerchantWithdrawalQuery = z.input<typeof merchantWithdrawalQuery>;
export const merchantWithdrawalPage = cursorPage(merchantWithdrawal);
export type MerchantWithdrawalPage = z.infer<typeof merchantWithdrawalPage>;
export const merchantWithdrawalParams = z.strictObject({ merchantId: id, withdrawalId: id });
export const rejectWithdrawalBody = z.strictObject({ reason: text({ max: 200 }) });
export type RejectWithdrawalBody = z.infer<typeof rejectWithdrawalBody>;
