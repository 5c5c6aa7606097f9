import type { FastifyReply } from 'fastify';
import type { AlipayParams } from '../../../../infra/alipay';
import { cashierPage, messagePage, sendHtml } from '../cashier';
import { GatewayError, business, type AlipayGateway } from '../gateway';
import { checkRequest } from '../request';
import { createTrade } from './create-trade';

/**
 * alipay.trade.wap.pay (QUICK_WAP_WAY): a browser form post or a signed link. Opens the trade
 * and renders the cashier page; a bad request renders an error page (no JSON answer).
 */
export function wapPay(gw: AlipayGateway, params: AlipayParams, reply: FastifyReply): FastifyReply {
  try {
    const biz = checkRequest(gw, params);
    const trade = createTrade(gw, params, biz, 'QUICK_WAP_WAY');
    if (trade.status !== 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    return sendHtml(reply, 200, cashierPage(trade));
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return sendHtml(reply, 200, messagePage('支付请求错误', `${err.subMsg}（${err.subCode}）`));
  }
}
