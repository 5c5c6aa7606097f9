import { issueToken } from '../../infra/tokens';
import { testApp, uniquePhone, type TestApp } from '../../test/app';
import { makeSku } from '../order/testing';
import { accountStatus, disableAccount, enableAccount, revokeSessions } from './accounts';

/**
 * Tokens stand for an existing, active account on every request: a correctly signed token for
 * an account that does not exist writes nothing; disabling an account stops its tokens at once
 * (401 ACCOUNT_DISABLED) and its logins; revoking sessions stops the tokens issued before.
 */
let t: TestApp;
let skuId: string;
beforeAll(async () => {
  t = await testApp({ seed: false });
  skuId = (await makeSku(t.db)).skuId;
});
afterAll(async () => {
  await t.close();
});

const address = { name: '王五', phone: '13800138000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' };
let keys = 0;
const key = () => `acc-${process.pid}-${++keys}`;

async function loginWith(phone: string) {
  await t.post('/api/auth/otp', { phone });
  const sms = await t.get<{ code: string }>(`/sandbox/sms/latest?phone=${phone}`);
  return t.post<{ token: string; user: { id: string }; code?: string }>('/api/auth/login/phone', { phone, code: sms.body.code });
}

/** Every kind of authenticated call a shopper makes, with what it answers. */
async function answers(token: string) {
  const calls = [
    t.get('/api/me', { token }),
    t.get('/api/cart', { token }),
    t.post('/api/cart/items', { skuId, quantity: 1 }, { token }),
    t.post('/api/addresses', address, { token }),
    t.get('/api/wallet', { token }),
    t.get('/api/orders', { token }),
    t.post('/api/payments', { orderId: 'o_none', channel: 'sandbox' }, { token, idempotencyKey: key() }),
    // auth 'optional': a guest may quote, a disabled account may not pass as one
    t.post('/api/cart/quote', { lines: [] }, { token }),
  ];
  return (await Promise.all(calls)).map((r) => `${r.status} ${String((r.body as { code?: string } | null)?.code ?? '')}`.trim());
}

it('a correctly signed token for an account that does not exist is refused and writes nothing', async () => {
  const ghost = 'u_ghost_never_created';
  const token = issueToken(t.config.tokenSecret, ghost, 3600).token;
  const got = await answers(token);
  expect(got.slice(0, 7)).toEqual(Array.from({ length: 7 }, () => '401 UNAUTHORIZED'));
  expect(got[7]).toBe('200'); // a guest's quote
  expect(await t.db.selectFrom('cart_lines').select('sku_id').where('user_id', '=', ghost).execute()).toEqual([]);
  expect(await t.db.selectFrom('addresses').select('id').where('user_id', '=', ghost).execute()).toEqual([]);
  expect(await t.db.selectFrom('journal_transactions').select('id').where('ref', '=', `welcome:${ghost}`).execute()).toEqual([]);
});

it('disabling an account stops its tokens at once with ACCOUNT_DISABLED, and its logins; enabling needs a new login', async () => {
  const phone = uniquePhone();
  const first = await loginWith(phone);
  const second = await loginWith(phone);
  const userId = first.body.user.id;
  expect((await t.get('/api/me', { token: first.body.token })).status).toBe(200);

  expect(await disableAccount(t.db, userId)).toBe(true);
  expect(await accountStatus(t.db, userId)).toBe('disabled');
  for (const token of [first.body.token, second.body.token]) {
    expect(await answers(token)).toEqual(Array.from({ length: 8 }, () => '401 ACCOUNT_DISABLED'));
  }
  const again = await loginWith(phone);
  expect([again.status, again.body.code]).toEqual([401, 'ACCOUNT_DISABLED']);
  expect(await t.db.selectFrom('addresses').select('id').where('user_id', '=', userId).execute()).toEqual([]);

  expect(await enableAccount(t.db, userId)).toBe(true);
  expect(await answers(first.body.token)).toEqual([...Array.from({ length: 7 }, () => '401 UNAUTHORIZED'), '200']);
  const back = await loginWith(phone);
  expect(back.status).toBe(200);
  expect(back.body.user.id).toBe(userId);
  expect((await t.get('/api/me', { token: back.body.token })).status).toBe(200);
});

it('revoking sessions stops every token issued before, not the ones after', async () => {
  const phone = uniquePhone();
  const before = await loginWith(phone);
  expect(await revokeSessions(t.db, before.body.user.id)).toBe(true);
  const me = await t.get<{ code: string }>('/api/me', { token: before.body.token });
  expect([me.status, me.body.code]).toEqual([401, 'UNAUTHORIZED']);
  const after = await loginWith(phone);
  expect((await t.get('/api/me', { token: after.body.token })).status).toBe(200);
});

it('the account functions answer false for an account that does not exist', async () => {
  expect(await disableAccount(t.db, 'u_nobody')).toBe(false);
  expect(await enableAccount(t.db, 'u_nobody')).toBe(false);
  expect(await revokeSessions(t.db, 'u_nobody')).toBe(false);
  expect(await accountStatus(t.db, 'u_nobody')).toBeNull();
});

it('tokens issued before token versions (no ver) stand for version 0', async () => {
  const phone = uniquePhone();
  const s = await loginWith(phone);
  const [, body] = s.body.token.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  expect(payload.ver).toBe(0);
  // The same token without ver, signed like the old ones.
  const { createHmac } = await import('node:crypto');
  const { ver: _ver, ...old } = payload;
  const data = `v1.${Buffer.from(JSON.stringify(old)).toString('base64url')}`;
  const legacy = `${data}.${createHmac('sha256', t.config.tokenSecret).update(data).digest('base64url')}`;
  expect((await t.get('/api/me', { token: legacy })).status).toBe(200);
});

it("the sandbox's account console disables an account through the same service (SANDBOX=on only)", async () => {
  const phone = uniquePhone();
  const login = await loginWith(phone);
  const userId = login.body.user.id;
  const first = await t.post<{ id: string; status: string }>(`/sandbox/accounts/${userId}/disable`, {});
  expect([first.status, first.body]).toEqual([200, { id: userId, status: 'disabled' }]);
  const me = await t.get<{ code: string }>('/api/me', { token: login.body.token });
  expect([me.status, me.body.code]).toEqual([401, 'ACCOUNT_DISABLED']);
  expect((await t.post('/sandbox/accounts/u_nobody/disable', {})).status).toBe(404);
  expect((await t.post('/sandbox/accounts/not%20an%20id/disable', {})).status).toBe(404);
});
