import type { Workplace } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function listWorkplaces(signal?: AbortSignal): Promise<{ items: Workplace[] }> {
  return request('listWorkplaces', {}, { signal });
}

/** The merchants the signed-in person works for (the 我的 page's switch to the workbench). */
export function listWorkplacesOptions(enabled = true) {
  return queryOptions({
    queryKey: keys.merchant.workplaces(),
    queryFn: ({ signal }) => listWorkplaces(signal),
    enabled,
    staleTime: 60_000,
  });
}

export function useWorkplaces(enabled = true) {
  return useQuery(listWorkplacesOptions(enabled));
}

export function getWorkplace(merchantId: string, signal?: AbortSignal): Promise<Workplace> {
  return request('getWorkplace', { params: { merchantId } }, { signal });
}

/** The merchant as the caller sees it, with the caller's role there (what the workbench may show). */
export function getWorkplaceOptions(merchantId: string) {
  return queryOptions({
    queryKey: keys.merchant.workplace(merchantId),
    queryFn: ({ signal }) => getWorkplace(merchantId, signal),
    enabled: merchantId !== '',
    staleTime: 60_000,
  });
}

export function useWorkplace(merchantId: string) {
  return useQuery(getWorkplaceOptions(merchantId));
}
