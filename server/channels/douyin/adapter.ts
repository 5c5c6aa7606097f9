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
import type { DouyinConfig } from './config';
import { DOUYIN_ERR } from './errors';
import {
  HEADER_LOGID,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  PATHS,
  REQUEST_ORDER_URI,
  headerValue,
  newNonce,
  platformSignContent,
  rsaVerify,
  signRequest,
  unixSeconds,
} from './wire';
import { channelFetch, type ChannelFetch, type ChannelResponse } from '../http';

/**
 * Douyin general trade system (抖音通用交易系统) adapter, node:crypto only.
 *
 * - prepay: builds the order `data` JSON and its byteAuthorization locally (no network); the
 *   mini-program passes both to tt.requestOrder, then tt.getOrderPayment. Mini-program only:
 *   the general trade system has no H5 cashier, so scene 'h5' throws ChannelError.
 * - query / refund / queryRefund: POST to the trade_basic server API with an `access-token`
 *   (client_token from /oauth/client_token/, cached) and a Byte-Authorization signature over
 *   METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n with the app key. Answers carrying Byte-Signature
 *   headers are verified with the platform key; a bad signature is a ChannelError.
 * - close: the trade system offers no close API (an unpaid order is cancelled by the platform
 *   when payExpireSeconds elapse). close() queries: paid -> ChannelError ORDER_PAID; never
 *   created, timed out or cancelled -> done; still payable -> ChannelError ORDER_NOT_CLOSABLE
 *   (the caller keeps the payment in `closing` and asks again after the expiry it signed).
 * - verifyNotification: Byte-Timestamp (5 min window), Byte-Nonce-Str, Byte-Signature over
 *   TIMESTAMP\nNONCE\nBODY\n with the platform key; body {msg, type: payment|refund, version: 3.0}.
 */
export const NOTIFY_WINDOW_MS = 5 * 60 * 1000;
/** The platform's default order lifetime and its ceiling (48 h). */
export const MAX_PAY_EXPIRE_SECONDS = 48 * 3600;
/** skuList[0].type and tagGroupId: the trade rule group the app registered its goods under. */
export const SKU_TYPE = 401;
export const SKU_TAG_GROUP_ID = 'tag_group_7272625659888041996';
const REQUEST_TIMEOUT_MS = 10_000;

/** refund_create err_no values that refuse a refund for good (others are retried). */
const PERMANENT_REFUND_ERRORS: readonly number[] = [DOUYIN_ERR.badParams, DOUYIN_ERR.orderNotFound, DOUYIN_ERR.refundExceeds, DOUYIN_ERR.refundConflict, DOUYIN_ERR.orderNotPaid];

const OK_ANSWER = JSON.stringify({ err_no: 0, err_tips: 'success' });

/** Truncates to at most `max` UTF-8 bytes without splitting a character. */
function utf8Truncate(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > max) break;
    out += ch;
  }
  return out;
}

const callbackBody = z.object({ msg: z.string(), type: z.string(), version: z.string() });
const paymentMsg = z.object({
  app_id: z.string().min(1),
  out_order_no: z.string().min(1),
  order_id: z.string().min(1),
  status: z.enum(['SUCCESS', 'CANCEL']),
  total_amount: z.number().int().min(0),
  discount_amount: z.number().int().min(0).optional(),
  pay_channel: z.number().int().optional(),
  channel_pay_id: z.string().optional(),
  merchant_uid: z.string().optional(),
  message: z.string().optional(),
  event_time: z.number().int().optional(),
  cp_extra: z.string().optional(),
});
const refundMsg = z.object({
  app_id: z.string().min(1),
  status: z.enum(['SUCCESS', 'FAIL']),
  order_id: z.string().min(1),
  refund_id: z.string().min(1),
  out_refund_no: z.string().min(1),
  refund_total_amount: z.number().int().min(0),
  /** Not in the published message; read when present. The adapter puts our payment number in cp_extra. */
  out_order_no: z.string().optional(),
  cp_extra: z.string().optional(),
  message: z.string().optional(),
  event_time: z.number().int().optional(),
});

const apiAnswer = z.object({
  err_no: z.number().int(),
  err_msg: z.string().optional(),
  log_id: z.string().optional(),
  data: z.unknown().optional(),
});
const orderData = z.object({
  order_id: z.string(),
  out_order_no: z.string(),
  pay_status: z.enum(['PROCESS', 'SUCCESS', 'FAIL', 'TIMEOUT']),
  total_amount: z.number().int(),
  discount_amount: z.number().int().optional(),
  pay_time: z.number().int().optional(),
  refund_amount: z.number().int().optional(),
  merchant_uid: z.string().optional(),
  item_order_list: z.array(z.object({ item_order_id: z.string(), sku_id: z.string().optional(), item_order_amount: z.number().int().optional() })).optional(),
});
type OrderData = z.infer<typeof orderData>;
const refundCreateData = z.object({ refund_id: z.string().min(1), refund_audit_deadline: z.number().optional() });
const refundQueryData = z.object({
  refund_list: z.array(
    z.object({
      refund_id: z.string(),
      out_refund_no: z.string(),
      order_id: z.string().optional(),
      refund_status: z.enum(['PROCESSING', 'SUCCESS', 'FAIL']),
      refund_total_amount: z.number().int().optional(),
    }),
  ),
});
const clientTokenAnswer = z.object({
  data: z.object({ access_token: z.string().optional(), expires_in: z.number().optional(), error_code: z.number().int().optional(), description: z.string().optional() }),
  message: z.string().optional(),
});

export function createDouyinAdapter(config: DouyinConfig, opts: { fetchImpl?: ChannelFetch; now?: () => number } = {}): ChannelAdapter {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetchImpl ?? channelFetch;
  let token: { value: string; expiresAt: number } | null = null;

  const fail = (message: string, code?: string): never => {
    throw new ChannelError('douyin', message, code);
  };
  /** A refund refused for good: no retry with the same out_refund_no can fix it. */
  const refuse = (message: string, code: string): never => {
    throw new ChannelError('douyin', message, code, { permanent: true });
  };

  /** Sends a request and answers its verified body text (transport and signature checks). */
  async function send(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    let res: ChannelResponse;
    let text: string;
    try {
      res = await doFetch(`${config.apiBase}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      text = await res.text();
    } catch (err) {
      return fail(`Douyin ${path} unreachable: ${(err as Error).message}`);
    }
    const sig = res.headers.get(HEADER_SIGNATURE);
    const ts = res.headers.get(HEADER_TIMESTAMP);
    const nonce = res.headers.get(HEADER_NONCE);
    if (sig !== null || ts !== null || nonce !== null) {
      if (!sig || !ts || !nonce || !rsaVerify(platformSignContent(ts, nonce, text), sig, config.platformPublicKey)) {
        fail(`Douyin ${path} answer signature does not verify`, 'BAD_ANSWER_SIGNATURE');
      }
    }
    return { status: res.status, text };
  }

  function parseJson(path: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return fail(`Douyin ${path} answered something other than JSON`);
    }
  }

  async function accessToken(force = false): Promise<string> {
    if (!force && token && token.expiresAt > now()) return token.value;
    const body = JSON.stringify({ client_key: config.appId, client_secret: config.appSecret, grant_type: 'client_credential' });
    const { status, text } = await send(PATHS.clientToken, { 'content-type': 'application/json' }, body);
    const parsed = clientTokenAnswer.safeParse(parseJson(PATHS.clientToken, text));
    if (status !== 200 || !parsed.success) return fail(`Douyin client_token failed (HTTP ${status})`);
    const d = parsed.data.data;
    if ((d.error_code ?? 0) !== 0 || !d.access_token) return fail(`Douyin client_token refused: ${d.description ?? parsed.data.message ?? 'no token'}`, String(d.error_code ?? ''));
    const ttl = (d.expires_in ?? 7200) * 1000;
    // Renew five minutes early (or halfway for short-lived tokens).
    token = { value: d.access_token, expiresAt: now() + Math.max(ttl - 5 * 60_000, ttl / 2) };
    return token.value;
  }

  /** Calls the trade API; answers `data` on err_no 0, or the err_no for the caller to judge. */
  async function call(path: string, payload: Record<string, unknown>, retried = false): Promise<{ errNo: number; errMsg: string; data: unknown }> {
    const tokenValue = await accessToken();
    const body = JSON.stringify(payload);
    const authorization = signRequest(
      { method: 'POST', uri: path, body, appId: config.appId, keyVersion: config.keyVersion, privateKey: config.appPrivateKey },
      unixSeconds(now()),
      newNonce(),
    );
    const { status, text } = await send(path, { 'content-type': 'application/json', 'access-token': tokenValue, 'byte-authorization': authorization }, body);
    const raw = parseJson(path, text);
    const parsed = apiAnswer.safeParse(raw);
    if (!parsed.success) return fail(`Douyin ${path} answered HTTP ${status} without err_no`);
    const { err_no: errNo, err_msg: errMsg = '' } = parsed.data;
    if ((errNo === DOUYIN_ERR.tokenInvalid || errNo === DOUYIN_ERR.tokenExpired) && !retried) {
      token = null;
      return call(path, payload, true);
    }
    if (status !== 200 && errNo === 0) return fail(`Douyin ${path} answered HTTP ${status}`);
    return { errNo, errMsg, data: parsed.data.data };
  }

  function expectOk(path: string, r: { errNo: number; errMsg: string }): void {
    if (r.errNo !== 0) fail(`Douyin ${path}: ${r.errMsg || 'error'} (err_no ${r.errNo})`, String(r.errNo));
  }

  async function queryOrder(paymentNo: string): Promise<OrderData | null> {
    const r = await call(PATHS.orderQuery, { out_order_no: paymentNo });
    if (r.errNo === DOUYIN_ERR.orderNotFound) return null;
    expectOk(PATHS.orderQuery, r);
    const data = orderData.safeParse(r.data);
    if (!data.success) return fail(`Douyin order_query answered an unexpected shape: ${data.error.message}`);
    if (data.data.out_order_no !== paymentNo) return fail(`Douyin order_query answered another order (${data.data.out_order_no})`);
    return data.data;
  }

  function mapRefundStatus(s: 'PROCESSING' | 'SUCCESS' | 'FAIL'): RefundState['state'] {
    return s === 'SUCCESS' ? 'succeeded' : s === 'FAIL' ? 'failed' : 'processing';
  }

  function reject(reason: string): never {
    throw new NotificationRejected(reason);
  }

  return {
    channel: 'douyin',
    appId: config.appId,
    merchantNo: config.merchantId,

    async prepay(input: PrepayInput): Promise<ClientParams> {
      if (input.scene !== 'mini') fail('Douyin general trade supports only the mini-program scene (tt.requestOrder)', 'SCENE_UNSUPPORTED');
      if (!Number.isInteger(input.amount) || input.amount <= 0) fail(`amount must be a positive integer (fen), got ${input.amount}`, 'BAD_AMOUNT');
      const at = now();
      const seconds = Math.ceil((input.expiresAt - at) / 1000);
      if (seconds < 1) fail('the payment has already expired', 'EXPIRED');
      const data = JSON.stringify({
        skuList: [
          {
            skuId: input.paymentNo,
            price: input.amount,
            quantity: 1,
            title: utf8Truncate(input.description || input.paymentNo, 256),
            imageList: [config.skuImageUrl],
            type: SKU_TYPE,
            tagGroupId: SKU_TAG_GROUP_ID,
          },
        ],
        outOrderNo: input.paymentNo,
        totalAmount: input.amount,
        payExpireSeconds: Math.min(seconds, MAX_PAY_EXPIRE_SECONDS),
        payNotifyUrl: config.notifyUrl,
        merchantUid: config.merchantId,
        orderEntrySchema: { path: config.orderEntryPath, params: JSON.stringify({ paymentNo: input.paymentNo }) },
      });
      const byteAuthorization = signRequest(
        { method: 'POST', uri: REQUEST_ORDER_URI, body: data, appId: config.appId, keyVersion: config.keyVersion, privateKey: config.appPrivateKey },
        unixSeconds(at),
        newNonce(),
      );
      return { kind: 'douyin_order', data, byteAuthorization };
    },

    async query(paymentNo: string): Promise<TradeState> {
      const order = await queryOrder(paymentNo);
      if (!order) return { state: 'closed', tradeNo: null, amount: 0, paidAt: null };
      switch (order.pay_status) {
        case 'SUCCESS': {
          const refunded = (order.refund_amount ?? 0) >= order.total_amount && order.total_amount > 0;
          return { state: refunded ? 'refunded' : 'paid', tradeNo: order.order_id, amount: order.total_amount, paidAt: order.pay_time ?? null };
        }
        case 'PROCESS':
          return { state: 'unpaid', tradeNo: order.order_id, amount: 0, paidAt: null };
        default:
          return { state: 'closed', tradeNo: order.order_id, amount: 0, paidAt: null };
      }
    },

    async close(paymentNo: string): Promise<void> {
      const order = await queryOrder(paymentNo);
      if (!order || order.pay_status === 'TIMEOUT' || order.pay_status === 'FAIL') return;
      if (order.pay_status === 'SUCCESS') fail(`Douyin order ${order.order_id} is paid; it cannot be closed`, 'ORDER_PAID');
      fail(`Douyin order ${order.order_id} is still payable: the trade system has no close API and cancels it when its payExpireSeconds elapse`, 'ORDER_NOT_CLOSABLE');
    },

    async refund(input: RefundInput): Promise<RefundState> {
      if (!Number.isInteger(input.amount) || input.amount <= 0) fail(`refund amount must be a positive integer (fen), got ${input.amount}`, 'BAD_AMOUNT');
      const order = await queryOrder(input.paymentNo);
      if (!order) return refuse(`Douyin has no order ${input.paymentNo}`, String(DOUYIN_ERR.orderNotFound));
      if (order.pay_status !== 'SUCCESS') refuse(`Douyin order ${order.order_id} is not paid (${order.pay_status})`, String(DOUYIN_ERR.orderNotPaid));
      const item = order.item_order_list?.[0];
      if (!item) return fail(`Douyin order ${order.order_id} lists no item order to refund`);
      const r = await call(PATHS.refundCreate, {
        order_id: order.order_id,
        out_refund_no: input.refundNo,
        cp_extra: input.paymentNo,
        order_entry_schema: { path: config.orderEntryPath, params: JSON.stringify({ paymentNo: input.paymentNo }) },
        notify_url: config.notifyUrl,
        refund_reason: [{ code: 999, text: utf8Truncate(input.reason || '其他', 49) }],
        refund_total_amount: input.amount,
        item_order_detail: [{ item_order_id: item.item_order_id, refund_amount: input.amount }],
      });
      if (PERMANENT_REFUND_ERRORS.includes(r.errNo)) refuse(`Douyin ${PATHS.refundCreate}: ${r.errMsg || 'refused'} (err_no ${r.errNo})`, String(r.errNo));
      expectOk(PATHS.refundCreate, r);
      const data = refundCreateData.safeParse(r.data);
      if (!data.success) return fail(`Douyin refund_create answered an unexpected shape: ${data.error.message}`);
      // The create answer carries no status: the refund is processed asynchronously (callback
      // type 'refund', or refund_query).
      return { state: 'processing', channelRefundId: data.data.refund_id };
    },

    async queryRefund(paymentNo: string, refundNo: string): Promise<RefundState> {
      const r = await call(PATHS.refundQuery, { out_refund_no: refundNo });
      if (r.errNo === DOUYIN_ERR.refundNotFound) return fail(`Douyin has no refund ${refundNo} (for ${paymentNo})`, 'REFUND_NOT_FOUND');
      expectOk(PATHS.refundQuery, r);
      const data = refundQueryData.safeParse(r.data);
      if (!data.success) return fail(`Douyin refund_query answered an unexpected shape: ${data.error.message}`);
      const found = data.data.refund_list.find((x) => x.out_refund_no === refundNo);
      if (!found) return fail(`Douyin has no refund ${refundNo} (for ${paymentNo})`, 'REFUND_NOT_FOUND');
      return { state: mapRefundStatus(found.refund_status), channelRefundId: found.refund_id };
    },

    verifyNotification(raw: RawNotification, at: number = now()): VerifiedNotification {
      const ts = headerValue(raw.headers, HEADER_TIMESTAMP);
      const nonce = headerValue(raw.headers, HEADER_NONCE);
      const signature = headerValue(raw.headers, HEADER_SIGNATURE);
      if (!ts || !nonce || !signature) reject('missing Byte-Timestamp, Byte-Nonce-Str or Byte-Signature header');
      if (!/^\d{1,12}$/.test(ts!)) reject('Byte-Timestamp is not Unix seconds');
      if (Math.abs(at - Number(ts) * 1000) > NOTIFY_WINDOW_MS) reject('Byte-Timestamp is more than 5 minutes off');
      if (!rsaVerify(platformSignContent(ts!, nonce!, raw.rawBody), signature!, config.platformPublicKey)) reject('Byte-Signature does not verify with the platform public key');

      let json: unknown;
      try {
        json = JSON.parse(raw.rawBody);
      } catch {
        return reject('body is not JSON');
      }
      const body = callbackBody.safeParse(json);
      if (!body.success) return reject('body lacks msg, type or version');
      if (body.data.version !== '3.0') reject(`unsupported callback version ${body.data.version}`);
      let msgJson: unknown;
      try {
        msgJson = JSON.parse(body.data.msg);
      } catch {
        return reject('msg is not a JSON string');
      }
      const logId = headerValue(raw.headers, HEADER_LOGID);

      if (body.data.type === 'payment') {
        const m = paymentMsg.safeParse(msgJson);
        if (!m.success) return reject(`payment msg malformed: ${m.error.issues.map((i) => i.path.join('.')).join(', ')}`);
        const msg = m.data;
        return {
          kind: 'payment',
          paymentNo: msg.out_order_no,
          tradeNo: msg.order_id,
          amount: msg.total_amount,
          status: msg.status === 'SUCCESS' ? 'SUCCESS' : 'CLOSED',
          paidAt: msg.status === 'SUCCESS' ? (msg.event_time ?? null) : null,
          appId: msg.app_id,
          // A CANCEL callback names no merchant_uid (no money moved); the platform's signature binds it to our app.
          merchantNo: msg.merchant_uid ?? (msg.status === 'CANCEL' ? config.merchantId : ''),
          notificationId: logId ?? `payment:${msg.order_id}:${ts}:${nonce}`,
        };
      }
      if (body.data.type === 'refund') {
        const m = refundMsg.safeParse(msgJson);
        if (!m.success) return reject(`refund msg malformed: ${m.error.issues.map((i) => i.path.join('.')).join(', ')}`);
        const msg = m.data;
        const paymentNo = msg.out_order_no || msg.cp_extra;
        if (!paymentNo) return reject('refund msg names no out_order_no and no cp_extra');
        return {
          kind: 'refund',
          paymentNo,
          refundNo: msg.out_refund_no,
          amount: msg.refund_total_amount,
          status: msg.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED',
          channelRefundId: msg.refund_id,
          appId: msg.app_id,
          // The refund message carries no merchant field; the platform's signature binds it to our app.
          merchantNo: config.merchantId,
          notificationId: logId ?? `refund:${msg.refund_id}:${ts}:${nonce}`,
        };
      }
      return reject(`unsupported callback type ${body.data.type}`);
    },

    // Anything but HTTP 200 with err_no 0 makes the platform retry.
    notifyFormat: { contentType: 'application/json', success: OK_ANSWER, failure: (message, status) => JSON.stringify({ err_no: status, err_tips: message }) },
  };
}
