import { cstTime, fenToYuan, yuanToFen } from '../../../../channels/alipay/wire';
import { business, stringField, tradeFields, type Refund } from '../gateway';
import { notify } from '../notify';
import type { TradeOperation } from './types';

/**
 * alipay.trade.refund: answered synchronously. The same out_request_no is the same refund,
 * answered again and never refunded twice. With options.refundNotifications, the trade
 * notification a refund can also cause is sent.
 */
export const tradeRefund: TradeOperation = (gw, trade, biz) => {
  const amount = yuanToFen(biz.refund_amount);
  if (amount === null || amount < 1) throw business('ACQ.INVALID_PARAMETER', '参数无效: refund_amount');
  const outRequestNo = stringField(biz, 'out_request_no', 64, false) ?? trade.outTradeNo;
  const previous = trade.refunds.get(outRequestNo);
  const answer = (fundChange: 'Y' | 'N', r: Refund) => ({
    code: '10000',
    msg: 'Success',
    ...tradeFields(trade),
    buyer_logon_id: 'san***@sandbox.com',
    fund_change: fundChange,
    refund_fee: fenToYuan(trade.refundedAmount),
    send_back_fee: fenToYuan(r.amount),
    gmt_refund_pay: cstTime(r.at),
    ...(trade.buyerId ? { buyer_user_id: trade.buyerId } : {}),
  });
  if (previous) {
    // The same out_request_no is the same refund: answered again, never refunded twice.
    if (previous.amount !== amount) throw business('ACQ.CONTEXT_INCONSISTENT', '参数不一致: 同一退款请求号的退款金额不同');
    return answer('N', previous);
  }
  if (trade.paidAt === null || trade.status === 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (trade.status === 'TRADE_FINISHED') throw business('ACQ.TRADE_HAS_FINISHED', '交易已完结');
  if (trade.status === 'TRADE_CLOSED') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
  if (trade.refundedAmount + amount > trade.totalAmount) throw business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
  const r: Refund = { outRequestNo, amount, reason: typeof biz.refund_reason === 'string' ? biz.refund_reason : '', at: gw.ctx.now() };
  trade.refunds.set(outRequestNo, r);
  trade.refundedAmount += amount;
  if (trade.refundedAmount === trade.totalAmount) {
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = r.at;
  }
  if (gw.refundNotifications) notify(gw, trade, r);
  return answer('Y', r);
};
