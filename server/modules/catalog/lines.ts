import { BLOCKING_LINE_ISSUES, type LineIssue } from '@contract/cart';
import type { SkuSnapshot } from './service';

export type { LineIssue };

/**
 * Whether a SKU can be bought in a quantity, and what a line of it costs: the catalog's rules,
 * shared by the cart (line validation) and checkout (pricing).
 */

/** The fields of the catalog's SkuSnapshot that pricing reads. */
export type PricingSku = Omit<SkuSnapshot, 'originalPrice'>;

/**
 * Why a line cannot be bought as it is; `price_changed` (a notice) only when nothing blocks.
 * `addedPrice` is the price when the line entered the cart, if known.
 */
export function lineIssueFor(sku: PricingSku | undefined, quantity: number, addedPrice?: number): LineIssue | null {
  if (!sku) return 'sku_missing';
  if (!sku.onShelf) return 'off_shelf';
  if (sku.stock <= 0) return 'out_of_stock';
  if (quantity > sku.stock) return 'insufficient_stock';
  if (addedPrice !== undefined && addedPrice !== sku.price) return 'price_changed';
  return null;
}

export function isBlocking(issue: LineIssue | null): boolean {
  return issue !== null && BLOCKING_LINE_ISSUES.includes(issue);
}

/** Multiplies a unit price by a quantity, refusing results that are not safe integers. */
export function lineAmount(unitPrice: number, quantity: number): number {
  const amount = unitPrice * quantity;
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`bad line amount ${unitPrice} x ${quantity}`);
  return amount;
}

