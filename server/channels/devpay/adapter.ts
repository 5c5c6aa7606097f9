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
import { API_PATH, SIGNATURE_HEADER, devpayApiError, devpayRefundState, devpayTradeState, signedHeaders, verifyNotification, verifySigned } from './wire';
import { channelFetch, type ChannelFetch, type ChannelResponse } from '../http';

export interface DevpayAdapterOptions {
  /** The HMAC key shared with DevPay (devpayKey(config)). */
  key: string;
  /** Where DevPay is served (read at call time: the port may be known only after listen). */
  baseUrl: () => string;
  /** DevPay has one app and one merchant; notifications are checked against these. */
  appId?: string;
  merchantNo?: string;
  timeoutMs?: number;
  fetch?: ChannelFetch;
}

export const DEVPAY_APP_ID = 'sandbox-app';
export const DEVPAY_MERCHANT_NO = 'sandbox-merchant';

/**
 * DevPay, the development payment channel (served by its stand-in, server/standins/devpay.ts,
 * with SANDBOX=on), behind the ChannelAdapter interface: signed JSON calls to its API,
 * HMAC-signed JSON notifications. Its channel value on the wire is `sandbox` (the contract's
 * PayChannel; clientParams kind 'sandbox': the hosted cashier page).
 */
export function createDevpayAdapter(options: DevpayAdapterOptions): ChannelAdapter {
  const appId = options.appId ?? DEVPAY_APP_ID;
  const merchantNo = options.merchantNo ?? DEVPAY_MERCHANT_NO;
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? channelFetch;

  async function call(path: string, body: unknown): Promise<unknown> {
    const text = JSON.stringify(body);
    let res: ChannelResponse;
    let answer: string;
    try {
      res = await doFetch(`${options.baseUrl()}${API_PATH}/${path}`, { method: 'POST', headers: signedHeaders(options.key, text), body: text, signal: AbortSignal.timeout(timeoutMs) });
      answer = await res.text();
    } catch (err) {
      throw new ChannelError('sandbox', `${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    if (!verifySigned(options.key, answer, headers)) throw new ChannelError('sandbox', `${path}: the answer's signature does not verify (HTTP ${res.status})`);
    let json: unknown;
    try {
      json = JSON.parse(answer);
    } catch {
      throw new ChannelError('sandbox', `${path}: the answer is not JSON`);
    }
    if (!res.ok) {
      const err = devpayApiError.safeParse(json);
      throw new ChannelError('sandbox', `${path}: ${err.success ? err.data.message : `HTTP ${res.status}`}`, err.success ? err.data.error : undefined);
    }
    return json;
  }

  return {
    channel: 'sandbox',
    appId,
    merchantNo,

    async prepay(input: PrepayInput): Promise<ClientParams> {
      const out = await call('prepay', {
        paymentNo: input.paymentNo,
        amount: input.amount,
        description: input.description.slice(0, 200),
        expiresAt: input.expiresAt,
        returnUrl: input.returnUrl ?? null,
      });
      const cashierUrl = out && typeof out === 'object' && 'cashierUrl' in out && typeof out.cashierUrl === 'string' ? out.cashierUrl : null;
      if (!cashierUrl) throw new ChannelError('sandbox', 'prepay: no cashier URL in the answer');
      return { kind: 'sandbox', cashierUrl, paymentNo: input.paymentNo };
    },

    async query(paymentNo: string): Promise<TradeState> {
      const parsed = devpayTradeState.safeParse(await call('query', { paymentNo }));
      if (!parsed.success) throw new ChannelError('sandbox', 'query: unexpected answer');
      return parsed.data;
    },

    async close(paymentNo: string): Promise<void> {
      await call('close', { paymentNo });
    },

    async refund(input: RefundInput): Promise<RefundState> {
      const parsed = devpayRefundState.safeParse(
        await call('refund', { paymentNo: input.paymentNo, refundNo: input.refundNo, amount: input.amount, total: input.total, reason: input.reason.slice(0, 200) }),
      );
      if (!parsed.success) throw new ChannelError('sandbox', 'refund: unexpected answer');
      return parsed.data;
    },

    async queryRefund(paymentNo: string, refundNo: string): Promise<RefundState> {
      const parsed = devpayRefundState.safeParse(await call('refund-query', { paymentNo, refundNo }));
      if (!parsed.success) throw new ChannelError('sandbox', 'refund-query: unexpected answer');
      return parsed.data;
    },

    verifyNotification(raw: RawNotification, now = Date.now()): VerifiedNotification {
      const header = raw.headers[SIGNATURE_HEADER];
      const verified = verifyNotification(options.key, raw.rawBody, typeof header === 'string' ? header : undefined, now);
      if (!verified.ok) throw new NotificationRejected(verified.reason);
      const n = verified.notification;
      return {
        kind: 'payment',
        paymentNo: n.paymentNo,
        tradeNo: n.tradeNo,
        amount: n.amount,
        status: n.status,
        paidAt: n.paidAt,
        appId,
        merchantNo,
        notificationId: n.nonce,
        ...(n.payer ? { payerId: n.payer } : {}),
      };
    },

    notifyFormat: {
      contentType: 'application/json; charset=utf-8',
      success: JSON.stringify({ code: 'SUCCESS' }),
      failure: (message) => JSON.stringify({ code: 'FAIL', message }),
    },
  };
}
