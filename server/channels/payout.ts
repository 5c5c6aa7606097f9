import type { NotifyFormat, RawNotification } from './types';

/**
 * Payouts: money the shop sends to a person through a channel's transfer API (WeChat Pay's
 * merchant transfer to the user's change, 商家转账; Alipay's fund transfer,
 * alipay.fund.trans.uni.transfer), for promoters' withdrawals. A separate interface from the
 * payment channels' (types.ts): another product at each channel, with its own numbers, states and
 * notifications, configured beside the channel's payments (the same keys and merchant).
 *
 * Amounts are integer fen; Alipay's adapter converts to yuan at its edge. Every method that calls
 * the channel throws ChannelError on a transport failure, an answer whose signature does not
 * verify, or a refusal (`permanent` when no retry with the same number can get past it).
 */
export type PayoutChannel = 'wechatpay' | 'alipay';

export interface TransferInput {
  /** Our number for the transfer (WeChat out_bill_no, Alipay out_biz_no): a retry reuses it and the channel answers the same transfer. */
  transferNo: string;
  amount: number;
  /** Who receives it: the openid in the configured app (WeChat) or the Alipay user id (2088...) / open id. */
  payee: string;
  /** Shown to the payee (WeChat transfer_remark, Alipay order_title). */
  remark: string;
}

/**
 * Where a transfer stands: processing (accepted, not final), waiting for the payee to confirm it
 * in WeChat (packageInfo opens the confirmation), succeeded, or failed (failed, or cancelled: the
 * money stays with the shop).
 */
export type TransferStatus = 'processing' | 'wait_user_confirm' | 'succeeded' | 'failed';

export interface TransferState {
  status: TransferStatus;
  /** The channel's own state word (ACCEPTED, WAIT_USER_CONFIRM, SUCCESS, DEALING, ...). */
  channelState: string;
  /** The channel's number for it (transfer_bill_no / order_id); null before it has one. */
  billNo: string | null;
  /** WeChat: package_info for wx.requestMerchantTransfer while it waits for the payee. */
  packageInfo: string | null;
  /** Why it failed, in the channel's words (fail_reason / error_code). */
  failReason: string | null;
}

/** A transfer notification whose signature, timestamp and format were verified. */
export interface VerifiedTransferNotification {
  transferNo: string;
  /** Fen the channel says the transfer is for. */
  amount: number;
  state: TransferState;
  /** The merchant (WeChat mchid) or app (Alipay app_id) it names. */
  merchantNo: string;
  notificationId: string;
}

export interface PayoutAdapter {
  readonly channel: PayoutChannel;
  /** The merchant number (WeChat mchid) or app id (Alipay) a notification must name. */
  readonly merchantNo: string;
  /** The app the payee's id belongs to (WeChat: the mini-program's app id; for wx.requestMerchantTransfer). */
  readonly appId: string;
  transfer(input: TransferInput): Promise<TransferState>;
  /** The transfer as the channel holds it; null when the channel knows no transfer with this number. */
  queryTransfer(transferNo: string): Promise<TransferState | null>;
  /** Verifies and decodes a transfer notification; throws NotificationRejected when it must be refused. */
  verifyTransferNotification(raw: RawNotification, now?: number): VerifiedTransferNotification;
  readonly notifyFormat: NotifyFormat;
}

/** The channels that can pay out here (configured beside their payments). */
export interface PayoutRegistry {
  get(channel: PayoutChannel): PayoutAdapter | null;
  list(): PayoutAdapter[];
}

export function payoutRegistry(adapters: readonly PayoutAdapter[]): PayoutRegistry {
  const byChannel = new Map<PayoutChannel, PayoutAdapter>();
  for (const a of adapters) {
    if (byChannel.has(a.channel)) throw new Error(`payout channel ${a.channel} configured twice`);
    byChannel.set(a.channel, a);
  }
  return { get: (channel) => byChannel.get(channel) ?? null, list: () => [...byChannel.values()] };
}
