import { createHmac } from 'node:crypto';
import { bearerToken, issueToken, verifyToken } from './tokens';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('session tokens', () => {
  it('round-trips a user id with issue and expiry times', () => {
    const { token, expiresAt } = issueToken(SECRET, 'u_1', 60, 1_000);
    expect(expiresAt).toBe(61_000);
    expect(verifyToken(SECRET, token, 2_000)).toEqual({ sub: 'u_1', iat: 1_000, exp: 61_000, ver: 0 });
  });

  it('carries the account token version; refuses a version that is not a non-negative integer', () => {
    const { token } = issueToken(SECRET, 'u_1', 60, 1_000, 7);
    expect(verifyToken(SECRET, token, 2_000)).toMatchObject({ sub: 'u_1', ver: 7 });
    const forge = (payload: Record<string, unknown>) => {
      const data = `v1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${data}.${createHmac('sha256', SECRET).update(data).digest('base64url')}`;
    };
    for (const ver of [-1, 1.5, '2', null]) expect(verifyToken(SECRET, forge({ sub: 'u_1', iat: 1_000, exp: 61_000, ver }), 2_000)).toBeNull();
    expect(verifyToken(SECRET, forge({ sub: 'u_1', iat: 1_000, exp: 61_000 }), 2_000)).toMatchObject({ ver: 0 });
  });

  it('rejects an expired token', () => {
    const { token } = issueToken(SECRET, 'u_1', 60, 1_000);
    expect(verifyToken(SECRET, token, 61_000)).toBeNull();
  });

  it('rejects a token signed with another secret', () => {
    const { token } = issueToken('another-secret-another-secret-another', 'u_1', 60);
    expect(verifyToken(SECRET, token)).toBeNull();
  });

  it('rejects a tampered payload (another user id) with the original signature', () => {
    const { token } = issueToken(SECRET, 'u_1', 60);
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u_2', iat: Date.now(), exp: Date.now() + 60_000 })).toString('base64url');
    expect(verifyToken(SECRET, `${v}.${forged}.${sig}`)).toBeNull();
  });

  it('rejects a tampered signature and garbage', () => {
    const { token } = issueToken(SECRET, 'u_1', 60);
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [flipped, '', 'abc', 'v1.x.y', 'v2.' + token.slice(3), token + '.extra', 'x'.repeat(5000)]) {
      expect(verifyToken(SECRET, bad)).toBeNull();
    }
  });

  it('reads bearer headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
  });
});
