import type { Payment } from '@contract';
import { payInSandboxModal } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

/**
 * weapp: one branch per payment channel. Today only the sandbox exists: the shopper confirms
 * in a modal. WeChat Pay arrives as a channel whose clientParams carry timeStamp/nonceStr/package/signType/paySign for Taro.requestPayment.
 */
export function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  switch (payment.channel) {
    case 'sandbox':
      return payInSandboxModal(payment);
  }
}
