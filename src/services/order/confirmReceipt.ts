import type { Order } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyOrderChange } from './cache';

export function confirmReceipt(id: string): Promise<Order> {
  return request('confirmReceipt', { params: { id } });
}

/** Confirms receipt of a shipped child order. */
export function confirmReceiptOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.orders.all(), 'confirm'],
    mutationFn: confirmReceipt,
    onSuccess: (order) => applyOrderChange(queryClient, order),
  });
}

export function useConfirmReceipt() {
  const queryClient = useQueryClient();
  return useMutation(confirmReceiptOptions(queryClient));
}
