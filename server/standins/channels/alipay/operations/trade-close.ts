import { business, tradeFields } from '../gateway';
import type { TradeOperation } from './types';

/** alipay.trade.close: an unpaid trade closes (without a notification). */
export const tradeClose: TradeOperation = (gw, trade) => {
  if (trade.status !== 'WAIT_BUYER_PAY') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  trade.status = 'TRADE_CLOSED';
  trade.closedAt = gw.ctx.now();
  return { code: '10000', msg: 'Success', ...tradeFields(trade) };
};
