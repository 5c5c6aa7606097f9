import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatPrice } from '@contract/money';
import { AppError } from '../../../infra/errors';
import { sendProblem } from '../../../infra/http';
import { escapeHtml, cashierShell } from '../../page';
import { PREFIX, digits, expired, tradeKey, ymd, type Refund, type Trade, type WechatpayGateway } from './gateway';
import { notifyPaid } from './notify';
import { TRADE_STATE_DESC } from './views';

/**
 * The stand-in's own pages and hooks (not WeChat's API): the hosted H5 cashier (also for
 * development builds), a confirm call for tests and development builds, and the trade as the
 * stand-in holds it.
 *
 *   GET  /checkmweb?prepay_id=&redirect_url=   the H5 cashier page (确认支付 / 取消支付)
 *   POST /checkmweb                            its form (prepay_id, action=pay|cancel, redirect_url)
 *   POST /confirm  { ref: prepay_id, action: 'pay'|'cancel' } -> { ok: true, paymentNo } | 404 problem
 *   GET  /trades/{out_trade_no}                the trade as the stand-in holds it (JSON)
 *
 * WeChat does not notify a cancelled cashier; cancel here closes the trade (a query then says
 * CLOSED) without a notification.
 */
const confirmSchema = z.strictObject({ ref: z.string().min(1).max(128), action: z.enum(['pay', 'cancel']) });

/** The shopper pays or gives up in the cashier. */
function settle(gw: WechatpayGateway, t: Trade, action: 'pay' | 'cancel'): { ok: true } | { ok: false; detail: string } {
  const at = gw.ctx.now();
  if (action === 'pay') {
    if (t.state === 'SUCCESS' || t.state === 'REFUND') return { ok: true };
    if (t.state === 'CLOSED') return { ok: false, detail: 'the trade is closed' };
    if (expired(t, at)) return { ok: false, detail: 'the trade has expired' };
    t.state = 'SUCCESS';
    t.successTime = at;
    t.transactionId = `4200${digits(6)}${ymd(at)}${digits(10)}`;
    gw.byTransactionId.set(t.transactionId, t);
    t.openid ??= `o${createHash('sha256').update(`wechatpay-h5:${t.mchid}:${t.outTradeNo}`).digest('base64url').slice(0, 27)}`;
    gw.ctx.log.info({ outTradeNo: t.outTradeNo, total: t.total }, 'wechatpay sandbox: trade paid');
    notifyPaid(gw, t);
    return { ok: true };
  }
  if (t.state === 'CLOSED') return { ok: true };
  if (t.state !== 'NOTPAY') return { ok: false, detail: 'the trade is paid' };
  t.state = 'CLOSED';
  return { ok: true };
}

function page(title: string, body: string): string {
  return cashierShell(title, body, { background: '#ededed', accent: '#07c160', buttonRadius: 8 });
}

/** Where the cashier may send the browser back to: a relative path, our own origin or a loopback host. */
function safeRedirect(gw: WechatpayGateway, value: unknown, req: FastifyRequest): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
  if (value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return value;
  try {
    const target = new URL(value);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
    const own = [new URL(gw.ctx.baseUrl()).origin, `${req.protocol}://${req.host}`];
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
    return own.includes(target.origin) || loopback ? target.toString() : null;
  } catch {
    return null;
  }
}

function cashierPage(gw: WechatpayGateway, t: Trade | undefined, redirect: string | null): { status: number; html: string } {
  if (!t) return { status: 404, html: page('微信支付', `<div class="card"><span class="tag">沙箱</span><p class="amount" id="sandbox-pay-status">订单不存在</p></div>`) };
  const at = gw.ctx.now();
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

/** GET /checkmweb: the cashier page of a prepay id. */
export async function showCashier(gw: WechatpayGateway, req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply) {
  const t = req.query.prepay_id ? gw.byPrepayId.get(req.query.prepay_id) : undefined;
  const { status, html } = cashierPage(gw, t, safeRedirect(gw, req.query.redirect_url, req));
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** POST /checkmweb: the page's buttons; back to redirect_url once settled. */
export async function submitCashier(gw: WechatpayGateway, req: FastifyRequest, reply: FastifyReply) {
  const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
  const t = gw.byPrepayId.get(form.get('prepay_id') ?? '');
  const action = form.get('action');
  const redirect = safeRedirect(gw, form.get('redirect_url'), req);
  if (t && (action === 'pay' || action === 'cancel')) {
    const result = settle(gw, t, action);
    if (result.ok && redirect) return reply.redirect(redirect, 303);
  }
  const { status, html } = cashierPage(gw, t, redirect);
  return reply.code(t && action !== 'pay' && action !== 'cancel' ? 400 : status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** POST /confirm: pays or cancels as the cashier would (development builds and tests). */
export async function confirm(gw: WechatpayGateway, req: FastifyRequest, reply: FastifyReply) {
  let json: unknown;
  try {
    json = JSON.parse(typeof req.body === 'string' ? req.body : '');
  } catch {
    return sendProblem(reply, new AppError('MALFORMED_JSON', 'The request body is not valid JSON'), req.id);
  }
  const parsed = confirmSchema.safeParse(json);
  if (!parsed.success) return sendProblem(reply, new AppError('VALIDATION_FAILED', 'expected { ref: prepay_id, action: "pay" | "cancel" }'), req.id);
  const t = gw.byPrepayId.get(parsed.data.ref);
  if (!t) return sendProblem(reply, new AppError('NOT_FOUND', `no trade with prepay_id ${parsed.data.ref}`), req.id);
  const result = settle(gw, t, parsed.data.action);
  if (!result.ok) return sendProblem(reply, new AppError('PAYMENT_NOT_OPEN', result.detail), req.id);
  return reply.send({ ok: true, paymentNo: t.outTradeNo });
}

/** GET /trades/{out_trade_no}: the trade and its refunds as the stand-in holds them. */
export async function showTrade(gw: WechatpayGateway, req: FastifyRequest<{ Params: { paymentNo: string } }>, reply: FastifyReply) {
  const t = [...gw.trades.values()].find((x) => x.outTradeNo === req.params.paymentNo);
  if (!t) return sendProblem(reply, new AppError('NOT_FOUND', `no trade ${req.params.paymentNo}`), req.id);
  const { fingerprint: _f, refundNos, ...rest } = t;
  return reply.send({
    ...rest,
    refunds: refundNos.map((no) => gw.refunds.get(tradeKey(t.mchid, no))).filter((r): r is Refund => !!r).map(({ fingerprint: _rf, ...r }) => r),
  });
}
