import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Session tokens: `v1.<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`.
 * The payload carries the user id, the issue and expiry times (epoch ms) and the account's
 * token version when it was issued (`ver`; absent in tokens issued before versions: 0). The
 * signature proves who issued it; every request also checks the account still exists, is
 * active and has that version (server/modules/identity/accounts.ts).
 */
export interface TokenPayload {
  sub: string;
  iat: number;
  exp: number;
  ver: number;
}

const VERSION = 'v1';

function sign(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function issueToken(secret: string, userId: string, ttlSeconds: number, now = Date.now(), version = 0): { token: string; expiresAt: number } {
  const payload: TokenPayload = { sub: userId, iat: now, exp: now + ttlSeconds * 1000, ver: version };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const data = `${VERSION}.${body}`;
  return { token: `${data}.${sign(secret, data)}`, expiresAt: payload.exp };
}

/** The payload of a valid, unexpired token, or null. Never throws on bad input. */
export function verifyToken(secret: string, token: string, now = Date.now()): TokenPayload | null {
  if (token.length > 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const data = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(sign(secret, data));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !payload || typeof payload !== 'object' ||
    !('sub' in payload) || typeof payload.sub !== 'string' || payload.sub.length === 0 ||
    !('iat' in payload) || typeof payload.iat !== 'number' ||
    !('exp' in payload) || typeof payload.exp !== 'number'
  ) {
    return null;
  }
  const ver = 'ver' in payload ? payload.ver : 0;
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null;
  if (payload.exp <= now) return null;
  return { sub: payload.sub, iat: payload.iat, exp: payload.exp, ver };
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
