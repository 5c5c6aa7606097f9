import { createHmac, randomInt } from 'node:crypto';
import { INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH } from '../../../contract/merchant';

/**
 * Staff invite codes (docs/merchant.md, "Staff invites"): 8 characters drawn with a CSPRNG
 * (node:crypto's randomInt, unbiased) from 31 that cannot be mistaken for each other (no 0/O,
 * 1/I/L): 31^8, about 8.5 * 10^11 codes. Only an HMAC-SHA256 of a code is stored, under a key
 * the server derives from TOKEN_SECRET (inviteCodeKey): a copy of the database alone cannot be
 * searched for the open codes (a plain hash of so few codes could). The owner sees the code once,
 * in the answer that made the invite. Rotating TOKEN_SECRET voids the open codes (and sessions).
 */

/** How long an invite's code works after it is made. */
export const INVITE_CODE_TTL_MS = 72 * 3600_000;

export function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)];
  return code;
}

/** The key invite codes are stored under, derived from the server's token secret (one purpose, one key). */
export function inviteCodeKey(tokenSecret: string): string {
  return createHmac('sha256', tokenSecret).update('merchant-staff-invite-codes').digest('hex');
}

/** The stored form of a code as typed (either case). */
export function hashInviteCode(key: string, code: string): string {
  return createHmac('sha256', key).update(code.toUpperCase()).digest('hex');
}

/** True when a unique violation is a code's (a new code of another invite drew the same: draw again), not a phone's or an account's. */
export function isInviteCodeCollision(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const text = `${'constraint' in err ? String(err.constraint) : ''} ${'message' in err ? String(err.message) : ''}`;
  return text.includes('code_hash');
}
