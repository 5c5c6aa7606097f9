import { randomBytes } from 'node:crypto';
import { cstTime, fenToYuan, notifySignContent } from '../../../channels/alipay/wire';
import { rsa2Sign } from '../../../infra/alipay';
import type { BuildOptions, NotificationRequest, OutgoingNotification } from '../notifier';
import type { AlipayGateway, Refund, Trade } from './gateway';

/**
 * The notification sender: trade_status_sync form POSTs to the trade's notify_url, signed with
 * Alipay's key, acknowledged by the bare text "success", retried on Alipay's schedule (4m, 10m,
 * 10m, 1h, 2h, 6h, 15h, compressed). A refund's trade notification carries out_biz_no and
 * refund_fee.
 */
export function notify(gw: AlipayGateway, trade: Trade, refundMade?: Refund): void {
  if (!trade.notifyUrl) return;
  const url = trade.notifyUrl;
  const build = ({ corruptSignature, changeAmount }: BuildOptions): NotificationRequest => {
    const now = gw.ctx.now();
    const total = trade.totalAmount + (changeAmount ? 1 : 0);
    const paid = trade.paidAt !== null;
    const params: Record<string, string> = {
      notify_time: cstTime(now),
      notify_type: 'trade_status_sync',
      notify_id: `${randomBytes(16).toString('hex')}`,
      app_id: trade.appId,
      auth_app_id: trade.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      trade_status: trade.status,
      total_amount: fenToYuan(total),
      subject: trade.subject,
      seller_id: trade.sellerId,
      gmt_create: cstTime(trade.createdAt),
    };
    if (trade.buyerId) params.buyer_id = trade.buyerId;
    if (trade.buyerOpenId) params.buyer_open_id = trade.buyerOpenId;
    if (paid && trade.paidAt !== null) {
      Object.assign(params, {
        receipt_amount: fenToYuan(total),
        buyer_pay_amount: fenToYuan(total),
        invoice_amount: fenToYuan(total),
        point_amount: '0.00',
        gmt_payment: cstTime(trade.paidAt),
        fund_bill_list: JSON.stringify([{ amount: fenToYuan(total), fundChannel: 'ALIPAYACCOUNT' }]),
      });
    }
    if (trade.closedAt !== null && trade.status === 'TRADE_CLOSED') params.gmt_close = cstTime(trade.closedAt);
    if (refundMade) {
      params.out_biz_no = refundMade.outRequestNo;
      params.refund_fee = fenToYuan(trade.refundedAmount);
      params.gmt_refund = `${cstTime(refundMade.at)}.000`;
    }
    // A broken signature: signed with a key that is not Alipay's.
    params.sign = rsa2Sign(notifySignContent(params), corruptSignature ? gw.strangerKey : gw.alipayPrivateKey);
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(params).toString(),
    };
  };
  const n: OutgoingNotification = {
    channel: 'alipay',
    url,
    build,
    isAck: (status, body) => status === 200 && body.trim() === 'success',
  };
  gw.notifier.send(n);
  gw.ctx.log.info({ channel: 'alipay', outTradeNo: trade.outTradeNo, status: trade.status }, 'sandbox notification queued');
}
