import type { FastifyInstance } from 'fastify';
import { mountRoutes, type Route } from '../router';
import { confirm, showCashier, showTrade, submitCashier } from './cashier';
import { PREFIX, type WechatpayGateway } from './gateway';
import { closeOrder } from './operations/close-order';
import { prepayH5 } from './operations/prepay-h5';
import { prepayJsapi } from './operations/prepay-jsapi';
import { queryByOutTradeNo, queryByTransactionId } from './operations/query-order';
import { queryRefund } from './operations/query-refund';
import { refund } from './operations/refund';
import type { V3Operation } from './operations/types';
import { confirmTransferBill, createTransferBill, queryTransferBill } from './operations/transfer-bills';
import { WxError, authenticate, send, sendError } from './signing';

/** WeChat Pay API v3, operation by operation, under /sandbox/wechatpay. */
export const V3_ROUTES: readonly Route<V3Operation>[] = [
  { method: 'POST', path: '/v3/pay/transactions/jsapi', operation: prepayJsapi },
  { method: 'POST', path: '/v3/pay/transactions/h5', operation: prepayH5 },
  { method: 'GET', path: '/v3/pay/transactions/out-trade-no/:no', operation: queryByOutTradeNo },
  { method: 'GET', path: '/v3/pay/transactions/id/:id', operation: queryByTransactionId },
  { method: 'POST', path: '/v3/pay/transactions/out-trade-no/:no/close', operation: closeOrder },
  { method: 'POST', path: '/v3/refund/domestic/refunds', operation: refund },
  { method: 'GET', path: '/v3/refund/domestic/refunds/:no', operation: queryRefund },
  { method: 'POST', path: '/v3/fund-app/mch-transfer/transfer-bills', operation: createTransferBill },
  { method: 'GET', path: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/:no', operation: queryTransferBill },
];

export function registerRoutes(app: FastifyInstance, gw: WechatpayGateway): void {
  void app.register(async (scope) => {
    // Signatures cover the exact body text: keep it as a string.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'string' }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });

    // Every /v3 call: the merchant's signature checked, the answer signed, errors in WeChat's shape.
    mountRoutes(scope, PREFIX, V3_ROUTES, (operation) => async (req, reply) => {
      try {
        const merchant = authenticate(gw, req);
        const out = operation(gw, req, merchant);
        return send(gw, reply, out.status, out.body);
      } catch (err) {
        if (err instanceof WxError) return sendError(gw, reply, err);
        gw.ctx.log.warn({ err: (err as Error).message }, 'wechatpay sandbox: internal error');
        return sendError(gw, reply, new WxError(500, 'SYSTEM_ERROR', '系统异常，请稍后重试'));
      }
    });

    scope.get<{ Querystring: Record<string, string | undefined> }>(`${PREFIX}/checkmweb`, async (req, reply) => showCashier(gw, req, reply));
    scope.post(`${PREFIX}/checkmweb`, async (req, reply) => submitCashier(gw, req, reply));
    scope.post(`${PREFIX}/confirm`, async (req, reply) => confirm(gw, req, reply));
    scope.post(`${PREFIX}/transfer-bills/confirm`, async (req, reply) => confirmTransferBill(gw, req, reply));
    scope.get<{ Params: { paymentNo: string } }>(`${PREFIX}/trades/:paymentNo`, async (req, reply) => showTrade(gw, req, reply));
  });
}
