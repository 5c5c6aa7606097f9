import type { CartView } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { optimisticCart, rollbackCart, withLines } from './optimistic';

/** Every line, or only one shop's lines when merchantId is given (the per-shop 全选). */
export interface SelectAllInput {
  selected: boolean;
  merchantId?: string;
}

export const selectAllCart = ({ selected, merchantId }: SelectAllInput): Promise<CartView> =>
  request('selectAllCart', { body: merchantId ? { selected, merchantId } : { selected } });

export function useSelectAllCart() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: selectAllCart,
    scope: { id: 'cart' },
    onMutate: ({ selected, merchantId }) =>
      optimisticCart(client, (view) =>
        withLines(view, view.lines.map((l) => (merchantId === undefined || l.merchantId === merchantId ? { ...l, selected } : l))),
      ),
    onError: (_e, _input, snapshot) => rollbackCart(client, snapshot),
    onSuccess: (view) => client.setQueryData(keys.cart.server(), view),
  });
}
