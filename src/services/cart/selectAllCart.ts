import type { CartView } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { optimisticCart, rollbackCart, withLines } from './optimistic';

export const selectAllCart = (selected: boolean): Promise<CartView> => request('selectAllCart', { body: { selected } });

export function useSelectAllCart() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: selectAllCart,
    scope: { id: 'cart' },
    onMutate: (selected) => optimisticCart(client, (view) => withLines(view, view.lines.map((l) => ({ ...l, selected })))),
    onError: (_e, _selected, snapshot) => rollbackCart(client, snapshot),
    onSuccess: (view) => client.setQueryData(keys.cart.server(), view),
  });
}
