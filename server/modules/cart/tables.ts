/** The cart tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

/** One line of a shopper's server-side cart. Primary key (user_id, sku_id). */
export interface CartLineTable {
  user_id: string;
  sku_id: string;
  quantity: number;
  selected: number;
  /** Price when the line was added (for the price_changed notice). */
  added_price: number;
  added_at: number;
}

export interface CartTables {
  cart_lines: CartLineTable;
}
