import type { FastifyInstance } from 'fastify';
import type { StandInContext } from '../context';
import { createGateway, type WechatpayStandInOptions } from './gateway';
import { registerRoutes } from './router';

/**
 * The WeChat Pay API v3 stand-in: api.mch.weixin.qq.com (public-key mode) served under
 * /sandbox/wechatpay, speaking the real wire format, so that pointing the adapter at production
 * is configuration only (WECHATPAY_API_BASE and keys).
 *
 *   POST /v3/pay/transactions/jsapi                      -> { prepay_id }        operations/prepay-jsapi.ts
 *   POST /v3/pay/transactions/h5                         -> { h5_url }           operations/prepay-h5.ts
 *   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=   -> the transaction      operations/query-order.ts
 *   GET  /v3/pay/transactions/id/{transaction_id}?mchid=
 *   POST /v3/pay/transactions/out-trade-no/{no}/close    { mchid } -> 204        operations/close-order.ts
 *   POST /v3/refund/domestic/refunds                     -> the refund           operations/refund.ts
 *   GET  /v3/refund/domestic/refunds/{out_refund_no}                            operations/query-refund.ts
 *
 * Every /v3 request must carry a valid `Authorization: WECHATPAY2-SHA256-RSA2048 ...` signed
 * with a known merchant's key (else 401 SIGN_ERROR); every answer, errors included, is signed
 * with WeChat Pay's key (Wechatpay-Timestamp/Nonce/Signature/Serial, serial PUB_KEY_ID_...):
 * signing.ts. The router (router.ts) mounts the table above and the stand-in's own pages and
 * hooks (cashier.ts: the H5 cashier page, confirm, the trade as held).
 *
 * Paying sends TRANSACTION.SUCCESS (AES-256-GCM encrypted with the merchant's APIv3 key) to the
 * trade's notify_url on WeChat's retry schedule (compressed by ctx.timeScale) until answered
 * with 200/204 (notify.ts). A refund answers PROCESSING, succeeds after 1 s (compressed) and
 * sends REFUND.SUCCESS. Signing and encryption here use node:crypto directly, independently of
 * the adapter (which uses wechatpay-axios-plugin), so each checks the other.
 */
export { WECHATPAY_RETRY_SCHEDULE_SECONDS, type WechatpayStandInMerchant, type WechatpayStandInOptions } from './gateway';

export function registerWechatpayStandIn(app: FastifyInstance, ctx: StandInContext, options: WechatpayStandInOptions = {}): void {
  const gw = createGateway(ctx, options);
  app.addHook('onClose', async () => {
    for (const t of gw.timers) clearTimeout(t);
    gw.timers.clear();
    gw.notifier.stop();
  });
  registerRoutes(app, gw);
}
