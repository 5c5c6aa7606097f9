import type { Payment } from '@contract';
import { payInSandboxModal } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

/**
 * tt: one branch per payment channel. Today only the sandbox exists: the shopper confirms
 * in a modal. Douyin arrives as a channel whose clientParams feed tt.requestOrder / tt.getOrderPayment, guarded by tt.canIUse (missing on some Android hosts).
 */
export function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  switch (payment.channel) {
    case 'sandbox':
      return payInSandboxModal(payment);
  }
}
