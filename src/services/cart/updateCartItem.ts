import type { CartView } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { optimisticCart, rollbackCart, withLines } from './optimistic';

export interface CartLinePatch {
  skuId: string;
  quantity?: number;
  selected?: boolean;
}

export const updateCartItem = ({ skuId, ...body }: CartLinePatch): Promise<CartView> =>
  request('updateCartItem', { params: { skuId }, body });

/** Quantity or selection of one line, shown at once and rolled back if the server refuses. */
export function useUpdateCartItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: updateCartItem,
    scope: { id: 'cart' },
    onMutate: (patch) =>
      optimisticCart(client, (view) =>
        withLines(
          view,
          view.lines.map((l) =>
            l.skuId === patch.skuId
              ? {
                  ...l,
                  quantity: patch.quantity ?? l.quantity,
                  selected: patch.selected ?? l.selected,
                  lineAmount: l.unitPrice * (patch.quantity ?? l.quantity),
                }
              : l,
          ),
        ),
      ),
    onError: (_e, _patch, snapshot) => rollbackCart(client, snapshot),
    onSuccess: (view) => client.setQueryData(keys.cart.server(), view),
  });
}
