import type { Payment } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getPayment(id: string, signal?: AbortSignal): Promise<Payment> {
  return request('getPayment', { params: { id } }, { signal });
}

/** A payment and its state. */
export function getPaymentOptions(id: string) {
  return queryOptions({
    queryKey: keys.payments.detail(id),
    queryFn: ({ signal }) => getPayment(id, signal),
    enabled: id !== '',
    staleTime: 0,
  });
}

/**
 * A payment, polled every `intervalMs` while `keepPolling(payment)` says so (the result page
 * polls until the server reports a final state, or its own ceiling is reached).
 */
export function usePolledPayment(id: string, intervalMs: number, keepPolling: (payment: Payment | undefined) => boolean) {
  return useQuery({
    ...getPaymentOptions(id),
    refetchInterval: (query) => (keepPolling(query.state.data) ? intervalMs : false),
  });
}
