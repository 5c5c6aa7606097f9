import type { Order } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getOrder(id: string, signal?: AbortSignal): Promise<Order> {
  return request('getOrder', { params: { id } }, { signal });
}

/** A child order with its timeline. */
export function getOrderOptions(id: string) {
  return queryOptions({
    queryKey: keys.orders.detail(id),
    queryFn: ({ signal }) => getOrder(id, signal),
    enabled: id !== '',
  });
}

export function useOrder(id: string) {
  return useQuery(getOrderOptions(id));
}
