import type { OrderPage, OrderTab } from '@contract';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const ORDER_PAGE_SIZE = 10;

export function listOrders(status: OrderTab, cursor: string | null, limit = ORDER_PAGE_SIZE, signal?: AbortSignal): Promise<OrderPage> {
  return request('listOrders', { query: { status, limit, cursor: cursor ?? undefined } }, { signal });
}

/** The user's child orders for one tab, newest first, a cursor page at a time. */
export function listOrdersOptions(status: OrderTab, limit = ORDER_PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: keys.orders.list(status, limit),
    queryFn: ({ pageParam, signal }) => listOrders(status, pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useListOrders(status: OrderTab, limit = ORDER_PAGE_SIZE) {
  return useInfiniteQuery(listOrdersOptions(status, limit));
}
