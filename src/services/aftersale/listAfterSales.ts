import type { AfterSalePage } from '@contract/aftersale';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const AFTER_SALE_PAGE_SIZE = 20;

export function listAfterSales(cursor: string | null, limit = AFTER_SALE_PAGE_SIZE, signal?: AbortSignal): Promise<AfterSalePage> {
  return request('listAfterSales', { query: { limit, cursor: cursor ?? undefined } }, { signal });
}

/** The shopper's after-sale requests, newest first, a cursor page at a time. */
export function listAfterSalesOptions(limit = AFTER_SALE_PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: keys.afterSales.list(limit),
    queryFn: ({ pageParam, signal }) => listAfterSales(pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useListAfterSales(limit = AFTER_SALE_PAGE_SIZE, enabled = true) {
  return useInfiniteQuery({ ...listAfterSalesOptions(limit), enabled });
}
