import type { AlipayParams } from '../../../../infra/alipay';
import type { AlipayGateway, Trade } from '../gateway';

/** A method that opens a trade: the request's parameters and biz_content to the answer node's value. */
export type CreateOperation = (gw: AlipayGateway, params: AlipayParams, biz: Record<string, unknown>) => Record<string, unknown>;

/** A method on an existing trade (found by out_trade_no or trade_no): the trade and biz_content to the answer node's value. */
export type TradeOperation = (gw: AlipayGateway, trade: Trade, biz: Record<string, unknown>) => Record<string, unknown>;
