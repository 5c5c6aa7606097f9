import type { FastifyInstance, FastifyReply } from 'fastify';
import { isTradeMethod, responseKey, type AlipayTradeMethod } from '../../../channels/alipay/wire';
import { signedResponseText, type AlipayParams } from '../../../infra/alipay';
import { confirm, showCashier, showTrade, submitCashier } from './cashier';
import { ALIPAY_GATEWAY_PATH, GatewayError, business, find, type AlipayGateway } from './gateway';
import { refundQuery } from './operations/refund-query';
import { tradeClose } from './operations/trade-close';
import { tradeCreate } from './operations/trade-create';
import { tradeQuery } from './operations/trade-query';
import { tradeRefund } from './operations/trade-refund';
import type { TradeOperation } from './operations/types';
import { wapPay } from './operations/wap-pay';
import { checkRequest, requestParams } from './request';
import { fundOperation, isFundMethod } from './operations/fund-transfer';

/**
 * Alipay's gateway is one URL (gateway.do) whose `method` parameter names the operation: this
 * router checks the request as Alipay does, runs the method's operation and signs its answer
 * ({"<method>_response":{...},"sign":"..."}).
 */
const TRADE_OPERATIONS: Record<Exclude<AlipayTradeMethod, 'alipay.trade.create' | 'alipay.trade.wap.pay'>, TradeOperation> = {
  'alipay.trade.query': tradeQuery,
  'alipay.trade.close': tradeClose,
  'alipay.trade.refund': tradeRefund,
  'alipay.trade.fastpay.refund.query': refundQuery,
};

function api(gw: AlipayGateway, method: Exclude<AlipayTradeMethod, 'alipay.trade.wap.pay'>, params: AlipayParams, biz: Record<string, unknown>): Record<string, unknown> {
  if (method === 'alipay.trade.create') return tradeCreate(gw, params, biz);
  if (!biz.out_trade_no && !biz.trade_no) throw business('ACQ.INVALID_PARAMETER', 'out_trade_no 和 trade_no 不能同时为空');
  const trade = find(gw, biz);
  if (!trade) throw business('ACQ.TRADE_NOT_EXIST', '交易不存在');
  return TRADE_OPERATIONS[method](gw, trade, biz);
}

const sendJson = (gw: AlipayGateway, reply: FastifyReply, node: string, value: unknown) =>
  reply.code(200).header('content-type', 'application/json; charset=utf-8').send(signedResponseText(node, value, gw.alipayPrivateKey));

function handleGateway(gw: AlipayGateway, params: AlipayParams, reply: FastifyReply): FastifyReply {
  const method = params.method;
  if (isFundMethod(method)) {
    try {
      return sendJson(gw, reply, responseKey(method), fundOperation(gw, method, params, checkRequest(gw, params)));
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return sendJson(gw, reply, responseKey(method), { code: err.code, msg: err.msg, sub_code: err.subCode, sub_msg: err.subMsg });
    }
  }
  if (!isTradeMethod(method)) {
    return sendJson(gw, reply, 'error_response', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' });
  }
  if (method === 'alipay.trade.wap.pay') return wapPay(gw, params, reply);
  try {
    const biz = checkRequest(gw, params);
    return sendJson(gw, reply, responseKey(method), api(gw, method, params, biz));
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return sendJson(gw, reply, responseKey(method), { code: err.code, msg: err.msg, sub_code: err.subCode, sub_msg: err.subMsg });
  }
}

export function registerRoutes(app: FastifyInstance, gw: AlipayGateway): void {
  // POSTs of trade methods, ahead of whatever else serves gateway.do (the login stand-in).
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    const q = req.url.indexOf('?');
    if ((q >= 0 ? req.url.slice(0, q) : req.url) !== ALIPAY_GATEWAY_PATH) return;
    const params = requestParams(req);
    if (!isTradeMethod(params.method) && !isFundMethod(params.method)) return;
    return handleGateway(gw, params, reply);
  });
  app.get(ALIPAY_GATEWAY_PATH, async (req, reply) => handleGateway(gw, requestParams(req), reply));

  app.get<{ Params: { tradeNo: string } }>('/sandbox/alipay/cashier/:tradeNo', async (req, reply) => showCashier(gw, req, reply));
  app.post<{ Params: { tradeNo: string; action: string } }>('/sandbox/alipay/cashier/:tradeNo/:action', async (req, reply) => submitCashier(gw, req, reply));
  app.post('/sandbox/alipay/confirm', async (req, reply) => confirm(gw, req, reply));
  app.get<{ Params: { paymentNo: string } }>('/sandbox/alipay/trades/:paymentNo', async (req, reply) => showTrade(gw, req, reply));
}
