import { z } from 'zod';
import { digits, later, tradeKey, ymd, type Merchant, type Refund, type WechatpayGateway } from '../gateway';
import { notifyRefund } from '../notify';
import { WxError, paramError, parseBody } from '../signing';
import { refundView } from '../views';
import { notifyUrlSchema } from './create-trade';
import type { V3Operation } from './types';

/**
 * POST /v3/refund/domestic/refunds -> the refund: PROCESSING, then SUCCESS after 1 s
 * (compressed) with a REFUND.SUCCESS notification. The refund number is the idempotency key.
 */
const MAX_REFUNDS_PER_TRADE = 50;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

const refundSchema = z.object({
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  out_refund_no: z.string().regex(OUT_REFUND_NO, 'out_refund_no: 1-64 of [0-9A-Za-z_-|*@]'),
  reason: z.string().max(80).optional(),
  notify_url: notifyUrlSchema.optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.literal('CNY') }),
});

function createRefund(gw: WechatpayGateway, merchant: Merchant, req: z.infer<typeof refundSchema>): Refund {
  const existing = gw.refunds.get(tradeKey(merchant.mchId, req.out_refund_no));
  if (req.out_trade_no === undefined && req.transaction_id === undefined) throw paramError('transaction_id和out_trade_no必须二选一');
  const trade = req.out_trade_no !== undefined ? gw.trades.get(tradeKey(merchant.mchId, req.out_trade_no)) : gw.byTransactionId.get(req.transaction_id ?? '');
  if (!trade || trade.mchid !== merchant.mchId) throw new WxError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  const fingerprint = JSON.stringify([trade.outTradeNo, req.amount.refund, req.amount.total]);
  if (existing) {
    // The refund number is the idempotency key: a retry answers the same refund.
    if (existing.fingerprint !== fingerprint) throw new WxError(400, 'INVALID_REQUEST', '同一退款单号多次请求，请求参数与原请求不一致');
    return existing;
  }
  if (trade.state !== 'SUCCESS' && trade.state !== 'REFUND') throw new WxError(400, 'INVALID_REQUEST', '订单未支付，不能发起退款');
  if (req.amount.total !== trade.total) throw paramError('订单金额或退款金额与之前请求不一致，请核实后再试');
  const active = trade.refundNos.map((no) => gw.refunds.get(tradeKey(merchant.mchId, no))).filter((r): r is Refund => !!r && r.status !== 'CLOSED' && r.status !== 'ABNORMAL');
  if (trade.refundNos.length >= MAX_REFUNDS_PER_TRADE) throw new WxError(403, 'INVALID_REQUEST', '部分退款次数已达上限（50次）');
  const refunded = active.reduce((sum, r) => sum + r.refund, 0);
  if (refunded + req.amount.refund > trade.total) throw new WxError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额，请核实后再试');
  const at = gw.ctx.now();
  const r: Refund = {
    mchid: merchant.mchId,
    outRefundNo: req.out_refund_no,
    refundId: `50${digits(7)}${ymd(at)}${digits(12)}`,
    outTradeNo: trade.outTradeNo,
    transactionId: trade.transactionId ?? '',
    reason: req.reason ?? null,
    notifyUrl: req.notify_url ?? trade.notifyUrl,
    refund: req.amount.refund,
    total: req.amount.total,
    status: 'PROCESSING',
    createdAt: at,
    successTime: null,
    fingerprint,
  };
  gw.refunds.set(tradeKey(merchant.mchId, r.outRefundNo), r);
  trade.refundNos.push(r.outRefundNo);
  trade.state = 'REFUND';
  // The money reaches the payer's balance shortly after (1 s, compressed).
  later(gw, Math.max(1, Math.round(1000 * gw.ctx.timeScale)), () => {
    if (r.status !== 'PROCESSING') return;
    r.status = 'SUCCESS';
    r.successTime = gw.ctx.now();
    notifyRefund(gw, r);
  });
  return r;
}

export const refund: V3Operation = (gw, req, merchant) => {
  const r = createRefund(gw, merchant, parseBody(req, refundSchema));
  return { status: 200, body: refundView(r) };
};
