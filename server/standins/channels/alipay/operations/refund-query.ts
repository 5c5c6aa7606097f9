import { cstTime, fenToYuan } from '../../../../channels/alipay/wire';
import { stringField, tradeFields } from '../gateway';
import type { TradeOperation } from './types';

/** alipay.trade.fastpay.refund.query: one refund of the trade by out_request_no (no refund_status when there is none). */
export const refundQuery: TradeOperation = (_gw, trade, biz) => {
  const outRequestNo = stringField(biz, 'out_request_no', 64, true) as string;
  const r = trade.refunds.get(outRequestNo);
  if (!r) return { code: '10000', msg: 'Success', ...tradeFields(trade), out_request_no: outRequestNo };
  return {
    code: '10000',
    msg: 'Success',
    ...tradeFields(trade),
    out_request_no: outRequestNo,
    total_amount: fenToYuan(trade.totalAmount),
    refund_amount: fenToYuan(r.amount),
    refund_status: 'REFUND_SUCCESS',
    gmt_refund_pay: cstTime(r.at),
    ...(r.reason ? { refund_reason: r.reason } : {}),
  };
};
