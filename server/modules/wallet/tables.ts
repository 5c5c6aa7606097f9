/** The wallet tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

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

export interface WalletTables {
  ledger_accounts: LedgerAccountTable;
  journal_transactions: JournalTransactionTable;
  journal_entries: JournalEntryTable;
  gift_cards: GiftCardTable;
}
