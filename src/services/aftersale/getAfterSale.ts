import type { AfterSale } from '@contract/aftersale';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getAfterSale(id: string, signal?: AbortSignal): Promise<AfterSale> {
  return request('getAfterSale', { params: { id } }, { signal });
}

/** One of the shopper's after-sale requests. */
export function getAfterSaleOptions(id: string) {
  return queryOptions({
    queryKey: keys.afterSales.detail(id),
    queryFn: ({ signal }) => getAfterSale(id, signal),
    enabled: id !== '',
  });
}

/** Statuses after which a request never changes. */
const FINAL: readonly AfterSale['status'][] = ['refunded', 'rejected', 'cancelled', 'closed'];
/** How often a request that may still change is asked again while pushes do not arrive. */
export const AFTER_SALE_POLL_MS = 15_000;

/**
 * One request; `poll` (no realtime pushes right now) asks again every AFTER_SALE_POLL_MS until
 * the request reaches a final status. With pushes, the realtime service refetches it on change.
 */
export function useAfterSale(id: string, poll = false) {
  return useQuery({
    ...getAfterSaleOptions(id),
    refetchInterval: (q) => (poll && q.state.data && !FINAL.includes(q.state.data.status) ? AFTER_SALE_POLL_MS : false),
  });
}
