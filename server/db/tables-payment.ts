import type { Generated } from 'kysely';
/**
 * Tables of the wallet, payment, refund and outbox parts (migration 003_payments). Same
 * conventions as tables-order.ts: text ids, epoch-ms times, integer fen, 0/1 booleans.
 */

/**
 * A ledger account. kind + owner_id is unique. Kinds: user_balance, user_points (owner: user
 * id), gift_card (owner: gift card id), payment_clearing (owner: payment id... or 'platform'),
 * merchant_payable (owner: merchant id), channel_receivable (owner: channel), points_funding,
 * platform_funding. unit: 'fen' or 'points'. balance is the sum of the account's entries.
 */
export interface LedgerAccountTable {
  id: string;
  kind: string;
  owner_id: string;
  unit: string;
  balance: number;
  /** 1 for platform accounts that fund money into the system (may go below zero). */
  may_go_negative: number;
  created_at: number;
}

/** One business step's journal transaction; ref is unique, so a step posts at most once. */
export interface JournalTransactionTable {
  id: string;
  ref: string;
  kind: string;
  memo: string;
  created_at: number;
}

/** A signed movement on one account; per transaction and unit the amounts sum to zero. */
export interface JournalEntryTable {
  tx_id: string;
  seq: number;
  account_id: string;
  unit: string;
  amount: number;
}

export interface GiftCardTable {
  id: string;
  /** 16 digits. */
  number: string;
  /** scrypt hash of the 6-digit PIN ("scrypt$salt$hash"). */
  pin_hash: string;
  /** Its ledger account (kind gift_card): the balance lives there. */
  account_id: string;
  face_value: number;
  expires_at: number;
  failed_attempts: number;
  locked_until: number | null;
  created_at: number;
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

/** An event written in the same transaction as the state change it announces. */
export interface OutboxEventTable {
  id: string;
  /** e.g. payment.succeeded, payment.failed, refund.succeeded */
  type: string;
  /** The payload's version (server/events/catalog.ts). */
  version: Generated<number>;
  aggregate_id: string;
  /** JSON text. */
  payload: string;
  created_at: number;
}

/** Delivery of one event to one sink (in-process consumer or merchant webhook). */
export interface OutboxDeliveryTable {
  event_id: string;
  sink: string;
  /** pending | delivered | dead */
  status: string;
  attempts: number;
  next_attempt_at: number;
  /** A relay claimed it until then (another node skips it). */
  locked_until: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

/** Events a consumer has handled (deduplication by event id). */
export interface ConsumedEventTable {
  consumer: string;
  event_id: string;
  consumed_at: number;
}

export interface PaymentTables {
  ledger_accounts: LedgerAccountTable;
  journal_transactions: JournalTransactionTable;
  journal_entries: JournalEntryTable;
  gift_cards: GiftCardTable;
  payment_tenders: PaymentTenderTable;
  payment_allocations: PaymentAllocationTable;
  refunds: RefundTable;
  refund_parts: RefundPartTable;
  outbox_events: OutboxEventTable;
  outbox_deliveries: OutboxDeliveryTable;
  consumed_events: ConsumedEventTable;
}
