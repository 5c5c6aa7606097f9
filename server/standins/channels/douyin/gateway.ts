import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ChannelSandboxContext } from '../context';
import type { BuildOptions, NotificationRequest, Notifier } from '../notifier';
import { CLIENT_TOKEN_BAD_SECRET, DOUYIN_ERR } from '../../../channels/douyin/errors';
import { douyinSandboxKeys } from '../../../channels/douyin/sandbox-keys';
import {
  PATHS,
  REQUEST_ORDER_URI,
  newNonce,
  parseByteAuthorization,
  platformSignContent,
  requestSignContent,
  rsaSign,
  rsaVerify,
  unixSeconds,
} from '../../../channels/douyin/wire';

/**
 * The Douyin general trade system sandbox (抖音通用交易系统), under /sandbox/douyin, speaking the
 * platform's wire format so that the adapter goes live by changing DOUYIN_API_BASE and keys:
 *
 *   POST /sandbox/douyin/oauth/client_token/                        client_key, client_secret -> access_token
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/order_query/   { out_order_no | order_id }
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/refund_create/ { order_id, out_refund_no, refund_total_amount, ... }
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/refund_query/  { out_refund_no | refund_id | order_id }
 *     Each trade API call needs `access-token` and a Byte-Authorization signed with the app key
 *     over POST\n<path without /sandbox/douyin>\nts\nnonce\nbody\n; answers are
 *     { err_no, err_msg, log_id, data } signed with the platform key (Byte-Timestamp,
 *     Byte-Nonce-Str, Byte-Signature over ts\nnonce\nbody\n).
 *   POST /sandbox/douyin/client/requestOrder   { data, byteAuthorization }: stands in for the
 *     mini-program's tt.requestOrder (creates the order, answers { orderId, outOrderNo }).
 *   POST /sandbox/douyin/confirm               { ref: out_order_no, action: pay | cancel }
 *   GET  /sandbox/douyin/trades/:paymentNo     the order as the sandbox holds it
 *
 * Callbacks ({ msg, type: payment | refund, version: '3.0' }) go to payNotifyUrl / notify_url
 * (else the app's default callback URL) through the shared notifier on the published schedule.
 * The trade system has no close API: an unpaid order times out when payExpireSeconds (counted
 * from the byteAuthorization timestamp) elapse, which sends a CANCEL callback (TIME_OUT).
 */
export const DOUYIN_NOTIFY_SCHEDULE_SECONDS = [15, 30, 60, 120, 240, 480, 960, 1920, 3840, 7680] as const;
export const DEFAULT_PAY_EXPIRE_SECONDS = 300;
export const MAX_PAY_EXPIRE_SECONDS = 48 * 3600;
/** Requests signed more than this far from the sandbox clock are refused (replays). */
export const REQUEST_WINDOW_MS = 5 * 60 * 1000;
const TOKEN_TTL_SECONDS = 7200;
/** How long (unscaled) a developer-initiated refund takes before it succeeds. */
const REFUND_PROCESSING_MS = 3000;

export interface DouyinSandboxOptions {
  /** The app public key the platform holds (default: sandbox-keys/douyin/app_public_key.pem). */
  appPublicKey?: string;
  /** The platform private key that signs answers and callbacks (default: the sandbox's). */
  platformPrivateKey?: string;
  /** The app secret client_token accepts (default: ids.json appSecret). */
  appSecret?: string;
  /** The key_version the uploaded app key has (default: ids.json keyVersion). */
  keyVersion?: string;
  /** merchant_uid when the order data names none (default: ids.json merchantId). */
  defaultMerchantId?: string;
  /** The app's console-configured callback URL (default: <baseUrl>/notify/douyin). */
  defaultNotifyUrl?: () => string;
}

export type TradeStatus = 'PROCESS' | 'SUCCESS' | 'FAIL' | 'TIMEOUT';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'FAIL';

export interface SandboxRefund {
  refundId: string;
  outRefundNo: string;
  orderId: string;
  outOrderNo: string;
  amount: number;
  reason: string;
  notifyUrl: string;
  cpExtra: string;
  status: RefundStatus;
  createdAt: number;
  refundAt: number | null;
  itemOrderId: string;
}

export interface SandboxTrade {
  appId: string;
  orderId: string;
  outOrderNo: string;
  /** The exact data text tt.requestOrder was called with (same data again: same order). */
  data: string;
  skuId: string;
  title: string;
  itemOrderId: string;
  totalAmount: number;
  merchantUid: string;
  payNotifyUrl: string;
  createdAt: number;
  expiresAt: number;
  status: TradeStatus;
  /** USER_CANCEL / TIME_OUT for cancelled orders. */
  message: string | null;
  payTime: number | null;
  payChannel: number | null;
  channelPayId: string | null;
  refunds: SandboxRefund[];
}

const requestOrderData = z.object({
  skuList: z
    .array(
      z.object({
        skuId: z.string().min(1).max(64),
        price: z.number().int().min(1),
        quantity: z.number().int().min(1).max(100),
        title: z.string().min(1).refine((t) => Buffer.byteLength(t, 'utf8') <= 256, 'title longer than 256 bytes'),
        imageList: z.array(z.string().min(1).max(512)).length(1),
        type: z.number().int().optional(),
        tagGroupId: z.string().optional(),
      }),
    )
    .length(1),
  outOrderNo: z.string().min(1).max(64),
  totalAmount: z.number().int().min(1),
  payExpireSeconds: z.number().int().min(0).max(MAX_PAY_EXPIRE_SECONDS).optional(),
  payNotifyUrl: z.string().url().optional(),
  merchantUid: z.string().optional(),
  orderEntrySchema: z.object({ path: z.string().min(1).max(512), params: z.string().max(512).optional() }),
  limitPayWayList: z.array(z.number().int()).optional(),
});

const refundCreateBody = z.object({
  order_id: z.string().min(1),
  out_refund_no: z.string().min(1).max(64),
  cp_extra: z.string().max(2048).optional(),
  order_entry_schema: z.object({ path: z.string().min(1), params: z.string().optional() }),
  notify_url: z.string().url().optional(),
  refund_reason: z.array(z.object({ code: z.number().int(), text: z.string().max(50) })).min(1).max(10),
  refund_total_amount: z.number().int().min(1),
  item_order_detail: z.array(z.object({ item_order_id: z.string().min(1), refund_amount: z.number().int().min(1) })).max(100).optional(),
  refund_all: z.boolean().optional(),
});

const confirmBody = z.strictObject({ ref: z.string().min(1), action: z.enum(['pay', 'cancel']) });

function digits(n: number): string {
  let out = String(1 + (randomBytes(1)[0] % 9));
  while (out.length < n) out += String(randomBytes(1)[0] % 10);
  return out;
}

export function registerDouyinSandbox(app: FastifyInstance, ctx: ChannelSandboxContext, options: DouyinSandboxOptions = {}): void {
  const keys = douyinSandboxKeys();
  const appPublicKey = options.appPublicKey ?? keys.appPublicKey;
  const platformPrivateKey = options.platformPrivateKey ?? keys.platformPrivateKey;
  const appSecret = options.appSecret ?? keys.appSecret;
  const keyVersion = options.keyVersion ?? keys.keyVersion;
  const defaultMerchantId = options.defaultMerchantId ?? keys.merchantId;
  const defaultNotifyUrl = options.defaultNotifyUrl ?? (() => `${ctx.baseUrl()}/notify/douyin`);

  const notifier: Notifier = ctx.notifier(DOUYIN_NOTIFY_SCHEDULE_SECONDS);
  const trades = new Map<string, SandboxTrade>();
  const refunds = new Map<string, SandboxRefund>();
  const tokens = new Map<string, { appId: string; expiresAt: number }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let wrongKey: string | null = null;

  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, Math.min(ms, 2_147_000_000)));
    t.unref?.();
    timers.add(t);
  };

  // ---- signing of what the platform sends -------------------------------------------------

  function platformHeaders(body: string, corrupt = false): Record<string, string> {
    const ts = unixSeconds(ctx.now());
    const nonce = newNonce();
    let key = platformPrivateKey;
    if (corrupt) {
      wrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      key = wrongKey;
    }
    return {
      'content-type': 'application/json',
      'byte-timestamp': ts,
      'byte-nonce-str': nonce,
      'byte-signature': rsaSign(platformSignContent(ts, nonce, body), key),
      'byte-logid': `${unixSeconds(ctx.now())}${randomBytes(10).toString('hex').toUpperCase()}`,
    };
  }

  function sendSigned(reply: FastifyReply, status: number, value: unknown): FastifyReply {
    const body = JSON.stringify(value);
    return reply.code(status).headers(platformHeaders(body)).send(body);
  }

  function apiAnswer(reply: FastifyReply, errNo: number, errMsg: string, data: unknown, status = 200): FastifyReply {
    return sendSigned(reply, status, { err_no: errNo, err_msg: errMsg, log_id: randomBytes(12).toString('hex').toUpperCase(), data: data ?? null });
  }

  function problem(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
    return reply.code(status).type('application/problem+json').send({ type: 'about:blank', title: detail, status, code, detail });
  }

  function rawBody(req: FastifyRequest): string {
    return typeof req.body === 'string' ? req.body : '';
  }

  function parseObject(text: string): Record<string, unknown> | null {
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  // ---- trade lifecycle ---------------------------------------------------------------------

  function isAck(status: number, body: string): boolean {
    if (status !== 200) return false;
    try {
      const v: unknown = JSON.parse(body);
      return !!v && typeof v === 'object' && 'err_no' in v && v.err_no === 0;
    } catch {
      return false;
    }
  }

  function notify(url: string, type: 'payment' | 'refund', msg: Record<string, unknown>, amountField: string): void {
    notifier.send({
      channel: 'douyin',
      url,
      build(o: BuildOptions): NotificationRequest {
        const m = o.changeAmount ? { ...msg, [amountField]: Number(msg[amountField]) + 1 } : msg;
        const body = JSON.stringify({ msg: JSON.stringify(m), type, version: '3.0' });
        return {
          headers: { ...platformHeaders(body, o.corruptSignature), 'byte-identifyname': type === 'payment' ? '/common/trade/payment_callback' : '/common/trade/refund_callback' },
          body,
        };
      },
      isAck,
    });
  }

  function notifyPayment(t: SandboxTrade): void {
    const success = t.status === 'SUCCESS';
    const msg: Record<string, unknown> = {
      app_id: t.appId,
      out_order_no: t.outOrderNo,
      order_id: t.orderId,
      status: success ? 'SUCCESS' : 'CANCEL',
      total_amount: t.totalAmount,
      discount_amount: 0,
      ...(success ? { pay_channel: t.payChannel, channel_pay_id: t.channelPayId, merchant_uid: t.merchantUid, user_bill_pay_id: `BP${t.channelPayId}` } : { message: t.message }),
      event_time: success ? t.payTime : ctx.now(),
      cp_extra: '',
    };
    notify(t.payNotifyUrl, 'payment', msg, 'total_amount');
  }

  function notifyRefund(r: SandboxRefund, appId: string): void {
    const msg: Record<string, unknown> = {
      app_id: appId,
      status: r.status === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
      order_id: r.orderId,
      cp_extra: r.cpExtra,
      message: r.status === 'SUCCESS' ? '' : 'refund failed',
      event_time: r.refundAt ?? ctx.now(),
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      refund_total_amount: r.amount,
      is_all_settled: false,
      refund_item_detail: { item_order_quantity: 1, item_order_detail: [{ item_order_id: r.itemOrderId, refund_amount: r.amount }] },
    };
    notify(r.notifyUrl, 'refund', msg, 'refund_total_amount');
  }

  /** Applies the timeout an unpaid order reaches when its pay window ends. */
  function refresh(t: SandboxTrade): SandboxTrade {
    if (t.status === 'PROCESS' && ctx.now() >= t.expiresAt) {
      t.status = 'TIMEOUT';
      t.message = 'TIME_OUT';
      notifyPayment(t);
    }
    return t;
  }

  const refundedAmount = (t: SandboxTrade) => t.refunds.filter((r) => r.status !== 'FAIL').reduce((s, r) => s + r.amount, 0);

  function tradeView(t: SandboxTrade) {
    return {
      appId: t.appId,
      orderId: t.orderId,
      outOrderNo: t.outOrderNo,
      status: t.status,
      message: t.message,
      totalAmount: t.totalAmount,
      merchantUid: t.merchantUid,
      payNotifyUrl: t.payNotifyUrl,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      payTime: t.payTime,
      channelPayId: t.channelPayId,
      refundedAmount: refundedAmount(t),
      refunds: t.refunds.map((r) => ({ ...r })),
    };
  }

  // ---- authentication of the developer's server calls ----------------------------------------

  type Authed = { appId: string; body: Record<string, unknown> };

  function authenticate(req: FastifyRequest, reply: FastifyReply, path: string): Authed | null {
    const tokenHeader = req.headers['access-token'];
    const token = typeof tokenHeader === 'string' ? tokens.get(tokenHeader) : undefined;
    if (!token) {
      apiAnswer(reply, DOUYIN_ERR.tokenInvalid, 'access-token 无效', null);
      return null;
    }
    if (token.expiresAt <= ctx.now()) {
      apiAnswer(reply, DOUYIN_ERR.tokenExpired, 'access-token 已过期', null);
      return null;
    }
    const authHeader = req.headers['byte-authorization'];
    const auth = parseByteAuthorization(typeof authHeader === 'string' ? authHeader : undefined);
    const text = rawBody(req);
    const badSig = (why: string) => {
      apiAnswer(reply, DOUYIN_ERR.badSignature, `签名校验失败: ${why}`, null, 401);
      return null;
    };
    if (!auth) return badSig('missing or malformed Byte-Authorization');
    if (auth.appId !== token.appId) return badSig('appid does not match the access-token');
    if (auth.keyVersion !== keyVersion) return badSig(`unknown key_version ${auth.keyVersion}`);
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(ctx.now() - Number(auth.timestamp) * 1000) > REQUEST_WINDOW_MS) return badSig('timestamp outside the 5 minute window');
    if (!rsaVerify(requestSignContent('POST', path, auth.timestamp, auth.nonce, text), auth.signature, appPublicKey)) return badSig('signature does not verify');
    const body = parseObject(text);
    if (!body) {
      apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: body is not a JSON object', null);
      return null;
    }
    return { appId: token.appId, body };
  }

  // ---- routes -----------------------------------------------------------------------------

  app.register(async (scope) => {
    // Signatures cover the exact body text: keep JSON bodies as strings in this scope.
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.post('/sandbox/douyin/oauth/client_token/', async (req, reply) => {
      const body = parseObject(rawBody(req)) ?? {};
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const refuse = (code: number, description: string) =>
        reply.code(200).type('application/json').send(JSON.stringify({ data: { description, error_code: code }, message: 'error' }));
      if (str('grant_type') !== 'client_credential') return refuse(DOUYIN_ERR.badParams, 'grant_type must be client_credential');
      if (!str('client_key') || str('client_secret') !== appSecret) return refuse(CLIENT_TOKEN_BAD_SECRET, 'client_key or client_secret is wrong');
      const accessToken = `clt.${randomBytes(24).toString('hex')}`;
      tokens.set(accessToken, { appId: str('client_key'), expiresAt: ctx.now() + TOKEN_TTL_SECONDS * 1000 });
      return reply
        .code(200)
        .type('application/json')
        .send(JSON.stringify({ data: { access_token: accessToken, description: '', error_code: 0, expires_in: TOKEN_TTL_SECONDS }, message: 'success' }));
    });

    scope.post(`/sandbox/douyin${PATHS.orderQuery}`, async (req, reply) => {
      const a = authenticate(req, reply, PATHS.orderQuery);
      if (!a) return reply;
      const outOrderNo = typeof a.body.out_order_no === 'string' ? a.body.out_order_no : '';
      const orderId = typeof a.body.order_id === 'string' ? a.body.order_id : '';
      if (!outOrderNo && !orderId) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: order_id 与 out_order_no 二选一', null);
      const found = outOrderNo ? trades.get(outOrderNo) : [...trades.values()].find((t) => t.orderId === orderId);
      const t = found && found.appId === a.appId && (!orderId || found.orderId === orderId) ? refresh(found) : null;
      if (!t) return apiAnswer(reply, DOUYIN_ERR.orderNotFound, '订单不存在', null);
      return apiAnswer(reply, 0, '', {
        app_id: t.appId,
        order_id: t.orderId,
        out_order_no: t.outOrderNo,
        pay_status: t.status,
        total_amount: t.totalAmount,
        discount_amount: 0,
        refund_amount: t.refunds.filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amount, 0),
        settle_amount: 0,
        trade_time: t.createdAt,
        ...(t.status === 'SUCCESS' ? { pay_time: t.payTime, pay_channel: t.payChannel, channel_pay_id: t.channelPayId } : {}),
        merchant_uid: t.merchantUid,
        item_order_list: [{ item_order_id: t.itemOrderId, sku_id: t.skuId, item_order_amount: t.totalAmount }],
        cp_extra: '',
        message: t.message ?? '',
      });
    });

    scope.post(`/sandbox/douyin${PATHS.refundCreate}`, async (req, reply) => {
      const a = authenticate(req, reply, PATHS.refundCreate);
      if (!a) return reply;
      const parsed = refundCreateBody.safeParse(a.body);
      if (!parsed.success) return apiAnswer(reply, DOUYIN_ERR.badParams, `参数错误: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, null);
      const b = parsed.data;
      const key = `${a.appId}:${b.out_refund_no}`;
      const existing = refunds.get(key);
      const t = [...trades.values()].find((x) => x.orderId === b.order_id && x.appId === a.appId);
      if (existing) {
        // The same refund number again is the same refund: never refunded twice.
        if (existing.orderId !== b.order_id || existing.amount !== b.refund_total_amount) {
          return apiAnswer(reply, DOUYIN_ERR.refundConflict, '退款单号已存在且参数不一致', null);
        }
        return apiAnswer(reply, 0, '', { refund_id: existing.refundId, refund_audit_deadline: existing.createdAt + 3 * 86_400_000 });
      }
      if (!t) return apiAnswer(reply, DOUYIN_ERR.orderNotFound, '订单不存在', null);
      refresh(t);
      if (t.status !== 'SUCCESS') return apiAnswer(reply, DOUYIN_ERR.orderNotPaid, '订单未支付', null);
      const remaining = t.totalAmount - refundedAmount(t);
      const amount = b.refund_all ? remaining : b.refund_total_amount;
      if (b.refund_all && b.refund_total_amount !== remaining) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: refund_total_amount 与整单可退金额不一致', null);
      if (!b.refund_all) {
        const detail = b.item_order_detail ?? [];
        if (detail.length === 0) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: refund_all=false 时 item_order_detail 必填', null);
        if (detail.some((d) => d.item_order_id !== t.itemOrderId)) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: item_order_id 不属于该订单', null);
        if (detail.reduce((s, d) => s + d.refund_amount, 0) !== amount) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: item_order_detail 金额之和与 refund_total_amount 不一致', null);
      }
      if (amount > remaining || amount <= 0) return apiAnswer(reply, DOUYIN_ERR.refundExceeds, '退款金额超过可退金额', null);
      const r: SandboxRefund = {
        refundId: `rf${digits(19)}`,
        outRefundNo: b.out_refund_no,
        orderId: t.orderId,
        outOrderNo: t.outOrderNo,
        amount,
        reason: b.refund_reason.map((x) => x.text).join(';'),
        notifyUrl: b.notify_url ?? defaultNotifyUrl(),
        cpExtra: b.cp_extra ?? '',
        status: 'PROCESSING',
        createdAt: ctx.now(),
        refundAt: null,
        itemOrderId: t.itemOrderId,
      };
      refunds.set(key, r);
      t.refunds.push(r);
      later(Math.max(1, Math.round(REFUND_PROCESSING_MS * ctx.timeScale)), () => {
        r.status = 'SUCCESS';
        r.refundAt = ctx.now();
        notifyRefund(r, t.appId);
      });
      return apiAnswer(reply, 0, '', { refund_id: r.refundId, refund_audit_deadline: r.createdAt + 3 * 86_400_000 });
    });

    scope.post(`/sandbox/douyin${PATHS.refundQuery}`, async (req, reply) => {
      const a = authenticate(req, reply, PATHS.refundQuery);
      if (!a) return reply;
      const pick = (k: string) => (typeof a.body[k] === 'string' ? (a.body[k] as string) : '');
      const refundId = pick('refund_id');
      const outRefundNo = pick('out_refund_no');
      const orderId = pick('order_id');
      if (!refundId && !outRefundNo && !orderId) return apiAnswer(reply, DOUYIN_ERR.badParams, '参数错误: refund_id, out_refund_no, order_id 三选一', null);
      const list = [...refunds.entries()]
        .filter(([k]) => k.startsWith(`${a.appId}:`))
        .map(([, r]) => r)
        .filter((r) => (refundId ? r.refundId === refundId : outRefundNo ? r.outRefundNo === outRefundNo : r.orderId === orderId));
      if (list.length === 0) return apiAnswer(reply, DOUYIN_ERR.refundNotFound, '退款单不存在', null);
      return apiAnswer(reply, 0, '', {
        refund_list: list.map((r) => ({
          refund_id: r.refundId,
          out_refund_no: r.outRefundNo,
          order_id: r.orderId,
          refund_status: r.status,
          refund_total_amount: r.amount,
          create_at: r.createdAt,
          refund_at: r.refundAt ?? 0,
          message: '',
          item_order_detail: [{ item_order_id: r.itemOrderId, refund_amount: r.amount }],
          merchant_audit_detail: { audit_status: '', need_refund_audit: 2, refund_audit_deadline: 0 },
        })),
      });
    });

    // tt.requestOrder stand-in: the mini-program's development build posts what the server gave it.
    scope.post('/sandbox/douyin/client/requestOrder', async (req, reply) => {
      const body = parseObject(rawBody(req));
      const fail = (errNo: number, tips: string) => reply.code(400).type('application/json').send(JSON.stringify({ err_no: errNo, err_tips: tips, data: null }));
      if (!body || typeof body.data !== 'string' || typeof body.byteAuthorization !== 'string') return fail(DOUYIN_ERR.badParams, 'data and byteAuthorization are required strings');
      const auth = parseByteAuthorization(body.byteAuthorization);
      if (!auth) return fail(DOUYIN_ERR.badSignature, 'byteAuthorization is malformed');
      if (auth.keyVersion !== keyVersion) return fail(DOUYIN_ERR.badSignature, `unknown key_version ${auth.keyVersion}`);
      if (!rsaVerify(requestSignContent('POST', REQUEST_ORDER_URI, auth.timestamp, auth.nonce, body.data), auth.signature, appPublicKey)) {
        return fail(DOUYIN_ERR.badSignature, 'byteAuthorization signature does not verify');
      }
      if (!/^\d{1,12}$/.test(auth.timestamp) || Number(auth.timestamp) * 1000 > ctx.now() + REQUEST_WINDOW_MS) return fail(DOUYIN_ERR.badSignature, 'timestamp is in the future');
      let dataJson: unknown;
      try {
        dataJson = JSON.parse(body.data);
      } catch {
        return fail(DOUYIN_ERR.badParams, 'data is not JSON');
      }
      const parsed = requestOrderData.safeParse(dataJson);
      if (!parsed.success) return fail(DOUYIN_ERR.badParams, `data invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      const d = parsed.data;
      const sku = d.skuList[0];
      if (sku.price * sku.quantity !== d.totalAmount) return fail(DOUYIN_ERR.badParams, 'totalAmount must equal price × quantity');
      const existing = trades.get(d.outOrderNo);
      if (existing) {
        if (existing.appId !== auth.appId || existing.data !== body.data) return fail(DOUYIN_ERR.orderConflict, 'outOrderNo exists with other parameters');
        refresh(existing);
        return reply.code(200).type('application/json').send(JSON.stringify({ err_no: 0, err_tips: 'success', data: { orderId: existing.orderId, outOrderNo: existing.outOrderNo } }));
      }
      const expiresAt = Number(auth.timestamp) * 1000 + (d.payExpireSeconds || DEFAULT_PAY_EXPIRE_SECONDS) * 1000;
      if (ctx.now() >= expiresAt) return fail(DOUYIN_ERR.orderExpired, 'the order pay window has passed');
      const t: SandboxTrade = {
        appId: auth.appId,
        orderId: `ot${digits(19)}`,
        outOrderNo: d.outOrderNo,
        data: body.data,
        skuId: sku.skuId,
        title: sku.title,
        itemOrderId: `it${digits(19)}`,
        totalAmount: d.totalAmount,
        merchantUid: d.merchantUid || defaultMerchantId,
        payNotifyUrl: d.payNotifyUrl ?? defaultNotifyUrl(),
        createdAt: ctx.now(),
        expiresAt,
        status: 'PROCESS',
        message: null,
        payTime: null,
        payChannel: null,
        channelPayId: null,
        refunds: [],
      };
      trades.set(t.outOrderNo, t);
      later(expiresAt - ctx.now(), () => refresh(t));
      ctx.log.info({ channel: 'douyin', outOrderNo: t.outOrderNo, orderId: t.orderId, amount: t.totalAmount }, 'sandbox douyin order created');
      return reply.code(200).type('application/json').send(JSON.stringify({ err_no: 0, err_tips: 'success', data: { orderId: t.orderId, outOrderNo: t.outOrderNo } }));
    });

    scope.post('/sandbox/douyin/confirm', async (req, reply) => {
      const parsed = confirmBody.safeParse(parseObject(rawBody(req)));
      if (!parsed.success) return problem(reply, 400, 'VALIDATION_FAILED', 'Body must be { ref, action: "pay" | "cancel" }');
      const found = trades.get(parsed.data.ref);
      if (!found) return problem(reply, 404, 'NOT_FOUND', `No Douyin sandbox order ${parsed.data.ref} (call /sandbox/douyin/client/requestOrder first)`);
      const t = refresh(found);
      if (parsed.data.action === 'pay') {
        if (t.status === 'PROCESS') {
          t.status = 'SUCCESS';
          t.payTime = ctx.now();
          t.payChannel = 10;
          t.channelPayId = `DY${createHash('sha256').update(t.orderId).digest('hex').slice(0, 24).toUpperCase()}`;
          notifyPayment(t);
        } else if (t.status !== 'SUCCESS') {
          return problem(reply, 409, 'ILLEGAL_TRANSITION', `Order ${t.outOrderNo} is ${t.status}; it can no longer be paid`);
        }
      } else if (t.status === 'PROCESS') {
        t.status = 'FAIL';
        t.message = 'USER_CANCEL';
        notifyPayment(t);
      } else if (t.status === 'SUCCESS') {
        return problem(reply, 409, 'ILLEGAL_TRANSITION', `Order ${t.outOrderNo} is paid; it cannot be cancelled`);
      }
      return { ok: true, paymentNo: t.outOrderNo };
    });

    scope.get<{ Params: { paymentNo: string } }>('/sandbox/douyin/trades/:paymentNo', async (req, reply) => {
      const t = trades.get(req.params.paymentNo);
      if (!t) return problem(reply, 404, 'NOT_FOUND', `No Douyin sandbox order ${req.params.paymentNo}`);
      return tradeView(refresh(t));
    });
  });
}
