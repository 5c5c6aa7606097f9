/**
 * Pay one payment through its channel: `pay(payment, { returnPath })`. Taro picks
 * pay.<env>.ts at build time; this file declares the interface and is the fallback (the
 * in-app sandbox confirmation, used by jest and any other host).
 */
import type { Payment } from '@contract';
import { payInSandboxModal } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

export type { PayOptions, PayOutcome, PayResult } from './types';

export function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  return payInSandboxModal(payment);
}
