import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { buildDemoShop } from './data';
import { transact } from '../db/transaction';

export { buildDemoShop } from './data';

export interface SeedResult {
  merchants: number;
  categories: number;
  products: number;
  skus: number;
  banners: number;
}

async function insertChunks<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Seeds the demo shop when the catalog is empty; returns what was written, or null when the
 * database already has a catalog. Idempotent: one transaction, and every insert skips rows
 * that already exist, so two processes starting together cannot double-seed.
 */
export async function seedIfEmpty(db: Kysely<Database>): Promise<SeedResult | null> {
  const existing = await db.selectFrom('merchants').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const shop = buildDemoShop();
  const now = Date.UTC(2025, 0, 1);
  return transact(db, async (trx) => {
    const again = await trx.selectFrom('merchants').select('id').limit(1).executeTakeFirst();
    if (again) return null;
    await trx
      .insertInto('merchants')
      .values(shop.merchants.map((m) => ({ id: m.id, name: m.name, logo: m.logo, created_at: m.createdAt })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('categories')
      .values(shop.categories.map((c) => ({ id: c.id, name: c.name, icon: c.icon, sort: c.sort })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await insertChunks(shop.products, 100, (chunk) =>
      trx
        .insertInto('products')
        .values(
          chunk.map((p) => ({
            id: p.id,
            merchant_id: p.merchantId,
            category_id: p.categoryId,
            title: p.title,
            subtitle: p.subtitle,
            description: p.description,
            cover: p.cover,
            images: JSON.stringify(p.images),
            specs: JSON.stringify(p.specs),
            on_shelf: p.onShelf ? 1 : 0,
            position: p.position,
            price_from: p.priceFrom,
            original_price: p.originalPrice,
            sales: p.sales,
            created_at: p.createdAt,
            updated_at: p.createdAt,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    );
    const skus = shop.products.flatMap((p) =>
      p.skus.map((s) => ({
        id: s.id,
        product_id: p.id,
        spec_values: JSON.stringify(s.specValues),
        price: s.price,
        original_price: s.originalPrice,
        stock: s.stock,
        sales: s.sales,
        created_at: now,
        updated_at: now,
      })),
    );
    await insertChunks(skus, 200, (chunk) =>
      trx.insertInto('skus').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute(),
    );
    await trx
      .insertInto('banners')
      .values(shop.banners.map((b) => ({ id: b.id, title: b.title, image: b.image, product_id: b.productId, sort: b.sort })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return {
      merchants: shop.merchants.length,
      categories: shop.categories.length,
      products: shop.products.length,
      skus: skus.length,
      banners: shop.banners.length,
    };
  });
}
