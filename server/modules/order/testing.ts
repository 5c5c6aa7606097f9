import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { issueToken } from '../../infra/tokens';

/**
 * Test fixtures for the cart, order and payment tests: catalog rows written straight into
 * the test database (the catalog has no admin API yet), and signed sessions for synthetic
 * users. Only tests import this file.
 */
export interface FixtureSku {
  skuId: string;
  productId: string;
  merchantId: string;
  price: number;
  stock: number;
}

let counter = 0;

export async function makeSku(
  db: Kysely<Database>,
  opts: { merchantId?: string; merchantName?: string; price?: number; stock?: number; onShelf?: boolean; title?: string } = {},
): Promise<FixtureSku> {
  counter += 1;
  const n = `${process.pid}x${counter}`;
  const merchantId = opts.merchantId ?? 'm_t1';
  const price = opts.price ?? 1000;
  const stock = opts.stock ?? 100;
  const now = Date.now();
  await db
    .insertInto('merchants')
    .values({ id: merchantId, name: opts.merchantName ?? `测试商户${merchantId}`, logo: '/images/logo.svg', created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('categories')
    .values({ id: 'c_t1', name: '测试分类', icon: '/images/c.svg', sort: 0 })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const productId = `p_t${n}`;
  const skuId = `sku_t${n}`;
  await db
    .insertInto('products')
    .values({
      id: productId,
      merchant_id: merchantId,
      category_id: 'c_t1',
      title: opts.title ?? `测试商品${n}`,
      subtitle: '',
      description: '',
      cover: `/images/${productId}.svg`,
      images: JSON.stringify([`/images/${productId}.svg`]),
      specs: JSON.stringify([{ name: '颜色', values: ['红色'] }]),
      on_shelf: opts.onShelf === false ? 0 : 1,
      position: counter,
      price_from: price,
      original_price: null,
      sales: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('skus')
    .values({ id: skuId, product_id: productId, spec_values: JSON.stringify(['红色']), price, original_price: null, stock, sales: 0, created_at: now, updated_at: now })
    .execute();
  return { skuId, productId, merchantId, price, stock };
}

export async function stockOf(db: Kysely<Database>, skuId: string): Promise<number> {
  const row = await db.selectFrom('skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow();
  return Number(row.stock);
}

export async function setSku(db: Kysely<Database>, skuId: string, set: { stock?: number; price?: number }): Promise<void> {
  await db.updateTable('skus').set(set).where('id', '=', skuId).execute();
}

export async function setOnShelf(db: Kysely<Database>, productId: string, onShelf: boolean): Promise<void> {
  await db.updateTable('products').set({ on_shelf: onShelf ? 1 : 0 }).where('id', '=', productId).execute();
}

let userCounter = 0;
/**
 * A fresh synthetic shopper: the account row (a token stands only for an existing, active
 * account) and a session for it.
 */
export async function userToken(db: Kysely<Database>, secret: string): Promise<{ userId: string; token: string }> {
  userCounter += 1;
  const userId = `u_t${process.pid}x${userCounter}x${Date.now().toString(36)}`;
  const now = Date.now();
  await db.insertInto('users').values({ id: userId, platform: 'h5', openid: userId, unionid: null, phone: null, nickname: `测试用户${userCounter}`, avatar: null, created_at: now, updated_at: now, status_changed_at: null }).execute();
  return { userId, token: issueToken(secret, userId, 3600).token };
}
