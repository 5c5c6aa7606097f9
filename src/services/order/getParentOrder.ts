import type { ParentOrder } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getParentOrder(id: string, signal?: AbortSignal): Promise<ParentOrder> {
  return request('getParentOrder', { params: { id } }, { signal });
}

/** A parent order (what one checkout created) with its children. */
export function getParentOrderOptions(id: string) {
  return queryOptions({
    queryKey: keys.orders.parent(id),
    queryFn: ({ signal }) => getParentOrder(id, signal),
    enabled: id !== '',
  });
}

export function useParentOrder(id: string, enabled = true) {
  return useQuery({ ...getParentOrderOptions(id), enabled: enabled && id !== '' });
}
