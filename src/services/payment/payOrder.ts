import type { CreatePaymentBody, Payment } from '@contract';
import { useCallback, useRef } from 'react';
import { isApiError, newIdempotencyKey } from '../http';
import { pay, type PayResult } from '../platform/pay';
import { useCreatePayment } from './createPayment';

/** The payment result page for a payment of an order. `outcome` is the pay adapter's cue. */
export function resultPath(paymentId: string, orderId: string, outcome?: PayResult['outcome']): string {
  const base = `/pages/checkout/result?paymentId=${encodeURIComponent(paymentId)}&orderId=${encodeURIComponent(orderId)}`;
  return outcome && outcome !== 'submitted' ? `${base}&outcome=${outcome}` : base;
}

/** The cashier for an order: a parent order id (every child's remainder) or a child order id. */
export function cashierPath(orderId: string): string {
  return `/pages/checkout/cashier?orderId=${encodeURIComponent(orderId)}`;
}

/**
 * Whether the adapter has handed the page over to a cashier that comes back by itself
 * (H5 leaves for the channel's web cashier and returns to the result page): then the caller
 * must not navigate on its own.
 */
export function leftForCashier(result: PayResult & { viaChannel?: boolean }): boolean {
  return process.env.TARO_ENV === 'h5' && result.outcome === 'submitted' && result.viaChannel !== false;
}

/** A failure after which retrying the same request may still succeed (so keep its key). */
export function isRetryableFailure(e: unknown): boolean {
  if (!isApiError(e)) return true;
  return e.isNetwork || e.status === 0 || e.status >= 500 || e.code === 'IDEMPOTENCY_IN_PROGRESS';
}

/** Whether a payment still needs the channel's cashier (internal tenders did not pay it all). */
export function needsChannel(payment: Payment): boolean {
  return payment.status === 'paying' && payment.clientParams !== null;
}

export interface PayOrderResult extends PayResult {
  payment: Payment;
  /** false: internal tenders paid it all and no channel cashier was opened. */
  viaChannel: boolean;
}

/**
 * Start a payment: createPayment (internal tenders are debited by the server at once), then,
 * if a channel part is left, the platform's pay adapter. A payment covered by internal tenders
 * needs no adapter: the result page shows it.
 *
 * The idempotency key is held for one pay intent: a double tap joins the call in flight, a
 * retry of the same body after a timeout, a network failure or a 5xx reuses the key (the
 * server answers with the same payment); once the server has answered definitively, or the
 * shopper changed the tenders, the next tap is a new intent with a new key.
 */
export function useStartPayment() {
  const create = useCreatePayment();
  const { mutateAsync } = create;
  const intent = useRef<{ signature: string; key: string } | null>(null);
  const inFlight = useRef<Promise<PayOrderResult> | null>(null);

  const start = useCallback(
    (body: CreatePaymentBody): Promise<PayOrderResult> => {
      if (inFlight.current) return inFlight.current;
      const signature = JSON.stringify(body);
      if (!intent.current || intent.current.signature !== signature) intent.current = { signature, key: newIdempotencyKey() };
      const key = intent.current.key;
      const run = (async () => {
        let payment: Payment;
        try {
          payment = await mutateAsync({ body, idempotencyKey: key });
        } catch (e) {
          if (!isRetryableFailure(e)) intent.current = null;
          throw e;
        }
        intent.current = null;
        if (!needsChannel(payment)) return { outcome: 'submitted' as const, payment, viaChannel: false };
        const result = await pay(payment, { returnPath: resultPath(payment.id, body.orderId) });
        return { ...result, payment, viaChannel: true };
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

  /** Open the adapter again for a payment that is still waiting at the channel (no new payment). */
  const resume = useCallback(async (payment: Payment, orderId: string): Promise<PayOrderResult> => {
    const result = await pay(payment, { returnPath: resultPath(payment.id, orderId) });
    return { ...result, payment, viaChannel: true };
  }, []);

  return { start, resume, isPending: create.isPending };
}
