import type { Generated } from 'kysely';
import type { OrderTables } from './tables-order';
import type { PaymentTables } from './tables-payment';
import type { RealtimeTables } from '../realtime/tables';

/**
 * Table types shared by both dialects. Ids are text, times epoch-ms numbers (bigint columns
 * parsed as JS numbers), money integer fen, booleans 0/1, structured values JSON text.
 */
export interface UsersTable {
  id: string;
  /** weapp | alipay | tt | h5 */
  platform: string;
  /** The platform's user id (openid / Alipay user_id); the phone number for h5 accounts. */
  openid: string;
  unionid: string | null;
  phone: string | null;
  nickname: string;
  avatar: string | null;
  created_at: number;
  updated_at: number;
  /** active | disabled (a disabled account's tokens are refused at once: ACCOUNT_DISABLED). */
  status: Generated<string>;
  /** Carried by every session token; raising it revokes the tokens issued before. */
  token_version: Generated<number>;
  /** When status last changed (null: never). */
  status_changed_at: number | null;
}

export interface OtpCodesTable {
  phone: string;
  code_hash: string;
  expires_at: number;
  sent_at: number;
  attempts: number;
}

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

export interface AddressesTable {
  id: string;
  user_id: string;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeysTable {
  /** The user id, or 'anon'. */
  scope: string;
  key: string;
  /** The contract route name. */
  route: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  /** JSON text of the stored response body (null for 204). */
  response_body: string | null;
  created_at: number;
  updated_at: number;
}

export interface CoreTables {
  users: UsersTable;
  otp_codes: OtpCodesTable;
  merchants: MerchantsTable;
  categories: CategoriesTable;
  products: ProductsTable;
  skus: SkusTable;
  banners: BannersTable;
  addresses: AddressesTable;
  idempotency_keys: IdempotencyKeysTable;
}

export interface Database extends CoreTables, OrderTables, PaymentTables, RealtimeTables {}
