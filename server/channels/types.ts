import type { ClientParams, PayChannel, PayScene } from '@contract/payment';

/**
 * The one interface every payment channel implements (WeChat Pay v3, Alipay, Douyin general
 * trade, and DevPay, the development channel). The payment module talks only to this; which adapter
 * serves a channel, and with which keys, endpoints and notify URLs, is configuration.
 *
 * Amounts are integer fen on this interface; an adapter converts at its edge (Alipay: yuan).
 * Every method that calls the channel throws ChannelError on a transport failure, a
 * non-success answer or an answer whose signature does not verify.
 */
export interface PrepayInput {
  /** Our trade number (out_trade_no / outOrderNo), unique per payment. */
  paymentNo: string;
  amount: number;
  description: string;
  /** Epoch ms after which the channel must not accept payment. */
  expiresAt: number;
  scene: PayScene;
  /** WeChat JSAPI needs the payer's openid; Alipay mini-program the buyer id. */
  payerId?: string;
  /** WeChat H5 needs the payer's IP. */
  clientIp?: string;
  /** H5 flows return the browser here after paying. */
  returnUrl?: string;
}

/** What the channel says about a trade when asked (the final truth over notifications). */
export interface TradeState {
  /** paid: money taken; unpaid: open, not paid; closed: closed or never created; refunded: paid then fully refunded. */
  state: 'paid' | 'unpaid' | 'closed' | 'refunded';
  tradeNo: string | null;
  /** Fen the channel holds for it (0 when unpaid). */
  amount: number;
  paidAt: number | null;
  /** Who paid, when the channel's answer names the payer (WeChat Pay's payer openid, Alipay's buyer id). */
  payerId?: string;
}

export interface RefundInput {
  paymentNo: string;
  /** Our stable refund number (out_refund_no / out_request_no); a retry reuses it. */
  refundNo: string;
  amount: number;
  /** The channel part's original amount. */
  total: number;
  reason: string;
}

export interface RefundState {
  state: 'succeeded' | 'processing' | 'failed';
  channelRefundId: string | null;
}

/** A notification whose signature, timestamp and format were verified. */
export type VerifiedNotification =
  | {
      kind: 'payment';
      paymentNo: string;
      tradeNo: string;
      /** Fen the channel says it took for this trade. */
      amount: number;
      status: 'SUCCESS' | 'CLOSED' | 'FAILED';
      paidAt: number | null;
      appId: string;
      merchantNo: string;
      /** Unique per notification delivery (for the audit trail). */
      notificationId: string;
      /** Who paid, when the notification names the payer (WeChat Pay's payer.openid, Alipay's buyer_open_id or buyer_id, DevPay's payer). */
      payerId?: string;
    }
  | {
      kind: 'refund';
      paymentNo: string;
      refundNo: string;
      amount: number;
      status: 'SUCCESS' | 'FAILED' | 'CLOSED';
      channelRefundId: string | null;
      appId: string;
      merchantNo: string;
      notificationId: string;
    };

export interface RawNotification {
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact request body text (form-encoded for Alipay, JSON otherwise). */
  rawBody: string;
}

/** The HTTP answer the channel expects (its own format, within its deadline). */
export interface NotifyAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * How the receiver ends a notification, the same for every channel:
 * - `handled`: applied (or applied before): 200.
 * - `refused`: it does not check out and never will (a bad or missing signature, a stale
 *   timestamp, a body that is no notification, a payment, app, merchant or amount that does not
 *   match our record): 400. Monitoring can tell these (an attack, a misconfiguration) from an outage.
 * - `unavailable`: ours to fix or wait out (the database is unreachable, a bug): 500; the
 *   channel retries on its schedule.
 * Every channel retries a notification that was not answered with its success format, so the
 * status only tells the two failures apart.
 */
export type NotifyOutcome = 'handled' | 'refused' | 'unavailable';
export const NOTIFY_STATUS: Readonly<Record<NotifyOutcome, number>> = { handled: 200, refused: 400, unavailable: 500 };

/** A channel's answer bodies: success, and failure with a message (see payment-channels docs). */
export interface NotifyFormat {
  contentType: string;
  success: string;
  failure(message: string, status: number): string;
}

/** The answer for an outcome in a channel's format; the status comes from NOTIFY_STATUS only. */
export function notifyAnswer(format: NotifyFormat, outcome: NotifyOutcome, message = outcome === 'refused' ? 'rejected' : 'temporarily unavailable'): NotifyAnswer {
  const status = NOTIFY_STATUS[outcome];
  return { status, contentType: format.contentType, body: outcome === 'handled' ? format.success : format.failure(message, status) };
}

export interface ChannelAdapter {
  readonly channel: PayChannel;
  /** The app id and merchant number configured for it (notifications must carry these). */
  readonly appId: string;
  readonly merchantNo: string;
  prepay(input: PrepayInput): Promise<ClientParams>;
  query(paymentNo: string): Promise<TradeState>;
  /** Closes an unpaid trade; closing a paid trade throws (query first). */
  close(paymentNo: string): Promise<void>;
  refund(input: RefundInput): Promise<RefundState>;
  queryRefund(paymentNo: string, refundNo: string): Promise<RefundState>;
  /** Verifies and decodes a notification; throws NotificationRejected when it must be refused. */
  verifyNotification(raw: RawNotification, now?: number): VerifiedNotification;
  /** The channel's answer bodies; answers are built by notifyAnswer(). */
  readonly notifyFormat: NotifyFormat;
}

export class ChannelError extends Error {
  /**
   * The channel refused the request for good (a business error no retry with the same
   * parameters can fix, e.g. refunding a closed trade); false for transport failures and
   * errors a later retry may get past.
   */
  readonly permanent: boolean;

  constructor(
    readonly channel: PayChannel,
    message: string,
    /** The channel's own error code when it sent one. */
    readonly channelCode?: string,
    options: { permanent?: boolean } = {},
  ) {
    super(message);
    this.name = 'ChannelError';
    this.permanent = options.permanent ?? false;
  }
}

export class NotificationRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotificationRejected';
  }
}
