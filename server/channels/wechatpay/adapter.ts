import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { z } from 'zod';
import type { ClientParams } from '@contract/payment';
import {
  ChannelError,
  NotificationRejected,
  type ChannelAdapter,
  type PrepayInput,
  type RawNotification,
  type RefundInput,
  type RefundState,
  type TradeState,
  type VerifiedNotification,
} from '../types';
import type { WechatpayConfig } from './config';
import { parseRfc3339, rfc3339Cst } from './wire';
import type { ChannelFetch } from '../http';
import { createWechatpayClient, WECHATPAY_NOTIFY_FORMAT, type Answer } from './client';

/**
 * WeChat Pay API v3 adapter (JSAPI for the mini-program, H5 for mobile browsers), "WeChat Pay
 * public key" mode.
 *
 * Signing, verifying and decrypting use wechatpay-axios-plugin's Rsa, AesGcm and Formatter.
 * Its HTTP client is an axios instance; requests here are signed with its helpers and sent with
 * the channels' transport instead (../http.ts), so it is injectable (opts.fetchImpl), shared with the
 * other channels and reads the (rebased) API base at call time. Every answer's signature is
 * verified (Wechatpay-Timestamp/Nonce/Signature/Serial over `timestamp\nnonce\nbody\n`).
 */
const CHANNEL = 'wechatpay' as const;

const amountSchema = z.object({ total: z.number().int(), payer_total: z.number().int().optional(), currency: z.string().optional() });

const transactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.enum(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']),
  trade_state_desc: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: amountSchema.optional(),
});

const refundSchema = z.object({
  refund_id: z.string(),
  out_refund_no: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']),
  success_time: z.string().optional(),
  amount: z.object({ total: z.number().int(), refund: z.number().int() }),
});

const refundResourceSchema = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']),
  success_time: z.string().optional(),
  amount: z.object({ total: z.number().int(), refund: z.number().int(), payer_total: z.number().int().optional(), payer_refund: z.number().int().optional() }),
});

/**
 * Refund API error codes that refuse the refund for good (PARAM_ERROR, INVALID_REQUEST: e.g.
 * more than is left, the trade not refundable; RESOURCE_NOT_EXISTS: no such trade;
 * USER_ACCOUNT_ABNORMAL: the payer's account cannot receive it). SYSTEM_ERROR, NOT_ENOUGH
 * (merchant balance), FREQUENCY_LIMITED and transport errors are retried.
 */
export const PERMANENT_REFUND_CODES: readonly string[] = ['PARAM_ERROR', 'INVALID_REQUEST', 'RESOURCE_NOT_EXISTS', 'USER_ACCOUNT_ABNORMAL'];

const REFUND_STATE: Record<z.infer<typeof refundSchema>['status'], RefundState['state']> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  CLOSED: 'failed',
  ABNORMAL: 'failed',
};

export interface WechatpayAdapterOptions {
  fetchImpl?: ChannelFetch;
  now?: () => number;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

export function createWechatpayAdapter(config: WechatpayConfig, opts: WechatpayAdapterOptions = {}): ChannelAdapter {
  const now = opts.now ?? Date.now;
  const merchantKey: KeyObject = createPrivateKey(config.mchPrivateKey);
  const { call, parse, openNotification, fail } = createWechatpayClient(config, opts);

  const enc = encodeURIComponent;

  async function prepay(input: PrepayInput): Promise<ClientParams> {
    const common = {
      appid: config.appId,
      mchid: config.mchId,
      description: input.description.slice(0, 127),
      out_trade_no: input.paymentNo,
      time_expire: rfc3339Cst(input.expiresAt),
      notify_url: config.notifyUrl,
      amount: { total: input.amount, currency: 'CNY' },
    };
    if (input.scene === 'mini') {
      if (!input.payerId) return fail('JSAPI prepay needs the payer openid', 'PARAM_ERROR');
      const answer = await call('POST', '/v3/pay/transactions/jsapi', { ...common, payer: { openid: input.payerId } });
      const { prepay_id: prepayId } = parse(z.object({ prepay_id: z.string().min(1) }), answer.data, 'jsapi prepay');
      const timeStamp = String(Math.floor(now() / 1000));
      const nonceStr = Formatter.nonce(32);
      const pkg = `prepay_id=${prepayId}`;
      return {
        kind: 'wechatpay_jsapi',
        appId: config.appId,
        timeStamp,
        nonceStr,
        package: pkg,
        signType: 'RSA',
        paySign: Rsa.sign(Formatter.joinedByLineFeed(config.appId, timeStamp, nonceStr, pkg), merchantKey),
      };
    }
    if (!input.clientIp) return fail('H5 prepay needs the payer IP', 'PARAM_ERROR');
    const answer = await call('POST', '/v3/pay/transactions/h5', {
      ...common,
      scene_info: { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } },
    });
    const { h5_url: h5Url } = parse(z.object({ h5_url: z.string().url() }), answer.data, 'h5 prepay');
    // WeChat returns the browser to redirect_url (appended by the merchant) after paying.
    const withReturn = input.returnUrl ? `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${enc(input.returnUrl)}` : h5Url;
    return { kind: 'wechatpay_h5', h5Url: withReturn };
  }

  async function query(paymentNo: string): Promise<TradeState> {
    let answer: Answer;
    try {
      answer = await call('GET', `/v3/pay/transactions/out-trade-no/${enc(paymentNo)}?mchid=${enc(config.mchId)}`);
    } catch (err) {
      // Never created: nothing can be paid on it.
      if (err instanceof ChannelError && err.channelCode === 'ORDER_NOT_EXIST') return { state: 'closed', tradeNo: null, amount: 0, paidAt: null };
      throw err;
    }
    const t = parse(transactionSchema, answer.data, 'query');
    if (t.out_trade_no !== paymentNo || t.mchid !== config.mchId) fail(`query ${paymentNo}: the answer names another trade`, 'MISMATCH');
    const tradeNo = t.transaction_id ?? null;
    const paidAt = parseRfc3339(t.success_time);
    switch (t.trade_state) {
      case 'SUCCESS':
        return { state: 'paid', tradeNo, amount: t.amount?.total ?? 0, paidAt, ...(t.payer?.openid ? { payerId: t.payer.openid } : {}) };
      case 'REFUND':
        // WeChat reports REFUND once any refund was made on a paid trade.
        return { state: 'refunded', tradeNo, amount: t.amount?.total ?? 0, paidAt };
      case 'NOTPAY':
      case 'USERPAYING':
        return { state: 'unpaid', tradeNo, amount: 0, paidAt: null };
      default:
        return { state: 'closed', tradeNo, amount: 0, paidAt: null };
    }
  }

  async function close(paymentNo: string): Promise<void> {
    try {
      await call('POST', `/v3/pay/transactions/out-trade-no/${enc(paymentNo)}/close`, { mchid: config.mchId });
    } catch (err) {
      // A trade that was never created has nothing to close.
      if (err instanceof ChannelError && err.channelCode === 'ORDER_NOT_EXIST') return;
      throw err;
    }
  }

  function refundState(data: unknown, input: { paymentNo: string; refundNo: string }, what: string): RefundState {
    const r = parse(refundSchema, data, what);
    if (r.out_refund_no !== input.refundNo || r.out_trade_no !== input.paymentNo) fail(`${what}: the answer names another refund`, 'MISMATCH');
    return { state: REFUND_STATE[r.status], channelRefundId: r.refund_id };
  }

  async function refund(input: RefundInput): Promise<RefundState> {
    let answer: Answer;
    try {
      answer = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: input.paymentNo,
        out_refund_no: input.refundNo,
        reason: input.reason.slice(0, 80),
        notify_url: config.notifyUrl,
        amount: { refund: input.amount, total: input.total, currency: 'CNY' },
      });
    } catch (err) {
      // Refusals no retry with the same out_refund_no can fix: a refused for good.
      if (err instanceof ChannelError && err.channelCode && PERMANENT_REFUND_CODES.includes(err.channelCode)) {
        throw new ChannelError(CHANNEL, err.message, err.channelCode, { permanent: true });
      }
      throw err;
    }
    return refundState(answer.data, input, 'refund');
  }

  async function queryRefund(paymentNo: string, refundNo: string): Promise<RefundState> {
    const answer = await call('GET', `/v3/refund/domestic/refunds/${enc(refundNo)}`);
    return refundState(answer.data, { paymentNo, refundNo }, 'refund query');
  }

  function verifyNotification(raw: RawNotification, at: number = now()): VerifiedNotification {
    const { envelope: n, plain } = openNotification(raw, at);
    if (n.event_type === 'TRANSACTION.SUCCESS') {
      const t = transactionSchema.safeParse(plain);
      if (!t.success) throw new NotificationRejected(`transaction resource malformed: ${t.error.issues[0]?.message ?? ''}`);
      const tr = t.data;
      if (!tr.transaction_id || !tr.amount) throw new NotificationRejected('transaction resource lacks transaction_id or amount');
      const status = tr.trade_state === 'SUCCESS' ? 'SUCCESS' : tr.trade_state === 'PAYERROR' ? 'FAILED' : tr.trade_state === 'CLOSED' || tr.trade_state === 'REVOKED' ? 'CLOSED' : null;
      if (!status) throw new NotificationRejected(`unexpected trade_state ${tr.trade_state} in TRANSACTION.SUCCESS`);
      return {
        kind: 'payment',
        paymentNo: tr.out_trade_no,
        tradeNo: tr.transaction_id,
        amount: tr.amount.total,
        status,
        paidAt: status === 'SUCCESS' ? parseRfc3339(tr.success_time) : null,
        appId: tr.appid,
        merchantNo: tr.mchid,
        notificationId: n.id,
        ...(tr.payer?.openid ? { payerId: tr.payer.openid } : {}),
      };
    }
    if (n.event_type === 'REFUND.SUCCESS' || n.event_type === 'REFUND.ABNORMAL' || n.event_type === 'REFUND.CLOSED') {
      const r = refundResourceSchema.safeParse(plain);
      if (!r.success) throw new NotificationRejected(`refund resource malformed: ${r.error.issues[0]?.message ?? ''}`);
      const rf = r.data;
      return {
        kind: 'refund',
        paymentNo: rf.out_trade_no,
        refundNo: rf.out_refund_no,
        amount: rf.amount.refund,
        status: rf.refund_status === 'SUCCESS' ? 'SUCCESS' : rf.refund_status === 'CLOSED' ? 'CLOSED' : 'FAILED',
        channelRefundId: rf.refund_id,
        // WeChat's refund notification carries no appid; the merchant id is checked instead.
        appId: config.appId,
        merchantNo: rf.mchid,
        notificationId: n.id,
      };
    }
    throw new NotificationRejected(`unsupported event_type ${n.event_type}`);
  }

  const notifyFormat = WECHATPAY_NOTIFY_FORMAT;

  return {
    channel: CHANNEL,
    get appId() {
      return config.appId;
    },
    get merchantNo() {
      return config.mchId;
    },
    prepay,
    query,
    close,
    refund,
    queryRefund,
    verifyNotification,
    notifyFormat,
  };
}
