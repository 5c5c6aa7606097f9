import type { DashboardFigures } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getDashboard(merchantId: string, signal?: AbortSignal): Promise<DashboardFigures> {
  return request('getDashboard', { params: { merchantId } }, { signal });
}

/** Today's figures; the merchant's realtime topic writes pushed figures into this entry. */
export function getDashboardOptions(merchantId: string) {
  return queryOptions({
    queryKey: keys.merchant.dashboard(merchantId),
    queryFn: ({ signal }) => getDashboard(merchantId, signal),
    enabled: merchantId !== '',
  });
}

export function useDashboard(merchantId: string) {
  return useQuery(getDashboardOptions(merchantId));
}
