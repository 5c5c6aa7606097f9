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
  /** home | product:<id> | poster:<productId> */
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
