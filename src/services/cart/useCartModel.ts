import type { CartLine, CartView } from '@contract';
import { useMemo } from 'react';
import { useCartDraft, type DraftLine } from '@/stores/cart-draft';
import { useIsLoggedIn } from '@/stores/session';
import { useServerCart } from './getCart';
import { useCartQuote } from './quoteCart';
import { useRemoveCartItem } from './removeCartItem';
import { useSelectAllCart } from './selectAllCart';
import { useUpdateCartItem } from './updateCartItem';

export interface CartModel {
  mode: 'server' | 'guest';
  view: CartView | undefined;
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  refetch: () => void;
  setQuantity: (skuId: string, quantity: number) => void;
  setSelected: (skuId: string, selected: boolean) => void;
  remove: (skuId: string) => void;
  selectAll: (selected: boolean) => void;
  /** Selects or deselects one shop's lines (lines with that merchantId). */
  selectShop: (merchantId: string, selected: boolean) => void;
  /** The last action the server refused (its change was rolled back). */
  actionError: Error | null;
}

const EMPTY: CartView = { lines: [], totals: { selectedQuantity: 0, selectedLines: 0, itemsAmount: 0, totalLines: 0 } };

/** The guest's own choices (quantity, selection) win over a quote that is still catching up. */
export function overlayDraft(view: CartView, draft: readonly DraftLine[]): CartView {
  const bySku = new Map(draft.map((l) => [l.skuId, l]));
  const lines: CartLine[] = view.lines
    .filter((l) => bySku.has(l.skuId))
    .map((l) => {
      const d = bySku.get(l.skuId);
      return d ? { ...l, quantity: d.quantity, selected: d.selected, lineAmount: l.unitPrice * d.quantity } : l;
    });
  return { lines, totals: view.totals };
}

/** One cart for the page: the server cart when signed in, else the device draft priced by the server. */
export function useCartModel(): CartModel {
  const loggedIn = useIsLoggedIn();
  const server = useServerCart(loggedIn);
  const draft = useCartDraft();
  const quote = useCartQuote(draft.lines, !loggedIn);
  const update = useUpdateCartItem();
  const removeItem = useRemoveCartItem();
  const selectAll = useSelectAllCart();

  const guestView = useMemo(
    () => (draft.lines.length === 0 ? EMPTY : quote.data ? overlayDraft(quote.data, draft.lines) : undefined),
    [draft.lines, quote.data],
  );

  if (loggedIn) {
    return {
      mode: 'server',
      view: server.data,
      isPending: server.isPending,
      isError: server.isError && !server.data,
      error: server.error,
      refetch: () => {
        void server.refetch();
      },
      setQuantity: (skuId, quantity) => update.mutate({ skuId, quantity }),
      setSelected: (skuId, selected) => update.mutate({ skuId, selected }),
      remove: (skuId) => removeItem.mutate(skuId),
      selectAll: (selected) => selectAll.mutate({ selected }),
      selectShop: (merchantId, selected) => selectAll.mutate({ selected, merchantId }),
      actionError: update.error ?? removeItem.error ?? selectAll.error,
    };
  }
  return {
    mode: 'guest',
    view: guestView,
    isPending: draft.lines.length > 0 && quote.isPending,
    isError: draft.lines.length > 0 && quote.isError && !quote.data,
    error: quote.error,
    refetch: () => {
      if (draft.lines.length > 0) void quote.refetch();
    },
    setQuantity: (skuId, quantity) => draft.update(skuId, { quantity }),
    setSelected: (skuId, selected) => draft.update(skuId, { selected }),
    remove: (skuId) => draft.remove(skuId),
    selectAll: (selected) => draft.selectAll(selected),
    selectShop: (merchantId, selected) =>
      draft.selectAll(
        selected,
        (guestView?.lines ?? []).filter((l) => l.merchantId === merchantId).map((l) => l.skuId),
      ),
    actionError: null,
  };
}
