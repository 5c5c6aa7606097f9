import type { Generated } from 'kysely';

/** The identity tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

export interface UsersTable {
  id: string;
  /** weapp | alipay | tt | h5 */
  platform: string;
  /** The platform's user id (openid / Alipay user_id); the phone number for h5 accounts. */
  openid: string;
  unionid: string | null;
  phone: string | null;
  nickname: string;
  avatar: string | null;
  created_at: number;
  updated_at: number;
  /** active | disabled (a disabled account's tokens are refused at once: ACCOUNT_DISABLED). */
  status: Generated<string>;
  /** Carried by every session token; raising it revokes the tokens issued before. */
  token_version: Generated<number>;
  /** When status last changed (null: never). */
  status_changed_at: number | null;
}

export interface OtpCodesTable {
  phone: string;
  code_hash: string;
  expires_at: number;
  sent_at: number;
  attempts: number;
}

export interface IdentityTables {
  users: UsersTable;
  otp_codes: OtpCodesTable;
}
