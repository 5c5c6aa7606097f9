/**
 * What the benchmarks write straight into a database the API migrated (untimed): a merchant with
 * one product of one SKU, shoppers, the merchant's owner.
 */
import type { Db } from '../server/db';

export interface BenchShop {
  merchantId: string;
  productId: string;
  skuId: string;
  /** The merchant's and the product's names. */
  merchantName: string;
  title: string;
  price: number;
  stock: number;
}

/** The merchant, a category, the product (on shelf) and its one SKU. */
export async function insertShop(db: Db, shop: BenchShop): Promise<void> {
  const now = Date.now();
  const categoryId = `c_${shop.merchantId}`;
  await db.insertInto('merchants').values({ id: shop.merchantId, name: shop.merchantName, logo: '/images/logo.svg', created_at: now }).execute();
  await db.insertInto('categories').values({ id: categoryId, name: '压测分类', icon: '/images/c.svg', sort: 0 }).execute();
  await db
    .insertInto('products')
    .values({
      id: shop.productId, merchant_id: shop.merchantId, category_id: categoryId, title: shop.title, subtitle: '', description: '', cover: '/images/p.svg',
      images: JSON.stringify(['/images/p.svg']), specs: JSON.stringify([{ name: '颜色', values: ['红色'] }]), on_shelf: 1, position: 1,
      price_from: shop.price, original_price: null, sales: 0, created_at: now, updated_at: now,
    })
    .execute();
  await db.insertInto('skus').values({ id: shop.skuId, product_id: shop.productId, spec_values: JSON.stringify(['红色']), price: shop.price, original_price: null, stock: shop.stock, sales: 0, created_at: now, updated_at: now }).execute();
}

/** Shopper accounts (h5), 500 rows per statement. */
export async function insertUsers(db: Db, ids: string[], nickname: string): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < ids.length; start += 500) {
    const batch = ids.slice(start, start + 500);
    await db
      .insertInto('users')
      .values(batch.map((id) => ({ id, platform: 'h5', openid: id, unionid: null, phone: null, nickname, avatar: null, created_at: now, updated_at: now, status_changed_at: null })))
      .execute();
  }
}

/** The user (already written) as the merchant's active owner. */
export async function insertOwner(db: Db, merchantId: string, userId: string): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('merchant_staff')
    .values({ id: `ms_${userId}`, merchant_id: merchantId, user_id: userId, phone: null, role: 'owner', status: 'active', invited_by: null, code_hash: null, code_expires_at: null, created_at: now, updated_at: now })
    .execute();
}
