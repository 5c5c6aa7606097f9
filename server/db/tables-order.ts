import type { Generated } from 'kysely';

/**
 * Tables of the cart, order and payment modules (migration 002_orders). Conventions: text
 * ids, times as bigint epoch ms, money as integer fen, booleans as 0/1.
 */

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

export interface PaymentTable {
  id: string;
  /** Our trade number sent to the channel (unique). */
  payment_no: string;
  user_id: string;
  /** What the shopper asked to pay: a parent or a child order id. */
  order_id: string;
  channel: string;
  amount: number;
  status: string;
  /** The channel's trade number, from its notification. */
  trade_no: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  paid_at: number | null;
  /** Fen paid through tenders and channel (migration 003). */
  internal_amount: Generated<number>;
  channel_amount: Generated<number>;
  /** mini | h5 */
  scene: string | null;
  /** cancelled | expired | superseded | failed, once it ended unpaid. */
  end_reason: string | null;
  /** JSON of the contract's clientParams (channel part), null without a channel. */
  client_params: string | null;
  /** Hash of the tender choice and channel: a retry with the same choice gets the open payment. */
  request_hash: string | null;
  /** App id and merchant number the channel part was created under (notifications must match). */
  app_id: string | null;
  merchant_no: string | null;
  ended_at: number | null;
  /** When reconciliation next asks the channel about it (paying/closing). */
  next_check_at: number | null;
  /** The shard of the platform's, channel's and merchants' ledger accounts it posts to (migration 004). */
  ledger_shard: Generated<number>;
}

/** The child orders a payment settles, with each one's amount. Primary key (payment_id, order_id). */
export interface PaymentOrderTable {
  payment_id: string;
  order_id: string;
  amount: number;
  /** The child order's merchant and payable amount (fixed once the order exists; migration 009). */
  merchant_id: string;
  payable_amount: number;
}

/** Every verified notification received from a channel (audit trail; nonce unique per channel). */
export interface PaymentNotificationTable {
  id: string;
  channel: string;
  nonce: string;
  payment_no: string;
  status: string;
  amount: number;
  body: string;
  received_at: number;
  /** applied | duplicate | late (payment already closed) */
  outcome: string;
  /** payment | refund */
  kind: Generated<string>;
}

export interface OrderTables {
  cart_lines: CartLineTable;
  parent_orders: ParentOrderTable;
  orders: OrderTable;
  order_lines: OrderLineTable;
  order_events: OrderEventTable;
  payments: PaymentTable;
  payment_orders: PaymentOrderTable;
  payment_notifications: PaymentNotificationTable;
}
