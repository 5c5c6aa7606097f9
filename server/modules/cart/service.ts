import { sql, type Kysely } from 'kysely';
import type { CartLine, CartView, LineIssue } from '@contract/cart';
import { MAX_LINE_QUANTITY } from '@contract/common';
import { sumFen } from '@contract/money';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { isBlocking, lineAmount, lineIssueFor, loadSkus, type SkuSnapshot } from '../catalog';
import { transact } from '../../db/transaction';

/**
 * The server-side cart: one line per (user, SKU). Every read validates and prices each line
 * through the catalog; nothing about price or stock is stored except the price when the line
 * was added (for the price_changed notice).
 *
 * Choices: adding a SKU with no stock at all is refused (409 OUT_OF_STOCK) while adding more
 * than the stock is allowed and the line is flagged insufficient_stock, so the shopper sees
 * why and can lower the quantity. Adding an existing SKU adds the quantities (capped at 99)
 * and refreshes the added price to the one the shopper just saw.
 */
export const MAX_CART_LINES = 100;

type Db = Kysely<Database>;

export interface StoredLine {
  skuId: string;
  quantity: number;
  selected: boolean;
  addedPrice: number | null;
  addedAt: number;
}

/** Validates and prices lines against the catalog (shared by the stored cart and quotes). */
export async function priceLines(db: Db, lines: readonly StoredLine[]): Promise<CartView> {
  const skus = await loadSkus(db, [...new Set(lines.map((l) => l.skuId))]);
  return viewOf(lines, skus);
}

export function viewOf(lines: readonly StoredLine[], skus: ReadonlyMap<string, SkuSnapshot>): CartView {
  const out: CartLine[] = lines.map((line) => {
    const sku = skus.get(line.skuId);
    const issue: LineIssue | null = lineIssueFor(sku, line.quantity, line.addedPrice ?? undefined);
    const unitPrice = sku?.price ?? 0;
    return {
      skuId: line.skuId,
      // A SKU that no longer exists has no product or merchant left to name.
      productId: sku?.productId ?? null,
      merchantId: sku?.merchantId ?? null,
      merchantName: sku?.merchantName ?? '',
      title: sku?.title ?? '',
      specText: sku?.specText ?? '',
      image: sku?.image ?? null,
      unitPrice,
      addedPrice: line.addedPrice ?? unitPrice,
      quantity: line.quantity,
      stock: sku?.stock ?? 0,
      selected: line.selected,
      valid: !isBlocking(issue),
      issue,
      lineAmount: lineAmount(unitPrice, line.quantity),
      addedAt: line.addedAt,
    };
  });
  const counted = out.filter((l) => l.valid && l.selected);
  return {
    lines: out,
    totals: {
      selectedQuantity: counted.reduce((n, l) => n + l.quantity, 0),
      selectedLines: counted.length,
      itemsAmount: sumFen(counted.map((l) => l.lineAmount)),
      totalLines: out.length,
    },
  };
}

async function storedLines(db: Db, userId: string): Promise<StoredLine[]> {
  const rows = await db
    .selectFrom('cart_lines')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('added_at', 'desc')
    .orderBy('sku_id', 'asc')
    .execute();
  return rows.map((r) => ({ skuId: r.sku_id, quantity: r.quantity, selected: r.selected === 1, addedPrice: r.added_price, addedAt: r.added_at }));
}

export async function getCart(db: Db, userId: string): Promise<CartView> {
  return priceLines(db, await storedLines(db, userId));
}

async function lineCount(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('cart_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** quantity = min(99, existing + added) on both dialects. */
const cappedSum = sql<number>`case when cart_lines.quantity + excluded.quantity > ${MAX_LINE_QUANTITY} then ${MAX_LINE_QUANTITY} else cart_lines.quantity + excluded.quantity end`;

export async function addItem(db: Db, userId: string, skuId: string, quantity: number, now = Date.now()): Promise<CartView> {
  const sku = (await loadSkus(db, [skuId])).get(skuId);
  if (!sku) throw new AppError('NOT_FOUND', `SKU ${skuId} does not exist`, { skuId });
  if (!sku.onShelf) throw new AppError('SKU_UNAVAILABLE', `SKU ${skuId} is off the shelf`, { skuId });
  if (sku.stock <= 0) throw new AppError('OUT_OF_STOCK', `SKU ${skuId} is sold out`, { skuId });
  await transact(db, async (trx) => {
    const existing = await trx.selectFrom('cart_lines').select('sku_id').where('user_id', '=', userId).where('sku_id', '=', skuId).executeTakeFirst();
    if (!existing && (await lineCount(trx, userId)) >= MAX_CART_LINES) {
      throw new AppError('CART_FULL', `A cart holds at most ${MAX_CART_LINES} different items`, {
        errors: [{ path: 'skuId', message: `cart is full (${MAX_CART_LINES} lines)` }],
      });
    }
    await trx
      .insertInto('cart_lines')
      .values({ user_id: userId, sku_id: skuId, quantity, selected: 1, added_price: sku.price, added_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'sku_id']).doUpdateSet({ quantity: cappedSum, selected: 1, added_price: sku.price }))
      .execute();
  });
  return getCart(db, userId);
}

export async function updateItem(db: Db, userId: string, skuId: string, patch: { quantity?: number; selected?: boolean }): Promise<CartView> {
  const set: { quantity?: number; selected?: number } = {};
  if (patch.quantity !== undefined) set.quantity = patch.quantity;
  if (patch.selected !== undefined) set.selected = patch.selected ? 1 : 0;
  if (Object.keys(set).length === 0) throw new AppError('VALIDATION_FAILED', 'quantity or selected is required');
  const result = await db.updateTable('cart_lines').set(set).where('user_id', '=', userId).where('sku_id', '=', skuId).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new AppError('NOT_FOUND', `SKU ${skuId} is not in the cart`, { skuId });
  return getCart(db, userId);
}

export async function removeItem(db: Db, userId: string, skuId: string): Promise<CartView> {
  const result = await db.deleteFrom('cart_lines').where('user_id', '=', userId).where('sku_id', '=', skuId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new AppError('NOT_FOUND', `SKU ${skuId} is not in the cart`, { skuId });
  return getCart(db, userId);
}

/** Selects or deselects every line, or only the lines of one shop (merchantId, from the catalog). */
export async function selectAll(db: Db, userId: string, selected: boolean, merchantId?: string): Promise<CartView> {
  let update = db.updateTable('cart_lines').set({ selected: selected ? 1 : 0 }).where('user_id', '=', userId);
  if (merchantId !== undefined) {
    const lines = await storedLines(db, userId);
    const skus = await loadSkus(db, lines.map((l) => l.skuId));
    const ofShop = lines.filter((l) => skus.get(l.skuId)?.merchantId === merchantId).map((l) => l.skuId);
    if (ofShop.length === 0) return priceLines(db, lines);
    update = update.where('sku_id', 'in', ofShop);
  }
  await update.execute();
  return getCart(db, userId);
}

export interface GuestLine {
  skuId: string;
  quantity: number;
  selected: boolean;
  addedPrice?: number;
}

/**
 * Merges a guest's cart: quantities of a SKU already in the account's cart add up (capped at
 * 99); SKUs that do not exist are dropped; new lines beyond the 100-line limit are dropped.
 */
export async function mergeLines(db: Db, userId: string, guest: readonly GuestLine[], now = Date.now()): Promise<CartView> {
  const combined = combineGuestLines(guest);
  const skus = await loadSkus(db, [...combined.keys()]);
  await transact(db, async (trx) => {
    const existing = new Set(
      (await trx.selectFrom('cart_lines').select('sku_id').where('user_id', '=', userId).execute()).map((r) => r.sku_id),
    );
    let count = existing.size;
    let offset = 0;
    for (const line of combined.values()) {
      const sku = skus.get(line.skuId);
      if (!sku) continue;
      if (!existing.has(line.skuId)) {
        if (count >= MAX_CART_LINES) continue;
        count += 1;
      }
      await trx
        .insertInto('cart_lines')
        .values({
          user_id: userId,
          sku_id: line.skuId,
          quantity: line.quantity,
          selected: line.selected ? 1 : 0,
          added_price: line.addedPrice ?? sku.price,
          // Keep the guest's order: earlier lines look newer, as they did in the guest cart.
          added_at: now - offset++,
        })
        .onConflict((oc) => oc.columns(['user_id', 'sku_id']).doUpdateSet({ quantity: cappedSum }))
        .execute();
    }
  });
  return getCart(db, userId);
}

function combineGuestLines(guest: readonly GuestLine[]): Map<string, GuestLine> {
  const combined = new Map<string, GuestLine>();
  for (const line of guest) {
    const prev = combined.get(line.skuId);
    if (prev) prev.quantity = Math.min(MAX_LINE_QUANTITY, prev.quantity + line.quantity);
    else combined.set(line.skuId, { ...line, quantity: Math.min(MAX_LINE_QUANTITY, line.quantity) });
  }
  return combined;
}

/** Prices a guest's cart draft without storing anything. */
export async function quoteLines(db: Db, guest: readonly GuestLine[], now = Date.now()): Promise<CartView> {
  const lines = [...combineGuestLines(guest).values()].map((l, i) => ({
    skuId: l.skuId,
    quantity: l.quantity,
    selected: l.selected,
    addedPrice: l.addedPrice ?? null,
    addedAt: now - i,
  }));
  return priceLines(db, lines);
}

/** Removes ordered SKUs from a cart (inside the order's transaction). */
export async function removeOrderedLines(trx: Db, userId: string, skuIds: readonly string[]): Promise<void> {
  if (skuIds.length === 0) return;
  await trx.deleteFrom('cart_lines').where('user_id', '=', userId).where('sku_id', 'in', [...skuIds]).execute();
}
