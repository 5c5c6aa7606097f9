import type { Payment } from '@contract';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getPayment(id: string, signal?: AbortSignal): Promise<Payment> {
  return request('getPayment', { params: { id } }, { signal });
}

/** A payment and its state; the result page polls it (refetchInterval set there). */
export function getPaymentOptions(id: string) {
  return queryOptions({
    queryKey: keys.payments.detail(id),
    queryFn: ({ signal }) => getPayment(id, signal),
    enabled: id !== '',
    staleTime: 0,
  });
}
