import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

/** A product's merchant and the current price of each of its SKUs (in SKU id order). */
export interface ProductPrices {
  productId: string;
  merchantId: string;
  skus: { skuId: string; price: number }[];
}

/**
 * What another module needs to reckon on a product's prices (the referral module's commission
 * estimate): its merchant and each SKU's price now, on the shelf or not. Null when there is no
 * such product. One read.
 */
export async function productPrices(db: Kysely<Database>, productId: string): Promise<ProductPrices | null> {
  const rows = await db
    .selectFrom('products')
    .leftJoin('skus', 'skus.product_id', 'products.id')
    .select(['products.merchant_id as merchantId', 'skus.id as skuId', 'skus.price as price'])
    .where('products.id', '=', productId)
    .orderBy('skus.id')
    .execute();
  if (rows.length === 0) return null;
  return {
    productId,
    merchantId: rows[0].merchantId,
    skus: rows.flatMap((r) => (r.skuId === null || r.price === null ? [] : [{ skuId: r.skuId, price: Number(r.price) }])),
  };
}
