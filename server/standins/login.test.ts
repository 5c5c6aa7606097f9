import { CODE_TTL_MS, CodeBook, standInOpenid } from './login';

describe('sandbox login codes', () => {
  it('accepts the scheme and extracts the stable owner', () => {
    const book = new CodeBook();
    expect(book.check('sandbox-alice')).toEqual({ ok: true, owner: 'alice' });
    expect(book.check('sandbox-alice.n1')).toEqual({ ok: true, owner: 'alice' });
    expect(book.check('sandbox-user_1-x.abc-DEF_9')).toEqual({ ok: true, owner: 'user_1-x' });
  });

  it('rejects malformed codes', () => {
    const book = new CodeBook();
    for (const code of ['', 'alice', 'sandbox-', 'sandbox-a b', 'sandbox-a.', 'sandbox-a.b.c', `sandbox-${'x'.repeat(65)}`, 'SANDBOX-a', 'sandbox-a\n']) {
      expect(book.check(code)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('accepts a code once', () => {
    const book = new CodeBook();
    expect(book.check('sandbox-bob.1').ok).toBe(true);
    expect(book.check('sandbox-bob.1')).toEqual({ ok: false, reason: 'used' });
    expect(book.check('sandbox-bob.2').ok).toBe(true);
  });

  it('expires codes whose nonce is an issue time older than five minutes (or from the future)', () => {
    const book = new CodeBook();
    const now = 1_800_000_000_000;
    expect(book.check(`sandbox-c.${now - 1000}`, now).ok).toBe(true);
    expect(book.check(`sandbox-c.${now - CODE_TTL_MS - 1}`, now)).toEqual({ ok: false, reason: 'expired' });
    expect(book.check(`sandbox-c.${now + 10 * 60_000}`, now)).toEqual({ ok: false, reason: 'expired' });
    // Short digit nonces are just nonces.
    expect(book.check('sandbox-c.12345', now).ok).toBe(true);
  });

  it('derives a stable openid per platform and owner', () => {
    expect(standInOpenid('weapp', 'alice')).toBe(standInOpenid('weapp', 'alice'));
    expect(standInOpenid('weapp', 'alice')).not.toBe(standInOpenid('weapp', 'bob'));
    expect(standInOpenid('weapp', 'alice')).not.toBe(standInOpenid('tt', 'alice'));
    expect(standInOpenid('weapp', 'alice')).toMatch(/^o[A-Za-z0-9_-]{27}$/);
  });
});
