import type { CartView } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const addCartItem = (skuId: string, quantity: number): Promise<CartView> =>
  request('addCartItem', { body: { skuId, quantity } });

export function useAddCartItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { skuId: string; quantity: number }) => addCartItem(v.skuId, v.quantity),
    scope: { id: 'cart' },
    onSuccess: (view) => client.setQueryData(keys.cart.server(), view),
  });
}
