import type { Payment } from '@contract';
import { payInSandboxModal } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

/**
 * alipay: one branch per payment channel. Today only the sandbox exists: the shopper confirms
 * in a modal. Alipay arrives as a channel whose clientParams carry tradeNO for Taro.tradePay (Taro does not map requestPayment on alipay); resultCode 9000 = submitted, 6001 = cancelled.
 */
export function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  switch (payment.channel) {
    case 'sandbox':
      return payInSandboxModal(payment);
  }
}
