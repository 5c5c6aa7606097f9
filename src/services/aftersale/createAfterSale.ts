import type { AfterSale, CreateAfterSaleBody } from '@contract/aftersale';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyAfterSaleChange } from './cache';

export interface CreateAfterSaleVariables {
  body: CreateAfterSaleBody;
  /** Required by the API: one key per request intent, reused when it is sent again. */
  idempotencyKey: string;
}

export function createAfterSale({ body, idempotencyKey }: CreateAfterSaleVariables): Promise<AfterSale> {
  return request('createAfterSale', { body }, { idempotencyKey });
}

export function createAfterSaleOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.afterSales.all(), 'create'],
    mutationFn: createAfterSale,
    onSuccess: (afterSale) => applyAfterSaleChange(queryClient, afterSale),
  });
}

export function useCreateAfterSale() {
  const queryClient = useQueryClient();
  return useMutation(createAfterSaleOptions(queryClient));
}
