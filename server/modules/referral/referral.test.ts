import { routes, type RouteName } from '../../../contract/routes';
import { referralLink, referralMe, referralTeamPage, merchantReferralApplication } from '../../../contract/referral';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { paidOrder, shopper } from '../../test/workbench';
import { makeSku } from '../order/testing';
import { addStaff, makeMerchant } from '../merchant/testing';
import { VISITS_PER_DEVICE_PER_MINUTE } from './routes';
import { addBinding } from './testing';
import { randomBase62 } from './tokens';

/**
 * The referral routes over HTTP (docs/referral.md, "Attribution and binding"): links, visits,
 * binding at sign-in and by token, who may promote under each policy, applications decided by
 * the operating merchant's staff only, the promoter centre's view.
 */
const OPERATOR = 'm_rop';
const OTHER = 'm_rother';
const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();

let seq = 0;
const device = () => `rt${process.pid}d${++seq}${'x'.repeat(14)}`;

interface Person {
  token: string;
  userId: string;
  phone: string;
}

/** An H5 sign-in with a phone code, sending the device id as the client does. */
async function signIn(t: TestApp, phone = uniquePhone(), dev?: string): Promise<Person & { created: boolean }> {
  const existed = await t.db.selectFrom('users').select('id').where('openid', '=', phone).executeTakeFirst();
  await t.post('/api/auth/otp', { phone });
  const sms = await t.get<{ code: string }>(`/sandbox/sms/latest?phone=${phone}`);
  const res = await t.post<{ token: string; user: { id: string } }>('/api/auth/login/phone', { phone, code: sms.body.code, ...(dev ? { device: dev } : {}) });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return { token: res.body.token, userId: res.body.user.id, phone, created: !existed };
}

async function linkFor(t: TestApp, who: Person, target = 'home'): Promise<string> {
  const res = await t.post<{ token: string }>('/api/referral/links', { target }, { token: who.token });
  if (res.status !== 200) throw new Error(`link: ${res.status} ${res.text}`);
  return res.body.token;
}

describe('everyone promotes (the defaults)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a link for any shopper; a guest must sign in; a bad target is a 400', async () => {
    const p = await signIn(t);
    const { productId } = await makeSku(t.db);
    const res = await t.post('/api/referral/links', { target: `product:${productId}`, campaign: '朋友圈' }, { token: p.token });
    expect(res.status).toBe(200);
    const link = referralLink.parse(res.body);
    expect(link.token).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(link.path).toBe(`/pages/product/index?id=${productId}&rt=${link.token}`);
    expect(codeOf(await t.post('/api/referral/links', { target: 'product:p_nowhere' }, { token: p.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.post('/api/referral/links', { target: 'home' }))).toBe('401 UNAUTHORIZED');
    expect(codeOf(await t.post('/api/referral/links', { target: 'order:o_1' }, { token: p.token }))).toBe('400 VALIDATION_FAILED');
  });

  it('answers every well-formed visit 204 with no body, whatever the token; a malformed body is a 400 problem', async () => {
    const p = await signIn(t);
    const good = await linkFor(t, p);
    const answers: string[] = [];
    for (const token of [good, randomBase62(20), good.slice(0, 19) + (good[19] === 'a' ? 'b' : 'a'), 'abc']) {
      const res = await t.post('/api/referral/visits', { token, platform: 'h5', device: device() });
      answers.push(`${res.status} ${res.text.length} ${res.headers['content-type'] ?? ''}`);
    }
    expect(new Set(answers)).toEqual(new Set(['204 0 ']));
    for (const body of [{ token: good, platform: 'h5' }, { token: good, platform: 'h5', device: 'short' }, { token: 'not a token', platform: 'h5', device: device() }, { token: good, platform: 'pc', device: device() }]) {
      const res = await t.post('/api/referral/visits', body);
      expect(codeOf(res)).toBe('400 VALIDATION_FAILED');
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('stores nothing for a visit before its handler, even when sent with an Idempotency-Key', async () => {
    const count = async () => Number((await t.db.selectFrom('idempotency_keys').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (let i = 0; i < 3; i++) {
      const res = await t.post('/api/referral/visits', { token: randomBase62(20), platform: 'h5', device: device() }, { idempotencyKey: `visit-${i}` });
      expect([res.status, res.headers['idempotent-replayed']]).toEqual([204, undefined]);
    }
    expect(await count()).toBe(before);
  });

  it('limits visits per device (429 with Retry-After), good and bad tokens alike', async () => {
    const dev = device();
    for (let i = 0; i < VISITS_PER_DEVICE_PER_MINUTE; i++) expect((await t.post('/api/referral/visits', { token: randomBase62(20), platform: 'weapp', device: dev })).status).toBe(204);
    const over = await t.post('/api/referral/visits', { token: randomBase62(20), platform: 'weapp', device: dev });
    expect(codeOf(over)).toBe('429 RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('binds a new account at its first sign-in to the promoter of the link its device opened; the promoter sees the team', async () => {
    const promoter = await signIn(t);
    const token = await linkFor(t, promoter, `product:${(await makeSku(t.db)).productId}`);
    const dev = device();
    expect((await t.post('/api/referral/visits', { token, platform: 'h5', device: dev })).status).toBe(204);
    const invited = await signIn(t, uniquePhone(), dev);
    const me = referralMe.parse((await t.get('/api/referral/me', { token: invited.token })).body);
    expect(me.promoter?.nickname).toMatch(/^用\*\*\d$/);
    const theirs = referralMe.parse((await t.get('/api/referral/me', { token: promoter.token })).body);
    expect(theirs).toMatchObject({ isPromoter: true, policy: 'everyone', promoter: null, maxLevels: 2, team: [{ level: 1, count: 1 }, { level: 2, count: 0 }] });
  });

  it('binds at a mini-program sign-in too; a login with a malformed device id is a 400 and binds nothing', async () => {
    const promoter = await signIn(t);
    const dev = device();
    await t.post('/api/referral/visits', { token: await linkFor(t, promoter), platform: 'weapp', scene: 1007, device: dev });
    const bad = await t.post('/api/auth/login/mini', { platform: 'weapp', code: `sandbox-rt${process.pid}b.${Date.now()}`, device: 'no' });
    expect(codeOf(bad)).toBe('400 VALIDATION_FAILED');
    const res = await t.post<{ token: string; user: { id: string } }>('/api/auth/login/mini', { platform: 'weapp', code: `sandbox-rt${process.pid}m.${Date.now()}`, device: dev });
    expect(res.status).toBe(200);
    const row = await t.db.selectFrom('referral_bindings').select('promoter_id').where('user_id', '=', res.body.user.id).executeTakeFirstOrThrow();
    expect(row.promoter_id).toBe(promoter.userId);
    // A login without a device binds from the account's own visits only (it has none here): still a login.
    expect((await t.post('/api/auth/login/mini', { platform: 'weapp', code: `sandbox-rt${process.pid}n.${Date.now()}` })).status).toBe(200);
  });

  it('binds by token for a signed-in account (a link opened after login), once; a bad token is no error', async () => {
    const [promoter, other, u] = [await signIn(t), await signIn(t), await signIn(t)];
    expect((await t.post('/api/referral/bind', { token: randomBase62(20) }, { token: u.token })).body).toEqual({ bound: false });
    expect((await t.post('/api/referral/bind', { token: await linkFor(t, promoter) }, { token: u.token })).body).toEqual({ bound: true });
    // first_touch: a later link changes nothing.
    expect((await t.post('/api/referral/bind', { token: await linkFor(t, other) }, { token: u.token })).body).toEqual({ bound: true });
    const row = await t.db.selectFrom('referral_bindings').select('promoter_id').where('user_id', '=', u.userId).executeTakeFirstOrThrow();
    expect(row.promoter_id).toBe(promoter.userId);
    expect(codeOf(await t.post('/api/referral/bind', { token: await linkFor(t, promoter) }))).toBe('401 UNAUTHORIZED');
  });

  it('lists the team by level, newest first, with masked nicknames and cursor pages', async () => {
    const top = await signIn(t);
    const l1 = [await signIn(t), await signIn(t), await signIn(t)];
    for (const [i, m] of l1.entries()) await addBinding(t.db, m.userId, top.userId, 1000 + i);
    const l2 = await signIn(t);
    await addBinding(t.db, l2.userId, l1[0].userId, 5000);
    const first = referralTeamPage.parse((await t.get('/api/referral/team?level=1&limit=2', { token: top.token })).body);
    expect(first.items.map((m) => m.joinedAt)).toEqual([1002, 1001]);
    for (const m of first.items) expect(m.nickname).toMatch(/^用\*\*\d$/);
    const second = referralTeamPage.parse((await t.get(`/api/referral/team?level=1&limit=2&cursor=${first.nextCursor}`, { token: top.token })).body);
    expect([second.items.map((m) => m.joinedAt), second.nextCursor]).toEqual([[1000], null]);
    expect(referralTeamPage.parse((await t.get('/api/referral/team?level=2', { token: top.token })).body).items.map((m) => m.joinedAt)).toEqual([5000]);
    expect((await t.get('/api/referral/team?level=3', { token: top.token })).body).toEqual({ items: [], nextCursor: null });
    expect(codeOf(await t.get('/api/referral/team?level=4', { token: top.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get('/api/referral/team?cursor=bm9wZQ', { token: top.token }))).toBe('400 VALIDATION_FAILED');
    expect((referralMe.parse((await t.get('/api/referral/me', { token: top.token })).body)).team).toEqual([{ level: 1, count: 3 }, { level: 2, count: 1 }]);
  });

  it('lets a guest only record visits: every other shopper route of the module asks to sign in', async () => {
    const shopperRoutes = (Object.keys(routes) as RouteName[]).filter((n) => routes[n].tag === 'referral' && routes[n].auth !== 'staff');
    expect(shopperRoutes.sort()).toEqual([
      'applyReferralPromoter',
      'bindReferral',
      'createReferralLink',
      'createReferralWithdrawal',
      'getReferralEarnings',
      'getReferralLeaderboard',
      'getReferralMe',
      'getReferralWithdrawal',
      'listReferralCommissions',
      'listReferralTeam',
      'listReferralWithdrawals',
      'recordReferralVisit',
    ]);
    const guestCalls: Record<string, [string, string, unknown]> = {
      applyReferralPromoter: ['POST', '/api/referral/applications', {}],
      bindReferral: ['POST', '/api/referral/bind', { token: randomBase62(20) }],
      createReferralLink: ['POST', '/api/referral/links', { target: 'home' }],
      getReferralMe: ['GET', '/api/referral/me', undefined],
      getReferralEarnings: ['GET', '/api/referral/earnings', undefined],
      getReferralLeaderboard: ['GET', '/api/referral/leaderboard', undefined],
      listReferralCommissions: ['GET', '/api/referral/commissions', undefined],
      listReferralTeam: ['GET', '/api/referral/team', undefined],
      createReferralWithdrawal: ['POST', '/api/referral/withdrawals', { amount: 100, destination: 'balance' }],
      listReferralWithdrawals: ['GET', '/api/referral/withdrawals', undefined],
      getReferralWithdrawal: ['GET', '/api/referral/withdrawals/wd_x', undefined],
      recordReferralVisit: ['POST', '/api/referral/visits', { token: randomBase62(20), platform: 'h5', device: device() }],
    };
    for (const name of shopperRoutes) {
      const [method, url, body] = guestCalls[name];
      expect([name, codeOf(await t.request(method, url, { body }))]).toEqual([name, name === 'recordReferralVisit' ? '204' : '401 UNAUTHORIZED']);
    }
  });

  it('refuses applications when everyone promotes', async () => {
    const u = await signIn(t);
    expect(codeOf(await t.post('/api/referral/applications', {}, { token: u.token }))).toBe('409 REFERRAL_APPLICATIONS_CLOSED');
  });
});

describe('new accounts only, last touch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false, env: { REFERRAL_NEW_ACCOUNTS_ONLY: 'on', REFERRAL_BINDING: 'last_touch' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('binds an account its sign-in creates, and not one that existed before the visit', async () => {
    const [p1, p2] = [await signIn(t), await signIn(t)];
    const old = await signIn(t);
    const dev = device();
    await t.post('/api/referral/visits', { token: await linkFor(t, p1), platform: 'h5', device: dev });
    await t.post('/api/referral/visits', { token: await linkFor(t, p2), platform: 'h5', device: dev });
    await signIn(t, old.phone, dev);
    expect(await t.db.selectFrom('referral_bindings').selectAll().where('user_id', '=', old.userId).executeTakeFirst()).toBeUndefined();
    const fresh = await signIn(t, uniquePhone(), dev);
    expect(fresh.created).toBe(true);
    const row = await t.db.selectFrom('referral_bindings').select('promoter_id').where('user_id', '=', fresh.userId).executeTakeFirstOrThrow();
    expect(row.promoter_id).toBe(p2.userId);
  });
});

describe('promoters who spent at least ¥99', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false, env: { REFERRAL_PROMOTERS: 'min_spend:9900' } });
    await makeMerchant(t.db, OTHER);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a link until the shopper has paid that much (refunds taken off)', async () => {
    const s = await shopper(t);
    const who = { token: s.token, userId: s.userId, phone: s.phone };
    expect(codeOf(await t.post('/api/referral/links', { target: 'home' }, { token: who.token }))).toBe('403 NOT_A_PROMOTER');
    expect(referralMe.parse((await t.get('/api/referral/me', { token: who.token })).body)).toMatchObject({ isPromoter: false, policy: 'min_spend', minSpend: 9900, spent: 0, canApply: false });
    const order = await paidOrder(t, s, { merchantId: OTHER, price: 6000 });
    expect(codeOf(await t.post('/api/referral/links', { target: 'home' }, { token: who.token }))).toBe('403 NOT_A_PROMOTER');
    await paidOrder(t, s, { merchantId: OTHER, price: 4000 });
    expect((await t.post('/api/referral/links', { target: 'home' }, { token: who.token })).status).toBe(200);
    // A refund takes the spend under the line again.
    await t.db.updateTable('orders').set({ refunded_amount: 2000 }).where('id', '=', order.orderId).execute();
    expect(codeOf(await t.post('/api/referral/links', { target: 'home' }, { token: who.token }))).toBe('403 NOT_A_PROMOTER');
  });
});

describe('approved promoters', () => {
  let t: TestApp;
  let operatorOwner: Person;
  let operatorStaff: Person;
  let otherOwner: Person;
  beforeAll(async () => {
    t = await testApp({ seed: false, env: { REFERRAL_PROMOTERS: 'approved', REFERRAL_OPERATOR_MERCHANT: OPERATOR } });
    await makeMerchant(t.db, OPERATOR);
    await makeMerchant(t.db, OTHER);
    operatorOwner = await signIn(t);
    await addStaff(t.db, OPERATOR, operatorOwner.userId, 'owner', operatorOwner.phone);
    operatorStaff = await signIn(t);
    await addStaff(t.db, OPERATOR, operatorStaff.userId, 'operator', operatorStaff.phone);
    otherOwner = await signIn(t);
    await addStaff(t.db, OTHER, otherOwner.userId, 'owner', otherOwner.phone);
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes one open application at a time; the operating merchant approves it and the shopper may promote', async () => {
    const u = await signIn(t);
    expect(codeOf(await t.post('/api/referral/links', { target: 'home' }, { token: u.token }))).toBe('403 NOT_A_PROMOTER');
    expect(referralMe.parse((await t.get('/api/referral/me', { token: u.token })).body)).toMatchObject({ isPromoter: false, canApply: true, application: null });
    const applied = await t.post<{ id: string; status: string }>('/api/referral/applications', { note: '想推广给朋友' }, { token: u.token });
    expect([applied.status, applied.body.status]).toEqual([201, 'pending']);
    expect(codeOf(await t.post('/api/referral/applications', {}, { token: u.token }))).toBe('409 REFERRAL_APPLICATION_OPEN');
    expect(referralMe.parse((await t.get('/api/referral/me', { token: u.token })).body)).toMatchObject({ canApply: false, application: { status: 'pending' } });

    const list = await t.get<{ items: { id: string; phone: string }[] }>(`/api/merchants/${OPERATOR}/referral/applications?status=pending`, { token: operatorStaff.token });
    expect(list.status).toBe(200);
    const item = list.body.items.find((a) => a.id === applied.body.id);
    expect(item?.phone).toBe(`${u.phone.slice(0, 3)}****${u.phone.slice(-4)}`);

    const approved = await t.post(`/api/merchants/${OPERATOR}/referral/applications/${applied.body.id}/approve`, undefined, { token: operatorStaff.token });
    expect(approved.status).toBe(200);
    expect(merchantReferralApplication.parse(approved.body)).toMatchObject({ status: 'approved', userId: u.userId });
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/applications/${applied.body.id}/reject`, { reason: '晚了' }, { token: operatorOwner.token }))).toBe('409 ILLEGAL_TRANSITION');
    expect((await t.post('/api/referral/links', { target: 'home' }, { token: u.token })).status).toBe(200);
    expect(codeOf(await t.post('/api/referral/applications', {}, { token: u.token }))).toBe('409 REFERRAL_ALREADY_PROMOTER');

    const audit = await t.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', OPERATOR).where('target', '=', `referral_application:${applied.body.id}`).execute();
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([['referral.application_approved', operatorStaff.userId]]);
  });

  it('lets a rejected shopper apply again', async () => {
    const u = await signIn(t);
    const first = await t.post<{ id: string }>('/api/referral/applications', {}, { token: u.token });
    const rejected = await t.post(`/api/merchants/${OPERATOR}/referral/applications/${first.body.id}/reject`, { reason: '资料不完整' }, { token: operatorOwner.token });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '资料不完整' });
    expect(referralMe.parse((await t.get('/api/referral/me', { token: u.token })).body)).toMatchObject({ canApply: true, application: { status: 'rejected', reason: '资料不完整' } });
    expect((await t.post('/api/referral/applications', {}, { token: u.token })).status).toBe(201);
  });

  it("answers another merchant's staff 404, as for a route it does not have, and touches nothing", async () => {
    const u = await signIn(t);
    const app = await t.post<{ id: string }>('/api/referral/applications', {}, { token: u.token });
    expect(codeOf(await t.get(`/api/merchants/${OTHER}/referral/applications`, { token: otherOwner.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.post(`/api/merchants/${OTHER}/referral/applications/${app.body.id}/approve`, undefined, { token: otherOwner.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.post(`/api/merchants/${OTHER}/referral/applications/${app.body.id}/reject`, { reason: '不行' }, { token: otherOwner.token }))).toBe('404 NOT_FOUND');
    // ... and the operating merchant's routes to them as to any stranger.
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/applications/${app.body.id}/approve`, undefined, { token: otherOwner.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/applications/${app.body.id}/approve`, undefined, { token: u.token }))).toBe('404 NOT_FOUND');
    const row = await t.db.selectFrom('referral_applications').select('status').where('id', '=', app.body.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/applications/rap_nope/approve`, undefined, { token: operatorOwner.token }))).toBe('404 NOT_FOUND');
  });

  it('one open application per shopper, however many are sent at once', async () => {
    const u = await signIn(t);
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.post('/api/referral/applications', {}, { token: u.token })));
    expect(answers.map(codeOf).sort()).toEqual(['201', '409 REFERRAL_APPLICATION_OPEN', '409 REFERRAL_APPLICATION_OPEN', '409 REFERRAL_APPLICATION_OPEN', '409 REFERRAL_APPLICATION_OPEN']);
  });
});
