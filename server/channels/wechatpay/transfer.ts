import { z } from 'zod';
import type { PayoutAdapter, TransferInput, TransferState, VerifiedTransferNotification } from '../payout';
import { ChannelError, NotificationRejected, type RawNotification } from '../types';
import { createWechatpayClient, WECHATPAY_NOTIFY_FORMAT, type WechatpayClientOptions } from './client';
import type { WechatpayConfig } from './config';

/**
 * WeChat Pay's merchant transfer (商家转账, the version where the payee confirms the transfer),
 * for promoters' withdrawals:
 *
 *   POST /v3/fund-app/mch-transfer/transfer-bills                         start (out_bill_no: ours)
 *   GET  /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}  query
 *   notification MCHTRANSFER.BILL.FINISHED (encrypted like payments')      a final state
 *
 * States: ACCEPTED, PROCESSING, TRANSFERING, CANCELING: not final; WAIT_USER_CONFIRM: the payee
 * confirms in WeChat (wx.requestMerchantTransfer with package_info); SUCCESS; FAIL and CANCELLED:
 * the money stays with the merchant. A repeat of the same out_bill_no answers the same bill.
 */
const CHANNEL = 'wechatpay' as const;

const billStates = ['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM', 'TRANSFERING', 'SUCCESS', 'FAIL', 'CANCELING', 'CANCELLED'] as const;
type BillState = (typeof billStates)[number];

const createAnswer = z.object({
  out_bill_no: z.string(),
  transfer_bill_no: z.string().min(1),
  create_time: z.string().optional(),
  state: z.enum(billStates),
  fail_reason: z.string().optional(),
  package_info: z.string().optional(),
});

const bill = z.object({
  mch_id: z.string(),
  out_bill_no: z.string(),
  transfer_bill_no: z.string().min(1),
  appid: z.string().optional(),
  state: z.enum(billStates),
  transfer_amount: z.number().int(),
  transfer_remark: z.string().optional(),
  fail_reason: z.string().optional(),
  openid: z.string().optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
});

const finishedResource = z.object({
  mchid: z.string(),
  out_bill_no: z.string(),
  transfer_bill_no: z.string().min(1),
  state: z.enum(billStates),
  transfer_amount: z.number().int(),
  fail_reason: z.string().optional(),
  openid: z.string().optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
});

/**
 * Refusals no retry with the same out_bill_no can get past (the bill was not made): a parameter
 * WeChat rejects, a request it will not take, a merchant without the product. SYSTEM_ERROR,
 * FREQUENCY_LIMITED, NOT_ENOUGH (the operating account is short: it may be topped up) and
 * transport errors are retried with the same number.
 */
export const PERMANENT_TRANSFER_CODES: readonly string[] = ['PARAM_ERROR', 'INVALID_REQUEST', 'NO_AUTH'];

export function transferStateOf(state: BillState, billNo: string | null, failReason: string | undefined, packageInfo?: string): TransferState {
  const status =
    state === 'SUCCESS' ? 'succeeded' : state === 'FAIL' || state === 'CANCELLED' ? 'failed' : state === 'WAIT_USER_CONFIRM' ? 'wait_user_confirm' : 'processing';
  return { status, channelState: state, billNo, packageInfo: status === 'wait_user_confirm' ? (packageInfo ?? null) : null, failReason: failReason ?? null };
}

export function createWechatpayTransferAdapter(config: WechatpayConfig, opts: WechatpayClientOptions = {}): PayoutAdapter {
  const now = opts.now ?? Date.now;
  const { call, parse, openNotification } = createWechatpayClient(config, opts);
  const enc = encodeURIComponent;

  async function transfer(input: TransferInput): Promise<TransferState> {
    let answer;
    try {
      answer = await call('POST', '/v3/fund-app/mch-transfer/transfer-bills', {
        appid: config.appId,
        out_bill_no: input.transferNo,
        transfer_scene_id: config.transferSceneId,
        openid: input.payee,
        transfer_amount: input.amount,
        transfer_remark: input.remark.slice(0, 32),
        notify_url: config.transferNotifyUrl,
        user_recv_perception: '推广佣金',
        transfer_scene_report_infos: [
          { info_type: '活动名称', info_content: '推广佣金' },
          { info_type: '奖励说明', info_content: '推广佣金提现' },
        ],
      });
    } catch (err) {
      if (err instanceof ChannelError && err.channelCode && PERMANENT_TRANSFER_CODES.includes(err.channelCode)) {
        throw new ChannelError(CHANNEL, err.message, err.channelCode, { permanent: true });
      }
      throw err;
    }
    const a = parse(createAnswer, answer.data, 'transfer');
    if (a.out_bill_no !== input.transferNo) throw new ChannelError(CHANNEL, `transfer: the answer names bill ${a.out_bill_no}, not ${input.transferNo}`, 'MISMATCH');
    return transferStateOf(a.state, a.transfer_bill_no, a.fail_reason, a.package_info);
  }

  async function queryTransfer(transferNo: string): Promise<TransferState | null> {
    let answer;
    try {
      answer = await call('GET', `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${enc(transferNo)}`);
    } catch (err) {
      if (err instanceof ChannelError && err.channelCode === 'NOT_FOUND') return null;
      throw err;
    }
    const b = parse(bill, answer.data, 'transfer query');
    if (b.out_bill_no !== transferNo || b.mch_id !== config.mchId) throw new ChannelError(CHANNEL, `transfer query ${transferNo}: the answer names another bill`, 'MISMATCH');
    // The query does not carry package_info: a transfer waiting for its payee keeps the one its start answered.
    return transferStateOf(b.state, b.transfer_bill_no, b.fail_reason);
  }

  function verifyTransferNotification(raw: RawNotification, at: number = now()): VerifiedTransferNotification {
    const { envelope, plain } = openNotification(raw, at);
    if (envelope.event_type !== 'MCHTRANSFER.BILL.FINISHED') throw new NotificationRejected(`unsupported event_type ${envelope.event_type}`);
    const r = finishedResource.safeParse(plain);
    if (!r.success) throw new NotificationRejected(`transfer bill resource malformed: ${r.error.issues[0]?.message ?? ''}`);
    const b = r.data;
    return { transferNo: b.out_bill_no, amount: b.transfer_amount, state: transferStateOf(b.state, b.transfer_bill_no, b.fail_reason), merchantNo: b.mchid, notificationId: envelope.id };
  }

  const notifyFormat = WECHATPAY_NOTIFY_FORMAT;

  return {
    channel: CHANNEL,
    get merchantNo() {
      return config.mchId;
    },
    get appId() {
      return config.appId;
    },
    transfer,
    queryTransfer,
    verifyTransferNotification,
    notifyFormat,
  };
}
