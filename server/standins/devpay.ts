import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { formatPrice } from '@contract/money';
import { AppError } from '../infra/errors';
import type { Config } from '../infra/config';
import type { z } from 'zod';
import {
  API_PATH,
  NOTIFY_PATH,
  SIGNATURE_HEADER,
  devpayPrepayRequest,
  devpayRefundQuery,
  devpayRefundRequest,
  devpayTradeRequest,
  signNotification,
  signedHeaders,
  verifySigned,
  type DevpayNotification,
} from '../channels/devpay/wire';
import { escapeHtml, cashierShell } from './page';

/**
 * DevPay's provider (SANDBOX=on only). DevPay is the development payment channel (wire value
 * `sandbox` in the contract, server/channels/devpay): a simple third-party channel that exists
 * only as this stand-in, with its own trades kept in memory (the channel's truth, independent
 * of our database).
 *
 * Server API (signed JSON, see server/channels/devpay/wire.ts; the DevPay adapter calls it):
 * POST /sandbox/pay/api/prepay            open a trade { paymentNo, amount, description, expiresAt, returnUrl }
 * POST /sandbox/pay/api/query             the trade's state { paymentNo }
 * POST /sandbox/pay/api/close             close an unpaid trade (409 TRADE_PAID when paid)
 * POST /sandbox/pay/api/refund            refund part of a paid trade (a repeated refundNo is the same refund)
 * POST /sandbox/pay/api/refund-query      a refund's state
 *
 * Shopper side:
 * GET  /sandbox/pay/:paymentNo            the cashier page (确认支付 / 取消支付)
 * POST /sandbox/pay/:paymentNo/confirm    pay: sends a signed SUCCESS notification
 *                                         (JSON { notify: false }: pay but drop the notification;
 *                                         JSON { payer }: who pays, named in the notification)
 * POST /sandbox/pay/:paymentNo/cancel     give up: closes the trade, sends a signed CLOSED notification
 * POST /sandbox/pay/:paymentNo/fail       (JSON) the channel declines: signed FAILED notification
 *
 * The shopper POSTs take a form (from the page) or JSON (the mini-program pay adapter calls
 * them directly). Notifications go over real HTTP to PUBLIC_BASE_URL + /notify/sandbox, signed
 * with HMAC-SHA256; a failed delivery is retried a few times with backoff.
 */
export const RETRY_DELAYS_MS = [500, 2000, 5000];
const DELIVERY_TIMEOUT_MS = 5000;

type Outcome = 'SUCCESS' | 'CLOSED' | 'FAILED';

export interface DevpayStandInOptions {
  key: string;
  /** Overridable in tests. */
  retryDelaysMs?: readonly number[];
}

/**
 * A redirect target we accept: a relative path, or an absolute URL on our own origin (the
 * public base URL's, or the one the cashier page itself was requested on).
 */
export function safeReturnUrl(value: unknown, ...ownOrigins: string[]): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
  if (value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return value;
  try {
    const target = new URL(value);
    const allowed = ownOrigins.map((o) => new URL(o).origin);
    return (target.protocol === 'http:' || target.protocol === 'https:') && allowed.includes(target.origin) ? target.toString() : null;
  } catch {
    return null;
  }
}

/** The origin this request was made to (behind a proxy: its forwarded protocol and host). */
function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function page(title: string, body: string): string {
  return cashierShell(title, body, { background: '#f5f5f5', accent: '#1677ff', buttonRadius: 23 });
}

const STATUS_TEXT: Record<TradeStatus, string> = {
  unpaid: '待支付',
  paid: '已支付',
  failed: '支付失败',
  closed: '支付已关闭',
};

type TradeStatus = 'unpaid' | 'paid' | 'failed' | 'closed';

/** One trade as the channel keeps it. */
export interface DevpayTrade {
  paymentNo: string;
  tradeNo: string;
  amount: number;
  description: string;
  expiresAt: number;
  returnUrl: string | null;
  status: TradeStatus;
  paidAt: number | null;
  /** Who paid: the confirm call's `payer`, when a JSON caller named one. */
  payer?: string;
  refunds: Map<string, { amount: number; channelRefundId: string }>;
}

function resultPage(text: string, detail: string): string {
  return page('沙箱收银台', `<div class="card"><span class="tag">沙箱支付</span><p class="result" id="sandbox-pay-result">${escapeHtml(text)}</p><p class="hint">${escapeHtml(detail)}</p></div>`);
}

interface Delivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface DevpayStandIn {
  /** The channel's trades (tests read them). */
  trades: Map<string, DevpayTrade>;
}

export function registerDevpayStandIn(app: FastifyInstance, config: Config, options: DevpayStandInOptions): DevpayStandIn {
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const timers = new Set<NodeJS.Timeout>();
  const trades = new Map<string, DevpayTrade>();
  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });

  /** The channel's trade number for a payment: stable, so repeats name the same trade. */
  const tradeNoOf = (paymentNo: string) => `SBT${createHmac('sha256', options.key).update(paymentNo).digest('hex').slice(0, 24)}`;

  async function attempt(d: Delivery): Promise<boolean> {
    try {
      const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }

  function retryLater(d: Delivery, log: FastifyBaseLogger, index: number): void {
    if (index >= retryDelays.length) {
      log.error({ url: d.url }, 'sandbox pay: notification not delivered; giving up');
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(d).then((ok) => {
        if (ok) log.info({ url: d.url, retry: index + 1 }, 'sandbox pay: notification delivered on retry');
        else retryLater(d, log, index + 1);
      });
    }, retryDelays[index]);
    timer.unref();
    timers.add(timer);
  }

  /** Sends the signed notification; the first attempt is awaited, retries run in the background. */
  async function notify(n: DevpayNotification, log: FastifyBaseLogger): Promise<boolean> {
    const body = JSON.stringify(n);
    const d: Delivery = {
      url: `${config.publicBaseUrl}${NOTIFY_PATH}`,
      body,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(options.key, n.timestamp, n.nonce, body) },
    };
    const ok = await attempt(d);
    if (!ok) retryLater(d, log, 0);
    return ok;
  }

  // --- the server API ----------------------------------------------------------------------

  /** A signed JSON call: its exact body text verified, then parsed with `schema`; answered signed. */
  const apiRoutes: { path: string; run(text: string, headers: FastifyRequest['headers']): { status: number; body: unknown } }[] = [];
  function api<S extends z.ZodType>(path: string, schema: S, handle: (input: z.output<S>, now: number) => { status: number; body: unknown }): void {
    apiRoutes.push({
      path,
      run(text, headers) {
        if (!verifySigned(options.key, text, headers)) return { status: 401, body: { error: 'SIGNATURE_INVALID', message: 'request signature does not verify' } };
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return { status: 400, body: { error: 'INVALID_REQUEST', message: 'body is not JSON' } };
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) return { status: 400, body: { error: 'INVALID_REQUEST', message: parsed.error.message } };
        return handle(parsed.data, Date.now());
      },
    });
  }
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });
    for (const route of apiRoutes) {
      scope.post(`${API_PATH}/${route.path}`, async (req, reply) => {
        const out = route.run(typeof req.body === 'string' ? req.body : '', req.headers);
        const text = JSON.stringify(out.body);
        reply.code(out.status);
        for (const [h, v] of Object.entries(signedHeaders(options.key, text))) reply.header(h, v);
        return reply.send(text);
      });
    }
  });

  const tradeState = (t: DevpayTrade | undefined) => {
    if (!t) return { state: 'closed', tradeNo: null, amount: 0, paidAt: null };
    if (t.status === 'paid') {
      const refunded = [...t.refunds.values()].reduce((s, r) => s + r.amount, 0);
      return { state: refunded >= t.amount ? 'refunded' : 'paid', tradeNo: t.tradeNo, amount: t.amount, paidAt: t.paidAt, ...(t.payer ? { payerId: t.payer } : {}) };
    }
    return { state: t.status === 'unpaid' && t.expiresAt > Date.now() ? 'unpaid' : 'closed', tradeNo: t.tradeNo, amount: 0, paidAt: null };
  };

  api('prepay', devpayPrepayRequest, (input) => {
    const existing = trades.get(input.paymentNo);
    if (existing) {
      if (existing.amount !== input.amount) return { status: 409, body: { error: 'TRADE_MISMATCH', message: 'this paymentNo was opened with another amount' } };
      if (existing.status !== 'unpaid') return { status: 409, body: { error: 'TRADE_CLOSED', message: `the trade is ${existing.status}` } };
    } else {
      trades.set(input.paymentNo, {
        paymentNo: input.paymentNo,
        tradeNo: tradeNoOf(input.paymentNo),
        amount: input.amount,
        description: input.description,
        expiresAt: input.expiresAt,
        returnUrl: input.returnUrl,
        status: 'unpaid',
        paidAt: null,
        refunds: new Map(),
      });
    }
    return { status: 200, body: { paymentNo: input.paymentNo, cashierUrl: `${config.publicBaseUrl}/sandbox/pay/${input.paymentNo}` } };
  });

  api('query', devpayTradeRequest, (input) => ({ status: 200, body: tradeState(trades.get(input.paymentNo)) }));

  api('close', devpayTradeRequest, (input) => {
    const t = trades.get(input.paymentNo);
    if (t?.status === 'paid') return { status: 409, body: { error: 'TRADE_PAID', message: 'a paid trade cannot be closed' } };
    if (t && t.status === 'unpaid') t.status = 'closed';
    return { status: 200, body: tradeState(t) };
  });

  api('refund', devpayRefundRequest, (input) => {
    const t = trades.get(input.paymentNo);
    if (!t || t.status !== 'paid') return { status: 409, body: { error: 'TRADE_NOT_PAID', message: 'only a paid trade can be refunded' } };
    if (input.total !== t.amount) return { status: 400, body: { error: 'TOTAL_MISMATCH', message: `the trade's amount is ${t.amount}` } };
    const done = t.refunds.get(input.refundNo);
    if (done) {
      if (done.amount !== input.amount) return { status: 409, body: { error: 'REFUND_MISMATCH', message: 'this refundNo was used with another amount' } };
      return { status: 200, body: { state: 'succeeded', channelRefundId: done.channelRefundId } };
    }
    const refunded = [...t.refunds.values()].reduce((s, r) => s + r.amount, 0);
    if (refunded + input.amount > t.amount) return { status: 409, body: { error: 'REFUND_EXCEEDED', message: `only ${t.amount - refunded} fen left to refund` } };
    const channelRefundId = `SBR${createHmac('sha256', options.key).update(`${input.paymentNo}/${input.refundNo}`).digest('hex').slice(0, 24)}`;
    t.refunds.set(input.refundNo, { amount: input.amount, channelRefundId });
    return { status: 200, body: { state: 'succeeded', channelRefundId } };
  });

  api('refund-query', devpayRefundQuery, (input) => {
    const r = trades.get(input.paymentNo)?.refunds.get(input.refundNo);
    if (!r) return { status: 404, body: { error: 'REFUND_NOT_FOUND', message: 'no such refund' } };
    return { status: 200, body: { state: 'succeeded', channelRefundId: r.channelRefundId } };
  });

  // --- the shopper side ----------------------------------------------------------------------

  const paymentNoOf = (req: FastifyRequest<{ Params: { paymentNo: string } }>) => {
    const no = req.params.paymentNo;
    if (!/^[A-Za-z0-9]{1,64}$/.test(no)) throw new AppError('NOT_FOUND', 'no such payment');
    return no;
  };

  const wantsHtml = (req: FastifyRequest) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  };

  const bodyField = (req: FastifyRequest, name: string): unknown => {
    const b = req.body;
    return b && typeof b === 'object' && name in b ? (b as Record<string, unknown>)[name] : undefined;
  };

  const returnParam = (req: FastifyRequest): unknown => {
    const q = req.query as Record<string, unknown> | undefined;
    if (q && typeof q.return === 'string') return q.return;
    return bodyField(req, 'return');
  };

  const expired = (t: DevpayTrade, now: number) => t.status === 'unpaid' && t.expiresAt <= now;

  app.get<{ Params: { paymentNo: string }; Querystring: Record<string, string> }>('/sandbox/pay/:paymentNo', async (req, reply) => {
    const paymentNo = paymentNoOf(req);
    const trade = trades.get(paymentNo);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!trade) return reply.code(404).send(resultPage('支付单不存在', '请返回商城重新发起支付'));
    const ret = safeReturnUrl(req.query.return ?? trade.returnUrl, config.publicBaseUrl, requestOrigin(req));
    const qs = ret ? `?return=${encodeURIComponent(ret)}` : '';
    const action = (what: string) => `/sandbox/pay/${encodeURIComponent(paymentNo)}/${what}${qs}`;
    const isExpired = expired(trade, Date.now());
    const open = trade.status === 'unpaid' && !isExpired;
    const body =
      `<div class="card"><span class="tag">沙箱支付</span>` +
      `<div class="merchant" id="sandbox-pay-merchant">${escapeHtml(trade.description || '商城')}</div>` +
      `<div class="amount" id="sandbox-pay-amount">${escapeHtml(formatPrice(trade.amount))}</div>` +
      `<div class="hint">交易号 ${escapeHtml(trade.tradeNo)}</div>` +
      `<div class="hint" id="sandbox-pay-status">${escapeHtml(open ? '本页面模拟第三方支付，不会产生真实扣款' : isExpired ? '支付已超时' : STATUS_TEXT[trade.status])}</div></div>` +
      (open
        ? `<form method="post" action="${escapeHtml(action('confirm'))}"><button id="sandbox-pay-confirm" type="submit">确认支付</button></form>` +
          `<form method="post" action="${escapeHtml(action('cancel'))}"><button id="sandbox-pay-cancel" type="submit">取消支付</button></form>`
        : ret
          ? `<form method="get" action="${escapeHtml(ret)}"><button id="sandbox-pay-back" type="submit">返回商城</button></form>`
          : '');
    return reply.send(page('沙箱收银台', body));
  });

  const outcomes: Record<string, { outcome: Outcome; status: TradeStatus }> = {
    confirm: { outcome: 'SUCCESS', status: 'paid' },
    cancel: { outcome: 'CLOSED', status: 'closed' },
    fail: { outcome: 'FAILED', status: 'failed' },
  };
  for (const [action, { outcome, status }] of Object.entries(outcomes)) {
    app.post<{ Params: { paymentNo: string } }>(`/sandbox/pay/:paymentNo/${action}`, async (req, reply) => {
      const html = wantsHtml(req);
      if (html && action === 'fail') throw new AppError('VALIDATION_FAILED', 'fail is for JSON callers only');
      const paymentNo = paymentNoOf(req);
      const trade = trades.get(paymentNo);
      const now = Date.now();
      if (!trade || expired(trade, now)) {
        // The page gets a page; JSON callers a problem.
        if (html) {
          const [code, text] = trade ? [409, '支付已超时'] : [404, '支付单不存在'];
          return reply.code(code).type('text/html; charset=utf-8').send(resultPage(text, '请返回商城重新发起支付'));
        }
        throw trade ? new AppError('PAYMENT_EXPIRED', 'this payment has expired') : new AppError('NOT_FOUND', `no payment ${paymentNo}`);
      }
      let delivered = false;
      // A trade that is no longer open is not charged again; the shopper just sees its state.
      if (trade.status === 'unpaid') {
        trade.status = status;
        if (status === 'paid') {
          trade.paidAt = now;
          // JSON callers may name who pays (the referral payer signal's tests): 1-64 of [A-Za-z0-9_-].
          const payer = html ? undefined : bodyField(req, 'payer');
          if (typeof payer === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(payer)) trade.payer = payer;
        }
        // Fault mode for tests: the money is taken but the notification is lost.
        const drop = !html && bodyField(req, 'notify') === false;
        if (!drop) {
          delivered = await notify(
            {
              paymentNo,
              tradeNo: trade.tradeNo,
              amount: trade.amount,
              status: outcome,
              paidAt: trade.paidAt,
              nonce: randomBytes(12).toString('hex'),
              timestamp: now,
              ...(trade.payer ? { payer: trade.payer } : {}),
            },
            req.log,
          );
        }
      }
      if (!html) return reply.send({ paymentNo, outcome, delivered, tradeStatus: trade.status });
      const ret = safeReturnUrl(returnParam(req) ?? trade.returnUrl, config.publicBaseUrl, requestOrigin(req));
      if (ret) return reply.redirect(ret, 303);
      const text = trade.status === 'paid' ? (delivered ? '支付成功' : '支付处理中') : STATUS_TEXT[trade.status];
      return reply.type('text/html; charset=utf-8').send(resultPage(text, `支付状态：${STATUS_TEXT[trade.status]}`));
    });
  }

  return { trades };
}
