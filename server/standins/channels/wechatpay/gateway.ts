import { createHash, createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID, createCipheriv, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatPrice } from '@contract/money';
import { AppError } from '../../../platform/errors';
import { sendProblem } from '../../../platform/http';
import type { ChannelSandboxContext } from '../context';
import type { BuildOptions, NotificationRequest, OutgoingNotification } from '../notifier';
import { wechatpaySandboxKeys } from '../../../channels/wechatpay/sandbox-keys';
import { AUTH_SCHEMA, MAX_CLOCK_SKEW_SECONDS, parseAuthorization, parseRfc3339, rfc3339Cst } from '../../../channels/wechatpay/wire';
import { escapeHtml, sandboxPage } from '../../page';

/**
 * The WeChat Pay API v3 sandbox: a local stand-in for api.mch.weixin.qq.com (public-key mode)
 * served under /sandbox/wechatpay, speaking the real wire format, so that pointing the adapter
 * at production is configuration only (WECHATPAY_API_BASE and keys).
 *
 *   POST /v3/pay/transactions/jsapi                      -> { prepay_id }
 *   POST /v3/pay/transactions/h5                         -> { h5_url }   (the page below)
 *   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=   -> the transaction
 *   GET  /v3/pay/transactions/id/{transaction_id}?mchid=
 *   POST /v3/pay/transactions/out-trade-no/{no}/close    { mchid } -> 204 (ORDERPAID when paid)
 *   POST /v3/refund/domestic/refunds                     -> the refund (PROCESSING, then SUCCESS)
 *   GET  /v3/refund/domestic/refunds/{out_refund_no}
 *
 * Every /v3 request must carry a valid `Authorization: WECHATPAY2-SHA256-RSA2048 ...` signed
 * with a known merchant's key (else 401 SIGN_ERROR); every answer, errors included, is signed
 * with WeChat Pay's key (Wechatpay-Timestamp/Nonce/Signature/Serial, serial PUB_KEY_ID_...).
 * Errors are `{ code, message }` with WeChat's HTTP statuses.
 *
 * Stand-in pages and hooks (not WeChat's API):
 *   GET  /checkmweb?prepay_id=&redirect_url=   the H5 cashier page (确认支付 / 取消支付)
 *   POST /checkmweb                            its form (prepay_id, action=pay|cancel, redirect_url)
 *   POST /confirm  { ref: prepay_id, action: 'pay'|'cancel' } -> { ok: true, paymentNo } | 404 problem
 *   GET  /trades/{out_trade_no}                the trade as the sandbox holds it (JSON)
 *
 * Paying sends TRANSACTION.SUCCESS (AES-256-GCM encrypted with the merchant's APIv3 key) to the
 * trade's notify_url on WeChat's retry schedule (compressed by ctx.timeScale) until answered
 * with 200/204. WeChat does not notify a cancelled cashier; cancel here closes the trade (a query
 * then says CLOSED) without a notification. A refund answers PROCESSING, succeeds after 1 s
 * (compressed) and sends REFUND.SUCCESS. Signing and encryption here use node:crypto directly,
 * independently of the adapter (which uses wechatpay-axios-plugin), so each checks the other.
 */
export const WECHATPAY_RETRY_SCHEDULE_SECONDS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];

export interface WechatpaySandboxMerchant {
  mchId: string;
  /** Serial number of the merchant API certificate the requests name. */
  mchSerial: string;
  /** The merchant's public key (PEM); its private half (PEM) is accepted too. */
  mchPublicKey: string;
  apiV3Key: string;
  /** App ids bound to the merchant; omitted: any. */
  appIds?: string[];
}

export interface WechatpaySandboxOptions {
  /** Merchants the sandbox knows; default: the one in sandbox-keys/wechatpay. */
  merchants?: WechatpaySandboxMerchant[];
  /** WeChat Pay's private key and its PUB_KEY_ID_; default: sandbox-keys/wechatpay. */
  platformPrivateKey?: string;
  publicKeyId?: string;
}

type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

interface Merchant {
  mchId: string;
  mchSerial: string;
  publicKey: KeyObject;
  apiV3Key: string;
  appIds: string[] | null;
}

export interface SandboxTrade {
  mchid: string;
  appid: string;
  outTradeNo: string;
  prepayId: string;
  tradeType: 'JSAPI' | 'MWEB';
  description: string;
  attach: string | null;
  notifyUrl: string;
  total: number;
  currency: string;
  openid: string | null;
  clientIp: string | null;
  timeExpire: number | null;
  createdAt: number;
  state: TradeState;
  transactionId: string | null;
  successTime: number | null;
  /** The creating request's parameters that must match on a repeat. */
  fingerprint: string;
  refundNos: string[];
}

export interface SandboxRefund {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  reason: string | null;
  notifyUrl: string;
  refund: number;
  total: number;
  status: RefundStatus;
  createdAt: number;
  successTime: number | null;
  fingerprint: string;
}

const PREFIX = '/sandbox/wechatpay';
const PREPAY_TTL_MS = 2 * 3600 * 1000;
const MAX_REFUNDS_PER_TRADE = 50;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

const notifyUrlSchema = z.string().max(255).refine((u) => /^https?:\/\/[^\s]+$/.test(u), 'notify_url must be an http(s) URL');
const amountSchema = z.object({ total: z.number().int().min(1).max(100_000_000_00), currency: z.literal('CNY').optional() });
const prepayBase = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'out_trade_no: 6-32 of [0-9A-Za-z_-|*]'),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: notifyUrlSchema,
  goods_tag: z.string().max(32).optional(),
  amount: amountSchema,
});
const jsapiSchema = prepayBase.extend({ payer: z.object({ openid: z.string().min(1).max(128) }) });
const h5Schema = prepayBase.extend({
  scene_info: z.object({
    payer_client_ip: z.string().min(1).max(45),
    h5_info: z.object({ type: z.string().min(1).max(32) }),
  }),
});
const closeSchema = z.object({ mchid: z.string().min(1).max(32) });
const refundSchema = z.object({
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  out_refund_no: z.string().regex(OUT_REFUND_NO, 'out_refund_no: 1-64 of [0-9A-Za-z_-|*@]'),
  reason: z.string().max(80).optional(),
  notify_url: notifyUrlSchema.optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.literal('CNY') }),
});
const confirmSchema = z.strictObject({ ref: z.string().min(1).max(128), action: z.enum(['pay', 'cancel']) });

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
};

class WxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const nonceStr = (n = 32) => Array.from(randomBytes(n), (b) => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[b % 62]).join('');
const ymd = (ms: number) => rfc3339Cst(ms).slice(0, 10).replace(/-/g, '');

function rsaSign(message: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(key, 'base64');
}

function rsaVerify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: base64(ciphertext || 16-byte tag). */
function aesGcmEncrypt(plaintext: string, key: string, nonce: string, aad: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

function publicKeyOfPem(pem: string): KeyObject {
  return pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
}

export function registerWechatpaySandbox(app: FastifyInstance, ctx: ChannelSandboxContext, options: WechatpaySandboxOptions = {}): void {
  const keys = wechatpaySandboxKeys();
  const platformKey = createPrivateKey(options.platformPrivateKey ?? keys.platformPrivateKey);
  const publicKeyId = options.publicKeyId ?? keys.publicKeyId;
  // corrupt_signature signs with a key WeChat Pay never published.
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const merchants = new Map<string, Merchant>();
  for (const m of options.merchants ?? [{ mchId: keys.mchId, mchSerial: keys.mchSerial, mchPublicKey: keys.mchPublicKey, apiV3Key: keys.apiV3Key }]) {
    merchants.set(m.mchId, { mchId: m.mchId, mchSerial: m.mchSerial, publicKey: publicKeyOfPem(m.mchPublicKey), apiV3Key: m.apiV3Key, appIds: m.appIds ?? null });
  }

  const notifier = ctx.notifier(WECHATPAY_RETRY_SCHEDULE_SECONDS);
  const trades = new Map<string, SandboxTrade>(); // mchid:out_trade_no
  const byPrepayId = new Map<string, SandboxTrade>();
  const byTransactionId = new Map<string, SandboxTrade>();
  const refunds = new Map<string, SandboxRefund>(); // mchid:out_refund_no
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const tradeKey = (mchid: string, no: string) => `${mchid}:${no}`;

  // ---- signed answers --------------------------------------------------------------------

  function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
    const text = body === null ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(ctx.now() / 1000));
    const nonce = nonceStr(32);
    reply
      .code(status)
      .header('request-id', reply.request.id)
      .header('wechatpay-timestamp', timestamp)
      .header('wechatpay-nonce', nonce)
      .header('wechatpay-serial', publicKeyId)
      .header('wechatpay-signature', rsaSign(`${timestamp}\n${nonce}\n${text}\n`, platformKey));
    if (status === 204) return reply.send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(text);
  }

  const sendError = (reply: FastifyReply, err: WxError) => send(reply, err.status, { code: err.code, message: err.message });
  const paramError = (message: string) => new WxError(400, 'PARAM_ERROR', message);

  function parseBody<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
    const raw = typeof req.body === 'string' ? req.body : '';
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw paramError('请求体不是合法的JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw paramError(`输入源"/body/${issue?.path.join('/') ?? ''}"校验失败: ${issue?.message ?? ''}`);
    }
    return parsed.data;
  }

  /** The merchant a /v3 request is signed by; throws 401 SIGN_ERROR otherwise. */
  function authenticate(req: FastifyRequest): Merchant {
    const auth = parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (!auth) throw new WxError(401, 'SIGN_ERROR', `Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》(${AUTH_SCHEMA})`);
    const merchant = merchants.get(auth.mchid);
    if (!merchant) throw new WxError(401, 'SIGN_ERROR', `商户号${auth.mchid}不存在或未开通APIv3`);
    if (auth.serial_no !== merchant.mchSerial) throw new WxError(401, 'SIGN_ERROR', '商户证书序列号有误。请使用签名私钥匹配的证书序列号');
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(Math.floor(ctx.now() / 1000) - Number(auth.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      throw new WxError(401, 'SIGN_ERROR', 'Http头Authorization中的timestamp与当前时间相差过大');
    }
    const body = typeof req.body === 'string' ? req.body : '';
    const message = `${req.method}\n${req.url}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`;
    if (!rsaVerify(message, auth.signature, merchant.publicKey)) throw new WxError(401, 'SIGN_ERROR', '签名错误，请检查后再试');
    return merchant;
  }

  // ---- trades ----------------------------------------------------------------------------

  function transactionView(t: SandboxTrade, amountDelta = 0): Record<string, unknown> {
    const paid = t.state === 'SUCCESS' || t.state === 'REFUND';
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.outTradeNo,
      ...(t.transactionId ? { transaction_id: t.transactionId } : {}),
      trade_type: t.tradeType,
      trade_state: t.state,
      trade_state_desc: TRADE_STATE_DESC[t.state],
      ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339Cst(t.successTime ?? t.createdAt) } : {}),
      attach: t.attach ?? '',
      ...(paid ? { payer: { openid: t.openid ?? '' } } : {}),
      amount: paid
        ? { total: t.total + amountDelta, payer_total: t.total + amountDelta, currency: t.currency, payer_currency: t.currency }
        : { total: t.total, currency: t.currency, payer_currency: t.currency },
    };
  }

  function refundView(r: SandboxRefund, amountDelta = 0): Record<string, unknown> {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(r.successTime ? { success_time: rfc3339Cst(r.successTime) } : {}),
      create_time: rfc3339Cst(r.createdAt),
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: r.total,
        refund: r.refund + amountDelta,
        from: [],
        payer_total: r.total,
        payer_refund: r.refund + amountDelta,
        settlement_refund: r.refund + amountDelta,
        settlement_total: r.total,
        discount_refund: 0,
        currency: 'CNY',
        refund_fee: 0,
      },
      promotion_detail: [],
    };
  }

  const isAck = (status: number, body: string) => {
    if (status === 204) return true;
    if (status !== 200) return false;
    if (body.trim() === '') return true;
    try {
      const parsed: unknown = JSON.parse(body);
      return !(parsed && typeof parsed === 'object' && 'code' in parsed && parsed.code === 'FAIL');
    } catch {
      return true;
    }
  };

  /** A signed, encrypted notification as WeChat Pay sends it; fresh timestamp and nonces per attempt. */
  function envelope(merchant: Merchant, eventType: string, originalType: string, summary: string, resource: object, o: BuildOptions): NotificationRequest {
    const aesNonce = nonceStr(12);
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339Cst(ctx.now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: aesGcmEncrypt(JSON.stringify(resource), merchant.apiV3Key, aesNonce, originalType),
        associated_data: originalType,
        nonce: aesNonce,
      },
    });
    const timestamp = String(Math.floor(ctx.now() / 1000));
    const nonce = nonceStr(32);
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/4.0',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-serial': publicKeyId,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        'wechatpay-signature': rsaSign(`${timestamp}\n${nonce}\n${body}\n`, o.corruptSignature ? strangerKey : platformKey),
      },
      body,
    };
  }

  function notifyPaid(t: SandboxTrade): void {
    const merchant = merchants.get(t.mchid);
    if (!merchant) return;
    const n: OutgoingNotification = {
      channel: 'wechatpay',
      url: t.notifyUrl,
      build: (o) => envelope(merchant, 'TRANSACTION.SUCCESS', 'transaction', '支付成功', transactionView(t, o.changeAmount ? 1 : 0), o),
      isAck,
    };
    notifier.send(n);
  }

  function notifyRefund(r: SandboxRefund): void {
    const merchant = merchants.get(r.mchid);
    if (!merchant) return;
    const eventType = r.status === 'SUCCESS' ? 'REFUND.SUCCESS' : r.status === 'CLOSED' ? 'REFUND.CLOSED' : 'REFUND.ABNORMAL';
    const summary = r.status === 'SUCCESS' ? '退款成功' : r.status === 'CLOSED' ? '退款关闭' : '退款异常';
    const resource = (delta: number) => ({
      mchid: r.mchid,
      out_trade_no: r.outTradeNo,
      transaction_id: r.transactionId,
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_status: r.status,
      ...(r.successTime ? { success_time: rfc3339Cst(r.successTime) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: r.total, refund: r.refund + delta, payer_total: r.total, payer_refund: r.refund + delta },
    });
    notifier.send({
      channel: 'wechatpay',
      url: r.notifyUrl,
      build: (o) => envelope(merchant, eventType, 'refund', summary, resource(o.changeAmount ? 1 : 0), o),
      isAck,
    });
  }

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref?.();
    timers.add(timer);
  }

  const expired = (t: SandboxTrade, at: number) => (t.timeExpire !== null && at > t.timeExpire) || at > t.createdAt + PREPAY_TTL_MS;

  /** The shopper pays or gives up in the cashier. */
  function settle(t: SandboxTrade, action: 'pay' | 'cancel'): { ok: true } | { ok: false; detail: string } {
    const at = ctx.now();
    if (action === 'pay') {
      if (t.state === 'SUCCESS' || t.state === 'REFUND') return { ok: true };
      if (t.state === 'CLOSED') return { ok: false, detail: 'the trade is closed' };
      if (expired(t, at)) return { ok: false, detail: 'the trade has expired' };
      t.state = 'SUCCESS';
      t.successTime = at;
      t.transactionId = `4200${digits(6)}${ymd(at)}${digits(10)}`;
      byTransactionId.set(t.transactionId, t);
      t.openid ??= `o${createHash('sha256').update(`wechatpay-h5:${t.mchid}:${t.outTradeNo}`).digest('base64url').slice(0, 27)}`;
      ctx.log.info({ outTradeNo: t.outTradeNo, total: t.total }, 'wechatpay sandbox: trade paid');
      notifyPaid(t);
      return { ok: true };
    }
    if (t.state === 'CLOSED') return { ok: true };
    if (t.state !== 'NOTPAY') return { ok: false, detail: 'the trade is paid' };
    t.state = 'CLOSED';
    return { ok: true };
  }

  function createTrade(merchant: Merchant, tradeType: 'JSAPI' | 'MWEB', req: z.infer<typeof prepayBase>, extra: { openid: string | null; clientIp: string | null; sceneType: string | null }): SandboxTrade {
    if (req.mchid !== merchant.mchId) throw paramError('请求体中的mchid与Authorization中的mchid不一致');
    if (merchant.appIds && !merchant.appIds.includes(req.appid)) throw new WxError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    let timeExpire: number | null = null;
    if (req.time_expire !== undefined) {
      timeExpire = parseRfc3339(req.time_expire);
      if (timeExpire === null) throw paramError('time_expire格式错误，应为RFC 3339格式，如2018-06-08T10:34:56+08:00');
    }
    const fingerprint = JSON.stringify([tradeType, req.appid, req.description, req.attach ?? null, req.amount.total, req.amount.currency ?? 'CNY', extra.openid, extra.sceneType, timeExpire]);
    const key = tradeKey(merchant.mchId, req.out_trade_no);
    const existing = trades.get(key);
    const at = ctx.now();
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw new WxError(400, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') throw new WxError(400, 'ORDER_CLOSED', '当前订单已关闭，请重新下单');
      if (existing.fingerprint !== fingerprint) throw new WxError(403, 'OUT_TRADE_NO_USED', '商户订单号重复，请核实商户订单号是否重复提交');
      existing.notifyUrl = req.notify_url;
      return existing;
    }
    if (timeExpire !== null && timeExpire <= at) throw paramError('time_expire已过期');
    const trade: SandboxTrade = {
      mchid: merchant.mchId,
      appid: req.appid,
      outTradeNo: req.out_trade_no,
      prepayId: `wx${rfc3339Cst(at).slice(8, 19).replace(/\D/g, '')}${randomBytes(13).toString('hex')}`,
      tradeType,
      description: req.description,
      attach: req.attach ?? null,
      notifyUrl: req.notify_url,
      total: req.amount.total,
      currency: req.amount.currency ?? 'CNY',
      openid: extra.openid,
      clientIp: extra.clientIp,
      timeExpire,
      createdAt: at,
      state: 'NOTPAY',
      transactionId: null,
      successTime: null,
      fingerprint,
      refundNos: [],
    };
    trades.set(key, trade);
    byPrepayId.set(trade.prepayId, trade);
    return trade;
  }

  function tradeOf(merchant: Merchant, outTradeNo: string): SandboxTrade {
    const t = trades.get(tradeKey(merchant.mchId, outTradeNo));
    if (!t) throw new WxError(404, 'ORDER_NOT_EXIST', '订单不存在');
    return t;
  }

  function requireMchidQuery(req: FastifyRequest, merchant: Merchant): void {
    const mchid = (req.query as Record<string, unknown> | undefined)?.mchid;
    if (typeof mchid !== 'string' || mchid === '') throw paramError('输入源"/uri_template/mchid"映射到字段"直连商户号"必填性规则校验失败，此字段为必填项');
    if (mchid !== merchant.mchId) throw paramError('mchid与Authorization中的商户号不一致');
  }

  function createRefund(merchant: Merchant, req: z.infer<typeof refundSchema>): SandboxRefund {
    const existing = refunds.get(tradeKey(merchant.mchId, req.out_refund_no));
    if (req.out_trade_no === undefined && req.transaction_id === undefined) throw paramError('transaction_id和out_trade_no必须二选一');
    const trade = req.out_trade_no !== undefined ? trades.get(tradeKey(merchant.mchId, req.out_trade_no)) : byTransactionId.get(req.transaction_id ?? '');
    if (!trade || trade.mchid !== merchant.mchId) throw new WxError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const fingerprint = JSON.stringify([trade.outTradeNo, req.amount.refund, req.amount.total]);
    if (existing) {
      // The refund number is the idempotency key: a retry answers the same refund.
      if (existing.fingerprint !== fingerprint) throw new WxError(400, 'INVALID_REQUEST', '同一退款单号多次请求，请求参数与原请求不一致');
      return existing;
    }
    if (trade.state !== 'SUCCESS' && trade.state !== 'REFUND') throw new WxError(400, 'INVALID_REQUEST', '订单未支付，不能发起退款');
    if (req.amount.total !== trade.total) throw paramError('订单金额或退款金额与之前请求不一致，请核实后再试');
    const active = trade.refundNos.map((no) => refunds.get(tradeKey(merchant.mchId, no))).filter((r): r is SandboxRefund => !!r && r.status !== 'CLOSED' && r.status !== 'ABNORMAL');
    if (trade.refundNos.length >= MAX_REFUNDS_PER_TRADE) throw new WxError(403, 'INVALID_REQUEST', '部分退款次数已达上限（50次）');
    const refunded = active.reduce((sum, r) => sum + r.refund, 0);
    if (refunded + req.amount.refund > trade.total) throw new WxError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额，请核实后再试');
    const at = ctx.now();
    const r: SandboxRefund = {
      mchid: merchant.mchId,
      outRefundNo: req.out_refund_no,
      refundId: `50${digits(7)}${ymd(at)}${digits(12)}`,
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId ?? '',
      reason: req.reason ?? null,
      notifyUrl: req.notify_url ?? trade.notifyUrl,
      refund: req.amount.refund,
      total: req.amount.total,
      status: 'PROCESSING',
      createdAt: at,
      successTime: null,
      fingerprint,
    };
    refunds.set(tradeKey(merchant.mchId, r.outRefundNo), r);
    trade.refundNos.push(r.outRefundNo);
    trade.state = 'REFUND';
    // The money reaches the payer's balance shortly after (1 s, compressed).
    later(Math.max(1, Math.round(1000 * ctx.timeScale)), () => {
      if (r.status !== 'PROCESSING') return;
      r.status = 'SUCCESS';
      r.successTime = ctx.now();
      notifyRefund(r);
    });
    return r;
  }

  // ---- the hosted cashier (H5 and development builds) ------------------------------------

  function page(title: string, body: string): string {
    return sandboxPage(title, body, { background: '#ededed', accent: '#07c160', buttonRadius: 8 });
  }

  /** Where the cashier may send the browser back to: a relative path, our own origin or a loopback host. */
  function safeRedirect(value: unknown, req: FastifyRequest): string | null {
    if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
    if (value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return value;
    try {
      const target = new URL(value);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
      const own = [new URL(ctx.baseUrl()).origin, `${req.protocol}://${req.host}`];
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
      return own.includes(target.origin) || loopback ? target.toString() : null;
    } catch {
      return null;
    }
  }

  function cashierPage(t: SandboxTrade | undefined, redirect: string | null): { status: number; html: string } {
    if (!t) return { status: 404, html: page('微信支付', `<div class="card"><span class="tag">沙箱</span><p class="amount" id="sandbox-pay-status">订单不存在</p></div>`) };
    const at = ctx.now();
    const open = t.state === 'NOTPAY' && !expired(t, at);
    const status = open ? '本页面模拟微信支付收银台，不会产生真实扣款' : t.state === 'NOTPAY' ? '订单已过期' : TRADE_STATE_DESC[t.state];
    const hidden = (action: string) =>
      `<input type="hidden" name="prepay_id" value="${escapeHtml(t.prepayId)}"><input type="hidden" name="action" value="${action}">` +
      (redirect ? `<input type="hidden" name="redirect_url" value="${escapeHtml(redirect)}">` : '');
    const body =
      `<div class="card"><span class="tag">微信支付 · 沙箱</span>` +
      `<div class="merchant" id="sandbox-pay-merchant">${escapeHtml(t.description)}</div>` +
      `<div class="amount" id="sandbox-pay-amount">${escapeHtml(formatPrice(t.total))}</div>` +
      `<div class="hint">商户号 ${escapeHtml(t.mchid)} · 订单号 ${escapeHtml(t.outTradeNo)}</div>` +
      `<div class="hint" id="sandbox-pay-status">${escapeHtml(status)}</div></div>` +
      (open
        ? `<form method="post" action="${PREFIX}/checkmweb">${hidden('pay')}<button id="sandbox-pay-confirm" type="submit">确认支付</button></form>` +
          `<form method="post" action="${PREFIX}/checkmweb">${hidden('cancel')}<button id="sandbox-pay-cancel" type="submit">取消支付</button></form>`
        : redirect
          ? `<form method="get" action="${escapeHtml(redirect)}"><button id="sandbox-pay-back" type="submit">返回商户</button></form>`
          : '');
    return { status: 200, html: page('微信支付', body) };
  }

  // ---- routes ----------------------------------------------------------------------------

  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    notifier.stop();
  });

  void app.register(async (scope) => {
    // Signatures cover the exact body text: keep it as a string.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'string' }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });

    const v3 = <Body>(handler: (req: FastifyRequest, merchant: Merchant) => { status: number; body: Body }) =>
      async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const merchant = authenticate(req);
          const out = handler(req, merchant);
          return send(reply, out.status, out.body);
        } catch (err) {
          if (err instanceof WxError) return sendError(reply, err);
          ctx.log.warn({ err: (err as Error).message }, 'wechatpay sandbox: internal error');
          return sendError(reply, new WxError(500, 'SYSTEM_ERROR', '系统异常，请稍后重试'));
        }
      };

    scope.post(`${PREFIX}/v3/pay/transactions/jsapi`, v3((req, merchant) => {
      const body = parseBody(req, jsapiSchema);
      const t = createTrade(merchant, 'JSAPI', body, { openid: body.payer.openid, clientIp: null, sceneType: null });
      return { status: 200, body: { prepay_id: t.prepayId } };
    }));

    scope.post(`${PREFIX}/v3/pay/transactions/h5`, v3((req, merchant) => {
      const body = parseBody(req, h5Schema);
      const t = createTrade(merchant, 'MWEB', body, { openid: null, clientIp: body.scene_info.payer_client_ip, sceneType: body.scene_info.h5_info.type });
      const h5Url = `${ctx.baseUrl()}${PREFIX}/checkmweb?prepay_id=${encodeURIComponent(t.prepayId)}&package=${randomBytes(5).readUInt32BE(0)}`;
      return { status: 200, body: { h5_url: h5Url } };
    }));

    scope.get(`${PREFIX}/v3/pay/transactions/out-trade-no/:no`, v3((req, merchant) => {
      requireMchidQuery(req, merchant);
      const { no } = req.params as { no: string };
      return { status: 200, body: transactionView(tradeOf(merchant, no)) };
    }));

    scope.get(`${PREFIX}/v3/pay/transactions/id/:id`, v3((req, merchant) => {
      requireMchidQuery(req, merchant);
      const t = byTransactionId.get((req.params as { id: string }).id);
      if (!t || t.mchid !== merchant.mchId) throw new WxError(404, 'ORDER_NOT_EXIST', '订单不存在');
      return { status: 200, body: transactionView(t) };
    }));

    scope.post(`${PREFIX}/v3/pay/transactions/out-trade-no/:no/close`, v3((req, merchant) => {
      const body = parseBody(req, closeSchema);
      if (body.mchid !== merchant.mchId) throw paramError('请求体中的mchid与Authorization中的mchid不一致');
      const t = tradeOf(merchant, (req.params as { no: string }).no);
      if (t.state === 'SUCCESS' || t.state === 'REFUND') throw new WxError(400, 'ORDERPAID', '订单已支付，不能关单');
      t.state = 'CLOSED';
      return { status: 204, body: null };
    }));

    scope.post(`${PREFIX}/v3/refund/domestic/refunds`, v3((req, merchant) => {
      const r = createRefund(merchant, parseBody(req, refundSchema));
      return { status: 200, body: refundView(r) };
    }));

    scope.get(`${PREFIX}/v3/refund/domestic/refunds/:no`, v3((req, merchant) => {
      const r = refunds.get(tradeKey(merchant.mchId, (req.params as { no: string }).no));
      if (!r) throw new WxError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
      return { status: 200, body: refundView(r) };
    }));

    scope.get<{ Querystring: Record<string, string | undefined> }>(`${PREFIX}/checkmweb`, async (req, reply) => {
      const t = req.query.prepay_id ? byPrepayId.get(req.query.prepay_id) : undefined;
      const { status, html } = cashierPage(t, safeRedirect(req.query.redirect_url, req));
      return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    });

    scope.post(`${PREFIX}/checkmweb`, async (req, reply) => {
      const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
      const t = byPrepayId.get(form.get('prepay_id') ?? '');
      const action = form.get('action');
      const redirect = safeRedirect(form.get('redirect_url'), req);
      if (t && (action === 'pay' || action === 'cancel')) {
        const result = settle(t, action);
        if (result.ok && redirect) return reply.redirect(redirect, 303);
      }
      const { status, html } = cashierPage(t, redirect);
      return reply.code(t && action !== 'pay' && action !== 'cancel' ? 400 : status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    });

    scope.post(`${PREFIX}/confirm`, async (req, reply) => {
      let json: unknown;
      try {
        json = JSON.parse(typeof req.body === 'string' ? req.body : '');
      } catch {
        return sendProblem(reply, new AppError('MALFORMED_JSON', 'The request body is not valid JSON'), req.id);
      }
      const parsed = confirmSchema.safeParse(json);
      if (!parsed.success) return sendProblem(reply, new AppError('VALIDATION_FAILED', 'expected { ref: prepay_id, action: "pay" | "cancel" }'), req.id);
      const t = byPrepayId.get(parsed.data.ref);
      if (!t) return sendProblem(reply, new AppError('NOT_FOUND', `no trade with prepay_id ${parsed.data.ref}`), req.id);
      const result = settle(t, parsed.data.action);
      if (!result.ok) return sendProblem(reply, new AppError('PAYMENT_NOT_OPEN', result.detail), req.id);
      return reply.send({ ok: true, paymentNo: t.outTradeNo });
    });

    scope.get<{ Params: { paymentNo: string } }>(`${PREFIX}/trades/:paymentNo`, async (req, reply) => {
      const t = [...trades.values()].find((x) => x.outTradeNo === req.params.paymentNo);
      if (!t) return sendProblem(reply, new AppError('NOT_FOUND', `no trade ${req.params.paymentNo}`), req.id);
      const { fingerprint: _f, refundNos, ...rest } = t;
      return reply.send({
        ...rest,
        refunds: refundNos.map((no) => refunds.get(tradeKey(t.mchid, no))).filter((r): r is SandboxRefund => !!r).map(({ fingerprint: _rf, ...r }) => r),
      });
    });
  });
}
