import { DEVPAY_DEVELOPMENT_KEY, devpayKey, signNotification, verifyNotification } from './wire';

describe('DevPay notification signature', () => {
  const key = 'k'.repeat(32);
  const body = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ paymentNo: 'SBX1', tradeNo: 'T1', amount: 100, status: 'SUCCESS', paidAt: 1, nonce: 'abcdef123456', timestamp: 1_000_000, ...over });

  it('verifies HMAC-SHA256 over "timestamp\\nnonce\\nbody\\n" within five minutes', () => {
    const text = body();
    const sig = signNotification(key, 1_000_000, 'abcdef123456', text);
    expect(verifyNotification(key, text, sig, 1_000_000 + 60_000)).toMatchObject({ ok: true, notification: { amount: 100 } });
    expect(verifyNotification(key, text, sig, 1_000_000 + 6 * 60_000)).toMatchObject({ ok: false });
    expect(verifyNotification('x'.repeat(32), text, sig, 1_000_000)).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(verifyNotification(key, body({ amount: 101 }), sig, 1_000_000)).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(verifyNotification(key, text, undefined, 1_000_000)).toMatchObject({ ok: false });
    expect(verifyNotification(key, text, 'zz', 1_000_000)).toMatchObject({ ok: false });
    const extra = body({ extra: 1 });
    expect(verifyNotification(key, extra, signNotification(key, 1_000_000, 'abcdef123456', extra), 1_000_000)).toMatchObject({ ok: false });
  });

  it('uses DEVPAY_KEY (or its former name SANDBOX_PAY_KEY), a development key outside production, and refuses production without one', () => {
    expect(devpayKey({ nodeEnv: 'development' }, {})).toBe(DEVPAY_DEVELOPMENT_KEY);
    expect(devpayKey({ nodeEnv: 'production' }, { DEVPAY_KEY: 'd'.repeat(20), SANDBOX_PAY_KEY: 'p'.repeat(20) })).toBe('d'.repeat(20));
    expect(() => devpayKey({ nodeEnv: 'development' }, { DEVPAY_KEY: 'short' })).toThrow(/DEVPAY_KEY.*16/);
    expect(devpayKey({ nodeEnv: 'production' }, { SANDBOX_PAY_KEY: 'p'.repeat(20) })).toBe('p'.repeat(20));
    expect(() => devpayKey({ nodeEnv: 'production' }, {})).toThrow(/required/);
    expect(() => devpayKey({ nodeEnv: 'development' }, { SANDBOX_PAY_KEY: 'short' })).toThrow(/16/);
  });
});
