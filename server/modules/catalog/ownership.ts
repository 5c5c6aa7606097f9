import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

/** Of these products and SKUs, the ones that are not the merchant's (unknown or another's), as `product:<id>` / `sku:<id>`. */
export async function goodsNotOf(db: Kysely<Database>, merchantId: string, goods: { productIds: readonly string[]; skuIds: readonly string[] }): Promise<string[]> {
  const productIds = [...new Set(goods.productIds)];
  const skuIds = [...new Set(goods.skuIds)];
  const products = productIds.length === 0 ? [] : await db.selectFrom('products').select('id').where('merchant_id', '=', merchantId).where('id', 'in', productIds).execute();
  const skus =
    skuIds.length === 0
      ? []
      : await db.selectFrom('skus').innerJoin('products', 'products.id', 'skus.product_id').select('skus.id').where('products.merchant_id', '=', merchantId).where('skus.id', 'in', skuIds).execute();
  const ownProducts = new Set(products.map((p) => p.id));
  const ownSkus = new Set(skus.map((s) => s.id));
  return [...productIds.filter((id) => !ownProducts.has(id)).map((id) => `product:${id}`), ...skuIds.filter((id) => !ownSkus.has(id)).map((id) => `sku:${id}`)];
}
