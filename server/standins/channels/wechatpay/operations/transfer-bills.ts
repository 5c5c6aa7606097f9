import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rfc3339Cst } from '../../../../channels/wechatpay/wire';
import { AppError } from '../../../../infra/errors';
import { sendProblem } from '../../../../infra/http';
import { takeTransferFault } from '../../faults';
import { digits, later, tradeKey, ymd, type Bill, type Merchant, type WechatpayGateway } from '../gateway';
import { notifyBillFinished } from '../notify';
import { WxError, paramError, parseBody } from '../signing';
import { notifyUrlSchema } from './create-trade';
import type { V3Operation } from './types';

/**
 * Merchant transfers (商家转账, the payee confirms):
 *
 *   POST /v3/fund-app/mch-transfer/transfer-bills                           -> the bill, WAIT_USER_CONFIRM with package_info
 *   GET  /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}   -> the bill (404 NOT_FOUND)
 *
 * The stand-in's own hook (not WeChat's API): POST /sandbox/wechatpay/transfer-bills/confirm
 * { out_bill_no, action: 'confirm' | 'reject' } is the payee confirming in WeChat
 * (wx.requestMerchantTransfer) or declining: SUCCESS or CANCELLED, with MCHTRANSFER.BILL.FINISHED.
 * The fault rules transfer_fail (accepted, then FAIL with a notification), transfer_refuse (400
 * INVALID_REQUEST) and transfer_outage (500 SYSTEM_ERROR, no bill) drive the other paths. The
 * same out_bill_no with the same parameters answers the same bill; with others, 400.
 */
const OUT_BILL_NO = /^[0-9A-Za-z]{1,32}$/;
/** WeChat transfers at least ¥0.10; from ¥2,000 the payee's real name is required. */
const MIN_AMOUNT = 10;
const NAME_REQUIRED_FROM = 200_000;

const transferSchema = z.object({
  appid: z.string().min(1).max(32),
  out_bill_no: z.string().regex(OUT_BILL_NO, 'out_bill_no: 1-32 of [0-9A-Za-z]'),
  transfer_scene_id: z.string().min(1).max(36),
  openid: z.string().min(1).max(64),
  user_name: z.string().optional(),
  transfer_amount: z.number().int().min(MIN_AMOUNT),
  transfer_remark: z.string().min(1).max(32),
  notify_url: notifyUrlSchema.optional(),
  user_recv_perception: z.string().max(32).optional(),
  transfer_scene_report_infos: z.array(z.object({ info_type: z.string().min(1).max(15), info_content: z.string().min(1).max(32) })).min(1).max(10),
});

export function billView(b: Bill, amountDelta = 0): Record<string, unknown> {
  return {
    mch_id: b.mchid,
    out_bill_no: b.outBillNo,
    transfer_bill_no: b.transferBillNo,
    appid: b.appid,
    state: b.state,
    transfer_amount: b.amount + amountDelta,
    transfer_remark: b.remark,
    ...(b.failReason ? { fail_reason: b.failReason } : {}),
    openid: b.openid,
    create_time: rfc3339Cst(b.createdAt),
    update_time: rfc3339Cst(b.updatedAt),
  };
}

function finish(gw: WechatpayGateway, b: Bill, state: 'SUCCESS' | 'FAIL' | 'CANCELLED', failReason: string | null = null): void {
  b.state = state;
  b.failReason = failReason;
  b.updatedAt = gw.ctx.now();
  gw.ctx.log.info({ outBillNo: b.outBillNo, state }, 'wechatpay sandbox: transfer bill finished');
  notifyBillFinished(gw, b);
}

function createBill(gw: WechatpayGateway, merchant: Merchant, req: z.infer<typeof transferSchema>): Bill {
  if (merchant.appIds && !merchant.appIds.includes(req.appid)) throw new WxError(400, 'INVALID_REQUEST', 'appid和mch_id不匹配');
  const fingerprint = JSON.stringify([req.appid, req.openid, req.transfer_amount, req.transfer_scene_id]);
  const existing = gw.bills.get(tradeKey(merchant.mchId, req.out_bill_no));
  if (existing) {
    if (existing.fingerprint !== fingerprint) throw new WxError(400, 'INVALID_REQUEST', '商户单号重复，且请求参数与原单不一致');
    return existing;
  }
  if (req.transfer_amount >= NAME_REQUIRED_FROM && !req.user_name) throw paramError('转账金额大于等于2000元时，收款用户姓名必填');
  const fault = takeTransferFault(gw.ctx.faults, 'wechatpay');
  if (fault === 'transfer_refuse') throw new WxError(400, 'INVALID_REQUEST', '收款用户账户异常，无法转账');
  if (fault === 'transfer_outage') throw new WxError(500, 'SYSTEM_ERROR', '系统繁忙，请稍后使用原单号重试');
  const at = gw.ctx.now();
  const b: Bill = {
    mchid: merchant.mchId,
    appid: req.appid,
    outBillNo: req.out_bill_no,
    transferBillNo: `1330${digits(4)}${ymd(at)}${digits(20)}`,
    sceneId: req.transfer_scene_id,
    openid: req.openid,
    amount: req.transfer_amount,
    remark: req.transfer_remark,
    notifyUrl: req.notify_url ?? null,
    packageInfo: randomBytes(48).toString('base64'),
    state: fault === 'transfer_fail' ? 'ACCEPTED' : 'WAIT_USER_CONFIRM',
    failReason: null,
    createdAt: at,
    updatedAt: at,
    fingerprint,
  };
  gw.bills.set(tradeKey(merchant.mchId, b.outBillNo), b);
  // A payee account WeChat finds abnormal: the bill fails shortly after it was accepted (1 s, compressed).
  if (fault === 'transfer_fail') later(gw, Math.max(1, Math.round(1000 * gw.ctx.timeScale)), () => finish(gw, b, 'FAIL', 'PAYEE_ACCOUNT_ABNORMAL'));
  return b;
}

export const createTransferBill: V3Operation = (gw, req, merchant) => {
  const b = createBill(gw, merchant, parseBody(req, transferSchema));
  return {
    status: 200,
    body: {
      out_bill_no: b.outBillNo,
      transfer_bill_no: b.transferBillNo,
      create_time: rfc3339Cst(b.createdAt),
      state: b.state,
      ...(b.state === 'WAIT_USER_CONFIRM' ? { package_info: b.packageInfo } : {}),
      ...(b.failReason ? { fail_reason: b.failReason } : {}),
    },
  };
};

export const queryTransferBill: V3Operation = (gw, req, merchant) => {
  const b = gw.bills.get(tradeKey(merchant.mchId, (req.params as { no: string }).no));
  if (!b) throw new WxError(404, 'NOT_FOUND', '记录不存在');
  return { status: 200, body: billView(b) };
};

const confirmSchema = z.strictObject({ out_bill_no: z.string().min(1).max(32), action: z.enum(['confirm', 'reject']), mchid: z.string().optional() });

/** POST /sandbox/wechatpay/transfer-bills/confirm: the payee confirms (or declines) in WeChat. */
export async function confirmTransferBill(gw: WechatpayGateway, req: FastifyRequest, reply: FastifyReply) {
  let json: unknown;
  try {
    json = JSON.parse(typeof req.body === 'string' ? req.body : '');
  } catch {
    return sendProblem(reply, new AppError('MALFORMED_JSON', 'The request body is not valid JSON'), req.id);
  }
  const parsed = confirmSchema.safeParse(json);
  if (!parsed.success) return sendProblem(reply, new AppError('VALIDATION_FAILED', 'expected { out_bill_no, action: "confirm" | "reject" }'), req.id);
  const b = [...gw.bills.values()].find((x) => x.outBillNo === parsed.data.out_bill_no && (!parsed.data.mchid || x.mchid === parsed.data.mchid));
  if (!b) return sendProblem(reply, new AppError('NOT_FOUND', `no transfer bill ${parsed.data.out_bill_no}`), req.id);
  if (b.state === 'WAIT_USER_CONFIRM') finish(gw, b, parsed.data.action === 'confirm' ? 'SUCCESS' : 'CANCELLED');
  else if (!(b.state === 'SUCCESS' && parsed.data.action === 'confirm')) return sendProblem(reply, new AppError('PAYMENT_NOT_OPEN', `the bill is ${b.state}`), req.id);
  return reply.send({ ok: true, state: b.state });
}
