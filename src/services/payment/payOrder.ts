import type { Payment } from '@contract';
import { useCallback, useRef } from 'react';
import { isApiError, newIdempotencyKey } from '../http';
import { pay, type PayResult } from '../platform/pay';
import { useCreatePayment } from './createPayment';

/** The payment result page for a payment of an order. `outcome` is the pay adapter's cue. */
export function resultPath(paymentId: string, orderId: string, outcome?: PayResult['outcome']): string {
  const base = `/pages/checkout/result?paymentId=${encodeURIComponent(paymentId)}&orderId=${encodeURIComponent(orderId)}`;
  return outcome && outcome !== 'submitted' ? `${base}&outcome=${outcome}` : base;
}

/**
 * Whether the adapter has handed the page over to a cashier that comes back by itself
 * (H5 leaves for the sandbox cashier page and returns to the result page): then the caller
 * must not navigate on its own.
 */
export function leftForCashier(result: PayResult): boolean {
  return process.env.TARO_ENV === 'h5' && result.outcome === 'submitted';
}

/** A failure after which retrying the same request may still succeed (so keep its key). */
export function isRetryableFailure(e: unknown): boolean {
  if (!isApiError(e)) return true;
  return e.isNetwork || e.status === 0 || e.status >= 500 || e.code === 'IDEMPOTENCY_IN_PROGRESS';
}

export interface PayOrderResult extends PayResult {
  payment: Payment;
}

/**
 * Start paying an order: createPayment (sandbox channel) then the platform's pay adapter.
 * The idempotency key is held for one pay intent: a double tap joins the call in flight, a
 * retry after a timeout or network failure reuses the key (the server answers with the same
 * payment); once the server has answered, the next tap is a new intent with a new key.
 */
export function usePayOrder() {
  const create = useCreatePayment();
  const { mutateAsync } = create;
  const intent = useRef<{ orderId: string; key: string } | null>(null);
  const inFlight = useRef<Promise<PayOrderResult> | null>(null);

  const start = useCallback(
    (orderId: string): Promise<PayOrderResult> => {
      if (inFlight.current) return inFlight.current;
      if (!intent.current || intent.current.orderId !== orderId) intent.current = { orderId, key: newIdempotencyKey() };
      const key = intent.current.key;
      const run = (async () => {
        let payment: Payment;
        try {
          payment = await mutateAsync({ orderId, channel: 'sandbox', idempotencyKey: key });
        } catch (e) {
          if (!isRetryableFailure(e)) intent.current = null;
          throw e;
        }
        intent.current = null;
        const result = await pay(payment, { returnPath: resultPath(payment.id, orderId) });
        return { ...result, payment };
      })();
      inFlight.current = run;
      const clear = () => {
        inFlight.current = null;
      };
      run.then(clear, clear);
      return run;
    },
    [mutateAsync],
  );

  /** Open the adapter again for a payment that is still waiting (no new payment needed). */
  const resume = useCallback(async (payment: Payment, orderId: string): Promise<PayOrderResult> => {
    const result = await pay(payment, { returnPath: resultPath(payment.id, orderId) });
    return { ...result, payment };
  }, []);

  return { start, resume, isPending: create.isPending };
}
