import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cstTime, fenToYuan, notifySignContent } from '../../../channels/alipay/wire';
import { rsa2Sign } from '../../../infra/alipay';
import { AppError } from '../../../infra/errors';
import { sendProblem } from '../../../infra/http';
import { escapeHtml } from '../../page';
import { current, tradeByNo, type AlipayGateway, type Trade } from './gateway';
import { notify } from './notify';

/**
 * The stand-in's own pages and hooks (not Alipay's API): the hosted cashier (wap pay, and
 * mini-program development builds), a confirm call for development builds and tests, and the
 * trade as the stand-in holds it.
 *
 *   GET  /sandbox/alipay/cashier/:tradeNo            the hosted cashier page
 *   POST /sandbox/alipay/cashier/:tradeNo/pay|cancel the page's buttons (then redirects back)
 *   POST /sandbox/alipay/confirm  { ref: trade_no, action: 'pay' | 'cancel' }
 *   GET  /sandbox/alipay/trades/:paymentNo           the trade as the stand-in holds it (JSON)
 *
 * Paying notifies TRADE_SUCCESS; the buyer cancelling closes the trade and notifies TRADE_CLOSED.
 */
const confirmBody = z.strictObject({ ref: z.string().min(1).max(64), action: z.enum(['pay', 'cancel']) });

/** The buyer pays (cashier page or confirm endpoint). */
function pay(gw: AlipayGateway, trade: Trade): 'ok' | 'closed' {
  current(gw, trade);
  if (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') return 'ok';
  if (trade.status !== 'WAIT_BUYER_PAY') return 'closed';
  trade.status = 'TRADE_SUCCESS';
  trade.paidAt = gw.ctx.now();
  notify(gw, trade);
  return 'ok';
}

/** The buyer cancels: the trade closes and Alipay notifies TRADE_CLOSED. */
function cancel(gw: AlipayGateway, trade: Trade): 'ok' | 'paid' {
  current(gw, trade);
  if (trade.status === 'TRADE_CLOSED') return 'ok';
  if (trade.status !== 'WAIT_BUYER_PAY') return 'paid';
  trade.status = 'TRADE_CLOSED';
  trade.closedAt = gw.ctx.now();
  notify(gw, trade);
  return 'ok';
}

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
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

export function cashierPage(trade: Trade): string {
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

export function messagePage(title: string, text: string): string {
  return page(title, `<div class="brand">支付宝 · 沙箱收银台</div><h2>${escapeHtml(title)}</h2><p class="muted">${escapeHtml(text)}</p>`);
}

/** Adds query parameters to a URL before its #fragment (hash-router return pages keep their own). */
function withQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const qs = new URLSearchParams(params).toString();
  return `${base}${base.includes('?') ? '&' : '?'}${qs}${fragment}`;
}

/** The synchronous return parameters wap pay appends to return_url (signed like a notification). */
function returnParams(gw: AlipayGateway, trade: Trade): Record<string, string> {
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
    timestamp: cstTime(gw.ctx.now()),
  };
  params.sign = rsa2Sign(notifySignContent(params), gw.alipayPrivateKey);
  return params;
}

export async function showCashier(gw: AlipayGateway, req: FastifyRequest<{ Params: { tradeNo: string } }>, reply: FastifyReply) {
  const trade = tradeByNo(gw, req.params.tradeNo);
  if (!trade) return sendHtml(reply, 404, messagePage('交易不存在', req.params.tradeNo));
  if (trade.status !== 'WAIT_BUYER_PAY') return sendHtml(reply, 200, messagePage(trade.paidAt !== null ? '交易已支付' : '交易已关闭', trade.tradeNo));
  return sendHtml(reply, 200, cashierPage(trade));
}

export async function submitCashier(gw: AlipayGateway, req: FastifyRequest<{ Params: { tradeNo: string; action: string } }>, reply: FastifyReply) {
  const { action } = req.params;
  const trade = tradeByNo(gw, req.params.tradeNo);
  if (!trade || (action !== 'pay' && action !== 'cancel')) return sendHtml(reply, 404, messagePage('交易不存在', req.params.tradeNo));
  if (action === 'pay') {
    if (pay(gw, trade) === 'closed') return sendHtml(reply, 409, messagePage('交易已关闭', '该交易已关闭或已过期，无法支付'));
    if (trade.returnUrl) return reply.redirect(withQuery(trade.returnUrl, returnParams(gw, trade)), 303);
    return sendHtml(reply, 200, messagePage('支付成功', `¥${fenToYuan(trade.totalAmount)} · ${trade.subject}`));
  }
  if (cancel(gw, trade) === 'paid') return sendHtml(reply, 409, messagePage('交易已支付', '该交易已支付，无法取消'));
  const back = trade.quitUrl ?? trade.returnUrl;
  if (back) return reply.redirect(back, 303);
  return sendHtml(reply, 200, messagePage('已取消支付', trade.subject));
}

export async function confirm(gw: AlipayGateway, req: FastifyRequest, reply: FastifyReply) {
  const parsed = confirmBody.safeParse(req.body);
  if (!parsed.success) return sendProblem(reply, new AppError('VALIDATION_FAILED', 'Send { "ref": "<trade_no>", "action": "pay" | "cancel" }'), req.id);
  const trade = tradeByNo(gw, parsed.data.ref);
  if (!trade) return sendProblem(reply, new AppError('NOT_FOUND', `No Alipay sandbox trade ${parsed.data.ref}`), req.id);
  if (parsed.data.action === 'pay') {
    if (pay(gw, trade) === 'closed') return sendProblem(reply, new AppError('ILLEGAL_TRANSITION', `Trade ${trade.tradeNo} is closed; it cannot be paid`), req.id);
  } else if (cancel(gw, trade) === 'paid') {
    return sendProblem(reply, new AppError('ILLEGAL_TRANSITION', `Trade ${trade.tradeNo} is paid; it cannot be cancelled`), req.id);
  }
  return { ok: true, paymentNo: trade.outTradeNo };
}

export async function showTrade(gw: AlipayGateway, req: FastifyRequest<{ Params: { paymentNo: string } }>, reply: FastifyReply) {
  const trade = gw.trades.get(req.params.paymentNo);
  if (!trade) return sendProblem(reply, new AppError('NOT_FOUND', `No Alipay sandbox trade for out_trade_no ${req.params.paymentNo}`), req.id);
  current(gw, trade);
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
}
