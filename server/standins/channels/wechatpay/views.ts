import { rfc3339Cst } from '../../../channels/wechatpay/wire';
import type { Refund, Trade, TradeState } from './gateway';

/** Trades and refunds as WeChat Pay's API shows them (queries, answers and notifications). */
export const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
};

export function transactionView(t: Trade, amountDelta = 0): Record<string, unknown> {
  const paid = t.state === 'SUCCESS' || t.state === 'REFUND';
  return {
    appid: t.appid,
    mchid: t.mchid,
    out_trade_no: t.outTradeNo,
    ...(t.transactionId ? { transaction_id: t.transactionId } : {}),
    trade_type: t.tradeType,
    trade_state: t.state,
    trade_state_desc: TRADE_STATE_DESC[t.state],
    ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339Cst(t.successTime ?? t.createdAt) } : {}),
    attach: t.attach ?? '',
    ...(paid ? { payer: { openid: t.openid ?? '' } } : {}),
    amount: paid
      ? { total: t.total + amountDelta, payer_total: t.total + amountDelta, currency: t.currency, payer_currency: t.currency }
      : { total: t.total, currency: t.currency, payer_currency: t.currency },
  };
}

export function refundView(r: Refund, amountDelta = 0): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(r.successTime ? { success_time: rfc3339Cst(r.successTime) } : {}),
    create_time: rfc3339Cst(r.createdAt),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.total,
      refund: r.refund + amountDelta,
      from: [],
      payer_total: r.total,
      payer_refund: r.refund + amountDelta,
      settlement_refund: r.refund + amountDelta,
      settlement_total: r.total,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}
