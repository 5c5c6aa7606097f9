import type { Order } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyOrderChange } from './cache';

export function cancelOrder(id: string): Promise<Order> {
  return request('cancelOrder', { params: { id } });
}

/** Cancels a child order pending payment (the server releases its stock). */
export function cancelOrderOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.orders.all(), 'cancel'],
    mutationFn: cancelOrder,
    onSuccess: (order) => applyOrderChange(queryClient, order),
  });
}

export function useCancelOrder() {
  const queryClient = useQueryClient();
  return useMutation(cancelOrderOptions(queryClient));
}
