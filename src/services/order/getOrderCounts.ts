import type { RouteOutput } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export type OrderCounts = RouteOutput<'getOrderCounts'>;

export function getOrderCounts(signal?: AbortSignal): Promise<OrderCounts> {
  return request('getOrderCounts', {}, { signal });
}

export function getOrderCountsOptions() {
  return queryOptions({ queryKey: keys.orders.counts(), queryFn: ({ signal }) => getOrderCounts(signal) });
}

export function useOrderCounts(enabled = true) {
  return useQuery({ ...getOrderCountsOptions(), enabled });
}
