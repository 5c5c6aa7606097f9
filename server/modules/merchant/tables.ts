/** The merchant module's tables (text ids, times as bigint epoch ms; migrations 011 and 014). */

/** A merchant's member (user_id set, status active) or an invite waiting for its phone's first login (user_id null, status invited). */
export interface MerchantStaffTable {
  id: string;
  merchant_id: string;
  user_id: string | null;
  /** The invited phone number (the account's phone when an existing account was invited). */
  phone: string | null;
  /** owner | operator | live_host | kitchen */
  role: string;
  /** active | invited */
  status: string;
  /** The owner who invited them; null when the system assigned them (the demo seed). */
  invited_by: string | null;
  /** SHA-256 (hex) of the invite's one-time code while it is open; null once taken, and for members. Unique. */
  code_hash: string | null;
  /** When the invite's code stops working; null without a code. */
  code_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One merchant action: who (actor_id, null for the system), what (action, target, detail JSON) and when (at). */
export interface AuditLogTable {
  id: string;
  merchant_id: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  /** JSON text of an object. */
  detail: string;
  at: number;
}

/** Wrong invite codes typed by an account within the current window (the rate limit on guessing codes). */
export interface StaffInviteAttemptsTable {
  user_id: string;
  failures: number;
  window_started_at: number;
}

export interface MerchantTables {
  merchant_staff: MerchantStaffTable;
  audit_log: AuditLogTable;
  staff_invite_attempts: StaffInviteAttemptsTable;
}
