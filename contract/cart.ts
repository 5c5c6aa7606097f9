import { z } from 'zod';
import { fen, id, imagePath, quantity, timestamp } from './common';

/**
 * Why a cart or checkout line cannot be bought as it is. `price_changed` is a notice only:
 * the line stays valid at the new price.
 */
export const lineIssue = z.enum(['off_shelf', 'sku_missing', 'out_of_stock', 'insufficient_stock', 'price_changed']);
export type LineIssue = z.infer<typeof lineIssue>;
export const BLOCKING_LINE_ISSUES: readonly LineIssue[] = ['off_shelf', 'sku_missing', 'out_of_stock', 'insufficient_stock'];

export const lineInput = z.strictObject({ skuId: id, quantity });
export type LineInput = z.infer<typeof lineInput>;

export const cartLine = z.object({
  skuId: id,
  /** null when the SKU no longer exists (issue sku_missing): nothing is left to name. */
  productId: id.nullable(),
  merchantId: id.nullable(),
  merchantName: z.string(),
  title: z.string(),
  /** e.g. "红色 / XL" */
  specText: z.string(),
  image: imagePath.nullable(),
  unitPrice: fen,
  /** Price when the line was added; differs from unitPrice when the price changed since. */
  addedPrice: fen,
  quantity: z.number().int().min(1),
  stock: z.number().int().min(0),
  selected: z.boolean(),
  /** false when the line cannot be bought (see issue). */
  valid: z.boolean(),
  issue: lineIssue.nullable(),
  lineAmount: fen,
  addedAt: timestamp,
});
export type CartLine = z.infer<typeof cartLine>;

export const cartTotals = z.object({
  /** Number of pieces in valid selected lines. */
  selectedQuantity: z.number().int(),
  /** Number of valid selected lines. */
  selectedLines: z.number().int(),
  itemsAmount: fen,
  /** All lines, valid or not. */
  totalLines: z.number().int(),
});

export const cartView = z.object({
  lines: z.array(cartLine),
  totals: cartTotals,
});
export type CartView = z.infer<typeof cartView>;

export const cartAddBody = lineInput;
export const cartUpdateBody = z
  .strictObject({ quantity: quantity.optional(), selected: z.boolean().optional() })
  .refine((b) => b.quantity !== undefined || b.selected !== undefined, 'quantity or selected is required');
/** Every line, or with merchantId only that shop's lines (the per-shop 全选 of a cart grouped by shop). */
export const cartSelectAllBody = z.strictObject({ selected: z.boolean(), merchantId: id.optional() });
/** Guest cart lines merged into the account's cart at login; quantities add up (capped). */
export const cartMergeBody = z.strictObject({
  lines: z.array(z.strictObject({ skuId: id, quantity, selected: z.boolean().default(true), addedPrice: fen.optional() })).max(100),
});
/** Prices a guest's local cart draft without storing it. */
export const cartQuoteBody = cartMergeBody;
