import { DOUYIN_ERR } from '../../../../channels/douyin/errors';
import { apiAnswer } from '../signing';
import { refresh } from '../trades';
import type { ApiOperation } from './types';

/** POST /api/trade_basic/v1/developer/order_query/ { out_order_no | order_id }: the order and its payment. */
export const queryOrder: ApiOperation = (gw, a, reply) => {
  const outOrderNo = typeof a.body.out_order_no === 'string' ? a.body.out_order_no : '';
  const orderId = typeof a.body.order_id === 'string' ? a.body.order_id : '';
  if (!outOrderNo && !orderId) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: order_id 与 out_order_no 二选一', null);
  const found = outOrderNo ? gw.trades.get(outOrderNo) : [...gw.trades.values()].find((t) => t.orderId === orderId);
  const t = found && found.appId === a.appId && (!orderId || found.orderId === orderId) ? refresh(gw, found) : null;
  if (!t) return apiAnswer(gw, reply, DOUYIN_ERR.orderNotFound, '订单不存在', null);
  return apiAnswer(gw, reply, 0, '', {
    app_id: t.appId,
    order_id: t.orderId,
    out_order_no: t.outOrderNo,
    pay_status: t.status,
    total_amount: t.totalAmount,
    discount_amount: 0,
    refund_amount: t.refunds.filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amount, 0),
    settle_amount: 0,
    trade_time: t.createdAt,
    ...(t.status === 'SUCCESS' ? { pay_time: t.payTime, pay_channel: t.payChannel, channel_pay_id: t.channelPayId } : {}),
    merchant_uid: t.merchantUid,
    item_order_list: [{ item_order_id: t.itemOrderId, sku_id: t.skuId, item_order_amount: t.totalAmount }],
    cp_extra: '',
    message: t.message ?? '',
  });
};
