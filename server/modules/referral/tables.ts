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

export interface ReferralTables {
  referral_bindings: ReferralBindingTable;
}
