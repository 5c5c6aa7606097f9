import type { CartView, RouteInput } from '@contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCartDraft } from '@/stores/cart-draft';
import { newIdempotencyKey, request } from '../http';
import { keys } from '../keys';

export type MergeLine = NonNullable<RouteInput<'mergeCart'>['body']>['lines'][number];

let pending: { signature: string; key: string } | null = null;

/**
 * The same draft is merged under the same Idempotency-Key: when a merge's answer is lost and
 * it is sent again, the server replays the first result instead of adding the quantities twice.
 */
export function mergeKeyFor(lines: readonly MergeLine[]): string {
  const signature = JSON.stringify(lines.map((l) => [l.skuId, l.quantity, l.selected ?? true, l.addedPrice ?? null]));
  if (!pending || pending.signature !== signature) pending = { signature, key: newIdempotencyKey() };
  return pending.key;
}

let inFlight: { key: string; promise: Promise<CartView> } | null = null;

/**
 * Merges the draft. Callers that ask while the same draft's merge is on its way (the login page
 * and the cart page both react to a new session) share that one request.
 */
export function mergeDraft(lines: MergeLine[]): Promise<CartView> {
  const key = mergeKeyFor(lines);
  if (inFlight?.key === key) return inFlight.promise;
  const promise = request('mergeCart', { body: { lines } }, { idempotencyKey: key }).then(
    (view) => {
      pending = null;
      return view;
    },
  );
  inFlight = { key, promise };
  const settle = () => {
    if (inFlight?.promise === promise) inFlight = null;
  };
  promise.then(settle, settle);
  return promise;
}

/** Merge the guest draft that is still on the device (a failed merge at login is retried from the cart). */
export function useMergeDraft() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: mergeDraft,
    scope: { id: 'cart' },
    onSuccess: (view) => {
      client.setQueryData(keys.cart.server(), view);
      useCartDraft.getState().clear();
    },
  });
}
