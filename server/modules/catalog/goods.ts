import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import type { MerchantProduct, MerchantProductPage, MerchantSku, SkuPriceBody, SkuStockBody, StockAlertPage } from '@contract/workbench';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { recordAudit } from '../merchant';
import type { SkusTable } from './tables';

type Db = Kysely<Database>;
type SkuRow = Selectable<SkusTable>;

/**
 * The catalog's part of the merchant's workbench (docs/merchant.md, "Goods"): the merchant's
 * products with their SKUs, the shelf, SKU prices and stock, sold-out alerts. Every change is
 * audited in its transaction. Stock edits never lose a sale made meanwhile: they are a delta
 * applied by the database (`stock = stock + d WHERE stock + d >= 0`) or a compare-and-set on
 * the value the staff member read (`stock = :set WHERE stock = :expected`), never a value
 * computed in the server and written back. Orders reserve stock by taking it off `stock`
 * (reserveStock), so `stock` is what is left to sell: an edit can never take back a reservation.
 */

function parseJsonArray<T>(text: string): T[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}

function skuOf(s: SkuRow): MerchantSku {
  return {
    id: s.id,
    productId: s.product_id,
    specText: parseJsonArray<string>(s.spec_values).join(' / '),
    price: Number(s.price),
    originalPrice: s.original_price === null ? null : Number(s.original_price),
    stock: Number(s.stock),
    sales: Number(s.sales),
    updatedAt: Number(s.updated_at),
  };
}

function likePattern(keyword: string): string {
  return `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** [position, id] of the last product on the page. */
const productCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

type ProductRow = { id: string; title: string; cover: string; on_shelf: number; price_from: number; sales: number; position: number };

async function withSkus(db: Db, products: readonly ProductRow[]): Promise<MerchantProduct[]> {
  if (products.length === 0) return [];
  const skus = await db
    .selectFrom('skus')
    .selectAll()
    .where('product_id', 'in', products.map((p) => p.id))
    .orderBy('product_id')
    .orderBy('id')
    .execute();
  return products.map((p) => {
    const own = skus.filter((s) => s.product_id === p.id).map(skuOf);
    return {
      id: p.id,
      title: p.title,
      cover: p.cover,
      onShelf: Number(p.on_shelf) === 1,
      priceFrom: Number(p.price_from),
      sales: Number(p.sales),
      stock: own.reduce((n, s) => n + s.stock, 0),
      skus: own,
    };
  });
}

const PRODUCT_COLUMNS = ['id', 'title', 'cover', 'on_shelf', 'price_from', 'sales', 'position'] as const;

/** The merchant's products, on and off the shelf, in the shop's order, with their SKUs; searched by title. */
export async function listMerchantProducts(db: Db, merchantId: string, query: { q?: string; shelf: 'all' | 'on' | 'off'; cursor?: string; limit: number }): Promise<MerchantProductPage> {
  let q = db.selectFrom('products').select(PRODUCT_COLUMNS).where('merchant_id', '=', merchantId);
  if (query.shelf !== 'all') q = q.where('on_shelf', '=', query.shelf === 'on' ? 1 : 0);
  const keyword = query.q?.trim();
  if (keyword) q = q.where(sql`lower(${sql.ref('title')})`, 'like', sql`${likePattern(keyword)} escape '\\'`);
  if (query.cursor) {
    const [position, id] = productCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('position', '>', position), eb.and([eb('position', '=', position), eb('id', '>', id)])]));
  }
  const rows = await q.orderBy('position').orderBy('id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await withSkus(db, page),
    nextCursor: rows.length > query.limit && last ? productCursor.encode([Number(last.position), last.id]) : null,
  };
}

async function merchantProduct(db: Db, merchantId: string, productId: string): Promise<MerchantProduct> {
  const row = await db.selectFrom('products').select(PRODUCT_COLUMNS).where('id', '=', productId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `product ${productId} not found`);
  return (await withSkus(db, [row]))[0];
}

/** Puts a product on the shelf or takes it off (audited when it changes); the same state again changes nothing. */
export async function setProductShelf(db: Db, input: { merchantId: string; productId: string; actorId: string; onShelf: boolean; now?: number }): Promise<MerchantProduct> {
  const now = input.now ?? Date.now();
  await transact(db, async (trx) => {
    const to = input.onShelf ? 1 : 0;
    const changed = await trx
      .updateTable('products')
      .set({ on_shelf: to, updated_at: now })
      .where('id', '=', input.productId)
      .where('merchant_id', '=', input.merchantId)
      .where('on_shelf', '<>', to)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) {
      const exists = await trx.selectFrom('products').select('id').where('id', '=', input.productId).where('merchant_id', '=', input.merchantId).executeTakeFirst();
      if (!exists) throw new AppError('NOT_FOUND', `product ${input.productId} not found`);
      return;
    }
    await recordAudit(
      trx,
      { merchantId: input.merchantId, actorId: input.actorId, action: 'product.shelf_changed', target: `product:${input.productId}`, detail: { from: !input.onShelf, to: input.onShelf } },
      now,
    );
  });
  return merchantProduct(db, input.merchantId, input.productId);
}

/** A SKU of the merchant, with its product's title (NOT_FOUND for another merchant's). */
const selectMerchantSku = prepared<{ skuId: string; merchantId: string }, SkuRow & { title: string }>((db, p) =>
  db
    .selectFrom('skus as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .selectAll('s')
    .select('p.title')
    .where('s.id', '=', p('skuId'))
    .where('p.merchant_id', '=', p('merchantId')),
);

async function merchantSkuRow(db: Db, merchantId: string, skuId: string): Promise<SkuRow & { title: string }> {
  const [row] = (await selectMerchantSku.execute(db, { skuId, merchantId })).rows;
  if (!row) throw new AppError('NOT_FOUND', `SKU ${skuId} not found`);
  return row;
}

/**
 * Changes a SKU's price (and its original price when given; null clears it) and keeps the
 * product's list price (`price_from`, `original_price`) in step. Orders already placed keep the
 * price in their lines: they are snapshots. Audited with before and after.
 */
export async function setSkuPrice(db: Db, input: { merchantId: string; skuId: string; actorId: string; body: SkuPriceBody; now?: number }): Promise<MerchantSku> {
  const now = input.now ?? Date.now();
  return transact(db, async (trx) => {
    const before = await merchantSkuRow(trx, input.merchantId, input.skuId);
    const originalPrice = input.body.originalPrice === undefined ? (before.original_price === null ? null : Number(before.original_price)) : input.body.originalPrice;
    if (originalPrice !== null && originalPrice < input.body.price) {
      throw new AppError('VALIDATION_FAILED', 'the original price is not below the price', { errors: [{ path: 'body.originalPrice', message: 'the original price is not below the price' }] });
    }
    // SKU first, then its product: the catalog's lock order (reserveStock takes SKUs, then products).
    const [after] = (
      await trx.updateTable('skus').set({ price: input.body.price, original_price: originalPrice, updated_at: now }).where('id', '=', input.skuId).returningAll().execute()
    );
    const cheapest = await trx.selectFrom('skus').select(['price', 'original_price']).where('product_id', '=', before.product_id).orderBy('price').orderBy('id').executeTakeFirstOrThrow();
    const original = cheapest.original_price !== null && Number(cheapest.original_price) > Number(cheapest.price) ? Number(cheapest.original_price) : null;
    await trx.updateTable('products').set({ price_from: Number(cheapest.price), original_price: original, updated_at: now }).where('id', '=', before.product_id).execute();
    const from = { price: Number(before.price), originalPrice: before.original_price === null ? null : Number(before.original_price) };
    const to = { price: input.body.price, originalPrice };
    if (from.price !== to.price || from.originalPrice !== to.originalPrice) {
      await recordAudit(trx, { merchantId: input.merchantId, actorId: input.actorId, action: 'sku.price_changed', target: `sku:${input.skuId}`, detail: { productId: before.product_id, title: before.title, from, to } }, now);
    }
    return skuOf(after);
  });
}

/** `stock = stock + delta` when that is not below zero: the database applies it to whatever the stock is now. */
const addStock = prepared<{ id: string; delta: number; now: number }, { stock: number }>((db, p) =>
  db
    .updateTable('skus')
    .set((eb) => ({ stock: eb('stock', '+', p('delta')), updated_at: p('now') }))
    .where('id', '=', p('id'))
    .where((eb) => eb(eb('stock', '+', p('delta')), '>=', 0))
    .returning('stock'),
);

/** `stock = :set` only while it is still `expected`, the value the staff member read. */
const compareAndSetStock = prepared<{ id: string; set: number; expected: number; now: number }, { stock: number }>((db, p) =>
  db.updateTable('skus').set({ stock: p('set'), updated_at: p('now') }).where('id', '=', p('id')).where('stock', '=', p('expected')).returning('stock'),
);

/**
 * Changes a SKU's stock without losing a concurrent sale (see the top of this file): by a delta,
 * refused with STOCK_BELOW_ZERO when it would go below zero, or by a compare-and-set, refused
 * with STOCK_CHANGED (and the current stock) when a sale or another edit changed it since it was
 * read. Audited with before and after; a change to zero raises the sold-out alert.
 */
export async function changeSkuStock(db: Db, input: { merchantId: string; skuId: string; actorId: string; body: SkuStockBody; now?: number }): Promise<MerchantSku> {
  const now = input.now ?? Date.now();
  return transact(db, async (trx) => {
    const sku = await merchantSkuRow(trx, input.merchantId, input.skuId);
    let from: number;
    let to: number;
    const { delta, set, expected } = input.body;
    if (delta !== undefined) {
      const [row] = (await addStock.execute(trx, { id: input.skuId, delta, now })).rows;
      if (!row) {
        const current = await currentStock(trx, input.skuId);
        throw new AppError('STOCK_BELOW_ZERO', `the stock is ${current}; it cannot change by ${delta}`, { stock: current });
      }
      to = Number(row.stock);
      from = to - delta;
    } else if (set !== undefined && expected !== undefined) {
      const [row] = (await compareAndSetStock.execute(trx, { id: input.skuId, set, expected, now })).rows;
      if (!row) {
        const current = await currentStock(trx, input.skuId);
        throw new AppError('STOCK_CHANGED', `the stock is ${current} now, not ${expected}`, { stock: current });
      }
      from = expected;
      to = Number(row.stock);
    } else {
      throw new AppError('VALIDATION_FAILED', 'send either delta, or set with expected');
    }
    if (from !== to) {
      await recordAudit(
        trx,
        { merchantId: input.merchantId, actorId: input.actorId, action: 'sku.stock_changed', target: `sku:${input.skuId}`, detail: { productId: sku.product_id, title: sku.title, ...input.body, from, to } },
        now,
      );
    }
    if (from > 0 && to === 0) await soldOut(trx, input.skuId, 'edit', now);
    const after = await trx.selectFrom('skus').selectAll().where('id', '=', input.skuId).executeTakeFirstOrThrow();
    return skuOf(after);
  });
}

async function currentStock(db: Db, skuId: string): Promise<number> {
  const row = await db.selectFrom('skus').select('stock').where('id', '=', skuId).executeTakeFirst();
  return Number(row?.stock ?? 0);
}

/** Announces that a SKU sold out (the merchant's `merchant:{id}` topic carries it). */
export async function soldOut(trx: Db, skuId: string, cause: 'sale' | 'edit', now: number): Promise<void> {
  const row = await trx
    .selectFrom('skus as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['s.id', 's.product_id', 's.spec_values', 'p.merchant_id', 'p.title'])
    .where('s.id', '=', skuId)
    .executeTakeFirst();
  if (!row) return;
  await emit(
    trx,
    EVENTS.skuSoldOut,
    skuId,
    { skuId, productId: row.product_id, merchantId: row.merchant_id, title: row.title, specText: parseJsonArray<string>(row.spec_values).join(' / '), cause, at: now },
    now,
  );
}

/** [stock, id] of the last alert on the page. */
const alertCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

/** The merchant's SKUs with at most `threshold` in stock (0: sold out), lowest stock first. */
export async function listStockAlerts(db: Db, merchantId: string, query: { threshold: number; cursor?: string; limit: number }): Promise<StockAlertPage> {
  let q = db
    .selectFrom('skus as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['s.id', 's.product_id', 's.spec_values', 's.stock', 'p.title', 'p.cover', 'p.on_shelf'])
    .where('p.merchant_id', '=', merchantId)
    .where('s.stock', '<=', query.threshold);
  if (query.cursor) {
    const [stock, id] = alertCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('s.stock', '>', stock), eb.and([eb('s.stock', '=', stock), eb('s.id', '>', id)])]));
  }
  const rows = await q.orderBy('s.stock').orderBy('s.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      skuId: r.id,
      productId: r.product_id,
      title: r.title,
      specText: parseJsonArray<string>(r.spec_values).join(' / '),
      cover: r.cover,
      stock: Number(r.stock),
      onShelf: Number(r.on_shelf) === 1,
    })),
    nextCursor: rows.length > query.limit && last ? alertCursor.encode([Number(last.stock), last.id]) : null,
  };
}

