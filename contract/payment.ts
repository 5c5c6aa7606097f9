import { z } from 'zod';
import { fen, id, timestamp } from './common';
import { giftCardCredential } from './wallet';

/**
 * Third-party payment channels. `sandbox` is DevPay, the development payment channel (served
 * only with SANDBOX=on); the real channels (WeChat Pay, Alipay, Douyin Pay) are served by their
 * stand-ins in development and tests, speaking each channel's real wire format.
 */
export const payChannel = z.enum(['wechatpay', 'alipay', 'douyin', 'sandbox']);
export type PayChannel = z.infer<typeof payChannel>;

/** Where the client pays: inside a mini-program, or in a mobile browser. */
export const payScene = z.enum(['mini', 'h5']);
export type PayScene = z.infer<typeof payScene>;

/**
 * Payment lifecycle. `closing`: we decided to end it (cancelled, superseded or expired) and
 * are confirming with the channel that no money was taken; its internal tenders are released
 * when it reaches `closed`.
 */
export const paymentStatus = z.enum(['paying', 'closing', 'paid', 'failed', 'closed']);
export type PaymentStatus = z.infer<typeof paymentStatus>;

export const tenderKind = z.enum(['points', 'gift_card', 'balance', 'channel']);
export type TenderKind = z.infer<typeof tenderKind>;

/** Which internal tenders the shopper wants to use; the remainder goes to the channel. */
export const tenderChoice = z.strictObject({
  balance: z.boolean().default(false),
  points: z.boolean().default(false),
  giftCards: z.array(giftCardCredential).max(5).default([]),
});
export type TenderChoice = z.infer<typeof tenderChoice>;

export const createPaymentBody = z.strictObject({
  /** A parent order id (pays every child's remaining amount) or a child order id. */
  orderId: id,
  tenders: tenderChoice.default({ balance: false, points: false, giftCards: [] }),
  /** The channel for the remainder; may be omitted only when internal tenders cover it all. */
  channel: payChannel.optional(),
  scene: payScene.default('mini'),
  /** Pay only part of a child order's remaining amount (fen); omitted: all of it. */
  amount: fen.min(1).optional(),
});
export type CreatePaymentBody = z.input<typeof createPaymentBody>;

/** What the client's pay adapter needs to open the channel's own cashier. */
export const clientParams = z.discriminatedUnion('kind', [
  /** WeChat Pay JSAPI (weapp): the arguments of wx.requestPayment. */
  z.object({ kind: z.literal('wechatpay_jsapi'), appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() }),
  /** WeChat Pay H5: the page to open in the browser. */
  z.object({ kind: z.literal('wechatpay_h5'), h5Url: z.string() }),
  /** Alipay mini-program: my.tradePay({ tradeNO }). */
  z.object({ kind: z.literal('alipay_trade'), tradeNO: z.string() }),
  /** Alipay wap pay (H5): the gateway URL to open. */
  z.object({ kind: z.literal('alipay_wap'), payUrl: z.string() }),
  /** Douyin general trade: tt.requestOrder({ data, byteAuthorization }). */
  z.object({ kind: z.literal('douyin_order'), data: z.string(), byteAuthorization: z.string() }),
  /** DevPay (channel `sandbox`): its hosted confirmation page. */
  z.object({ kind: z.literal('sandbox'), cashierUrl: z.string(), paymentNo: z.string() }),
]);
export type ClientParams = z.infer<typeof clientParams>;

export const paymentTender = z.object({
  kind: tenderKind,
  amount: fen,
  /** Points spent (points tender only). */
  points: z.number().int().nullable(),
  /** Masked gift card number (gift card tender only). */
  giftCard: z.string().nullable(),
});
export type PaymentTender = z.infer<typeof paymentTender>;

export const paymentEndReason = z.enum(['cancelled', 'expired', 'superseded', 'failed']);

export const payment = z.object({
  id,
  orderId: id,
  amount: fen,
  status: paymentStatus,
  tenders: z.array(paymentTender),
  /** The channel for the remainder, or null when internal tenders paid it all. */
  channel: payChannel.nullable(),
  channelAmount: fen,
  expiresAt: timestamp,
  paidAt: timestamp.nullable(),
  /** Why a payment ended without being paid. */
  endReason: paymentEndReason.nullable(),
  clientParams: clientParams.nullable(),
});
export type Payment = z.infer<typeof payment>;

/**
 * Payments of an order that still hold internal tenders: `paying` (waiting at the channel's
 * cashier; can be continued or cancelled) or `closing` (being confirmed closed with the
 * channel; its tenders come back when it is closed).
 */
export const openPaymentList = z.object({ items: z.array(payment) });
export type OpenPaymentList = z.infer<typeof openPaymentList>;

export const refundStatus = z.enum(['processing', 'succeeded', 'failed']);
export type RefundStatus = z.infer<typeof refundStatus>;

export const refund = z.object({
  id,
  orderId: id,
  amount: fen,
  reason: z.string(),
  status: refundStatus,
  /** How the refund goes back: per tender. */
  parts: z.array(z.object({ kind: tenderKind, amount: fen, points: z.number().int().nullable() })),
  createdAt: timestamp,
  succeededAt: timestamp.nullable(),
});
export type Refund = z.infer<typeof refund>;

export const refundList = z.object({
  items: z.array(refund),
  /** What the child order's payments took, and what can still be refunded. */
  paidAmount: fen,
  refundableAmount: fen,
});
export type RefundList = z.infer<typeof refundList>;
