import type { FastifyInstance } from 'fastify';
import type { StandInContext } from '../context';
import { createGateway, type AlipayStandInOptions } from './gateway';
import { registerRoutes } from './router';

/**
 * The Alipay open-platform gateway for payments, in Alipay's own wire format (a stand-in, served
 * with SANDBOX=on):
 *
 *   POST /sandbox/alipay/gateway.do   RSA2-signed request (system parameters in the query or the
 *        form, biz_content in the form) -> {"<method>_response":{code:"10000",...},"sign":"..."}
 *        alipay.trade.create                  operations/trade-create.ts
 *        alipay.trade.wap.pay                 operations/wap-pay.ts (a browser form post: renders the cashier page)
 *        alipay.trade.query                   operations/trade-query.ts
 *        alipay.trade.close                   operations/trade-close.ts
 *        alipay.trade.refund                  operations/trade-refund.ts
 *        alipay.trade.fastpay.refund.query    operations/refund-query.ts
 *   GET  /sandbox/alipay/gateway.do   alipay.trade.wap.pay as a signed link: renders the cashier page
 *
 * The router (router.ts) checks every request as Alipay does (request.ts) and dispatches on the
 * method; the cashier pages and the stand-in's hooks are in cashier.ts, the notification sender
 * in notify.ts.
 *
 * The login stand-in (server/standins/login.ts) serves alipay.system.oauth.token on the same
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
export { ALIPAY_GATEWAY_PATH, type AlipayStandInOptions } from './gateway';

export function registerAlipayStandIn(app: FastifyInstance, ctx: StandInContext, options: AlipayStandInOptions = {}): void {
  const gw = createGateway(ctx, options);
  app.addHook('onClose', async () => {
    for (const t of gw.timers) clearTimeout(t);
    gw.timers.clear();
  });
  // The gateway and the cashier buttons take form bodies; add a parser when the app has none.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
    });
  }
  registerRoutes(app, gw);
}
