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
import type { AlipayConfig } from './config';
import { cstTime, fenToYuan, parseCstTime, yuanToFen } from './wire';
import type { ChannelFetch } from '../http';
import { createAlipayClient, str } from './client';

/**
 * The Alipay channel (open platform gateway, RSA2, public-key mode):
 *
 *   mini-program  alipay.trade.create (JSAPI_PAY, buyer id)  -> { kind: 'alipay_trade', tradeNO }
 *   H5            alipay.trade.wap.pay (QUICK_WAP_WAY)         -> { kind: 'alipay_wap', payUrl }
 *                 (no call: the signed gateway URL is built locally, as pageExecute(GET) does)
 *   query / close / refund / refund query: alipay.trade.query, .close, .refund, .fastpay.refund.query
 *   notifications: form POST (trade_status_sync), answered with the bare text "success"
 *
 * Signing and verification go through alipay-sdk (sdkExecute/pageExecute sign requests,
 * checkResponseSign verifies answers, checkNotifySignV2 verifies notifications). Requests are
 * sent with the channels' transport (../http.ts) rather than the SDK's exec (urllib): the same wire
 * format (system parameters in the URL query, biz_content in a form body), but injectable for tests, an
 * abort timeout, and every failure mapped to ChannelError here.
 */
export const NOTIFY_WINDOW_MS = 5 * 60 * 1000;

type Fields = Record<string, unknown>;

/**
 * alipay.trade.refund business errors (code 40004) a retry with the same out_request_no can get
 * past: Alipay's own trouble, a merchant balance that may be topped up, a trade frozen for now.
 * Every other business error (ACQ.TRADE_HAS_CLOSE, ACQ.REFUND_AMT_NOT_EQUAL_TOTAL,
 * ACQ.TRADE_STATUS_ERROR, ACQ.TRADE_NOT_ALLOW_REFUND, ...) is a refusal for good.
 */
export const TRANSIENT_REFUND_SUB_CODES: readonly string[] = [
  'ACQ.SYSTEM_ERROR',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH',
  'ACQ.REASON_TRADE_BEEN_FREEZEN',
  'ACQ.REFUND_FREQUENCY_LIMIT',
  'ACQ.FREQUENCY_LIMITED',
  'aop.ACQ.SYSTEM_ERROR',
];

export function createAlipayAdapter(config: AlipayConfig, opts: { fetchImpl?: ChannelFetch; now?: () => number } = {}): ChannelAdapter {
  const now = opts.now ?? Date.now;
  const { sdk, call, expectOk, fail, verifiedParams } = createAlipayClient(config, opts);

  const checkOurs = (data: Fields, paymentNo: string, method: string) => {
    if (data.out_trade_no !== undefined && data.out_trade_no !== paymentNo) {
      throw fail(`${method}: the answer is about out_trade_no ${String(data.out_trade_no)}, not ${paymentNo}`);
    }
  };

  async function query(paymentNo: string): Promise<TradeState> {
    const r = await call('alipay.trade.query', { out_trade_no: paymentNo });
    if (!r.ok && r.subCode === 'ACQ.TRADE_NOT_EXIST') return { state: 'closed', tradeNo: null, amount: 0, paidAt: null };
    const data = expectOk(r);
    checkOurs(data, paymentNo, 'alipay.trade.query');
    const tradeNo = str(data.trade_no);
    const amount = yuanToFen(data.total_amount);
    if (amount === null) throw fail(`alipay.trade.query: total_amount "${String(data.total_amount)}" is not an amount`);
    const paidAt = parseCstTime(data.send_pay_date);
    switch (data.trade_status) {
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED': {
        const payerId = str(data.buyer_open_id) ?? str(data.buyer_user_id);
        return { state: 'paid', tradeNo, amount, paidAt, ...(payerId ? { payerId } : {}) };
      }
      case 'WAIT_BUYER_PAY':
        return { state: 'unpaid', tradeNo, amount: 0, paidAt: null };
      case 'TRADE_CLOSED':
        // A paid trade closes when fully refunded; it keeps its payment date.
        return paidAt !== null ? { state: 'refunded', tradeNo, amount, paidAt } : { state: 'closed', tradeNo, amount: 0, paidAt: null };
      default:
        throw fail(`alipay.trade.query: unknown trade_status "${String(data.trade_status)}"`);
    }
  }

  async function refundQuery(paymentNo: string, refundNo: string): Promise<RefundState> {
    const data = expectOk(await call('alipay.trade.fastpay.refund.query', { out_trade_no: paymentNo, out_request_no: refundNo, query_options: ['gmt_refund_pay'] }));
    checkOurs(data, paymentNo, 'alipay.trade.fastpay.refund.query');
    // REFUND_SUCCESS: done. Absent: Alipay never got the request or refused it. That is not a
    // final failure: the refund is unknown, and sending it again with the same out_request_no is
    // safe (it refunds at most once), which is what the caller does on this error.
    if (data.refund_status === 'REFUND_SUCCESS') return { state: 'succeeded', channelRefundId: null };
    throw fail(`Alipay knows no refund ${refundNo} of trade ${paymentNo}`, 'REFUND_NOT_FOUND');
  }

  return {
    channel: 'alipay',
    appId: config.appId,
    merchantNo: config.sellerId,

    async prepay(input: PrepayInput): Promise<ClientParams> {
      const biz: Fields = {
        out_trade_no: input.paymentNo,
        total_amount: fenToYuan(input.amount),
        subject: input.description.slice(0, 256),
        time_expire: cstTime(input.expiresAt),
      };
      if (input.scene === 'h5') {
        const returnUrl = input.returnUrl ?? config.returnUrl;
        const payUrl = sdk().pageExecute('alipay.trade.wap.pay', 'GET', {
          bizContent: { ...biz, product_code: 'QUICK_WAP_WAY', quit_url: returnUrl },
          returnUrl,
          notifyUrl: config.notifyUrl,
          timestamp: cstTime(now()),
        });
        return { kind: 'alipay_wap', payUrl };
      }
      if (!input.payerId) throw fail('alipay.trade.create: a mini-program payment needs the buyer id (payerId)', 'ACQ.INVALID_PARAMETER');
      // 2088... is a user id; anything else is the newer open_id.
      const buyer = /^2088\d{12}$/.test(input.payerId) ? { buyer_id: input.payerId } : { buyer_open_id: input.payerId };
      const data = expectOk(await call('alipay.trade.create', { ...biz, product_code: 'JSAPI_PAY', ...buyer }, { notify_url: config.notifyUrl }));
      checkOurs(data, input.paymentNo, 'alipay.trade.create');
      const tradeNo = str(data.trade_no);
      if (!tradeNo) throw fail('alipay.trade.create: the answer has no trade_no');
      return { kind: 'alipay_trade', tradeNO: tradeNo };
    },

    query,

    async close(paymentNo: string): Promise<void> {
      const r = await call('alipay.trade.close', { out_trade_no: paymentNo });
      if (r.ok) {
        checkOurs(r.data, paymentNo, 'alipay.trade.close');
        return;
      }
      // A wap trade exists only once the buyer opened the cashier: nothing to close yet
      // (time_expire still bounds it; a payment that lands later is refunded by the payment module).
      if (r.subCode === 'ACQ.TRADE_NOT_EXIST') return;
      if (r.subCode === 'ACQ.TRADE_STATUS_ERROR') {
        const state = await query(paymentNo);
        if (state.state === 'closed') return;
        throw fail(`alipay.trade.close: the trade is ${state.state}, it cannot be closed`, 'ACQ.TRADE_STATUS_ERROR');
      }
      throw fail(r.message, r.subCode ?? r.code);
    },

    async refund(input: RefundInput): Promise<RefundState> {
      const r = await call('alipay.trade.refund', {
        out_trade_no: input.paymentNo,
        refund_amount: fenToYuan(input.amount),
        out_request_no: input.refundNo,
        refund_reason: input.reason.slice(0, 256),
      });
      // A business refusal (40004) is final unless it is one a retry can get past.
      if (!r.ok && r.code === '40004' && !TRANSIENT_REFUND_SUB_CODES.includes(r.subCode ?? '')) {
        throw new ChannelError('alipay', r.message, r.subCode ?? r.code, { permanent: true });
      }
      const data = expectOk(r);
      checkOurs(data, input.paymentNo, 'alipay.trade.refund');
      // fund_change N: no money moved by this call (a replay of a refund already made, or not
      // made at all): the refund query tells which.
      if (data.fund_change === 'Y') return { state: 'succeeded', channelRefundId: null };
      return refundQuery(input.paymentNo, input.refundNo);
    },

    queryRefund: refundQuery,

    verifyNotification(raw: RawNotification, at: number = now()): VerifiedNotification {
      const params = verifiedParams(raw.rawBody, 'the notification');
      if (params.notify_type !== 'trade_status_sync') throw new NotificationRejected(`unsupported notify_type "${params.notify_type ?? ''}"`);
      for (const name of ['notify_id', 'notify_time', 'app_id', 'seller_id', 'out_trade_no', 'trade_no', 'trade_status', 'total_amount']) {
        if (!params[name]) throw new NotificationRejected(`${name} is missing`);
      }
      const sentAt = parseCstTime(params.notify_time);
      if (sentAt === null) throw new NotificationRejected(`notify_time "${params.notify_time}" is malformed`);
      if (Math.abs(at - sentAt) > NOTIFY_WINDOW_MS) throw new NotificationRejected(`notify_time ${params.notify_time} is more than 5 minutes off`);
      const amount = yuanToFen(params.total_amount);
      if (amount === null) throw new NotificationRejected(`total_amount "${params.total_amount}" is not an amount`);
      const common = { paymentNo: params.out_trade_no, appId: params.app_id, merchantNo: params.seller_id, notificationId: params.notify_id };

      // A refund changes the trade too; its notification carries out_biz_no (the out_request_no)
      // and refund_fee (everything refunded on the trade so far).
      if (params.out_biz_no && params.refund_fee) {
        const refunded = yuanToFen(params.refund_fee);
        if (refunded === null) throw new NotificationRejected(`refund_fee "${params.refund_fee}" is not an amount`);
        return { kind: 'refund', ...common, refundNo: params.out_biz_no, amount: refunded, status: 'SUCCESS', channelRefundId: null };
      }
      let status: 'SUCCESS' | 'CLOSED';
      switch (params.trade_status) {
        case 'TRADE_SUCCESS':
        case 'TRADE_FINISHED':
          status = 'SUCCESS';
          break;
        case 'TRADE_CLOSED':
          status = 'CLOSED';
          break;
        default:
          throw new NotificationRejected(`trade_status ${params.trade_status} is not a final state`);
      }
      const paidAt = status === 'SUCCESS' ? parseCstTime(params.gmt_payment) : null;
      // The payer: buyer_open_id (apps on open ids) or buyer_id (2088...), whichever Alipay sends.
      const payerId = params.buyer_open_id || params.buyer_id || undefined;
      return { kind: 'payment', ...common, tradeNo: params.trade_no, amount, status, paidAt, ...(payerId ? { payerId } : {}) };
    },

    // Alipay wants exactly "success"; anything else is a failure it retries.
    notifyFormat: { contentType: 'text/plain; charset=utf-8', success: 'success', failure: () => 'fail' },
  };
}

