/** The live module's tables (migration 022, docs/live.md). */

export interface LiveSessionTable {
  id: string;
  merchant_id: string;
  /** The staff member who scheduled it (the host), if known. */
  host_staff_id: string | null;
  title: string;
  cover: string;
  starts_at: number;
  playback_url: string;
  /** scheduled | live | paused | ended | cancelled (the transition table: machine.ts). */
  status: string;
  per_shopper_limit: number;
  pinned_product_id: string | null;
  likes: number;
  peak_viewers: number;
  wechat_room_id: number | null;
  wechat_pushed_at: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** One SKU of a session's lineup. sold <= quota is also a CHECK of the table. */
export interface LiveLineTable {
  session_id: string;
  sku_id: string;
  product_id: string;
  /** Session price, fen. */
  price: number;
  /** Carved out of the SKU's stock. */
  quota: number;
  /** Reserved or paid units. */
  sold: number;
  paid: number;
  /** Fen paid for this line. */
  paid_amount: number;
  /** Units given back to the SKU's stock when the session ended. */
  returned: number;
  /** Order of the lineup. */
  position: number;
  created_at: number;
  updated_at: number;
}

/** Units of one SKU one shopper holds in a session (reserved or paid): the per-shopper limit's row. */
export interface LivePurchaseTable {
  session_id: string;
  sku_id: string;
  user_id: string;
  units: number;
}

/** What one order took from a session: reserved -> paid, or returned when it closed unpaid. */
export interface LiveOrderLineTable {
  order_id: string;
  sku_id: string;
  session_id: string;
  user_id: string;
  quantity: number;
  unit_price: number;
  /** reserved | paid | returned */
  state: string;
  created_at: number;
  updated_at: number;
}

/** The session's timeline. */
export interface LiveEventTable {
  id: string;
  session_id: string;
  type: string;
  note: string;
  staff_id: string | null;
  at: number;
}

export interface LiveTables {
  live_sessions: LiveSessionTable;
  live_lines: LiveLineTable;
  live_purchases: LivePurchaseTable;
  live_order_lines: LiveOrderLineTable;
  live_events: LiveEventTable;
}
