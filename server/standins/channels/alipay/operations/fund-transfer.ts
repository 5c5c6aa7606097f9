import { randomBytes, randomInt } from 'node:crypto';
import { cstTime, fenToYuan, notifySignContent, yuanToFen } from '../../../../channels/alipay/wire';
import { rsa2Sign, type AlipayParams } from '../../../../infra/alipay';
import { takeTransferFault } from '../../faults';
import { GatewayError, business, type AlipayGateway, type FundTransfer } from '../gateway';

/**
 * Fund transfers to an Alipay account (单笔转账):
 *
 *   alipay.fund.trans.uni.transfer   TRANS_ACCOUNT_NO_PWD / DIRECT_TRANSFER: SUCCESS at once
 *   alipay.fund.trans.common.query   by out_biz_no (40004 ORDER_NOT_EXIST)
 *
 * Each change of a transfer sends the message alipay.fund.trans.order.changed (a form POST signed
 * with Alipay's key, answered "success", retried on Alipay's schedule) to the app's gateway
 * address: here the notify_url the request carried. The fault rules transfer_fail (DEALING, then
 * FAIL with a message), transfer_refuse (40004 PAYEE_NOT_EXIST) and transfer_outage (20000, no
 * transfer) drive the other paths. The same out_biz_no answers the same transfer.
 */
export const FUND_METHODS = ['alipay.fund.trans.uni.transfer', 'alipay.fund.trans.common.query'] as const;
export type FundMethod = (typeof FUND_METHODS)[number];
export const isFundMethod = (method: string | undefined): method is FundMethod => (FUND_METHODS as readonly string[]).includes(method ?? '');

const PRODUCT_CODE = 'TRANS_ACCOUNT_NO_PWD';
const BIZ_SCENE = 'DIRECT_TRANSFER';

const digitsOf = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');
const day = (ms: number) => cstTime(ms).slice(0, 10).replace(/-/g, '');

function view(t: FundTransfer): Record<string, unknown> {
  return {
    out_biz_no: t.outBizNo,
    order_id: t.orderId,
    pay_fund_order_id: t.payFundOrderId,
    status: t.status,
    trans_amount: fenToYuan(t.amount),
    ...(t.payDate !== null ? { trans_date: cstTime(t.payDate), pay_date: cstTime(t.payDate) } : {}),
    ...(t.errorCode ? { error_code: t.errorCode, fail_reason: t.failReason ?? '' } : {}),
  };
}

/** alipay.fund.trans.order.changed to the transfer's gateway address. */
function sendMessage(gw: AlipayGateway, t: FundTransfer): void {
  if (!t.notifyUrl) return;
  const url = t.notifyUrl;
  gw.notifier.send({
    channel: 'alipay',
    url,
    build: ({ corruptSignature, changeAmount }) => {
      const biz = {
        ...view({ ...t, amount: t.amount + (changeAmount ? 1 : 0) }),
        product_code: PRODUCT_CODE,
        biz_scene: BIZ_SCENE,
        origin_interface: 'alipay.fund.trans.uni.transfer',
        action_type: 'FINISH',
      };
      const params: Record<string, string> = {
        charset: 'utf-8',
        biz_content: JSON.stringify(biz),
        msg_method: 'alipay.fund.trans.order.changed',
        utc_timestamp: String(gw.ctx.now()),
        version: '1.1',
        sign_type: 'RSA2',
        notify_id: randomBytes(16).toString('hex'),
        app_id: gw.appId,
      };
      params.sign = rsa2Sign(notifySignContent(params), corruptSignature ? gw.strangerKey : gw.alipayPrivateKey);
      return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() };
    },
    isAck: (status, body) => status === 200 && body.trim() === 'success',
  });
}

function uniTransfer(gw: AlipayGateway, params: AlipayParams, biz: Record<string, unknown>): Record<string, unknown> {
  const outBizNo = typeof biz.out_biz_no === 'string' && /^[0-9A-Za-z_]{1,64}$/.test(biz.out_biz_no) ? biz.out_biz_no : null;
  if (!outBizNo) throw business('PARAM_ILLEGAL', '参数有误: out_biz_no');
  if (biz.product_code !== PRODUCT_CODE) throw business('PRODUCT_NOT_SIGN', '产品未签约');
  if (biz.biz_scene !== BIZ_SCENE) throw business('PARAM_ILLEGAL', '参数有误: biz_scene');
  const amount = yuanToFen(biz.trans_amount);
  if (amount === null || amount < 10) throw business('PARAM_ILLEGAL', '参数有误: trans_amount 不能小于0.1元');
  const payee = biz.payee_info && typeof biz.payee_info === 'object' ? (biz.payee_info as Record<string, unknown>) : null;
  const identity = typeof payee?.identity === 'string' ? payee.identity : '';
  const identityType = typeof payee?.identity_type === 'string' ? payee.identity_type : '';
  if (!identity || !['ALIPAY_USER_ID', 'ALIPAY_OPEN_ID', 'ALIPAY_LOGON_ID'].includes(identityType)) throw business('PARAM_ILLEGAL', '参数有误: payee_info');
  if (identityType === 'ALIPAY_USER_ID' && !/^2088\d{12}$/.test(identity)) throw business('PAYEE_NOT_EXIST', '收款账号不存在');
  const title = typeof biz.order_title === 'string' ? biz.order_title : '';
  const fingerprint = JSON.stringify([amount, identity, identityType]);
  const existing = gw.transfers.get(outBizNo);
  if (existing) {
    if (existing.fingerprint !== fingerprint) throw business('PARAM_ILLEGAL', '参数有误: 同一商户订单号的请求参数不一致');
    return { code: '10000', msg: 'Success', ...view(existing) };
  }
  const fault = takeTransferFault(gw.ctx.faults, 'alipay');
  if (fault === 'transfer_refuse') throw business('PAYEE_NOT_EXIST', '收款账号不存在或姓名有误');
  if (fault === 'transfer_outage') throw new GatewayError('20000', 'Service Currently Unavailable', 'isp.unknow-error', '系统繁忙');
  const at = gw.ctx.now();
  const t: FundTransfer = {
    outBizNo,
    orderId: `${day(at)}11007000${digitsOf(16)}`,
    payFundOrderId: `${day(at)}11007000${digitsOf(16)}`,
    amount,
    identity,
    identityType,
    title,
    notifyUrl: params.notify_url ?? null,
    status: fault === 'transfer_fail' ? 'DEALING' : 'SUCCESS',
    errorCode: null,
    failReason: null,
    createdAt: at,
    payDate: fault === 'transfer_fail' ? null : at,
    fingerprint,
  };
  gw.transfers.set(outBizNo, t);
  if (fault === 'transfer_fail') {
    const timer = setTimeout(() => {
      gw.timers.delete(timer);
      t.status = 'FAIL';
      t.errorCode = 'PAYEE_ACCOUNT_STATUS_ERROR';
      t.failReason = '收款方账户状态异常';
      sendMessage(gw, t);
    }, Math.max(1, Math.round(1000 * gw.ctx.timeScale)));
    timer.unref?.();
    gw.timers.add(timer);
  } else {
    sendMessage(gw, t);
  }
  gw.ctx.log.info({ outBizNo, status: t.status }, 'alipay sandbox: fund transfer');
  return { code: '10000', msg: 'Success', ...view(t) };
}

function commonQuery(gw: AlipayGateway, biz: Record<string, unknown>): Record<string, unknown> {
  const t = typeof biz.out_biz_no === 'string' ? gw.transfers.get(biz.out_biz_no) : undefined;
  if (!t) throw business('ORDER_NOT_EXIST', '转账订单不存在');
  return { code: '10000', msg: 'Success', ...view(t) };
}

export function fundOperation(gw: AlipayGateway, method: FundMethod, params: AlipayParams, biz: Record<string, unknown>): Record<string, unknown> {
  return method === 'alipay.fund.trans.uni.transfer' ? uniTransfer(gw, params, biz) : commonQuery(gw, biz);
}
