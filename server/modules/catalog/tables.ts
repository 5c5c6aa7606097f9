/** The catalog tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

export interface MerchantsTable {
  id: string;
  name: string;
  logo: string;
  created_at: number;
}

export interface CategoriesTable {
  id: string;
  name: string;
  icon: string;
  sort: number;
}

export interface ProductsTable {
  id: string;
  merchant_id: string;
  category_id: string;
  title: string;
  subtitle: string;
  description: string;
  cover: string;
  /** JSON array of image paths. */
  images: string;
  /** JSON array of { name, values }. */
  specs: string;
  on_shelf: number;
  /** Position in the default ordering (lower first). */
  position: number;
  /** Lowest SKU price (fen); prices change only through the seed/admin, which keep it in step. */
  price_from: number;
  /** The original price of the cheapest SKU when discounted (fen), else null. Lists derive it
   * from the SKUs (catalog summaryQuery); the seed keeps this column in step. */
  original_price: number | null;
  sales: number;
  created_at: number;
  updated_at: number;
}

export interface SkusTable {
  id: string;
  product_id: string;
  /** JSON array of spec values, one per product spec, in order. */
  spec_values: string;
  price: number;
  original_price: number | null;
  stock: number;
  sales: number;
  created_at: number;
  updated_at: number;
}

export interface BannersTable {
  id: string;
  title: string;
  image: string;
  product_id: string | null;
  sort: number;
}

export interface CatalogTables {
  merchants: MerchantsTable;
  categories: CategoriesTable;
  products: ProductsTable;
  skus: SkusTable;
  banners: BannersTable;
}
