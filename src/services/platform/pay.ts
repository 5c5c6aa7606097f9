/**
 * Pay one payment's channel part: `pay(payment, { returnPath })`. Taro picks pay.<env>.ts at
 * build time (weapp: WeChat Pay JSAPI; alipay: tradePay; tt: Douyin requestOrder; h5: the
 * channel's web cashier); this file declares the interface (PayAdapter in ./types) and is the
 * fallback for other hosts and jest: the in-app sandbox confirmation, whatever the channel.
 */
import type { Payment } from '@contract';
import { payInChannelSandbox, payInSandboxModal } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

export type { PayAdapter, PayOptions, PayOutcome, PayResult } from './types';

export function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  return payment.clientParams?.kind === 'sandbox' ? payInSandboxModal(payment) : payInChannelSandbox(payment);
}
