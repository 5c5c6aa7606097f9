import { tradeFields } from '../gateway';
import { createTrade } from './create-trade';
import type { CreateOperation } from './types';

/** alipay.trade.create: the mini-program trade (JSAPI_PAY), paid with my.tradePay. */
export const tradeCreate: CreateOperation = (gw, params, biz) => {
  const trade = createTrade(gw, params, biz, 'JSAPI_PAY');
  return { code: '10000', msg: 'Success', ...tradeFields(trade) };
};
