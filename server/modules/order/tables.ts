import type { Generated } from 'kysely';

/** The order tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

/** The unit created at checkout; its status is derived from its children. */
export interface ParentOrderTable {
  id: string;
  user_id: string;
  /** The Idempotency-Key of the creating request; unique per user. */
  idempotency_key: string;
  items_amount: number;
  shipping_amount: number;
  discount_amount: number;
  payable_amount: number;
  created_at: number;
  expires_at: number;
  /** Human-readable, unique order number (migration 006; server/modules/order/number.ts). */
  order_no: string;
}

/** A child order: one merchant's part of a parent order. */
export interface OrderTable {
  id: string;
  parent_id: string;
  user_id: string;
  merchant_id: string;
  merchant_name: string;
  status: string;
  items_amount: number;
  shipping_amount: number;
  discount_amount: number;
  payable_amount: number;
  /** JSON of the contract's fulfilment. */
  fulfilment: string;
  /** Snapshot: the delivery address text or the pickup store. */
  ship_to: string;
  remark: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  paid_at: number | null;
  shipped_at: number | null;
  completed_at: number | null;
  /** When it was cancelled or closed. */
  ended_at: number | null;
  /** Fen paid so far and refunded so far (migration 003). */
  paid_amount: Generated<number>;
  refunded_amount: Generated<number>;
  /** Human-readable, unique order number (migration 006; server/modules/order/number.ts). */
  order_no: string;
  /** delivery | pickup (migration 013: the workbench's tabs). */
  fulfilment_type: Generated<string>;
  /** The buyer's contact: the delivery address's or the pickup contact's (migration 013). */
  contact_name: Generated<string>;
  contact_phone: Generated<string>;
  /**
   * Pickup orders: the code the shopper shows at the store, drawn when the order is placed (in
   * its insert: no write at payment) and shown only while the order is paid; the merchant verifies it.
   */
  pickup_code: string | null;
  /** Wrong pickup codes tried since pickup_failed_at (the rate limit against guessing). */
  pickup_failures: Generated<number>;
  pickup_failed_at: number | null;
  /** The live session the order was placed from (migration 022), if any. */
  live_session_id: string | null;
  picked_up_at: number | null;
  /** The merchant's own note on the order (备注), never shown to the shopper. */
  merchant_remark: string | null;
  /** The workbench's row of the lines, kept when the order is placed (migration 015; its lines never change). */
  first_title: Generated<string>;
  first_image: Generated<string>;
  line_count: Generated<number>;
  item_count: Generated<number>;
}

/** One parcel of a shipped order (migration 013). */
export interface ShipmentTable {
  id: string;
  order_id: string;
  merchant_id: string;
  /** 0, 1, ... in the order the parcels were given. */
  seq: number;
  /** The contract's carrier code. */
  carrier: string;
  tracking_no: string;
  /** JSON array of the order's line numbers in this parcel; null: the whole order. */
  line_nos: string | null;
  /** The staff member's account; null for the system (the sandbox's merchant console). */
  created_by: string | null;
  created_at: number;
}

/** Snapshot of one bought SKU. Primary key (order_id, line_no). */
export interface OrderLineTable {
  order_id: string;
  line_no: number;
  sku_id: string;
  product_id: string;
  title: string;
  spec_text: string;
  image: string;
  unit_price: number;
  quantity: number;
  line_amount: number;
}

/** The order's timeline: one row per state entered. Primary key (order_id, seq). */
export interface OrderEventTable {
  order_id: string;
  /** Position in the order's timeline, 0 for creation. */
  seq: number;
  status: string;
  note: string;
  at: number;
}

export interface OrderTables {
  parent_orders: ParentOrderTable;
  orders: OrderTable;
  order_lines: OrderLineTable;
  order_events: OrderEventTable;
  shipments: ShipmentTable;
}
