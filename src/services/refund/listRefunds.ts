import type { RefundList } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function listRefunds(orderId: string, signal?: AbortSignal): Promise<RefundList> {
  return request('listRefunds', { params: { id: orderId } }, { signal });
}

/** A child order's refunds, what its payments took and what can still be refunded. */
export function listRefundsOptions(orderId: string) {
  return queryOptions({
    queryKey: keys.refunds.list(orderId),
    queryFn: ({ signal }) => listRefunds(orderId, signal),
    enabled: orderId !== '',
  });
}

export function useRefunds(orderId: string, enabled = true) {
  return useQuery({ ...listRefundsOptions(orderId), enabled: enabled && orderId !== '' });
}
