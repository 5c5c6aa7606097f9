import type { Payment } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/** How often the cashier asks again while a payment is still being closed. */
export const OPEN_PAYMENT_POLL_MS = 1500;

/** An order's payments that still hold tenders: paying (left at the channel) or closing. */
export function listOpenPayments(orderId: string, signal?: AbortSignal): Promise<Payment[]> {
  return request('listOpenPayments', { params: { id: orderId } }, { signal }).then((r) => r.items);
}

export function listOpenPaymentsOptions(orderId: string) {
  return queryOptions({
    queryKey: keys.payments.open(orderId),
    queryFn: ({ signal }) => listOpenPayments(orderId, signal),
    enabled: orderId !== '',
    staleTime: 0,
  });
}

/** The open payments of an order, asked again while one of them is closing (its tenders are on their way back). */
export function useOpenPayments(orderId: string) {
  return useQuery({
    ...listOpenPaymentsOptions(orderId),
    refetchInterval: (query) => (query.state.data?.some((p) => p.status === 'closing') ? OPEN_PAYMENT_POLL_MS : false),
  });
}
