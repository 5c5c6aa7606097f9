import type { AfterSale } from '@contract/aftersale';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyAfterSaleChange } from './cache';

export function cancelAfterSale(id: string): Promise<AfterSale> {
  return request('cancelAfterSale', { params: { id } });
}

/** Withdraws a request the merchant has not decided, or a return not yet sent back. */
export function cancelAfterSaleOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.afterSales.all(), 'cancel'],
    mutationFn: cancelAfterSale,
    onSuccess: (afterSale) => applyAfterSaleChange(queryClient, afterSale),
  });
}

export function useCancelAfterSale() {
  const queryClient = useQueryClient();
  return useMutation(cancelAfterSaleOptions(queryClient));
}
