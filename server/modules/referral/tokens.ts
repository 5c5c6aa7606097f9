import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Attribution tokens (docs/referral.md, "Attribution tokens"): 20 characters from [0-9A-Za-z],
 * `<12 random base62 characters: the link id><8 base62 characters of HMAC-SHA256(secret, link id)>`.
 * ~71 random bits per link id; the MAC lets the server refuse a made-up or altered token
 * before any database read.
 */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LINK_ID_LENGTH = 12;
export const MAC_LENGTH = 8;
export const TOKEN_LENGTH = LINK_ID_LENGTH + MAC_LENGTH;
const TOKEN_SHAPE = /^[0-9A-Za-z]{20}$/;

/** `n` characters drawn uniformly from BASE62 with the CSPRNG (rejection sampling: bytes >= 248 are drawn again). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b >= 248) continue;
      out += BASE62[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

/** The link id's MAC: the first 64 bits of HMAC-SHA256(secret, link id), reduced to 8 base62 characters (~47.6 bits). */
export function macOf(secret: string, linkId: string): string {
  const digest = createHmac('sha256', secret).update(linkId).digest();
  let n = digest.readBigUInt64BE(0) % 62n ** BigInt(MAC_LENGTH);
  let out = '';
  for (let i = 0; i < MAC_LENGTH; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

export function newLinkId(): string {
  return randomBase62(LINK_ID_LENGTH);
}

export function tokenOf(secret: string, linkId: string): string {
  return linkId + macOf(secret, linkId);
}

export type TokenCheck = { ok: true; linkId: string } | { ok: false; reason: 'malformed' | 'bad_mac' };

/** Checks a token's shape and MAC (constant time), with no database read: the link id, or why not. */
export function verifyToken(secret: string, token: string): TokenCheck {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
  const linkId = token.slice(0, LINK_ID_LENGTH);
  const given = Buffer.from(token.slice(LINK_ID_LENGTH));
  const expected = Buffer.from(macOf(secret, linkId));
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_mac' };
  return { ok: true, linkId };
}
