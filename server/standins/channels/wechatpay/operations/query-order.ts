import type { FastifyRequest } from 'fastify';
import { tradeKey, type Merchant, type Trade, type WechatpayGateway } from '../gateway';
import { WxError, paramError } from '../signing';
import { transactionView } from '../views';
import type { V3Operation } from './types';

/**
 * GET /v3/pay/transactions/out-trade-no/{no}?mchid= and GET /v3/pay/transactions/id/{transaction_id}?mchid=:
 * the transaction.
 */
export function tradeOf(gw: WechatpayGateway, merchant: Merchant, outTradeNo: string): Trade {
  const t = gw.trades.get(tradeKey(merchant.mchId, outTradeNo));
  if (!t) throw new WxError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return t;
}

function requireMchidQuery(req: FastifyRequest, merchant: Merchant): void {
  const mchid = (req.query as Record<string, unknown> | undefined)?.mchid;
  if (typeof mchid !== 'string' || mchid === '') throw paramError('输入源"/uri_template/mchid"映射到字段"直连商户号"必填性规则校验失败，此字段为必填项');
  if (mchid !== merchant.mchId) throw paramError('mchid与Authorization中的商户号不一致');
}

export const queryByOutTradeNo: V3Operation = (gw, req, merchant) => {
  requireMchidQuery(req, merchant);
  const { no } = req.params as { no: string };
  return { status: 200, body: transactionView(tradeOf(gw, merchant, no)) };
};

export const queryByTransactionId: V3Operation = (gw, req, merchant) => {
  requireMchidQuery(req, merchant);
  const t = gw.byTransactionId.get((req.params as { id: string }).id);
  if (!t || t.mchid !== merchant.mchId) throw new WxError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return { status: 200, body: transactionView(t) };
};
