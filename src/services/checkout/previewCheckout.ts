import type { CheckoutBody, CheckoutPreview } from '@contract';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/** Prices a checkout (nothing is stored): per-merchant groups, shipping, totals, default address. */
export function previewCheckout(body: CheckoutBody, signal?: AbortSignal): Promise<CheckoutPreview> {
  return request('previewCheckout', { body }, { signal });
}

export function previewCheckoutOptions(body: CheckoutBody | null) {
  return queryOptions({
    queryKey: keys.checkout.preview({ items: body?.items ?? [], fulfilment: body?.fulfilment }),
    queryFn: ({ signal }) => {
      if (!body) throw new Error('previewCheckout needs items');
      return previewCheckout(body, signal);
    },
    enabled: body !== null && body.items.length > 0,
    // Prices and stock move: a preview is fresh for a short while only.
    staleTime: 10_000,
    // Switching fulfilment or address keeps the last breakdown on screen while the new one loads.
    placeholderData: keepPreviousData,
  });
}

export function usePreviewCheckout(body: CheckoutBody | null) {
  return useQuery(previewCheckoutOptions(body));
}
