import { session as sessionSchema, user as userSchema } from '../../../contract/identity';
import { alipayTimestamp, signParams } from '../../infra/alipay';
import { publicKeyOf } from '../../infra/config';
import { issueToken } from '../../infra/tokens';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { OTP_MAX_ATTEMPTS } from './service';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
const code = (owner: string) => `sandbox-${owner}.n${++seq}-${Date.now()}`;
const loginMini = (platform: string, c: string, extra: Record<string, string> = {}) =>
  t.post<{ token: string; user: { id: string; platform: string } }>('/api/auth/login/mini', { platform, code: c, ...extra });
const userCount = async () => Number((await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

function expectCode(res: ApiResponse, status: number, errorCode: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ code: errorCode, status });
}

describe('mini-program login through each platform sandbox (real HTTP)', () => {
  it.each(['weapp', 'alipay', 'tt'])('%s: a code logs in; the same simulated user gets the same account', async (platform) => {
    const first = await loginMini(platform, code('alice'));
    expect(first.status).toBe(200);
    const session = sessionSchema.parse(first.body);
    expect(session.user.platform).toBe(platform);
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    const again = await loginMini(platform, code('alice'));
    expect(again.body.user.id).toBe(session.user.id);
    const bob = await loginMini(platform, code('bob'));
    expect(bob.body.user.id).not.toBe(session.user.id);
    const me = await t.get('/api/me', { token: session.token });
    expect(me.status).toBe(200);
    expect(userSchema.parse(me.body).id).toBe(session.user.id);
  });

  it('accepts a fresh timestamp nonce and a bare owner code', async () => {
    expect((await loginMini('weapp', `sandbox-tim.${Date.now()}`)).status).toBe(200);
    expect((await loginMini('weapp', 'sandbox-bare-owner')).status).toBe(200);
  });

  it('creates one account when the same new user logs in several times at once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => loginMini('weapp', code('concurrent-newcomer'))));
    for (const r of results) expect(r.status).toBe(200);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    const rows = await t.db.selectFrom('users').select('id').where('platform', '=', 'weapp').where('id', '=', results[0].body.user.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps accounts apart per platform', async () => {
    const w = await loginMini('weapp', code('carol'));
    const a = await loginMini('alipay', code('carol'));
    expect(w.body.user.id).not.toBe(a.body.user.id);
  });

  it.each(['weapp', 'alipay', 'tt'])('%s: a reused code is rejected with 401 LOGIN_FAILED and creates nothing', async (platform) => {
    const c = code('dave');
    expect((await loginMini(platform, c)).status).toBe(200);
    const users = await userCount();
    const reused = await loginMini(platform, c);
    expectCode(reused, 401, 'LOGIN_FAILED');
    expect(await userCount()).toBe(users);
  });

  it('reports the platform error: WeChat 40163 for a used code, 40029 for an invalid or expired one', async () => {
    const c = code('erin');
    await loginMini('weapp', c);
    expect((await loginMini('weapp', c)).body).toMatchObject({ detail: expect.stringContaining('40163') });
    expect((await loginMini('weapp', 'not-a-sandbox-code')).body).toMatchObject({ detail: expect.stringContaining('40029') });
    const expired = `sandbox-erin.${Date.now() - 6 * 60 * 1000}`;
    expect((await loginMini('weapp', expired)).body).toMatchObject({ code: 'LOGIN_FAILED', detail: expect.stringContaining('40029') });
  });

  it.each(['weapp', 'alipay', 'tt'])('%s: malformed and expired codes are rejected', async (platform) => {
    expectCode(await loginMini(platform, 'garbage code'), 401, 'LOGIN_FAILED');
    expectCode(await loginMini(platform, `sandbox-x.${Date.now() - 10 * 60 * 1000}`), 401, 'LOGIN_FAILED');
  });

  it('validates the body: unknown platform, empty code, unknown fields', async () => {
    expectCode(await t.post('/api/auth/login/mini', { platform: 'qq', code: 'sandbox-a' }), 400, 'VALIDATION_FAILED');
    expectCode(await t.post('/api/auth/login/mini', { platform: 'weapp', code: '' }), 400, 'VALIDATION_FAILED');
    expectCode(await t.post('/api/auth/login/mini', { platform: 'weapp', code: 'sandbox-a', openid: 'x' }), 400, 'VALIDATION_FAILED');
  });

  it('the WeChat sandbox checks the app credentials like the real service', async () => {
    const q = new URLSearchParams({ appid: 'wrong', secret: t.config.weapp.secret, js_code: code('f'), grant_type: 'authorization_code' });
    const res = await fetch(`${t.config.weapp.endpoint}/sns/jscode2session?${q}`);
    expect(await res.json()).toMatchObject({ errcode: 40013 });
    const q2 = new URLSearchParams({ appid: t.config.weapp.appId, secret: 'wrong', js_code: code('f'), grant_type: 'authorization_code' });
    expect(await (await fetch(`${t.config.weapp.endpoint}/sns/jscode2session?${q2}`)).json()).toMatchObject({ errcode: 40125 });
  });

  it('the Alipay sandbox gateway refuses a request with a bad signature', async () => {
    const params = signParams(
      { app_id: t.config.alipay.appId, method: 'alipay.system.oauth.token', format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', timestamp: alipayTimestamp(), version: '1.0', grant_type: 'authorization_code', code: code('g') },
      t.config.alipay.privateKey,
    );
    const res = await fetch(t.config.alipay.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, code: code('h') }).toString(),
    });
    const body = (await res.json()) as { error_response?: { sub_code: string } };
    expect(body.error_response?.sub_code).toBe('isv.invalid-signature');
  });

  it('Douyin: an anonymous-only login is refused (no account without an openid)', async () => {
    expectCode(await t.post('/api/auth/login/mini', { platform: 'tt', code: 'bad', anonymousCode: code('anon') }), 401, 'LOGIN_FAILED');
  });

  it('Alipay: refuses a gateway answer whose signature does not verify, and a missing key', async () => {
    const original = { ...t.config.alipay };
    try {
      // Verify with the app's own public key instead of the gateway's: the signature fails.
      t.config.alipay.alipayPublicKey = publicKeyOf(t.config.alipay.privateKey);
      const res = await loginMini('alipay', code('ivy'));
      expectCode(res, 401, 'LOGIN_FAILED');
      expect(res.text).toContain('signature');
      t.config.alipay.alipayPublicKey = original.alipayPublicKey;
      t.config.alipay.privateKey = '';
      expectCode(await loginMini('alipay', code('ivy')), 401, 'LOGIN_FAILED');
      t.config.alipay.privateKey = 'not a pem key';
      expectCode(await loginMini('alipay', code('ivy')), 401, 'LOGIN_FAILED');
    } finally {
      Object.assign(t.config.alipay, original);
    }
  });

  it('fails cleanly when the platform cannot be reached', async () => {
    const original = t.config.weapp.endpoint;
    t.config.weapp.endpoint = 'http://127.0.0.1:1';
    try {
      expectCode(await loginMini('weapp', code('zed')), 401, 'LOGIN_FAILED');
    } finally {
      t.config.weapp.endpoint = original;
    }
  });
});

describe('H5 phone + one-time code', () => {
  const latestCode = async (phone: string) => (await t.get<{ code: string }>(`/sandbox/sms/latest?phone=${phone}`)).body.code;

  it('sends a code (kept hashed), logs in, creates the account once', async () => {
    const phone = uniquePhone();
    const otp = await t.post('/api/auth/otp', { phone });
    expect(otp.status).toBe(200);
    expect(otp.body).toEqual({ retryAfterSeconds: 60, expiresInSeconds: 300 });
    const c = await latestCode(phone);
    expect(c).toMatch(/^\d{6}$/);
    const row = await t.db.selectFrom('otp_codes').selectAll().where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(row.code_hash).not.toContain(c);
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const login = await t.post<{ token: string; user: { id: string; phone: string; platform: string } }>('/api/auth/login/phone', { phone, code: c });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ phone, platform: 'h5' });
    // The code is consumed.
    expectCode(await t.post('/api/auth/login/phone', { phone, code: c }), 400, 'OTP_INVALID');
    // A second login later reaches the same account.
    await t.db.updateTable('otp_codes').set({ sent_at: 0 }).where('phone', '=', phone).execute();
    await t.post('/api/auth/otp', { phone });
    const again = await t.post<{ user: { id: string } }>('/api/auth/login/phone', { phone, code: await latestCode(phone) });
    expect(again.body.user.id).toBe(login.body.user.id);
  });

  it('refuses a resend within 60 s with 429 OTP_TOO_FREQUENT', async () => {
    const phone = uniquePhone();
    expect((await t.post('/api/auth/otp', { phone })).status).toBe(200);
    const first = await latestCode(phone);
    const res = await t.post('/api/auth/otp', { phone });
    expectCode(res, 429, 'OTP_TOO_FREQUENT');
    expect((res.body as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBe((res.body as { retryAfterSeconds: number }).retryAfterSeconds);
    // The first code still works.
    expect((await t.post('/api/auth/login/phone', { phone, code: first })).status).toBe(200);
  });

  it('lets only one of two concurrent sends through', async () => {
    const phone = uniquePhone();
    const results = await Promise.all([t.post('/api/auth/otp', { phone }), t.post('/api/auth/otp', { phone }), t.post('/api/auth/otp', { phone })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 429, 429]);
  });

  it('rejects a wrong code, and burns the code after 5 wrong attempts', async () => {
    const phone = uniquePhone();
    await t.post('/api/auth/otp', { phone });
    const right = await latestCode(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 1; i < OTP_MAX_ATTEMPTS; i++) {
      const res = await t.post('/api/auth/login/phone', { phone, code: wrong });
      expectCode(res, 400, 'OTP_INVALID');
      expect((res.body as { detail: string }).detail).toContain(`${OTP_MAX_ATTEMPTS - i} attempt`);
    }
    expectCode(await t.post('/api/auth/login/phone', { phone, code: wrong }), 400, 'OTP_INVALID');
    // Burnt: even the right code no longer works.
    expectCode(await t.post('/api/auth/login/phone', { phone, code: right }), 400, 'OTP_INVALID');
    expect(await t.db.selectFrom('otp_codes').select('phone').where('phone', '=', phone).executeTakeFirst()).toBeUndefined();
  });

  it('rejects an expired code', async () => {
    const phone = uniquePhone();
    await t.post('/api/auth/otp', { phone });
    const c = await latestCode(phone);
    await t.db.updateTable('otp_codes').set({ expires_at: Date.now() - 1 }).where('phone', '=', phone).execute();
    const users = await userCount();
    expectCode(await t.post('/api/auth/login/phone', { phone, code: c }), 400, 'OTP_INVALID');
    expect(await userCount()).toBe(users);
  });

  it('rejects a login without any code sent, and bad input', async () => {
    expectCode(await t.post('/api/auth/login/phone', { phone: uniquePhone(), code: '123456' }), 400, 'OTP_INVALID');
    expectCode(await t.post('/api/auth/otp', { phone: '12345' }), 400, 'VALIDATION_FAILED');
    expectCode(await t.post('/api/auth/otp', { phone: '10000000000' }), 400, 'VALIDATION_FAILED');
    expectCode(await t.post('/api/auth/login/phone', { phone: uniquePhone(), code: '12345' }), 400, 'VALIDATION_FAILED');
    expectCode(await t.post('/api/auth/login/phone', { phone: uniquePhone(), code: 'abcdef' }), 400, 'VALIDATION_FAILED');
  });

  it('the sandbox SMS endpoint validates the phone and 404s when nothing was sent', async () => {
    expect((await t.get('/sandbox/sms/latest?phone=abc')).status).toBe(400);
    expect((await t.get(`/sandbox/sms/latest?phone=${uniquePhone()}`)).status).toBe(404);
  });
});

describe('sessions', () => {
  it('rejects expired, tampered and foreign tokens on /api/me', async () => {
    const token = await t.login();
    const me = await t.get<{ id: string }>('/api/me', { token });
    expect(me.status).toBe(200);
    const expired = issueToken(t.config.tokenSecret, me.body.id, 60, Date.now() - 120_000).token;
    expectCode(await t.get('/api/me', { token: expired }), 401, 'UNAUTHORIZED');
    const foreign = issueToken('some-other-secret-some-other-secret', me.body.id, 60).token;
    expectCode(await t.get('/api/me', { token: foreign }), 401, 'UNAUTHORIZED');
    const [v, payload, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'u_someone_else' })).toString('base64url');
    expectCode(await t.get('/api/me', { token: `${v}.${other}.${sig}` }), 401, 'UNAUTHORIZED');
  });

  it('treats a valid token for a deleted account as signed out', async () => {
    const ghost = issueToken(t.config.tokenSecret, 'u_ghost', 60).token;
    expectCode(await t.get('/api/me', { token: ghost }), 401, 'UNAUTHORIZED');
  });
});

describe('sandbox off', () => {
  it('serves no sandbox routes when SANDBOX=off', async () => {
    const prod = await testApp({ seed: false, env: { SANDBOX: 'off' } });
    try {
      expect((await prod.get(`/sandbox/sms/latest?phone=${uniquePhone()}`)).status).toBe(404);
      expect((await prod.get('/sandbox/weapp/sns/jscode2session')).status).toBe(404);
      expectCode(await prod.post('/api/auth/otp', { phone: uniquePhone() }), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await prod.close();
    }
  });
});

