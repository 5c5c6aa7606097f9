import { z } from 'zod';
import { fen, id, imagePath, pageQuery, cursorPage, text } from './common';

export const merchant = z.object({ id, name: z.string(), logo: imagePath });
export type Merchant = z.infer<typeof merchant>;

export const category = z.object({ id, name: z.string(), icon: imagePath, sort: z.number().int() });
export type Category = z.infer<typeof category>;

export const banner = z.object({ id, title: z.string(), image: imagePath, productId: id.nullable() });
export type Banner = z.infer<typeof banner>;

export const productSummary = z.object({
  id,
  merchantId: id,
  merchantName: z.string(),
  categoryId: id,
  title: z.string(),
  subtitle: z.string(),
  cover: imagePath,
  /** Lowest SKU price. */
  priceFrom: fen,
  /** Highest original (list) price, when discounted. */
  originalPrice: fen.nullable(),
  sales: z.number().int().min(0),
  /** Sum of the stock of every SKU. */
  stock: z.number().int().min(0),
});
export type ProductSummary = z.infer<typeof productSummary>;

export const spec = z.object({ name: z.string(), values: z.array(z.string()).min(1) });
export type Spec = z.infer<typeof spec>;

export const sku = z.object({
  id,
  /** One value per spec, in the order of `specs`. */
  specValues: z.array(z.string()),
  price: fen,
  originalPrice: fen.nullable(),
  stock: z.number().int().min(0),
});
export type Sku = z.infer<typeof sku>;

export const productDetail = productSummary.extend({
  images: z.array(imagePath).min(1),
  description: z.string(),
  onShelf: z.boolean(),
  specs: z.array(spec),
  skus: z.array(sku).min(1),
});
export type ProductDetail = z.infer<typeof productDetail>;

export const productSort = z.enum(['default', 'sales', 'price_asc', 'price_desc']);
export type ProductSort = z.infer<typeof productSort>;

export const productListQuery = z.strictObject({
  q: text({ max: 50, min: 0 }).optional(),
  categoryId: id.optional(),
  merchantId: id.optional(),
  sort: productSort.default('default'),
  ...pageQuery,
});
export type ProductListQuery = z.input<typeof productListQuery>;

export const productPage = cursorPage(productSummary);
export type ProductPage = z.infer<typeof productPage>;

export const homeView = z.object({ banners: z.array(banner), categories: z.array(category) });
export type HomeView = z.infer<typeof homeView>;

/** What the shopper has typed so far into the search box. */
export const searchSuggestQuery = z.strictObject({ q: text({ max: 50 }) });
export type SearchSuggestQuery = z.input<typeof searchSuggestQuery>;

/** Keywords to tap: suggestions for what is typed, or the hot searches. */
export const searchWords = z.object({ items: z.array(z.string()) });
export type SearchWords = z.infer<typeof searchWords>;
