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

export function useAfterSale(id: string) {
  return useQuery(getAfterSaleOptions(id));
}
