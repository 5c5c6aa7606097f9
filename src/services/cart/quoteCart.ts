import type { CartView } from '@contract';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { draftToLines, type DraftLine } from '@/stores/cart-draft';
import { request } from '../http';
import { keys } from '../keys';

/** Prices the guest's draft on the server (nothing is stored; a read in POST clothing). */
export const quoteCart = (lines: readonly DraftLine[], signal?: AbortSignal): Promise<CartView> =>
  request('quoteCart', { body: { lines: draftToLines(lines) } }, { signal });

export const quoteQuery = (lines: readonly DraftLine[]) =>
  queryOptions({
    queryKey: keys.cart.quote(lines),
    queryFn: ({ signal }) => quoteCart(lines, signal),
    staleTime: 0,
  });

export const useCartQuote = (lines: readonly DraftLine[], enabled: boolean) =>
  useQuery({ ...quoteQuery(lines), enabled: enabled && lines.length > 0, placeholderData: keepPreviousData });
