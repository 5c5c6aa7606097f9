import type { Generated } from 'kysely';

/** The payment tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

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
  /**
   * Who the channel says paid (migration 021): WeChat Pay's payer openid, Alipay's buyer open id
   * (or buyer id), DevPay's payer; null until paid, for internal tenders and when the channel names no payer.
   */
  payer_id: Generated<string | null>;
  /** The address the shopper created the payment from (migration 021; the risk check's client_ip). */
  client_ip: Generated<string | null>;
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

/** One tender of a payment. Primary key (payment_id, seq). */
export interface PaymentTenderTable {
  payment_id: string;
  seq: number;
  /** points | gift_card | balance | channel */
  kind: string;
  amount: number;
  /** Points spent (points tender). */
  points: number;
  gift_card_id: string | null;
  /** The ledger account debited (internal tenders). */
  account_id: string | null;
  refunded_amount: number;
}

/** How much of each tender paid each child order. Primary key (payment_id, tender_seq, order_id). */
export interface PaymentAllocationTable {
  payment_id: string;
  tender_seq: number;
  order_id: string;
  amount: number;
  refunded_amount: number;
}

export interface RefundTable {
  id: string;
  /** Stable refund number sent to the channel (a retry reuses it). */
  refund_no: string;
  user_id: string;
  order_id: string;
  amount: number;
  reason: string;
  /** processing | succeeded | failed */
  status: string;
  /** shopper | late_payment */
  source: string;
  /** What caused the refund, for a source that names one (after_sale: the request's id; migration 012). */
  source_ref: string | null;
  created_at: number;
  updated_at: number;
  succeeded_at: number | null;
  next_check_at: number | null;
}

/** One tender's share of a refund. Primary key (refund_id, seq). */
export interface RefundPartTable {
  refund_id: string;
  seq: number;
  payment_id: string;
  tender_seq: number;
  kind: string;
  amount: number;
  points: number;
  /** pending | done | failed */
  status: string;
  channel_refund_id: string | null;
}

export interface PaymentTables {
  payments: PaymentTable;
  payment_orders: PaymentOrderTable;
  payment_notifications: PaymentNotificationTable;
  payment_tenders: PaymentTenderTable;
  payment_allocations: PaymentAllocationTable;
  refunds: RefundTable;
  refund_parts: RefundPartTable;
}
