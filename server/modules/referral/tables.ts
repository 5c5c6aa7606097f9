import type { Generated } from 'kysely';
/** The referral module's tables (migration 016 and the ones after it). */

/**
 * Who invited whom (one row per bound shopper): the network's edges. `promoter_id` is the
 * account that referred `user_id`; walking promoter_id upwards gives the levels.
 */
export interface ReferralBindingTable {
  user_id: string;
  promoter_id: string;
  /** The link (token) the binding came through; null when bound otherwise (e.g. seeded). */
  link_id: string | null;
  bound_at: number;
  /** first_touch_days:N: when the binding lapses (null: never). */
  expires_at: number | null;
}

/** A share link (migration 017): the token's first 12 characters are its id. */
export interface ReferralLinkTable {
  id: string;
  promoter_id: string;
  campaign: string | null;
  /** home | product:<id> | poster:<productId> | live:<sessionId> */
  target: string;
  /** Where the link was made: weapp | alipay | tt | h5. */
  platform: string;
  created_at: number;
  expires_at: number;
}

/** First and last touch per visitor: `d:<device id>` or `u:<user id>` (migration 017). */
export interface ReferralVisitTable {
  visitor: string;
  first_link_id: string;
  first_promoter_id: string;
  first_at: number;
  last_link_id: string;
  last_promoter_id: string;
  last_at: number;
  last_platform: string;
  last_scene: number | null;
  device_id: string | null;
  user_id: string | null;
  visits: Generated<number>;
}

/** A shopper's application to promote (REFERRAL_PROMOTERS=approved; migration 017). */
export interface ReferralApplicationTable {
  id: string;
  user_id: string;
  /** pending | approved | rejected */
  status: string;
  note: string | null;
  reason: string | null;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

export interface ReferralTables {
  referral_bindings: ReferralBindingTable;
  referral_links: ReferralLinkTable;
  referral_visits: ReferralVisitTable;
  referral_applications: ReferralApplicationTable;
}

/** A merchant's commission rules, one row per version (migration 018; never updated). */
export interface ReferralRuleTable {
  merchant_id: string;
  version: number;
  enabled: number;
  levels: number;
  /** rate | fixed */
  mode: string;
  /** JSON array, one integer per level: basis points of the base (rate) or fen per unit (fixed). */
  amounts: string;
  freeze_days: number;
  created_by: string | null;
  /** When the version came into force. */
  created_at: number;
}

/** A version's terms for one product or SKU (a SKU's beat its product's, which beat the merchant's). */
export interface ReferralRuleOverrideTable {
  merchant_id: string;
  version: number;
  /** product | sku */
  target: string;
  target_id: string;
  mode: string;
  amounts: string;
}

/** One commission: an order line at one level (the snapshot when placed, then its lifecycle). */
export interface ReferralCommissionTable {
  id: string;
  order_id: string;
  order_no: string;
  line_no: number;
  level: number;
  promoter_id: string;
  buyer_id: string;
  merchant_id: string;
  product_id: string;
  sku_id: string;
  title: string;
  quantity: number;
  rule_version: number;
  mode: string;
  /** Basis points (rate) or fen per unit (fixed). */
  rule_amount: number;
  freeze_days: number;
  /** The commission machine's state (machine.ts). */
  status: string;
  /** The line's share of what its child order was paid, shipping excluded (set when paid). */
  base: Generated<number>;
  /** Earned when paid. */
  amount: Generated<number>;
  reversed_amount: Generated<number>;
  /** Of the base and the quantity, what refunds took back so far. */
  refunded_base: Generated<number>;
  refunded_quantity: Generated<number>;
  /** Paid to the clawback receivable when it became available (instead of to available). */
  netted_amount: Generated<number>;
  /** Of its reversals, the part booked to the clawback receivable (the promoter owes it). */
  clawed_amount: Generated<number>;
  /** What its withdrawal took from available. */
  withdrawn_amount: Generated<number>;
  withdrawal_ref: string | null;
  /** The shard of commission_expense:<merchant> it posts to. */
  ledger_shard: number;
  created_at: number;
  paid_at: number | null;
  completed_at: number | null;
  available_at: number | null;
  withdrawn_at: number | null;
  updated_at: number;
  /** 1 while its hold waits for the risk check or a decision: never made available (migration 021). */
  held: Generated<number>;
  /** The hold it belongs to, if fraud controls ever held it (migration 021). */
  hold_id: Generated<string | null>;
}

/** What one refund reversed of one commission. Primary key (commission_id, refund_id). */
export interface ReferralCommissionReversalTable {
  commission_id: string;
  refund_id: string;
  merchant_id: string;
  promoter_id: string;
  amount: number;
  clawed: number;
  refunded_base: number;
  refunded_quantity: number;
  from_status: string;
  at: number;
}

/**
 * One (order, promoter) whose commissions fraud controls held at earn time (migration 021;
 * docs/referral.md, "Fraud controls"): the reasons, the risk check's progress, the decision.
 */
export interface ReferralHoldTable {
  id: string;
  order_id: string;
  order_no: string;
  merchant_id: string;
  promoter_id: string;
  buyer_id: string;
  level: number;
  /** checking | open | cleared | released | rejected (holds.ts) */
  state: string;
  /** JSON array of the reasons (holds.ts HoldReason). */
  reasons: string;
  /** none | pending | done | failed */
  risk_state: string;
  risk_rank: number | null;
  risk_attempts: Generated<number>;
  risk_next_at: number | null;
  risk_error: string | null;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
  decided_by: string | null;
  decision_note: string | null;
}

/** A device id an account used, at sign-in or on a shared-link visit (migration 021). */
export interface ReferralDeviceTable {
  user_id: string;
  device_id: string;
  first_at: number;
  last_at: number;
}

export interface ReferralCommissionTables {
  referral_rules: ReferralRuleTable;
  referral_rule_overrides: ReferralRuleOverrideTable;
  referral_commissions: ReferralCommissionTable;
  referral_commission_reversals: ReferralCommissionReversalTable;
  referral_holds: ReferralHoldTable;
  referral_devices: ReferralDeviceTable;
}

/** A promoter's withdrawal (migration 020). */
export interface ReferralWithdrawalTable {
  id: string;
  promoter_id: string;
  /** Fen asked for, taken from his available commissions. */
  amount: number;
  fee: number;
  /** amount − fee: what reaches him. */
  payout: number;
  /** balance | wechat | alipay */
  destination: string;
  payee: string | null;
  /** The withdrawal machine's state (machine.ts). */
  status: string;
  /** auto | manual */
  review: string;
  reason: string | null;
  decided_by: string | null;
  decided_at: number | null;
  channel_bill_no: string | null;
  channel_state: string | null;
  package_info: string | null;
  fail_reason: string | null;
  day: number;
  created_at: number;
  settled_at: number | null;
  next_check_at: number | null;
  updated_at: number;
}

/** What one withdrawal took from one commission. Primary key (withdrawal_id, commission_id). */
export interface ReferralWithdrawalPartTable {
  withdrawal_id: string;
  commission_id: string;
  amount: number;
  netted: Generated<number>;
}

export interface ReferralWithdrawalTables {
  referral_withdrawals: ReferralWithdrawalTable;
  referral_withdrawal_parts: ReferralWithdrawalPartTable;
}
