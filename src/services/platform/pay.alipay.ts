import type { Payment } from '@contract';
import Taro from '@tarojs/taro';
import { t } from '@/i18n/messages';
import { payInChannelSandbox, payInSandboxModal, sandboxPayEnabled, unsupported } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

/** my.tradePay's resultCode, wherever this host puts it (top level, or under `response`). */
export function tradePayResultCode(res: unknown): string {
  if (!res || typeof res !== 'object') return '';
  const o = res as { resultCode?: unknown; response?: { resultCode?: unknown } };
  const code = o.resultCode ?? o.response?.resultCode;
  return code === undefined || code === null ? '' : String(code);
}

/**
 * alipay: Taro.requestPayment is not mapped to my.tradePay here, so call Taro.tradePay({ tradeNO }).
 * resultCode 9000 is only a cue (the server's verified notification decides); 8000 and 6004
 * mean "unknown, maybe paid" and are treated as submitted so the result page asks the server;
 * 6001 is the shopper cancelling.
 */
export async function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  const params = payment.clientParams;
  if (params?.kind === 'sandbox') return payInSandboxModal(payment);
  if (params?.kind !== 'alipay_trade') return unsupported();
  if (sandboxPayEnabled()) return payInChannelSandbox(payment);
  try {
    const res = await Taro.tradePay({ tradeNO: params.tradeNO });
    const code = tradePayResultCode(res);
    if (code === '9000' || code === '8000' || code === '6004') return { outcome: 'submitted' };
    if (code === '6001') return { outcome: 'cancelled' };
    return { outcome: 'failed', message: t('payFailed') };
  } catch {
    return { outcome: 'failed', message: t('payFailed') };
  }
}
