import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { formatPrice } from '@contract/money';
import { id as idSchema } from '@contract/common';
import { AppError } from '../platform/errors';
import type { AppDeps } from '../platform/http';
import { NOTIFY_PATH, SIGNATURE_HEADER, signNotification, type SandboxNotification } from '../modules/payment/channel';
import { paymentForCashier } from '../modules/payment/service';
import { shipOrder } from '../modules/order/service';

/**
 * The sandbox payment channel (SANDBOX=on only): a stand-in for a real channel's hosted
 * cashier and its server-to-server notification.
 *
 * GET  /sandbox/pay/:paymentNo            the cashier page (确认支付 / 取消支付)
 * POST /sandbox/pay/:paymentNo/confirm    pay: sends a signed SUCCESS notification
 * POST /sandbox/pay/:paymentNo/cancel     give up: sends a signed CLOSED notification
 * POST /sandbox/pay/:paymentNo/fail       (JSON) the channel declines: signed FAILED notification
 * POST /sandbox/orders/:id/ship           stand-in for the merchant console: ship a paid order
 *
 * The POSTs take a form (from the page) or JSON (the mini-program pay adapter calls them
 * directly). Notifications go over real HTTP to PUBLIC_BASE_URL + /notify/sandbox, signed
 * with HMAC-SHA256; a failed delivery is retried a few times with backoff.
 */
export const RETRY_DELAYS_MS = [500, 2000, 5000];
const DELIVERY_TIMEOUT_MS = 5000;

type Outcome = 'SUCCESS' | 'CLOSED' | 'FAILED';

export interface SandboxPayOptions {
  key: string;
  /** Overridable in tests. */
  retryDelaysMs?: readonly number[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
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
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f5;color:#222}
.card{background:#fff;margin:16px;padding:24px 16px;border-radius:12px;text-align:center}
.tag{display:inline-block;font-size:12px;color:#fff;background:#1677ff;border-radius:4px;padding:2px 6px}
.merchant{margin-top:12px;color:#666;font-size:14px}
.amount{font-size:36px;font-weight:600;margin:12px 0 4px}
.hint{color:#999;font-size:12px}
form{margin:0 16px 12px}
button{width:100%;height:46px;border:0;border-radius:23px;font-size:16px}
#sandbox-pay-confirm{background:#07c160;color:#fff}
#sandbox-pay-cancel{background:#fff;color:#333;border:1px solid #ddd}
.result{font-size:18px;margin:8px 0}
</style></head><body>${body}</body></html>`;
}

const STATUS_TEXT: Record<string, string> = {
  paying: '待支付',
  paid: '已支付',
  failed: '支付失败',
  closed: '支付已关闭',
};

function resultPage(text: string, detail: string): string {
  return page('沙箱收银台', `<div class="card"><span class="tag">沙箱支付</span><p class="result" id="sandbox-pay-result">${escapeHtml(text)}</p><p class="hint">${escapeHtml(detail)}</p></div>`);
}

interface Delivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export function registerSandboxPay(app: FastifyInstance, deps: AppDeps, options: SandboxPayOptions): void {
  const { db, config } = deps;
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const timers = new Set<NodeJS.Timeout>();
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
  async function notify(n: SandboxNotification, log: FastifyBaseLogger): Promise<boolean> {
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

  const paymentNoOf = (req: FastifyRequest<{ Params: { paymentNo: string } }>) => {
    const no = req.params.paymentNo;
    if (!/^[A-Za-z0-9]{1,64}$/.test(no)) throw new AppError('NOT_FOUND', 'no such payment');
    return no;
  };

  const wantsHtml = (req: FastifyRequest) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  };

  const returnParam = (req: FastifyRequest): unknown => {
    const q = req.query as Record<string, unknown> | undefined;
    const b = req.body;
    if (q && typeof q.return === 'string') return q.return;
    if (b && typeof b === 'object' && 'return' in b) return b.return;
    return undefined;
  };

  app.get<{ Params: { paymentNo: string }; Querystring: Record<string, string> }>('/sandbox/pay/:paymentNo', async (req, reply) => {
    const paymentNo = paymentNoOf(req);
    const found = await paymentForCashier(db, paymentNo);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!found) return reply.code(404).send(resultPage('支付单不存在', '请返回商城重新发起支付'));
    const { payment, merchants } = found;
    const ret = safeReturnUrl(req.query.return, config.publicBaseUrl, requestOrigin(req));
    const qs = ret ? `?return=${encodeURIComponent(ret)}` : '';
    const action = (what: string) => `/sandbox/pay/${encodeURIComponent(paymentNo)}/${what}${qs}`;
    const expired = payment.expires_at <= Date.now();
    const open = payment.status === 'paying' && !expired;
    const merchantText = merchants.length > 0 ? merchants.join('、') : '商城';
    const body =
      `<div class="card"><span class="tag">沙箱支付</span>` +
      `<div class="merchant" id="sandbox-pay-merchant">${escapeHtml(merchantText)}</div>` +
      `<div class="amount" id="sandbox-pay-amount">${escapeHtml(formatPrice(payment.amount))}</div>` +
      `<div class="hint">订单号 ${escapeHtml(payment.order_id)}</div>` +
      `<div class="hint" id="sandbox-pay-status">${escapeHtml(open ? '本页面模拟第三方支付，不会产生真实扣款' : expired && payment.status === 'paying' ? '支付已超时' : STATUS_TEXT[payment.status] ?? payment.status)}</div></div>` +
      (open
        ? `<form method="post" action="${escapeHtml(action('confirm'))}"><button id="sandbox-pay-confirm" type="submit">确认支付</button></form>` +
          `<form method="post" action="${escapeHtml(action('cancel'))}"><button id="sandbox-pay-cancel" type="submit">取消支付</button></form>`
        : ret
          ? `<form method="get" action="${escapeHtml(ret)}"><button id="sandbox-pay-back" type="submit">返回商城</button></form>`
          : '');
    return reply.send(page('沙箱收银台', body));
  });

  const outcomes: Record<string, Outcome> = { confirm: 'SUCCESS', cancel: 'CLOSED', fail: 'FAILED' };
  for (const [action, outcome] of Object.entries(outcomes)) {
    app.post<{ Params: { paymentNo: string } }>(`/sandbox/pay/:paymentNo/${action}`, async (req, reply) => {
      const html = wantsHtml(req);
      if (html && action === 'fail') throw new AppError('VALIDATION_FAILED', 'fail is for JSON callers only');
      const paymentNo = paymentNoOf(req);
      const found = await paymentForCashier(db, paymentNo);
      const now = Date.now();
      if (!found || (found.payment.status === 'paying' && found.payment.expires_at <= now)) {
        // The page gets a page; JSON callers a problem.
        if (html) {
          const [code, text] = found ? [409, '支付已超时'] : [404, '支付单不存在'];
          return reply.code(code).type('text/html; charset=utf-8').send(resultPage(text, '请返回商城重新发起支付'));
        }
        throw found ? new AppError('PAYMENT_EXPIRED', 'this payment has expired') : new AppError('NOT_FOUND', `no payment ${paymentNo}`);
      }
      const { payment } = found;
      let delivered = false;
      // A payment that is no longer open is not charged again; the shopper just sees its state.
      if (payment.status === 'paying') {
        delivered = await notify(
          {
            paymentNo,
            tradeNo: tradeNoOf(paymentNo),
            amount: payment.amount,
            status: outcome,
            paidAt: outcome === 'SUCCESS' ? now : null,
            nonce: randomBytes(12).toString('hex'),
            timestamp: now,
          },
          req.log,
        );
      }
      const after = (await paymentForCashier(db, paymentNo))?.payment.status ?? payment.status;
      if (!html) return reply.send({ paymentNo, outcome, delivered, paymentStatus: after });
      const ret = safeReturnUrl(returnParam(req), config.publicBaseUrl, requestOrigin(req));
      if (ret) return reply.redirect(ret, 303);
      const text = outcome === 'SUCCESS' ? (after === 'paid' ? '支付成功' : '支付处理中') : '已取消支付';
      return reply.type('text/html; charset=utf-8').send(resultPage(text, STATUS_TEXT[after] ? `支付状态：${STATUS_TEXT[after]}` : ''));
    });
  }

  app.post<{ Params: { id: string } }>('/sandbox/orders/:id/ship', async (req) => {
    const parsed = idSchema.safeParse(req.params.id);
    if (!parsed.success) throw new AppError('NOT_FOUND', 'no such order');
    const status = await shipOrder(db, parsed.data);
    return { id: parsed.data, status };
  });
}
