import type { DouyinGateway, Trade } from './gateway';
import { notifyPayment } from './notify';

/** An order's own lifecycle: its pay window ending, what it has refunded, the stand-in's view of it. */

/** Applies the timeout an unpaid order reaches when its pay window ends (a CANCEL callback, TIME_OUT). */
export function refresh(gw: DouyinGateway, t: Trade): Trade {
  if (t.status === 'PROCESS' && gw.ctx.now() >= t.expiresAt) {
    t.status = 'TIMEOUT';
    t.message = 'TIME_OUT';
    notifyPayment(gw, t);
  }
  return t;
}

export const refundedAmount = (t: Trade) => t.refunds.filter((r) => r.status !== 'FAIL').reduce((s, r) => s + r.amount, 0);

export function tradeView(t: Trade) {
  return {
    appId: t.appId,
    orderId: t.orderId,
    outOrderNo: t.outOrderNo,
    status: t.status,
    message: t.message,
    totalAmount: t.totalAmount,
    merchantUid: t.merchantUid,
    payNotifyUrl: t.payNotifyUrl,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    payTime: t.payTime,
    channelPayId: t.channelPayId,
    refundedAmount: refundedAmount(t),
    refunds: t.refunds.map((r) => ({ ...r })),
  };
}
