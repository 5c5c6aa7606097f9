import type { FastifyInstance } from 'fastify';
import type { StandInContext } from '../context';
import { createGateway, type DouyinStandInOptions } from './gateway';
import { registerRoutes } from './router';

/**
 * The Douyin general trade system (抖音通用交易系统) stand-in, under /sandbox/douyin, speaking
 * Douyin's wire format so that the adapter goes live by changing DOUYIN_API_BASE and keys:
 *
 *   POST /sandbox/douyin/oauth/client_token/                        client_key, client_secret -> access_token
 *                                                                    operations/client-token.ts
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/order_query/   { out_order_no | order_id }
 *                                                                    operations/query-order.ts
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/refund_create/ { order_id, out_refund_no, refund_total_amount, ... }
 *                                                                    operations/refund-create.ts
 *   POST /sandbox/douyin/api/trade_basic/v1/developer/refund_query/  { out_refund_no | refund_id | order_id }
 *                                                                    operations/refund-query.ts
 *     Each trade API call needs `access-token` and a Byte-Authorization signed with the app key
 *     over POST\n<path without /sandbox/douyin>\nts\nnonce\nbody\n; answers are
 *     { err_no, err_msg, log_id, data } signed with Douyin's key (Byte-Timestamp,
 *     Byte-Nonce-Str, Byte-Signature over ts\nnonce\nbody\n): signing.ts.
 *   POST /sandbox/douyin/client/requestOrder   { data, byteAuthorization }: stands in for the
 *     mini-program's tt.requestOrder (creates the order, answers { orderId, outOrderNo }):
 *     operations/request-order.ts.
 *   POST /sandbox/douyin/confirm               { ref: out_order_no, action: pay | cancel }   payer.ts
 *   GET  /sandbox/douyin/trades/:paymentNo     the order as the stand-in holds it             payer.ts
 *
 * Callbacks ({ msg, type: payment | refund, version: '3.0' }) go to payNotifyUrl / notify_url
 * (else the app's default callback URL) through the shared notifier on the published schedule
 * (notify.ts). The trade system has no close API: an unpaid order times out when
 * payExpireSeconds (counted from the byteAuthorization timestamp) elapse, which sends a CANCEL
 * callback (TIME_OUT; trades.ts).
 */
export {
  DEFAULT_PAY_EXPIRE_SECONDS,
  DOUYIN_NOTIFY_SCHEDULE_SECONDS,
  MAX_PAY_EXPIRE_SECONDS,
  REQUEST_WINDOW_MS,
  type DouyinStandInOptions,
  type RefundStatus,
  type Refund,
  type Trade,
  type TradeStatus,
} from './gateway';

export function registerDouyinStandIn(app: FastifyInstance, ctx: StandInContext, options: DouyinStandInOptions = {}): void {
  const gw = createGateway(ctx, options);
  app.addHook('onClose', async () => {
    for (const t of gw.timers) clearTimeout(t);
    gw.timers.clear();
  });
  registerRoutes(app, gw);
}
