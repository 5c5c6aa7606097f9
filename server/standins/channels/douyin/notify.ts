import type { BuildOptions, NotificationRequest } from '../notifier';
import type { DouyinGateway, Refund, Trade } from './gateway';
import { platformHeaders } from './signing';

/**
 * The callback sender: { msg, type: payment | refund, version: '3.0' } to payNotifyUrl /
 * notify_url (else the app's default callback URL), signed with Douyin's key, through the shared
 * notifier on the published schedule until answered { err_no: 0 }.
 */
function isAck(status: number, body: string): boolean {
  if (status !== 200) return false;
  try {
    const v: unknown = JSON.parse(body);
    return !!v && typeof v === 'object' && 'err_no' in v && v.err_no === 0;
  } catch {
    return false;
  }
}

function notify(gw: DouyinGateway, url: string, type: 'payment' | 'refund', msg: Record<string, unknown>, amountField: string): void {
  gw.notifier.send({
    channel: 'douyin',
    url,
    build(o: BuildOptions): NotificationRequest {
      const m = o.changeAmount ? { ...msg, [amountField]: Number(msg[amountField]) + 1 } : msg;
      const body = JSON.stringify({ msg: JSON.stringify(m), type, version: '3.0' });
      return {
        headers: { ...platformHeaders(gw, body, o.corruptSignature), 'byte-identifyname': type === 'payment' ? '/common/trade/payment_callback' : '/common/trade/refund_callback' },
        body,
      };
    },
    isAck,
  });
}

export function notifyPayment(gw: DouyinGateway, t: Trade): void {
  const success = t.status === 'SUCCESS';
  const msg: Record<string, unknown> = {
    app_id: t.appId,
    out_order_no: t.outOrderNo,
    order_id: t.orderId,
    status: success ? 'SUCCESS' : 'CANCEL',
    total_amount: t.totalAmount,
    discount_amount: 0,
    ...(success ? { pay_channel: t.payChannel, channel_pay_id: t.channelPayId, merchant_uid: t.merchantUid, user_bill_pay_id: `BP${t.channelPayId}` } : { message: t.message }),
    event_time: success ? t.payTime : gw.ctx.now(),
    cp_extra: '',
  };
  notify(gw, t.payNotifyUrl, 'payment', msg, 'total_amount');
}

export function notifyRefund(gw: DouyinGateway, r: Refund, appId: string): void {
  const msg: Record<string, unknown> = {
    app_id: appId,
    status: r.status === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
    order_id: r.orderId,
    cp_extra: r.cpExtra,
    message: r.status === 'SUCCESS' ? '' : 'refund failed',
    event_time: r.refundAt ?? gw.ctx.now(),
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    refund_total_amount: r.amount,
    is_all_settled: false,
    refund_item_detail: { item_order_quantity: 1, item_order_detail: [{ item_order_id: r.itemOrderId, refund_amount: r.amount }] },
  };
  notify(gw, r.notifyUrl, 'refund', msg, 'refund_total_amount');
}
