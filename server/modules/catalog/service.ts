import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { productSort, type Banner, type Category, type HomeView, type ProductDetail, type ProductPage, type ProductSort, type ProductSummary, type Spec } from '../../../contract/catalog';
import type { Database } from '../../db/types';
import { AppError, validationError } from '../../infra/errors';
import { listParams, prepared, slots } from '../../db/prepared';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { soldOut } from './goods';

type Db = Kysely<Database> | Transaction<Database>;

/** What other modules (cart, checkout, orders) need to know about a SKU, in one read. */
export interface SkuSnapshot {
  skuId: string;
  productId: string;
  merchantId: string;
  merchantName: string;
  title: string;
  /** Spec values joined for display, e.g. "红色 / XL" ("" for a product without specs). */
  specText: string;
  image: string;
  price: number;
  originalPrice: number | null;
  stock: number;
  onShelf: boolean;
}

export interface StockLine {
  skuId: string;
  quantity: number;
}

function parseJsonArray<T>(text: string): T[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Merchants' names and logos by id (unknown ids are left out): for the staff's list of workplaces. */
export async function merchantsByIds(db: Db, ids: readonly string[]): Promise<Map<string, { name: string; logo: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('merchants').select(['id', 'name', 'logo']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, logo: r.logo }]));
}

export function specTextOf(values: string[]): string {
  return values.join(' / ');
}

/** The checkout's view of SKUs, compiled once per number of ids (server/db/prepared.ts). */
const selectSkus = prepared<
  Record<string, unknown>,
  { skuId: string; productId: string; merchantId: string; merchantName: string; title: string; specValues: string; image: string; price: number; originalPrice: number | null; stock: number; onShelf: number },
  number
>((db, p, count) =>
  db
    .selectFrom('skus as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .innerJoin('merchants as m', 'm.id', 'p.merchant_id')
    .select([
      's.id as skuId',
      's.product_id as productId',
      'p.merchant_id as merchantId',
      'm.name as merchantName',
      'p.title as title',
      's.spec_values as specValues',
      'p.cover as image',
      's.price as price',
      's.original_price as originalPrice',
      's.stock as stock',
      'p.on_shelf as onShelf',
    ])
    .where('s.id', 'in', slots(p, 'id', count)),
);

export async function loadSkus(db: Db, skuIds: string[]): Promise<Map<string, SkuSnapshot>> {
  const ids = [...new Set(skuIds)];
  const out = new Map<string, SkuSnapshot>();
  if (ids.length === 0) return out;
  const { rows } = await selectSkus.execute(db, listParams('id', ids), ids.length);
  for (const r of rows) {
    out.set(r.skuId, {
      skuId: r.skuId,
      productId: r.productId,
      merchantId: r.merchantId,
      merchantName: r.merchantName,
      title: r.title,
      specText: specTextOf(parseJsonArray<string>(r.specValues)),
      image: r.image,
      price: Number(r.price),
      originalPrice: r.originalPrice === null ? null : Number(r.originalPrice),
      stock: Number(r.stock),
      onShelf: Number(r.onShelf) === 1,
    });
  }
  return out;
}

function mergeLines(items: StockLine[]): StockLine[] {
  const byId = new Map<string, number>();
  for (const { skuId, quantity } of items) {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new AppError('VALIDATION_FAILED', `quantity must be a positive integer (sku ${skuId})`);
    }
    byId.set(skuId, (byId.get(skuId) ?? 0) + quantity);
  }
  // Sorted by id: every transaction locks rows in the same order, so two never deadlock.
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([skuId, quantity]) => ({ skuId, quantity }));
}

/** Product ids of the given SKUs (sorted, deduplicated) with the quantity per product. */
const selectProductsOfSkus = prepared<Record<string, unknown>, { id: string; product_id: string }, number>((db, p, count) =>
  db.selectFrom('skus').select(['id', 'product_id']).where('id', 'in', slots(p, 'id', count)),
);

/** The conditional stock update: never below zero, however many orders race. Answers the SKU's product and what is left. */
const takeStock = prepared<{ id: string; quantity: number; now: number }, { product_id: string; stock: number }>((db, p) =>
  db
    .updateTable('skus')
    .set((eb) => ({ stock: eb('stock', '-', p('quantity')), sales: eb('sales', '+', p('quantity')), updated_at: p('now') }))
    .where('id', '=', p('id'))
    .where('stock', '>=', p('quantity'))
    .returning(['product_id', 'stock']),
);

const countProductSales = prepared<{ id: string; quantity: number; now: number }>((db, p) =>
  db
    .updateTable('products')
    .set((eb) => ({ sales: eb('sales', '+', p('quantity')), updated_at: p('now') }))
    .where('id', '=', p('id')),
);

async function productQuantities(trx: Db, lines: StockLine[]): Promise<[string, number][]> {
  const { rows } = await selectProductsOfSkus.execute(trx, listParams('id', lines.map((l) => l.skuId)), lines.length);
  const productOf = new Map(rows.map((r) => [r.id, r.product_id]));
  const perProduct = new Map<string, number>();
  for (const l of lines) {
    const pid = productOf.get(l.skuId);
    if (pid) perProduct.set(pid, (perProduct.get(pid) ?? 0) + l.quantity);
  }
  return [...perProduct.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Takes stock for every line inside the caller's transaction with a conditional update
 * (`stock = stock - q WHERE id = ? AND stock >= q`), so stock never goes below zero however
 * many orders race. Throws OUT_OF_STOCK (extra: skuId) on the first line that cannot be
 * served; the caller's transaction then rolls everything back. Also counts the sales.
 */
export async function reserveStock(trx: Transaction<Database> | Kysely<Database>, items: StockLine[]): Promise<void> {
  const lines = mergeLines(items);
  if (lines.length === 0) return;
  const now = Date.now();
  const perProduct = new Map<string, number>();
  const soldOutSkus: string[] = [];
  for (const { skuId, quantity } of lines) {
    const [taken] = (await takeStock.execute(trx, { id: skuId, quantity, now })).rows;
    if (!taken) throw new AppError('OUT_OF_STOCK', `not enough stock for ${skuId}`, { skuId });
    perProduct.set(taken.product_id, (perProduct.get(taken.product_id) ?? 0) + quantity);
    if (Number(taken.stock) === 0) soldOutSkus.push(skuId);
  }
  // The merchant's sold-out alert (the last piece sold): rare, so its read costs nothing the rest of the time.
  for (const skuId of soldOutSkus) await soldOut(trx, skuId, 'sale', now);
  // Products after every SKU, in id order: the one lock order (SKUs, then products).
  for (const [productId, quantity] of [...perProduct].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await countProductSales.execute(trx, { id: productId, quantity, now });
  }
}

/** Gives stock back (order cancelled or closed) and takes back the sales it counted. */
export async function releaseStock(trx: Transaction<Database> | Kysely<Database>, items: StockLine[]): Promise<void> {
  const lines = mergeLines(items);
  if (lines.length === 0) return;
  const now = Date.now();
  for (const { skuId, quantity } of lines) {
    await trx
      .updateTable('skus')
      .set((eb) => ({
        stock: eb('stock', '+', quantity),
        sales: sql<number>`case when ${sql.ref('sales')} >= ${quantity} then ${sql.ref('sales')} - ${quantity} else 0 end`,
        updated_at: now,
      }))
      .where('id', '=', skuId)
      .execute();
  }
  for (const [productId, quantity] of await productQuantities(trx, lines)) {
    await trx
      .updateTable('products')
      .set({
        sales: sql<number>`case when ${sql.ref('sales')} >= ${quantity} then ${sql.ref('sales')} - ${quantity} else 0 end`,
        updated_at: now,
      })
      .where('id', '=', productId)
      .execute();
  }
}

// ---------------------------------------------------------------------------------------------
// Browsing

export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await db.selectFrom('categories').selectAll().orderBy('sort').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, icon: r.icon, sort: Number(r.sort) }));
}

export async function getHome(db: Db): Promise<HomeView> {
  const banners = await db.selectFrom('banners').selectAll().orderBy('sort').orderBy('id').execute();
  return {
    banners: banners.map((b): Banner => ({ id: b.id, title: b.title, image: b.image, productId: b.product_id })),
    categories: await listCategories(db),
  };
}

export interface ListProductsInput {
  q?: string;
  categoryId?: string;
  merchantId?: string;
  sort: ProductSort;
  cursor?: string;
  limit: number;
}

interface SortSpec {
  column: 'p.position' | 'p.sales' | 'p.price_from';
  direction: 'asc' | 'desc';
}

const SORTS: Record<ProductSort, SortSpec> = {
  default: { column: 'p.position', direction: 'asc' },
  sales: { column: 'p.sales', direction: 'desc' },
  price_asc: { column: 'p.price_from', direction: 'asc' },
  price_desc: { column: 'p.price_from', direction: 'desc' },
};

/** [sort, the last row's sort key, its id]: a cursor is valid only for the sort it came from. */
const productCursor = cursorCodec(z.tuple([productSort, cursorKey, cursorId]));

function productCursorMismatch(): AppError {
  return validationError([{ path: 'query.cursor', message: 'invalid cursor' }], 'The cursor is not valid for this query; start again without it');
}

/** `%`, `_` and `\` in a keyword are matched literally. */
function likePattern(keyword: string): string {
  return `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function summaryQuery(db: Db) {
  return db
    .selectFrom('products as p')
    .innerJoin('merchants as m', 'm.id', 'p.merchant_id')
    .select((eb) => [
      'p.id',
      'p.merchant_id',
      'm.name as merchant_name',
      'p.category_id',
      'p.title',
      'p.subtitle',
      'p.cover',
      'p.price_from',
      // The original price beside the list price is that of a SKU selling at that price (the
      // lowest, when several do), and only when it is above it: another SKU's original price
      // beside the cheapest price would compare two different things.
      eb
        .selectFrom('skus as o')
        .select((e) => e.fn.min<number>('o.original_price').as('original'))
        .whereRef('o.product_id', '=', 'p.id')
        .whereRef('o.price', '=', 'p.price_from')
        .whereRef('o.original_price', '>', 'o.price')
        .as('original_price'),
      'p.sales',
      'p.position',
      eb
        .selectFrom('skus as s')
        .select((e) => e.fn.coalesce(e.fn.sum<number>('s.stock'), sql<number>`0`).as('total'))
        .whereRef('s.product_id', '=', 'p.id')
        .as('stock'),
    ]);
}

type SummaryRow = {
  id: string;
  merchant_id: string;
  merchant_name: string;
  category_id: string;
  title: string;
  subtitle: string;
  cover: string;
  price_from: number;
  original_price: number | null;
  sales: number;
  position: number;
  stock: number | null;
};

function toSummary(r: SummaryRow): ProductSummary {
  return {
    id: r.id,
    merchantId: r.merchant_id,
    merchantName: r.merchant_name,
    categoryId: r.category_id,
    title: r.title,
    subtitle: r.subtitle,
    cover: r.cover,
    priceFrom: Number(r.price_from),
    originalPrice: r.original_price === null ? null : Number(r.original_price),
    sales: Number(r.sales),
    stock: Number(r.stock ?? 0),
  };
}

/**
 * Products on the shelf, filtered and sorted, one page at a time. The cursor carries the last
 * row's sort key and id; ties on the sort key are broken by id, so pages never repeat or skip
 * rows with equal keys.
 */
export async function listProducts(db: Db, input: ListProductsInput): Promise<ProductPage> {
  const sort = SORTS[input.sort];
  let q = summaryQuery(db).where('p.on_shelf', '=', 1);
  if (input.q) {
    const pattern = likePattern(input.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(${sql.ref('p.title')})`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(${sql.ref('p.subtitle')})`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (input.categoryId) q = q.where('p.category_id', '=', input.categoryId);
  if (input.merchantId) q = q.where('p.merchant_id', '=', input.merchantId);
  if (input.cursor) {
    const [cursorSort, v, id] = productCursor.decode(input.cursor);
    if (cursorSort !== input.sort) throw productCursorMismatch();
    const c = { v, id };
    const op = sort.direction === 'asc' ? '>' : '<';
    q = q.where((eb) => eb.or([eb(sort.column, op, c.v), eb.and([eb(sort.column, '=', c.v), eb('p.id', '>', c.id)])]));
  }
  const rows = await q
    .orderBy(sort.column, sort.direction)
    .orderBy('p.id', 'asc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const keyOf = (r: SummaryRow) => Number(sort.column === 'p.position' ? r.position : sort.column === 'p.sales' ? r.sales : r.price_from);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > input.limit && last ? productCursor.encode([input.sort, keyOf(last), last.id]) : null,
  };
}

export const SUGGEST_LIMIT = 10;
export const HOT_LIMIT = 8;

/**
 * Suggestions while the shopper types: names of categories and titles of on-shelf products
 * containing the text (case-insensitive, `%` and `_` literal); the ones starting with it first,
 * then the best sellers; no duplicates.
 */
export async function suggestSearch(db: Db, text: string): Promise<string[]> {
  const keyword = text.trim().toLowerCase();
  if (!keyword) return [];
  const pattern = likePattern(keyword);
  const [categories, products] = await Promise.all([
    db
      .selectFrom('categories')
      .select('name')
      .where(sql`lower(name)`, 'like', sql`${pattern} escape '\\'`)
      .orderBy('sort')
      .limit(SUGGEST_LIMIT)
      .execute(),
    db
      .selectFrom('products')
      .select(['title', 'sales'])
      .where('on_shelf', '=', 1)
      .where(sql`lower(title)`, 'like', sql`${pattern} escape '\\'`)
      .orderBy('sales', 'desc')
      .orderBy('id')
      .limit(SUGGEST_LIMIT * 3)
      .execute(),
  ]);
  const startsFirst = (a: string, b: string) => Number(!a.toLowerCase().startsWith(keyword)) - Number(!b.toLowerCase().startsWith(keyword));
  const names = [...categories.map((c) => c.name), ...products.map((p) => p.title).sort(startsFirst)];
  return [...new Set(names)].slice(0, SUGGEST_LIMIT);
}

/** Hot searches: titles of the best-selling products on the shelf. */
export async function hotSearches(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('products').select('title').where('on_shelf', '=', 1).orderBy('sales', 'desc').orderBy('id').limit(HOT_LIMIT * 2).execute();
  return [...new Set(rows.map((r) => r.title))].slice(0, HOT_LIMIT);
}

export async function getProduct(db: Db, productId: string): Promise<ProductDetail> {
  const row = await summaryQuery(db).select(['p.images', 'p.description', 'p.specs', 'p.on_shelf']).where('p.id', '=', productId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `no product ${productId}`);
  const skus = await db.selectFrom('skus').selectAll().where('product_id', '=', productId).orderBy('id').execute();
  if (skus.length === 0) throw new AppError('NOT_FOUND', `product ${productId} has no SKUs`);
  return {
    ...toSummary(row),
    images: parseJsonArray<string>(row.images),
    description: row.description,
    onShelf: Number(row.on_shelf) === 1,
    specs: parseJsonArray<Spec>(row.specs),
    skus: skus.map((s) => ({
      id: s.id,
      specValues: parseJsonArray<string>(s.spec_values),
      price: Number(s.price),
      originalPrice: s.original_price === null ? null : Number(s.original_price),
      stock: Number(s.stock),
    })),
  };
}
