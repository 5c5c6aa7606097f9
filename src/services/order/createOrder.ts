import type { CreateOrderBody, ParentOrder } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export interface CreateOrderVariables {
  body: CreateOrderBody;
  /** Required by the API: the caller keeps one key per submit intent so a retry makes one order. */
  idempotencyKey: string;
}

export function createOrder({ body, idempotencyKey }: CreateOrderVariables): Promise<ParentOrder> {
  return request('createOrder', { body }, { idempotencyKey });
}

export function createOrderOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.orders.all(), 'create'],
    mutationFn: createOrder,
    onSuccess: async (parent, { body }) => {
      for (const child of parent.children) queryClient.setQueryData(keys.orders.detail(child.id), child);
      queryClient.setQueryData(keys.orders.parent(parent.id), parent);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.orders.lists() }),
        queryClient.invalidateQueries({ queryKey: keys.orders.counts() }),
        // Stock was reserved and (fromCart) lines left the cart.
        body.fromCart ? queryClient.invalidateQueries({ queryKey: keys.cart.all() }) : Promise.resolve(),
        queryClient.invalidateQueries({ queryKey: keys.catalog.products() }),
      ]);
    },
  });
}

export function useCreateOrder() {
  const queryClient = useQueryClient();
  return useMutation(createOrderOptions(queryClient));
}
