import type { PayoutAdapter, TransferInput, TransferState, VerifiedTransferNotification } from '../payout';
import { ChannelError, NotificationRejected, type RawNotification } from '../types';
import type { ChannelFetch } from '../http';
import { createAlipayClient, str, type Fields } from './client';
import type { AlipayConfig } from './config';
import { fenToYuan, yuanToFen } from './wire';

/**
 * Alipay's single fund transfer to an Alipay account (单笔转账), for promoters' withdrawals:
 *
 *   alipay.fund.trans.uni.transfer    product_code TRANS_ACCOUNT_NO_PWD, biz_scene DIRECT_TRANSFER,
 *                                     payee_info { identity, identity_type ALIPAY_USER_ID | ALIPAY_OPEN_ID }
 *   alipay.fund.trans.common.query    by out_biz_no
 *   message alipay.fund.trans.order.changed (form POST to the app's gateway address, signed
 *   like notifications; answered "success")
 *
 * Statuses: SUCCESS; DEALING (not final); FAIL, CLOSED and REFUND (the money came back): failed.
 * The same out_biz_no is the same transfer: a repeat answers it again, never pays twice.
 */
const CHANNEL = 'alipay' as const;
const PRODUCT_CODE = 'TRANS_ACCOUNT_NO_PWD';
const BIZ_SCENE = 'DIRECT_TRANSFER';
export const TRANSFER_MESSAGE_METHOD = 'alipay.fund.trans.order.changed';
/** A message older or newer than this (utc_timestamp) is refused, as notifications are. */
const MESSAGE_WINDOW_MS = 5 * 60 * 1000;

/**
 * alipay.fund.trans.uni.transfer business errors a retry with the same out_biz_no can get past:
 * Alipay's own trouble and a payer account that may be topped up. Every other business error
 * (PAYEE_NOT_EXIST, PAYEE_ACCOUNT_STATUS_ERROR, PAYEE_USERINFO_STATUS_ERROR, EXCEED_LIMIT_*, ...)
 * refuses the transfer for good.
 */
export const TRANSIENT_TRANSFER_SUB_CODES: readonly string[] = ['SYSTEM_ERROR', 'PAYER_BALANCE_NOT_ENOUGH', 'aop.SYSTEM_ERROR', 'isp.unknow-error', 'ACQ.SYSTEM_ERROR'];

/** 2088 + 12 digits is a user id; anything else the newer open id. */
export const alipayIdentityType = (payee: string) => (/^2088\d{12}$/.test(payee) ? 'ALIPAY_USER_ID' : 'ALIPAY_OPEN_ID');

export function alipayTransferState(status: string, billNo: string | null, failReason: string | null): TransferState {
  const final = status === 'SUCCESS' ? 'succeeded' : status === 'FAIL' || status === 'CLOSED' || status === 'REFUND' ? 'failed' : 'processing';
  return { status: final, channelState: status, billNo, packageInfo: null, failReason };
}

export function createAlipayTransferAdapter(config: AlipayConfig, opts: { fetchImpl?: ChannelFetch; now?: () => number } = {}): PayoutAdapter {
  const now = opts.now ?? Date.now;
  const { call, expectOk, fail, verifiedParams } = createAlipayClient(config, opts);

  const stateOf = (data: Fields, transferNo: string, method: string): TransferState => {
    if (data.out_biz_no !== undefined && data.out_biz_no !== transferNo) throw fail(`${method}: the answer is about out_biz_no ${String(data.out_biz_no)}, not ${transferNo}`, 'MISMATCH');
    const status = str(data.status);
    if (!status) throw fail(`${method}: the answer has no status`, 'MALFORMED');
    return alipayTransferState(status, str(data.order_id), str(data.fail_reason) ?? str(data.error_code));
  };

  return {
    channel: CHANNEL,
    merchantNo: config.appId,
    appId: config.appId,

    async transfer(input: TransferInput): Promise<TransferState> {
      const r = await call(
        'alipay.fund.trans.uni.transfer',
        {
          out_biz_no: input.transferNo,
          trans_amount: fenToYuan(input.amount),
          product_code: PRODUCT_CODE,
          biz_scene: BIZ_SCENE,
          order_title: input.remark.slice(0, 128),
          payee_info: { identity: input.payee, identity_type: alipayIdentityType(input.payee) },
          remark: input.remark.slice(0, 200),
        },
        { notify_url: config.transferNotifyUrl },
      );
      if (!r.ok && r.code === '40004' && !TRANSIENT_TRANSFER_SUB_CODES.includes(r.subCode ?? '')) {
        throw new ChannelError(CHANNEL, r.message, r.subCode ?? r.code, { permanent: true });
      }
      return stateOf(expectOk(r), input.transferNo, 'alipay.fund.trans.uni.transfer');
    },

    async queryTransfer(transferNo: string): Promise<TransferState | null> {
      const r = await call('alipay.fund.trans.common.query', { out_biz_no: transferNo, product_code: PRODUCT_CODE, biz_scene: BIZ_SCENE });
      if (!r.ok && r.subCode === 'ORDER_NOT_EXIST') return null;
      return stateOf(expectOk(r), transferNo, 'alipay.fund.trans.common.query');
    },

    verifyTransferNotification(raw: RawNotification, at: number = now()): VerifiedTransferNotification {
      const params = verifiedParams(raw.rawBody, 'the message');
      if (params.msg_method !== TRANSFER_MESSAGE_METHOD) throw new NotificationRejected(`unsupported msg_method "${params.msg_method ?? ''}"`);
      for (const name of ['notify_id', 'utc_timestamp', 'app_id', 'biz_content']) if (!params[name]) throw new NotificationRejected(`${name} is missing`);
      const sentAt = Number(params.utc_timestamp);
      if (!/^\d{10,16}$/.test(params.utc_timestamp) || Math.abs(at - sentAt) > MESSAGE_WINDOW_MS) throw new NotificationRejected(`utc_timestamp ${params.utc_timestamp} is malformed or more than 5 minutes off`);
      let biz: Fields;
      try {
        const parsed: unknown = JSON.parse(params.biz_content);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        biz = parsed as Fields;
      } catch {
        throw new NotificationRejected('biz_content is not a JSON object');
      }
      const transferNo = str(biz.out_biz_no);
      const status = str(biz.status);
      const amount = yuanToFen(biz.trans_amount);
      if (!transferNo || !status || amount === null) throw new NotificationRejected('biz_content lacks out_biz_no, status or trans_amount');
      return {
        transferNo,
        amount,
        state: alipayTransferState(status, str(biz.order_id), str(biz.fail_reason) ?? str(biz.error_code)),
        merchantNo: params.app_id,
        notificationId: params.notify_id,
      };
    },

    // Alipay wants exactly "success"; anything else is a failure it retries.
    notifyFormat: { contentType: 'text/plain; charset=utf-8', success: 'success', failure: () => 'fail' },
  };
}
