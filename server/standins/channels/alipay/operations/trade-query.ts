import { cstTime, fenToYuan } from '../../../../channels/alipay/wire';
import { tradeFields } from '../gateway';
import type { TradeOperation } from './types';

/** alipay.trade.query: the trade's status and amounts. */
export const tradeQuery: TradeOperation = (_gw, trade) => {
  const paid = trade.paidAt !== null;
  return {
    code: '10000',
    msg: 'Success',
    ...tradeFields(trade),
    buyer_logon_id: 'san***@sandbox.com',
    trade_status: trade.status,
    total_amount: fenToYuan(trade.totalAmount),
    buyer_pay_amount: fenToYuan(paid ? trade.totalAmount : 0),
    receipt_amount: fenToYuan(paid ? trade.totalAmount : 0),
    point_amount: '0.00',
    invoice_amount: fenToYuan(paid ? trade.totalAmount : 0),
    ...(trade.paidAt !== null ? { send_pay_date: cstTime(trade.paidAt) } : {}),
    ...(trade.buyerId ? { buyer_user_id: trade.buyerId } : {}),
    ...(trade.buyerOpenId ? { buyer_open_id: trade.buyerOpenId } : {}),
    subject: trade.subject,
  };
};
