import type { CartView } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { optimisticCart, rollbackCart, withLines } from './optimistic';

export const removeCartItem = (skuId: string): Promise<CartView> => request('removeCartItem', { params: { skuId } });

export function useRemoveCartItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: removeCartItem,
    scope: { id: 'cart' },
    onMutate: (skuId) => optimisticCart(client, (view) => withLines(view, view.lines.filter((l) => l.skuId !== skuId))),
    onError: (_e, _skuId, snapshot) => rollbackCart(client, snapshot),
    onSuccess: (view) => client.setQueryData(keys.cart.server(), view),
  });
}
