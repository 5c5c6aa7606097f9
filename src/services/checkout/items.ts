import type { LineInput } from '@contract';

const SKU_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_QUANTITY = 99;
const MAX_LINES = 50;

/**
 * Reads the checkout page's `items` query value, "skuId:qty,skuId:qty" (URL-encoded or not).
 * Repeated SKUs add up (capped at the per-line maximum). Returns null when anything is
 * malformed, so the page shows a clear empty state instead of sending a bad request.
 */
export function parseItemsParam(raw: string | undefined | null): LineInput[] | null {
  if (!raw) return null;
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const bySku = new Map<string, number>();
  for (const part of text.split(',')) {
    const m = /^([^:]+):(\d{1,3})$/.exec(part.trim());
    if (!m || !SKU_ID.test(m[1])) return null;
    const quantity = Number(m[2]);
    if (quantity < 1) return null;
    bySku.set(m[1], Math.min(MAX_QUANTITY, (bySku.get(m[1]) ?? 0) + quantity));
  }
  if (bySku.size === 0 || bySku.size > MAX_LINES) return null;
  return Array.from(bySku, ([skuId, quantity]) => ({ skuId, quantity }));
}

/** The inverse, URL-encoded: what a page puts after `items=`. */
export function itemsParam(items: readonly LineInput[]): string {
  return encodeURIComponent(items.map((i) => `${i.skuId}:${i.quantity}`).join(','));
}

/**
 * The checkout page's URL for these lines; `liveSessionId` (a live room's 马上抢) rides as `live`
 * and goes with the preview and the order (the server prices the session's lines).
 */
export function checkoutUrl(items: readonly LineInput[], fromCart: boolean, liveSessionId?: string | null): string {
  const live = liveSessionId ? `&live=${encodeURIComponent(liveSessionId)}` : '';
  return `/pages/checkout/index?items=${itemsParam(items)}${fromCart ? '&fromCart=1' : ''}${live}`;
}

/** The checkout page's `live` query value: a session id, or null when absent or malformed (then it is a normal checkout). */
export function parseLiveParam(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return SKU_ID.test(text) ? text : null;
}
