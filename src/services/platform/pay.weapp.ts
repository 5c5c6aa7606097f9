import type { Payment } from '@contract';
import Taro from '@tarojs/taro';
import { t } from '@/i18n/messages';
import { payInChannelSandbox, payInSandboxModal, sandboxPayEnabled, unsupported } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

function errMsg(e: unknown): string {
  return e && typeof e === 'object' && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : '';
}

/**
 * weapp: WeChat Pay JSAPI through wx.requestPayment (Taro.requestPayment) with the fields the
 * server signed. Success is only a cue; "requestPayment:fail cancel" is the shopper backing out.
 */
export async function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  const params = payment.clientParams;
  if (params?.kind === 'sandbox') return payInSandboxModal(payment);
  if (params?.kind !== 'wechatpay_jsapi') return unsupported();
  if (sandboxPayEnabled()) return payInChannelSandbox(payment);
  try {
    await Taro.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
    });
    return { outcome: 'submitted' };
  } catch (e) {
    const msg = errMsg(e);
    if (/cancel/i.test(msg)) return { outcome: 'cancelled' };
    return { outcome: 'failed', message: t('payFailed') };
  }
}
