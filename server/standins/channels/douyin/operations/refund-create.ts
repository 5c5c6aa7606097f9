import { z } from 'zod';
import { DOUYIN_ERR } from '../../../../channels/douyin/errors';
import { digits, later, type Refund } from '../gateway';
import { notifyRefund } from '../notify';
import { apiAnswer } from '../signing';
import { refresh, refundedAmount } from '../trades';
import type { ApiOperation } from './types';

/**
 * POST /api/trade_basic/v1/developer/refund_create/ { order_id, out_refund_no, refund_total_amount, ... }:
 * a developer-initiated refund, PROCESSING and then SUCCESS (3 s, compressed) with a refund
 * callback. The same refund number again is the same refund.
 */
const REFUND_PROCESSING_MS = 3000;

const refundCreateBody = z.object({
  order_id: z.string().min(1),
  out_refund_no: z.string().min(1).max(64),
  cp_extra: z.string().max(2048).optional(),
  order_entry_schema: z.object({ path: z.string().min(1), params: z.string().optional() }),
  notify_url: z.string().url().optional(),
  refund_reason: z.array(z.object({ code: z.number().int(), text: z.string().max(50) })).min(1).max(10),
  refund_total_amount: z.number().int().min(1),
  item_order_detail: z.array(z.object({ item_order_id: z.string().min(1), refund_amount: z.number().int().min(1) })).max(100).optional(),
  refund_all: z.boolean().optional(),
});

export const createRefund: ApiOperation = (gw, a, reply) => {
  const parsed = refundCreateBody.safeParse(a.body);
  if (!parsed.success) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, `参数错误: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, null);
  const b = parsed.data;
  const key = `${a.appId}:${b.out_refund_no}`;
  const existing = gw.refunds.get(key);
  const t = [...gw.trades.values()].find((x) => x.orderId === b.order_id && x.appId === a.appId);
  if (existing) {
    // The same refund number again is the same refund: never refunded twice.
    if (existing.orderId !== b.order_id || existing.amount !== b.refund_total_amount) {
      return apiAnswer(gw, reply, DOUYIN_ERR.refundConflict, '退款单号已存在且参数不一致', null);
    }
    return apiAnswer(gw, reply, 0, '', { refund_id: existing.refundId, refund_audit_deadline: existing.createdAt + 3 * 86_400_000 });
  }
  if (!t) return apiAnswer(gw, reply, DOUYIN_ERR.orderNotFound, '订单不存在', null);
  refresh(gw, t);
  if (t.status !== 'SUCCESS') return apiAnswer(gw, reply, DOUYIN_ERR.orderNotPaid, '订单未支付', null);
  const remaining = t.totalAmount - refundedAmount(t);
  const amount = b.refund_all ? remaining : b.refund_total_amount;
  if (b.refund_all && b.refund_total_amount !== remaining) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: refund_total_amount 与整单可退金额不一致', null);
  if (!b.refund_all) {
    const detail = b.item_order_detail ?? [];
    if (detail.length === 0) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: refund_all=false 时 item_order_detail 必填', null);
    if (detail.some((d) => d.item_order_id !== t.itemOrderId)) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: item_order_id 不属于该订单', null);
    if (detail.reduce((s, d) => s + d.refund_amount, 0) !== amount) return apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: item_order_detail 金额之和与 refund_total_amount 不一致', null);
  }
  if (amount > remaining || amount <= 0) return apiAnswer(gw, reply, DOUYIN_ERR.refundExceeds, '退款金额超过可退金额', null);
  const r: Refund = {
    refundId: `rf${digits(19)}`,
    outRefundNo: b.out_refund_no,
    orderId: t.orderId,
    outOrderNo: t.outOrderNo,
    amount,
    reason: b.refund_reason.map((x) => x.text).join(';'),
    notifyUrl: b.notify_url ?? gw.defaultNotifyUrl(),
    cpExtra: b.cp_extra ?? '',
    status: 'PROCESSING',
    createdAt: gw.ctx.now(),
    refundAt: null,
    itemOrderId: t.itemOrderId,
  };
  gw.refunds.set(key, r);
  t.refunds.push(r);
  later(gw, Math.max(1, Math.round(REFUND_PROCESSING_MS * gw.ctx.timeScale)), () => {
    r.status = 'SUCCESS';
    r.refundAt = gw.ctx.now();
    notifyRefund(gw, r, t.appId);
  });
  return apiAnswer(gw, reply, 0, '', { refund_id: r.refundId, refund_audit_deadline: r.createdAt + 3 * 86_400_000 });
};
