import { DOUYIN_ERR } from '../../../../channels/douyin/errors';
import { apiAnswer } from '../signing';
import type { ApiOperation } from './types';

/** POST /api/trade_basic/v1/developer/refund_query/ { out_refund_no | refund_id | order_id }: the matching refunds. */
export const queryRefund: ApiOperation = (gw, a, reply) => {
  const pick = (k: string) => (typeof a.body[k] === 'string' ? (a.body[k] as string) : '');
  const refundId = pick('refund_id');
  const outRefundNo = pick('out_refund_no');
  const orderId = pick('order_id');
  if (!refundId && !outRefundNo && !orderId) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: refund_id, out_refund_no, order_id 三选一', null);
  const list = [...gw.refunds.entries()]
    .filter(([k]) => k.startsWith(`${a.appId}:`))
    .map(([, r]) => r)
    .filter((r) => (refundId ? r.refundId === refundId : outRefundNo ? r.outRefundNo === outRefundNo : r.orderId === orderId));
  if (list.length === 0) return apiAnswer(gw, reply, DOUYIN_ERR.refundNotFound, '退款单不存在', null);
  return apiAnswer(gw, reply, 0, '', {
    refund_list: list.map((r) => ({
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      order_id: r.orderId,
      refund_status: r.status,
      refund_total_amount: r.amount,
      create_at: r.createdAt,
      refund_at: r.refundAt ?? 0,
      message: '',
      item_order_detail: [{ item_order_id: r.itemOrderId, refund_amount: r.amount }],
      merchant_audit_detail: { audit_status: '', need_refund_audit: 2, refund_audit_deadline: 0 },
    })),
  });
};
