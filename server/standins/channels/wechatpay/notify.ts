import { createCipheriv, randomUUID } from 'node:crypto';
import { rfc3339Cst } from '../../../channels/wechatpay/wire';
import type { BuildOptions, NotificationRequest, OutgoingNotification } from '../notifier';
import { nonceStr, type Bill, type Merchant, type Refund, type Trade, type WechatpayGateway } from './gateway';
import { rsaSign } from './signing';
import { transactionView } from './views';

/**
 * The notification sender: TRANSACTION.SUCCESS and REFUND.* to the notify_url, the resource
 * AES-256-GCM encrypted with the merchant's APIv3 key, the request signed with WeChat Pay's key,
 * retried on WeChat's schedule until answered with 200/204.
 */
const isAck = (status: number, body: string) => {
  if (status === 204) return true;
  if (status !== 200) return false;
  if (body.trim() === '') return true;
  try {
    const parsed: unknown = JSON.parse(body);
    return !(parsed && typeof parsed === 'object' && 'code' in parsed && parsed.code === 'FAIL');
  } catch {
    return true;
  }
};

/** AEAD_AES_256_GCM as WeChat Pay uses it: base64(ciphertext || 16-byte tag). */
function aesGcmEncrypt(plaintext: string, key: string, nonce: string, aad: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** A signed, encrypted notification as WeChat Pay sends it; fresh timestamp and nonces per attempt. */
export function envelope(gw: WechatpayGateway, merchant: Merchant, eventType: string, originalType: string, summary: string, resource: object, o: BuildOptions): NotificationRequest {
  const aesNonce = nonceStr(12);
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339Cst(gw.ctx.now()),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary,
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: aesGcmEncrypt(JSON.stringify(resource), merchant.apiV3Key, aesNonce, originalType),
      associated_data: originalType,
      nonce: aesNonce,
    },
  });
  const timestamp = String(Math.floor(gw.ctx.now() / 1000));
  const nonce = nonceStr(32);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/4.0',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': gw.publicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      'wechatpay-signature': rsaSign(`${timestamp}\n${nonce}\n${body}\n`, o.corruptSignature ? gw.strangerKey : gw.platformKey),
    },
    body,
  };
}

export function notifyPaid(gw: WechatpayGateway, t: Trade): void {
  const merchant = gw.merchants.get(t.mchid);
  if (!merchant) return;
  const n: OutgoingNotification = {
    channel: 'wechatpay',
    url: t.notifyUrl,
    build: (o) => envelope(gw, merchant, 'TRANSACTION.SUCCESS', 'transaction', '支付成功', transactionView(t, o.changeAmount ? 1 : 0), o),
    isAck,
  };
  gw.notifier.send(n);
}

export function notifyRefund(gw: WechatpayGateway, r: Refund): void {
  const merchant = gw.merchants.get(r.mchid);
  if (!merchant) return;
  const eventType = r.status === 'SUCCESS' ? 'REFUND.SUCCESS' : r.status === 'CLOSED' ? 'REFUND.CLOSED' : 'REFUND.ABNORMAL';
  const summary = r.status === 'SUCCESS' ? '退款成功' : r.status === 'CLOSED' ? '退款关闭' : '退款异常';
  const resource = (delta: number) => ({
    mchid: r.mchid,
    out_trade_no: r.outTradeNo,
    transaction_id: r.transactionId,
    out_refund_no: r.outRefundNo,
    refund_id: r.refundId,
    refund_status: r.status,
    ...(r.successTime ? { success_time: rfc3339Cst(r.successTime) } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: r.total, refund: r.refund + delta, payer_total: r.total, payer_refund: r.refund + delta },
  });
  gw.notifier.send({
    channel: 'wechatpay',
    url: r.notifyUrl,
    build: (o) => envelope(gw, merchant, eventType, 'refund', summary, resource(o.changeAmount ? 1 : 0), o),
    isAck,
  });
}

/** MCHTRANSFER.BILL.FINISHED: a merchant transfer reached SUCCESS, FAIL or CANCELLED. */
export function notifyBillFinished(gw: WechatpayGateway, b: Bill): void {
  const merchant = gw.merchants.get(b.mchid);
  if (!merchant || !b.notifyUrl) return;
  const resource = (delta: number) => ({
    mchid: b.mchid,
    out_bill_no: b.outBillNo,
    transfer_bill_no: b.transferBillNo,
    state: b.state,
    transfer_amount: b.amount + delta,
    ...(b.failReason ? { fail_reason: b.failReason } : {}),
    openid: b.openid,
    create_time: rfc3339Cst(b.createdAt),
    update_time: rfc3339Cst(b.updatedAt),
  });
  gw.notifier.send({
    channel: 'wechatpay',
    url: b.notifyUrl,
    build: (o) => envelope(gw, merchant, 'MCHTRANSFER.BILL.FINISHED', 'mch_payment', '商家转账单据终态通知', resource(o.changeAmount ? 1 : 0), o),
    isAck,
  });
}
