import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { alipaySandboxKeys } from '../../../channels/alipay/sandbox-keys';
import {
  ALIPAY_NOTIFY_RETRY_SECONDS,
  cstTime,
  fenToYuan,
  isTradeMethod,
  notifySignContent,
  parseCstTime,
  responseKey,
  yuanToFen,
  type AlipayTradeMethod,
} from '../../../channels/alipay/wire';
import { rsa2Sign, signedResponseText, verifyParams, type AlipayParams } from '../../../platform/alipay';
import { AppError } from '../../../platform/errors';
import { sendProblem } from '../../../platform/http';
import type { ChannelSandboxContext } from '../context';
import type { BuildOptions, NotificationRequest, OutgoingNotification } from '../notifier';
import { escapeHtml } from '../../page';

/**
 * The Alipay open-platform gateway for payments, in Alipay's own wire format (sandbox only):
 *
 *   POST /sandbox/alipay/gateway.do   RSA2-signed request (system parameters in the query or the
 *        form, biz_content in the form) -> {"<method>_response":{code:"10000",...},"sign":"..."}
 *        methods: alipay.trade.create, .query, .close, .refund, .fastpay.refund.query,
 *        and alipay.trade.wap.pay (a browser form post: renders the cashier page)
 *   GET  /sandbox/alipay/gateway.do   alipay.trade.wap.pay as a signed link: renders the cashier page
 *   GET  /sandbox/alipay/cashier/:tradeNo            the hosted cashier page (also for mini-program dev builds)
 *   POST /sandbox/alipay/cashier/:tradeNo/pay|cancel the page's buttons (then redirects back)
 *   POST /sandbox/alipay/confirm  { ref: trade_no, action: 'pay' | 'cancel' }  (dev builds and tests)
 *   GET  /sandbox/alipay/trades/:paymentNo           the trade as the sandbox holds it (JSON)
 *
 * The login sandbox (server/sandbox/login.ts) serves alipay.system.oauth.token on the same
 * POST URL. Both stay independent: this gateway takes POSTs to gateway.do whose method is a
 * trade method in a root preHandler hook (which runs whether the login route is registered
 * before, after or not at all) and lets every other method through to the login route.
 *
 * Key pairs (sandbox-keys/alipay, unless given in options): requests verify with the app's
 * public key; answers, notifications and return parameters are signed with Alipay's private key.
 *
 * Notifications: trade_status_sync form POSTs to the trade's notify_url, acknowledged by the
 * bare text "success", retried on Alipay's schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h, compressed).
 * Sent when a trade is paid (TRADE_SUCCESS) and when the buyer cancels in the cashier
 * (TRADE_CLOSED). Refunds do not notify by default (alipay.trade.refund answers synchronously);
 * options.refundNotifications turns on the trade notification a refund can also cause
 * (TRADE_SUCCESS after a partial refund, TRADE_CLOSED after a full one, with out_biz_no and
 * refund_fee). A trade closed by alipay.trade.close or by reaching time_expire does not notify.
 */
export const ALIPAY_GATEWAY_PATH = '/sandbox/alipay/gateway.do';

export interface AlipaySandboxOptions {
  /** The app the gateway serves (default sandbox-keys/alipay/ids.json). */
  appId?: string;
  /** The merchant's seller id put on trades and notifications. */
  sellerId?: string;
  /** The app's public key that verifies requests. */
  appPublicKey?: string;
  /** Alipay's private key that signs answers and notifications. */
  alipayPrivateKey?: string;
  /** The simulated buyer of wap trades (2088 + 12 digits). */
  buyerId?: string;
  /** Send the trade notifications a refund causes (off: Alipay's default for refunds). */
  refundNotifications?: boolean;
}

type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

interface SandboxRefund {
  outRequestNo: string;
  amount: number;
  reason: string;
  at: number;
}

export interface SandboxTrade {
  tradeNo: string;
  outTradeNo: string;
  appId: string;
  sellerId: string;
  productCode: string;
  subject: string;
  /** Fen. */
  totalAmount: number;
  buyerId: string | null;
  buyerOpenId: string | null;
  notifyUrl: string | null;
  returnUrl: string | null;
  quitUrl: string | null;
  status: TradeStatus;
  createdAt: number;
  paidAt: number | null;
  closedAt: number | null;
  expiresAt: number | null;
  /** What a repeated create must match. */
  fingerprint: string;
  refunds: Map<string, SandboxRefund>;
  refundedAmount: number;
}

const MAX_TRADES = 100_000;
const SANDBOX_BUYER_ID = '2088102000000001';

class GatewayError {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly subCode: string,
    readonly subMsg: string,
  ) {}
}
const invalid = (subCode: string, subMsg: string) => new GatewayError('40002', 'Invalid Arguments', subCode, subMsg);
const missing = (subCode: string, subMsg: string) => new GatewayError('40001', 'Missing Required Arguments', subCode, subMsg);
const business = (subCode: string, subMsg: string) => new GatewayError('40004', 'Business Failed', subCode, subMsg);

const confirmBody = z.strictObject({ ref: z.string().min(1).max(64), action: z.enum(['pay', 'cancel']) });


function newTradeNo(now: number): string {
  const day = cstTime(now).slice(0, 10).replace(/-/g, '');
  let digits = '';
  for (let i = 0; i < 15; i++) digits += String(randomInt(10));
  return `${day}22001${digits}`;
}

/** Every parameter of a gateway request: the query's and the form body's (body wins). */
function requestParams(req: FastifyRequest): AlipayParams {
  const params: AlipayParams = {};
  const q = req.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) params[k] = v;
  if (req.body && typeof req.body === 'object') {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string') params[k] = v;
  }
  return params;
}

/** Adds query parameters to a URL before its #fragment (hash-router return pages keep their own). */
function withQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const qs = new URLSearchParams(params).toString();
  return `${base}${base.includes('?') ? '&' : '?'}${qs}${fragment}`;
}

export function registerAlipaySandbox(app: FastifyInstance, ctx: ChannelSandboxContext, options: AlipaySandboxOptions = {}): void {
  const keys = alipaySandboxKeys();
  const appId = options.appId ?? keys.appId;
  const sellerId = options.sellerId ?? keys.sellerId;
  const appPublicKey = options.appPublicKey ?? keys.appPublicKey;
  const alipayPrivateKey = options.alipayPrivateKey ?? keys.alipayPrivateKey;
  const buyerId = options.buyerId ?? SANDBOX_BUYER_ID;
  const notifier = ctx.notifier(ALIPAY_NOTIFY_RETRY_SECONDS);

  const trades = new Map<string, SandboxTrade>();
  const byTradeNo = new Map<string, string>();

  // The gateway and the cashier buttons take form bodies; add a parser when the app has none.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
    });
  }

  // ---- trades -------------------------------------------------------------------------------

  /** An open trade past its time_expire is closed (Alipay closes it without a notification by default). */
  function current(trade: SandboxTrade): SandboxTrade {
    if (trade.status === 'WAIT_BUYER_PAY' && trade.expiresAt !== null && ctx.now() >= trade.expiresAt) {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = trade.expiresAt;
    }
    return trade;
  }

  function find(biz: Record<string, unknown>): SandboxTrade | null {
    const outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : null;
    const tradeNo = typeof biz.trade_no === 'string' ? biz.trade_no : null;
    const key = outTradeNo ?? (tradeNo ? byTradeNo.get(tradeNo) : undefined);
    const trade = key ? trades.get(key) : undefined;
    if (!trade || (tradeNo && trade.tradeNo !== tradeNo)) return null;
    return current(trade);
  }

  function stringField(biz: Record<string, unknown>, name: string, max: number, required: boolean): string | null {
    const v = biz[name];
    if (v === undefined || v === null || v === '') {
      if (required) throw business('ACQ.INVALID_PARAMETER', `参数无效: 缺少 ${name}`);
      return null;
    }
    if (typeof v !== 'string' || v.length > max) throw business('ACQ.INVALID_PARAMETER', `参数无效: ${name}`);
    return v;
  }

  /** alipay.trade.create and alipay.trade.wap.pay: a new trade, or the same one again. */
  function createTrade(params: AlipayParams, biz: Record<string, unknown>, productCode: 'JSAPI_PAY' | 'QUICK_WAP_WAY'): SandboxTrade {
    const outTradeNo = stringField(biz, 'out_trade_no', 64, true) as string;
    if (!/^[A-Za-z0-9_\-.]{1,64}$/.test(outTradeNo)) throw business('ACQ.INVALID_PARAMETER', '参数无效: out_trade_no');
    const amount = yuanToFen(biz.total_amount);
    if (amount === null || amount < 1 || amount > 10_000_000_000) throw business('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额或不合法');
    const subject = stringField(biz, 'subject', 256, true) as string;
    const given = typeof biz.product_code === 'string' ? biz.product_code : productCode;
    if (given !== productCode) throw business('ACQ.PRODUCT_CODE_INVALID', `product_code 应为 ${productCode}`);
    const seller = stringField(biz, 'seller_id', 28, false);
    if (seller && seller !== sellerId) throw business('ACQ.SELLER_NOT_EXIST', '卖家不存在');
    let buyer: string | null = null;
    let buyerOpen: string | null = null;
    if (productCode === 'JSAPI_PAY') {
      buyer = stringField(biz, 'buyer_id', 28, false);
      buyerOpen = stringField(biz, 'buyer_open_id', 128, false);
      if (!buyer && !buyerOpen) throw business('ACQ.INVALID_PARAMETER', 'buyer_id 和 buyer_open_id 不能同时为空');
    } else {
      buyer = buyerId;
    }
    const timeExpire = stringField(biz, 'time_expire', 32, false);
    const expiresAt = timeExpire === null ? null : parseCstTime(timeExpire);
    if (timeExpire !== null && expiresAt === null) throw business('ACQ.INVALID_PARAMETER', '参数无效: time_expire');
    const fingerprint = JSON.stringify([amount, subject, productCode, buyer, buyerOpen]);

    const existing = trades.get(outTradeNo);
    if (existing) {
      current(existing);
      if (existing.fingerprint !== fingerprint) throw business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
      if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') throw business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      if (existing.status === 'TRADE_CLOSED') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
      return existing;
    }
    const now = ctx.now();
    if (expiresAt !== null && expiresAt <= now) throw business('ACQ.INVALID_PARAMETER', '参数无效: time_expire 已过');
    const trade: SandboxTrade = {
      tradeNo: newTradeNo(now),
      outTradeNo,
      appId: params.app_id,
      sellerId,
      productCode,
      subject,
      totalAmount: amount,
      buyerId: buyer,
      buyerOpenId: buyerOpen,
      notifyUrl: params.notify_url || null,
      returnUrl: params.return_url || null,
      quitUrl: typeof biz.quit_url === 'string' && biz.quit_url !== '' ? biz.quit_url : null,
      status: 'WAIT_BUYER_PAY',
      createdAt: now,
      paidAt: null,
      closedAt: null,
      expiresAt,
      fingerprint,
      refunds: new Map(),
      refundedAmount: 0,
    };
    if (trades.size >= MAX_TRADES) {
      const oldest = trades.keys().next().value;
      if (oldest !== undefined) {
        byTradeNo.delete(trades.get(oldest)?.tradeNo ?? '');
        trades.delete(oldest);
      }
    }
    trades.set(outTradeNo, trade);
    byTradeNo.set(trade.tradeNo, outTradeNo);
    return trade;
  }

  function tradeFields(trade: SandboxTrade): Record<string, string> {
    return {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
    };
  }

  function queryAnswer(trade: SandboxTrade): Record<string, unknown> {
    const paid = trade.paidAt !== null;
    return {
      code: '10000',
      msg: 'Success',
      ...tradeFields(trade),
      buyer_logon_id: 'san***@sandbox.com',
      trade_status: trade.status,
      total_amount: fenToYuan(trade.totalAmount),
      buyer_pay_amount: fenToYuan(paid ? trade.totalAmount : 0),
      receipt_amount: fenToYuan(paid ? trade.totalAmount : 0),
      point_amount: '0.00',
      invoice_amount: fenToYuan(paid ? trade.totalAmount : 0),
      ...(trade.paidAt !== null ? { send_pay_date: cstTime(trade.paidAt) } : {}),
      ...(trade.buyerId ? { buyer_user_id: trade.buyerId } : {}),
      ...(trade.buyerOpenId ? { buyer_open_id: trade.buyerOpenId } : {}),
      subject: trade.subject,
    };
  }

  function refund(trade: SandboxTrade, biz: Record<string, unknown>): Record<string, unknown> {
    const amount = yuanToFen(biz.refund_amount);
    if (amount === null || amount < 1) throw business('ACQ.INVALID_PARAMETER', '参数无效: refund_amount');
    const outRequestNo = stringField(biz, 'out_request_no', 64, false) ?? trade.outTradeNo;
    const previous = trade.refunds.get(outRequestNo);
    const answer = (fundChange: 'Y' | 'N', r: SandboxRefund) => ({
      code: '10000',
      msg: 'Success',
      ...tradeFields(trade),
      buyer_logon_id: 'san***@sandbox.com',
      fund_change: fundChange,
      refund_fee: fenToYuan(trade.refundedAmount),
      send_back_fee: fenToYuan(r.amount),
      gmt_refund_pay: cstTime(r.at),
      ...(trade.buyerId ? { buyer_user_id: trade.buyerId } : {}),
    });
    if (previous) {
      // The same out_request_no is the same refund: answered again, never refunded twice.
      if (previous.amount !== amount) throw business('ACQ.CONTEXT_INCONSISTENT', '参数不一致: 同一退款请求号的退款金额不同');
      return answer('N', previous);
    }
    if (trade.paidAt === null || trade.status === 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (trade.status === 'TRADE_FINISHED') throw business('ACQ.TRADE_HAS_FINISHED', '交易已完结');
    if (trade.status === 'TRADE_CLOSED') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    if (trade.refundedAmount + amount > trade.totalAmount) throw business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
    const r: SandboxRefund = { outRequestNo, amount, reason: typeof biz.refund_reason === 'string' ? biz.refund_reason : '', at: ctx.now() };
    trade.refunds.set(outRequestNo, r);
    trade.refundedAmount += amount;
    if (trade.refundedAmount === trade.totalAmount) {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = r.at;
    }
    if (options.refundNotifications) notify(trade, r);
    return answer('Y', r);
  }

  function refundQuery(trade: SandboxTrade, biz: Record<string, unknown>): Record<string, unknown> {
    const outRequestNo = stringField(biz, 'out_request_no', 64, true) as string;
    const r = trade.refunds.get(outRequestNo);
    if (!r) return { code: '10000', msg: 'Success', ...tradeFields(trade), out_request_no: outRequestNo };
    return {
      code: '10000',
      msg: 'Success',
      ...tradeFields(trade),
      out_request_no: outRequestNo,
      total_amount: fenToYuan(trade.totalAmount),
      refund_amount: fenToYuan(r.amount),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: cstTime(r.at),
      ...(r.reason ? { refund_reason: r.reason } : {}),
    };
  }

  // ---- notifications ------------------------------------------------------------------------

  function notify(trade: SandboxTrade, refundMade?: SandboxRefund): void {
    if (!trade.notifyUrl) return;
    const url = trade.notifyUrl;
    const build = ({ corruptSignature, changeAmount }: BuildOptions): NotificationRequest => {
      const now = ctx.now();
      const total = trade.totalAmount + (changeAmount ? 1 : 0);
      const paid = trade.paidAt !== null;
      const params: Record<string, string> = {
        notify_time: cstTime(now),
        notify_type: 'trade_status_sync',
        notify_id: `${randomBytes(16).toString('hex')}`,
        app_id: trade.appId,
        auth_app_id: trade.appId,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: trade.tradeNo,
        out_trade_no: trade.outTradeNo,
        trade_status: trade.status,
        total_amount: fenToYuan(total),
        subject: trade.subject,
        seller_id: trade.sellerId,
        gmt_create: cstTime(trade.createdAt),
      };
      if (trade.buyerId) params.buyer_id = trade.buyerId;
      if (trade.buyerOpenId) params.buyer_open_id = trade.buyerOpenId;
      if (paid && trade.paidAt !== null) {
        Object.assign(params, {
          receipt_amount: fenToYuan(total),
          buyer_pay_amount: fenToYuan(total),
          invoice_amount: fenToYuan(total),
          point_amount: '0.00',
          gmt_payment: cstTime(trade.paidAt),
          fund_bill_list: JSON.stringify([{ amount: fenToYuan(total), fundChannel: 'ALIPAYACCOUNT' }]),
        });
      }
      if (trade.closedAt !== null && trade.status === 'TRADE_CLOSED') params.gmt_close = cstTime(trade.closedAt);
      if (refundMade) {
        params.out_biz_no = refundMade.outRequestNo;
        params.refund_fee = fenToYuan(trade.refundedAmount);
        params.gmt_refund = `${cstTime(refundMade.at)}.000`;
      }
      // A broken signature: signed with a key that is not Alipay's.
      params.sign = rsa2Sign(notifySignContent(params), corruptSignature ? keys.appPrivateKey : alipayPrivateKey);
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      };
    };
    const n: OutgoingNotification = {
      channel: 'alipay',
      url,
      build,
      isAck: (status, body) => status === 200 && body.trim() === 'success',
    };
    notifier.send(n);
    ctx.log.info({ channel: 'alipay', outTradeNo: trade.outTradeNo, status: trade.status }, 'sandbox notification queued');
  }

  /** The buyer pays (cashier page or confirm endpoint). */
  function pay(trade: SandboxTrade): 'ok' | 'closed' {
    current(trade);
    if (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') return 'ok';
    if (trade.status !== 'WAIT_BUYER_PAY') return 'closed';
    trade.status = 'TRADE_SUCCESS';
    trade.paidAt = ctx.now();
    notify(trade);
    return 'ok';
  }

  /** The buyer cancels: the trade closes and Alipay notifies TRADE_CLOSED. */
  function cancel(trade: SandboxTrade): 'ok' | 'paid' {
    current(trade);
    if (trade.status === 'TRADE_CLOSED') return 'ok';
    if (trade.status !== 'WAIT_BUYER_PAY') return 'paid';
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = ctx.now();
    notify(trade);
    return 'ok';
  }

  // ---- the gateway ---------------------------------------------------------------------------

  /** Checks common to every method; returns the parsed biz_content. */
  function checkRequest(params: AlipayParams): Record<string, unknown> {
    if (!params.app_id) throw missing('isv.missing-app-id', '缺少AppID参数');
    if (params.app_id !== appId) throw invalid('isv.invalid-app-id', '无效的AppID参数');
    if (params.charset && params.charset.toLowerCase() !== 'utf-8') throw invalid('isv.invalid-charset', '字符集错误');
    if (!params.sign_type) throw missing('isv.missing-signature-type', '缺少签名类型');
    if (params.sign_type !== 'RSA2') throw invalid('isv.invalid-signature-type', '无效的签名类型');
    if (!params.sign) throw missing('isv.missing-signature', '缺少签名参数');
    if (!params.timestamp) throw missing('isv.missing-timestamp', '缺少时间戳参数');
    if (parseCstTime(params.timestamp) === null) throw invalid('isv.invalid-timestamp', '非法的时间戳参数');
    if (params.version && params.version !== '1.0') throw invalid('isv.invalid-version', '版本号错误');
    if (!verifyParams(params, appPublicKey)) throw invalid('isv.invalid-signature', '验签出错');
    if (!params.biz_content) throw missing('isv.missing-biz-content', '缺少业务参数');
    let biz: unknown;
    try {
      biz = JSON.parse(params.biz_content);
    } catch {
      throw invalid('isv.invalid-biz-content', '业务参数格式错误');
    }
    if (!biz || typeof biz !== 'object' || Array.isArray(biz)) throw invalid('isv.invalid-biz-content', '业务参数格式错误');
    return biz as Record<string, unknown>;
  }

  function api(method: Exclude<AlipayTradeMethod, 'alipay.trade.wap.pay'>, params: AlipayParams, biz: Record<string, unknown>): Record<string, unknown> {
    if (method === 'alipay.trade.create') {
      const trade = createTrade(params, biz, 'JSAPI_PAY');
      return { code: '10000', msg: 'Success', ...tradeFields(trade) };
    }
    if (!biz.out_trade_no && !biz.trade_no) throw business('ACQ.INVALID_PARAMETER', 'out_trade_no 和 trade_no 不能同时为空');
    const trade = find(biz);
    if (!trade) throw business('ACQ.TRADE_NOT_EXIST', '交易不存在');
    switch (method) {
      case 'alipay.trade.query':
        return queryAnswer(trade);
      case 'alipay.trade.close':
        if (trade.status !== 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        trade.status = 'TRADE_CLOSED';
        trade.closedAt = ctx.now();
        return { code: '10000', msg: 'Success', ...tradeFields(trade) };
      case 'alipay.trade.refund':
        return refund(trade, biz);
      case 'alipay.trade.fastpay.refund.query':
        return refundQuery(trade, biz);
    }
  }

  const sendJson = (reply: FastifyReply, node: string, value: unknown) =>
    reply.code(200).header('content-type', 'application/json; charset=utf-8').send(signedResponseText(node, value, alipayPrivateKey));

  function handleGateway(params: AlipayParams, reply: FastifyReply): FastifyReply {
    const method = params.method;
    if (!isTradeMethod(method)) {
      return sendJson(reply, 'error_response', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' });
    }
    if (method === 'alipay.trade.wap.pay') {
      try {
        const biz = checkRequest(params);
        const trade = createTrade(params, biz, 'QUICK_WAP_WAY');
        if (trade.status !== 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
        return sendHtml(reply, 200, cashierPage(trade));
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        return sendHtml(reply, 200, messagePage('支付请求错误', `${err.subMsg}（${err.subCode}）`));
      }
    }
    try {
      const biz = checkRequest(params);
      return sendJson(reply, responseKey(method), api(method, params, biz));
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return sendJson(reply, responseKey(method), { code: err.code, msg: err.msg, sub_code: err.subCode, sub_msg: err.subMsg });
    }
  }

  // POSTs of trade methods, ahead of whatever else serves gateway.do (the login sandbox).
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    const q = req.url.indexOf('?');
    if ((q >= 0 ? req.url.slice(0, q) : req.url) !== ALIPAY_GATEWAY_PATH) return;
    const params = requestParams(req);
    if (!isTradeMethod(params.method)) return;
    return handleGateway(params, reply);
  });
  app.get(ALIPAY_GATEWAY_PATH, async (req, reply) => handleGateway(requestParams(req), reply));

  // ---- the cashier ---------------------------------------------------------------------------

  function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  function page(title: string, body: string): string {
    return (
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>` +
      `body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f5;color:#333}` +
      `.card{max-width:420px;margin:32px auto;background:#fff;border-radius:12px;padding:24px;text-align:center}` +
      `.brand{color:#1677ff;font-weight:600}.amount{font-size:36px;font-weight:600;margin:16px 0}` +
      `.muted{color:#999;font-size:13px;word-break:break-all}button{display:block;width:100%;height:44px;border:0;border-radius:8px;font-size:16px;margin-top:12px}` +
      `#sandbox-pay-confirm{background:#1677ff;color:#fff}#sandbox-pay-cancel{background:#f0f0f0;color:#333}form{margin:0}` +
      `</style></head><body><div class="card">${body}</div></body></html>`
    );
  }

  function cashierPage(trade: SandboxTrade): string {
    const base = `/sandbox/alipay/cashier/${encodeURIComponent(trade.tradeNo)}`;
    return page(
      '支付宝收银台（沙箱）',
      `<div class="brand">支付宝 · 沙箱收银台</div>` +
        `<div class="amount">¥${fenToYuan(trade.totalAmount)}</div>` +
        `<p>${escapeHtml(trade.subject)}</p>` +
        `<p class="muted">收款方：沙箱商户 ${escapeHtml(trade.sellerId)}<br>交易号：${escapeHtml(trade.tradeNo)}</p>` +
        `<form method="post" action="${base}/pay"><button id="sandbox-pay-confirm" type="submit">确认支付</button></form>` +
        `<form method="post" action="${base}/cancel"><button id="sandbox-pay-cancel" type="submit">取消支付</button></form>`,
    );
  }

  function messagePage(title: string, text: string): string {
    return page(title, `<div class="brand">支付宝 · 沙箱收银台</div><h2>${escapeHtml(title)}</h2><p class="muted">${escapeHtml(text)}</p>`);
  }

  /** The synchronous return parameters wap pay appends to return_url (signed like a notification). */
  function returnParams(trade: SandboxTrade): Record<string, string> {
    const params: Record<string, string> = {
      charset: 'utf-8',
      out_trade_no: trade.outTradeNo,
      method: 'alipay.trade.wap.pay.return',
      total_amount: fenToYuan(trade.totalAmount),
      trade_no: trade.tradeNo,
      auth_app_id: trade.appId,
      version: '1.0',
      app_id: trade.appId,
      sign_type: 'RSA2',
      seller_id: trade.sellerId,
      timestamp: cstTime(ctx.now()),
    };
    params.sign = rsa2Sign(notifySignContent(params), alipayPrivateKey);
    return params;
  }

  const tradeByNo = (tradeNo: string): SandboxTrade | null => {
    const key = byTradeNo.get(tradeNo);
    const trade = key ? trades.get(key) : undefined;
    return trade ? current(trade) : null;
  };

  app.get<{ Params: { tradeNo: string } }>('/sandbox/alipay/cashier/:tradeNo', async (req, reply) => {
    const trade = tradeByNo(req.params.tradeNo);
    if (!trade) return sendHtml(reply, 404, messagePage('交易不存在', req.params.tradeNo));
    if (trade.status !== 'WAIT_BUYER_PAY') return sendHtml(reply, 200, messagePage(trade.paidAt !== null ? '交易已支付' : '交易已关闭', trade.tradeNo));
    return sendHtml(reply, 200, cashierPage(trade));
  });

  app.post<{ Params: { tradeNo: string; action: string } }>('/sandbox/alipay/cashier/:tradeNo/:action', async (req, reply) => {
    const { action } = req.params;
    const trade = tradeByNo(req.params.tradeNo);
    if (!trade || (action !== 'pay' && action !== 'cancel')) return sendHtml(reply, 404, messagePage('交易不存在', req.params.tradeNo));
    if (action === 'pay') {
      if (pay(trade) === 'closed') return sendHtml(reply, 409, messagePage('交易已关闭', '该交易已关闭或已过期，无法支付'));
      if (trade.returnUrl) return reply.redirect(withQuery(trade.returnUrl, returnParams(trade)), 303);
      return sendHtml(reply, 200, messagePage('支付成功', `¥${fenToYuan(trade.totalAmount)} · ${trade.subject}`));
    }
    if (cancel(trade) === 'paid') return sendHtml(reply, 409, messagePage('交易已支付', '该交易已支付，无法取消'));
    const back = trade.quitUrl ?? trade.returnUrl;
    if (back) return reply.redirect(back, 303);
    return sendHtml(reply, 200, messagePage('已取消支付', trade.subject));
  });

  app.post('/sandbox/alipay/confirm', async (req, reply) => {
    const parsed = confirmBody.safeParse(req.body);
    if (!parsed.success) return sendProblem(reply, new AppError('VALIDATION_FAILED', 'Send { "ref": "<trade_no>", "action": "pay" | "cancel" }'), req.id);
    const trade = tradeByNo(parsed.data.ref);
    if (!trade) return sendProblem(reply, new AppError('NOT_FOUND', `No Alipay sandbox trade ${parsed.data.ref}`), req.id);
    if (parsed.data.action === 'pay') {
      if (pay(trade) === 'closed') return sendProblem(reply, new AppError('ILLEGAL_TRANSITION', `Trade ${trade.tradeNo} is closed; it cannot be paid`), req.id);
    } else if (cancel(trade) === 'paid') {
      return sendProblem(reply, new AppError('ILLEGAL_TRANSITION', `Trade ${trade.tradeNo} is paid; it cannot be cancelled`), req.id);
    }
    return { ok: true, paymentNo: trade.outTradeNo };
  });

  app.get<{ Params: { paymentNo: string } }>('/sandbox/alipay/trades/:paymentNo', async (req, reply) => {
    const trade = trades.get(req.params.paymentNo);
    if (!trade) return sendProblem(reply, new AppError('NOT_FOUND', `No Alipay sandbox trade for out_trade_no ${req.params.paymentNo}`), req.id);
    current(trade);
    return {
      tradeNo: trade.tradeNo,
      outTradeNo: trade.outTradeNo,
      appId: trade.appId,
      sellerId: trade.sellerId,
      productCode: trade.productCode,
      subject: trade.subject,
      totalAmount: trade.totalAmount,
      status: trade.status,
      buyerId: trade.buyerId,
      buyerOpenId: trade.buyerOpenId,
      notifyUrl: trade.notifyUrl,
      returnUrl: trade.returnUrl,
      createdAt: trade.createdAt,
      paidAt: trade.paidAt,
      closedAt: trade.closedAt,
      expiresAt: trade.expiresAt,
      refundedAmount: trade.refundedAmount,
      refunds: [...trade.refunds.values()],
    };
  });
}
