import type { Payment } from '@contract';
import { payInSandboxRedirect } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

/**
 * H5: the sandbox's hosted cashier page in this window; it redirects back to returnPath.
 * Real channels (H5 WeChat Pay / Alipay wap) add a `case` per payment.channel here.
 */
export function pay(payment: Payment, opts: PayOptions): Promise<PayResult> {
  switch (payment.channel) {
    case 'sandbox':
      return payInSandboxRedirect(payment, opts);
  }
}
