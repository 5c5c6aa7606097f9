import type { CartLine, CartView } from '@contract';
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/** Totals as the server computes them (valid, selected lines), for an optimistic view. */
export function recomputeTotals(lines: CartLine[]): CartView['totals'] {
  const counted = lines.filter((l) => l.valid && l.selected);
  return {
    selectedQuantity: counted.reduce((n, l) => n + l.quantity, 0),
    selectedLines: counted.length,
    itemsAmount: counted.reduce((n, l) => n + l.unitPrice * l.quantity, 0),
    totalLines: lines.length,
  };
}

export function withLines(view: CartView, lines: CartLine[]): CartView {
  return { lines, totals: recomputeTotals(lines) };
}

export interface CartSnapshot {
  previous: CartView | undefined;
}

/**
 * Optimistic step of a cart mutation: stop in-flight reads, remember the current view and
 * write the expected one. `rollback` puts the remembered view back when the server says no.
 */
export async function optimisticCart(client: QueryClient, change: (view: CartView) => CartView): Promise<CartSnapshot> {
  await client.cancelQueries({ queryKey: keys.cart.server() });
  const previous = client.getQueryData<CartView>(keys.cart.server());
  if (previous) client.setQueryData(keys.cart.server(), change(previous));
  return { previous };
}

export function rollbackCart(client: QueryClient, snapshot: CartSnapshot | undefined): void {
  if (snapshot?.previous) client.setQueryData(keys.cart.server(), snapshot.previous);
}
