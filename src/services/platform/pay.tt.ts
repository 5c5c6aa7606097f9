import type { Payment } from '@contract';
import { t } from '@/i18n/messages';
import { payInChannelSandbox, payInSandboxModal, sandboxPayEnabled, unsupported } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

interface TtFail {
  errMsg?: string;
  errNo?: number;
}
interface TtCallbacks<R> {
  success?: (res: R) => void;
  fail?: (err: TtFail) => void;
}
/** The part of Douyin's `tt` global this adapter uses (Taro maps neither call). */
export interface TtPayApi {
  canIUse(name: string): boolean;
  requestOrder(opts: { data: string; byteAuthorization: string } & TtCallbacks<{ orderId: string }>): void;
  getOrderPayment(opts: { orderId: string } & TtCallbacks<unknown>): void;
}

declare const tt: TtPayApi | undefined;

function ttApi(): TtPayApi | null {
  return typeof tt === 'undefined' ? null : tt;
}

class TtPayError extends Error {
  constructor(readonly fail: TtFail) {
    super(fail.errMsg ?? 'tt pay failed');
  }
}

function call<R>(fn: (cb: TtCallbacks<R>) => void): Promise<R> {
  return new Promise((resolve, reject) => {
    fn({ success: resolve, fail: (err) => reject(new TtPayError(err ?? {})) });
  });
}

const isCancel = (e: unknown) => e instanceof TtPayError && /cancel/i.test(e.fail.errMsg ?? '');

/**
 * tt: Douyin's general trade system. tt.requestOrder({ data, byteAuthorization }) creates the
 * Douyin order from the server-signed data; tt.getOrderPayment({ orderId }) opens its cashier.
 * Both are missing on some hosts (older Android apps): tt.canIUse guards them.
 */
export async function pay(payment: Payment, _opts: PayOptions): Promise<PayResult> {
  const params = payment.clientParams;
  if (params?.kind === 'sandbox') return payInSandboxModal(payment);
  if (params?.kind !== 'douyin_order') return unsupported();
  if (sandboxPayEnabled()) return payInChannelSandbox(payment);
  const api = ttApi();
  if (!api || !api.canIUse('requestOrder') || !api.canIUse('getOrderPayment')) {
    return { outcome: 'failed', message: t('payUpgradeApp') };
  }
  try {
    const order = await call<{ orderId: string }>((cb) =>
      api.requestOrder({ data: params.data, byteAuthorization: params.byteAuthorization, ...cb }),
    );
    await call<unknown>((cb) => api.getOrderPayment({ orderId: order.orderId, ...cb }));
    return { outcome: 'submitted' };
  } catch (e) {
    if (isCancel(e)) return { outcome: 'cancelled' };
    return { outcome: 'failed', message: t('payFailed') };
  }
}
