import { routes, type RouteName, type Routes } from '../../../contract/routes';
import type { StaffRole } from '../../../contract/merchant';
import { problemSchema } from '../../../contract/errors';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { bindStaffInvites } from './staff';
import { addInvite, addStaff, makeMerchant } from './testing';
import { requestIn } from '../aftersale/testing';
import { makeSku } from '../order/testing';
import { addApplication, addHold, requestedWithdrawal } from '../referral/testing';
import { makeLiveSession, recordingWechat } from '../live/testing';
import { paidOrder, pickupCodeOf, placeOrder, shopper, type Shopper } from '../../test/workbench';

/**
 * Staff and authorisation through the real app (decision 0023): every merchant route against
 * every kind of caller, the cross-merchant case, removal and role changes taking effect at the
 * next request, the last owner, invites bound at the phone's first login.
 */
let t: TestApp;
const A = 'm_a';
const B = 'm_b';

interface Person {
  token: string;
  userId: string;
  phone: string;
}

async function person(phone = uniquePhone()): Promise<Person> {
  const token = await t.login(phone);
  const me = await t.get<{ id: string }>('/api/me', { token });
  return { token, userId: me.body.id, phone };
}

/** Someone holding `role` in `merchantId`, with their membership's id. */
async function staffOf(merchantId: string, role: StaffRole): Promise<Person & { staffId: string }> {
  const p = await person();
  return { ...p, staffId: await addStaff(t.db, merchantId, p.userId, role, p.phone) };
}

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();

let ownerA: Person & { staffId: string };
let ownerB: Person & { staffId: string };
beforeAll(async () => {
  // A is the operating merchant: the referral applications' routes exist only for it.
  t = await testApp({ seed: false, env: { REFERRAL_OPERATOR_MERCHANT: A }, liveWechat: recordingWechat() });
  await makeMerchant(t.db, A, '甲店');
  await makeMerchant(t.db, B, '乙店');
  ownerA = await staffOf(A, 'owner');
  ownerB = await staffOf(B, 'owner');
});
afterAll(async () => {
  await t.close();
});

type StaffRouteName = { [N in RouteName]: Routes[N] extends { auth: 'staff' } ? N : never }[RouteName];
interface Call {
  method: string;
  url: string;
  body?: unknown;
  /** For the routes that require one. */
  idempotencyKey?: string;
}

/**
 * One valid call per staff route, against merchant A, with a fresh target where the call
 * changes one. Typed over the route table: a new staff route does not compile until it is here.
 */
const calls: { [N in StaffRouteName]: () => Promise<Call> } = {
  getWorkplace: async () => ({ method: 'GET', url: `/api/merchants/${A}` }),
  listStaff: async () => ({ method: 'GET', url: `/api/merchants/${A}/staff` }),
  inviteStaff: async () => ({ method: 'POST', url: `/api/merchants/${A}/staff`, body: { phone: uniquePhone(), role: 'operator' } }),
  updateStaff: async () => ({ method: 'PATCH', url: `/api/merchants/${A}/staff/${await addInvite(t.db, A, uniquePhone())}`, body: { role: 'kitchen' } }),
  removeStaff: async () => ({ method: 'DELETE', url: `/api/merchants/${A}/staff/${await addInvite(t.db, A, uniquePhone())}` }),
  listAudit: async () => ({ method: 'GET', url: `/api/merchants/${A}/audit?limit=5` }),
  // After-sales (server/modules/aftersale): a fresh request of merchant A in the state each action needs.
  listMerchantAfterSales: async () => ({ method: 'GET', url: `/api/merchants/${A}/after-sales?status=requested&limit=5` }),
  getMerchantAfterSale: async () => ({ method: 'GET', url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'requested')).id}` }),
  approveAfterSale: async () => ({ method: 'POST', url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'requested')).id}/approve` }),
  approveAfterSaleReturn: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'requested', 'return_refund')).id}/approve-return`,
    body: { returnAddress: { name: '售后部', phone: '021-5555555', address: '上海市黄浦区人民路 1 号' } },
  }),
  rejectAfterSale: async () => ({ method: 'POST', url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'requested')).id}/reject`, body: { reason: '商品不支持无理由退货' } }),
  receiveAfterSaleReturn: async () => ({ method: 'POST', url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'returning', 'return_refund', ownerA.token)).id}/receive` }),
  retryAfterSaleRefund: async () => ({ method: 'POST', url: `/api/merchants/${A}/after-sales/${(await requestIn(t, A, 'refund_failed')).id}/retry-refund` }),
  // The workbench (docs/merchant.md): a fresh order or SKU of A where the call changes one.
  listMerchantOrders: async () => ({ method: 'GET', url: `/api/merchants/${A}/orders?tab=to_ship&limit=5` }),
  getMerchantOrder: async () => ({ method: 'GET', url: `/api/merchants/${A}/orders/${(await placeOrder(t, await buyer(), { merchantId: A })).orderId}` }),
  shipMerchantOrder: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/orders/${(await paidOrder(t, await buyer(), { merchantId: A })).orderId}/ship`,
    body: { parcels: [{ carrier: 'sf', trackingNo: 'SF1234567890' }] },
  }),
  verifyPickup: async () => {
    const { orderId } = await paidOrder(t, await buyer(), { merchantId: A, type: 'pickup' });
    return { method: 'POST', url: `/api/merchants/${A}/orders/${orderId}/pickup`, body: { code: await pickupCodeOf(t, orderId) } };
  },
  remarkMerchantOrder: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/orders/${(await placeOrder(t, await buyer(), { merchantId: A })).orderId}/remark`,
    body: { remark: '顾客要求周末送达' },
  }),
  listMerchantProducts: async () => ({ method: 'GET', url: `/api/merchants/${A}/products?limit=5` }),
  setProductShelf: async () => ({ method: 'POST', url: `/api/merchants/${A}/products/${(await makeSku(t.db, { merchantId: A })).productId}/shelf`, body: { onShelf: false } }),
  setSkuPrice: async () => ({ method: 'POST', url: `/api/merchants/${A}/skus/${(await makeSku(t.db, { merchantId: A })).skuId}/price`, body: { price: 1500 } }),
  changeSkuStock: async () => ({ method: 'POST', url: `/api/merchants/${A}/skus/${(await makeSku(t.db, { merchantId: A })).skuId}/stock`, body: { delta: 5 } }),
  listStockAlerts: async () => ({ method: 'GET', url: `/api/merchants/${A}/stock-alerts?threshold=3` }),
  getDashboard: async () => ({ method: 'GET', url: `/api/merchants/${A}/dashboard` }),
  // Promoter applications (server/modules/referral): a fresh pending application where the call decides one.
  listReferralApplications: async () => ({ method: 'GET', url: `/api/merchants/${A}/referral/applications?status=pending&limit=5` }),
  approveReferralApplication: async () => ({ method: 'POST', url: `/api/merchants/${A}/referral/applications/${await addApplication(t.db, (await person()).userId)}/approve` }),
  rejectReferralApplication: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/referral/applications/${await addApplication(t.db, (await person()).userId)}/reject`,
    body: { reason: '资料不完整' },
  }),
  getReferralRules: async () => ({ method: 'GET', url: `/api/merchants/${A}/referral/rules` }),
  setReferralRules: async () => ({ method: 'POST', url: `/api/merchants/${A}/referral/rules`, body: { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 7 } }),
  getCommissionReport: async () => ({ method: 'GET', url: `/api/merchants/${A}/referral/report?groupBy=day` }),
  // Withdrawals (server/modules/referral): a fresh one waiting for review where the call decides one.
  listMerchantWithdrawals: async () => ({ method: 'GET', url: `/api/merchants/${A}/referral/withdrawals?limit=5` }),
  approveReferralWithdrawal: async () => ({ method: 'POST', url: `/api/merchants/${A}/referral/withdrawals/${await requestedWithdrawal(t.db, (await person()).userId)}/approve` }),
  rejectReferralWithdrawal: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/referral/withdrawals/${await requestedWithdrawal(t.db, (await person()).userId)}/reject`,
    body: { reason: '账户信息有误' },
  }),
  // Held commissions (fraud controls): a fresh open hold of A where the call decides one.
  listReferralHolds: async () => ({ method: 'GET', url: `/api/merchants/${A}/referral/holds?state=open&limit=5` }),
  releaseReferralHold: async () => ({ method: 'POST', url: `/api/merchants/${A}/referral/holds/${await addHold(t.db, { merchantId: A })}/release` }),
  rejectReferralHold: async () => ({ method: 'POST', url: `/api/merchants/${A}/referral/holds/${await addHold(t.db, { merchantId: A })}/reject`, body: { reason: '同一设备下单' } }),
  // Live sessions (server/modules/live): a fresh scheduled session of A where the call changes one.
  listHostLiveSessions: async () => ({ method: 'GET', url: `/api/merchants/${A}/live/sessions?limit=5` }),
  createLiveSession: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/live/sessions`,
    body: { title: '新品直播', startsAt: Date.now() + 3_600_000, playbackUrl: 'https://live.example.com/a.m3u8', perShopperLimit: 2, lines: [{ skuId: (await makeSku(t.db, { merchantId: A })).skuId, price: 800, quota: 5 }] },
    idempotencyKey: `live-${uniquePhone()}`,
  }),
  getHostLiveSession: async () => ({ method: 'GET', url: `/api/merchants/${A}/live/sessions/${(await makeLiveSession(t.db, { merchantId: A })).sessionId}` }),
  updateLiveSession: async () => ({ method: 'PATCH', url: `/api/merchants/${A}/live/sessions/${(await makeLiveSession(t.db, { merchantId: A })).sessionId}`, body: { title: '改个标题' } }),
  actLiveSession: async () => ({ method: 'POST', url: `/api/merchants/${A}/live/sessions/${(await makeLiveSession(t.db, { merchantId: A })).sessionId}/actions`, body: { action: 'start' } }),
  pinLiveProduct: async () => {
    const s = await makeLiveSession(t.db, { merchantId: A });
    return { method: 'POST', url: `/api/merchants/${A}/live/sessions/${s.sessionId}/pin`, body: { productId: s.skus[0].productId } };
  },
  addLiveLine: async () => ({
    method: 'POST',
    url: `/api/merchants/${A}/live/sessions/${(await makeLiveSession(t.db, { merchantId: A })).sessionId}/lines`,
    body: { skuId: (await makeSku(t.db, { merchantId: A })).skuId, price: 900, quota: 3 },
  }),
  updateLiveLine: async () => {
    const s = await makeLiveSession(t.db, { merchantId: A });
    return { method: 'PATCH', url: `/api/merchants/${A}/live/sessions/${s.sessionId}/lines/${s.skus[0].skuId}`, body: { price: 700 } };
  },
  linkLiveWechatRoom: async () => ({ method: 'POST', url: `/api/merchants/${A}/live/sessions/${(await makeLiveSession(t.db, { merchantId: A })).sessionId}/wechat-room`, body: { roomId: 1001 } }),
};

let theBuyer: Shopper | null = null;
/** One shopper with an address buys every order the calls need. */
async function buyer(): Promise<Shopper> {
  theBuyer ??= await shopper(t);
  return theBuyer;
}

const staffRoutes = (Object.keys(routes) as RouteName[]).filter((n): n is StaffRouteName => routes[n].auth === 'staff');

describe('every merchant route against every caller', () => {
  type Caller = StaffRole | 'shopper' | 'anonymous' | "another merchant's owner";
  const callers: Caller[] = ['owner', 'operator', 'live_host', 'kitchen', 'shopper', 'anonymous', "another merchant's owner"];
  let tokens: Record<Caller, string | null>;
  beforeAll(async () => {
    tokens = {
      owner: ownerA.token,
      operator: (await staffOf(A, 'operator')).token,
      live_host: (await staffOf(A, 'live_host')).token,
      kitchen: (await staffOf(A, 'kitchen')).token,
      shopper: (await person()).token,
      anonymous: null,
      "another merchant's owner": ownerB.token,
    };
  });

  it('covers every staff route of the contract', () => {
    expect(staffRoutes.sort()).toEqual(Object.keys(calls).sort());
    expect(staffRoutes.length).toBeGreaterThanOrEqual(6);
  });

  const cases = staffRoutes.flatMap((name) => callers.map((caller) => [name, caller] as const));
  it.each(cases)('%s as %s', async (name, caller) => {
    const def = routes[name];
    const call = await calls[name]();
    const res = await t.request(call.method, call.url, { body: call.body, token: tokens[caller], idempotencyKey: call.idempotencyKey });
    const roles: readonly string[] = def.roles;
    const expected =
      caller === 'anonymous'
        ? '401 UNAUTHORIZED'
        : caller === 'shopper' || caller === "another merchant's owner"
          ? '404 NOT_FOUND'
          : roles.includes(caller)
            ? String('status' in def ? def.status : 200)
            : '403 FORBIDDEN_ROLE';
    expect(codeOf(res)).toBe(expected);
    if (res.status < 300) expect(() => def.response.parse(res.body)).not.toThrow();
    else expect(() => problemSchema.parse(res.body)).not.toThrow();
  });

  // Taking an invite by its code is not a staff route: any signed-in account may, staff anywhere or not.
  const inviteRoutes = (Object.keys(routes) as RouteName[]).filter((n) => routes[n].path.startsWith('/api/staff-invites/'));
  it('has the invite code routes outside the merchant prefix, for any signed-in account', () => {
    expect(inviteRoutes.sort()).toEqual(['acceptStaffInvite', 'getStaffInvite']);
    for (const n of inviteRoutes) expect(routes[n].auth).toBe('user');
  });
  it.each(callers)('the invite code routes as %s: a code that names nothing is the same 404 for every signed-in caller', async (caller) => {
    for (const [method, url] of [['GET', '/api/staff-invites/ZZZZ2345'], ['POST', '/api/staff-invites/ZZZZ2345/accept']]) {
      const res = await t.request(method, url, { token: tokens[caller] });
      expect(codeOf(res)).toBe(caller === 'anonymous' ? '401 UNAUTHORIZED' : '404 INVITE_NOT_FOUND');
    }
  });

  it("answers a stranger exactly as for a merchant that does not exist, even to a bad body", async () => {
    const shopper = tokens.shopper;
    const stranger = await t.get(`/api/merchants/${A}/staff`, { token: shopper });
    const missing = await t.get('/api/merchants/m_nowhere/staff', { token: shopper });
    const strangerBody = stranger.body as { code: string; title: string; detail: string };
    const missingBody = missing.body as { code: string; title: string; detail: string };
    expect([stranger.status, strangerBody.code, strangerBody.title]).toEqual([missing.status, missingBody.code, missingBody.title]);
    expect(strangerBody.detail.replace(A, '<id>')).toBe(missingBody.detail.replace('m_nowhere', '<id>'));
    // Authorisation comes before validation: nothing about the route's input is revealed.
    const bad = await t.post(`/api/merchants/${A}/staff`, { phone: 'nope', extra: 1 }, { token: shopper });
    expect(codeOf(bad)).toBe('404 NOT_FOUND');
    // The owner of A reaches B's staff only as a stranger would.
    const cross = await t.patch(`/api/merchants/${B}/staff/${ownerB.staffId}`, { role: 'operator' }, { token: ownerA.token });
    expect(codeOf(cross)).toBe('404 NOT_FOUND');
    // A merchant id that is not an id at all: the same 404.
    expect(codeOf(await t.get('/api/merchants/m%20x/staff', { token: ownerA.token }))).toBe('404 NOT_FOUND');
  });

  it("acts only inside the merchant the path names: another merchant's staff id is not found", async () => {
    const inB = await addInvite(t.db, B, uniquePhone());
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${inB}`, { role: 'kitchen' }, { token: ownerA.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/${inB}`, { token: ownerA.token }))).toBe('404 NOT_FOUND');
    const still = await t.db.selectFrom('merchant_staff').select(['role']).where('id', '=', inB).executeTakeFirst();
    expect(still).toEqual({ role: 'operator' });
  });
});

describe('workplaces', () => {
  it('lists the merchants a person is staff of, with the role there; a shopper has none; a guest must sign in', async () => {
    const both = await staffOf(A, 'operator');
    await addStaff(t.db, B, both.userId, 'kitchen', both.phone);
    const res = await t.get<{ items: { merchantId: string; merchantName: string; role: string; staffId: string }[] }>('/api/me/workplaces', { token: both.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((w) => [w.merchantId, w.merchantName, w.role])).toEqual([
      [A, '甲店', 'operator'],
      [B, '乙店', 'kitchen'],
    ]);
    expect(res.body.items[0].staffId).toBe(both.staffId);
    // The same login is still a shopper.
    expect((await t.get('/api/cart', { token: both.token })).status).toBe(200);

    const shopper = await person();
    expect((await t.get('/api/me/workplaces', { token: shopper.token })).body).toEqual({ items: [] });
    expect(codeOf(await t.get('/api/me/workplaces'))).toBe('401 UNAUTHORIZED');
  });

  it('the workbench of one merchant answers the caller’s role there', async () => {
    const kitchen = await staffOf(A, 'kitchen');
    const res = await t.get(`/api/merchants/${A}`, { token: kitchen.token });
    expect(res.body).toEqual({ merchantId: A, merchantName: '甲店', merchantLogo: `/images/${A}.svg`, role: 'kitchen', staffId: kitchen.staffId });
  });
});

describe('changes take effect at the next request', () => {
  it("a removed member's token stops working for the merchant at once, and the merchant leaves their workplaces", async () => {
    const second = await staffOf(A, 'owner');
    expect((await t.get(`/api/merchants/${A}/staff`, { token: second.token })).status).toBe(200);
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/${second.staffId}`, { token: ownerA.token }))).toBe('200');
    expect(codeOf(await t.get(`/api/merchants/${A}/staff`, { token: second.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.get(`/api/merchants/${A}`, { token: second.token }))).toBe('404 NOT_FOUND');
    expect((await t.get('/api/me/workplaces', { token: second.token })).body).toEqual({ items: [] });
    // They are still a shopper with the same token.
    expect((await t.get('/api/me', { token: second.token })).status).toBe(200);
  });

  it('a role change applies to the next request, both ways', async () => {
    const op = await staffOf(A, 'operator');
    expect(codeOf(await t.get(`/api/merchants/${A}/staff`, { token: op.token }))).toBe('403 FORBIDDEN_ROLE');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${op.staffId}`, { role: 'owner' }, { token: ownerA.token }))).toBe('200');
    expect(codeOf(await t.get(`/api/merchants/${A}/staff`, { token: op.token }))).toBe('200');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${op.staffId}`, { role: 'kitchen' }, { token: ownerA.token }))).toBe('200');
    expect(codeOf(await t.get(`/api/merchants/${A}/staff`, { token: op.token }))).toBe('403 FORBIDDEN_ROLE');
    expect((await t.get(`/api/merchants/${A}`, { token: op.token })).body).toMatchObject({ role: 'kitchen' });
  });

  it('an idempotent replay does not outlive the membership', async () => {
    const second = await staffOf(A, 'owner');
    const body = { phone: uniquePhone(), role: 'kitchen' };
    const first = await t.post(`/api/merchants/${A}/staff`, body, { token: second.token, idempotencyKey: 'replay-1' });
    expect(first.status).toBe(201);
    expect((await t.post(`/api/merchants/${A}/staff`, body, { token: second.token, idempotencyKey: 'replay-1' })).headers['idempotent-replayed']).toBe('true');
    await t.del(`/api/merchants/${A}/staff/${second.staffId}`, { token: ownerA.token });
    expect(codeOf(await t.post(`/api/merchants/${A}/staff`, body, { token: second.token, idempotencyKey: 'replay-1' }))).toBe('404 NOT_FOUND');
  });
});

describe('owners', () => {
  let shop: string;
  let n = 0;
  beforeEach(async () => {
    n += 1;
    shop = await makeMerchant(t.db, `m_own${n}`);
  });
  const owners = async () =>
    (await t.db.selectFrom('merchant_staff').select('user_id').where('merchant_id', '=', shop).where('role', '=', 'owner').execute()).map((r) => r.user_id);

  it('the last owner can neither step down nor leave; an owner never removes themselves', async () => {
    const only = await staffOf(shop, 'owner');
    expect(codeOf(await t.patch(`/api/merchants/${shop}/staff/${only.staffId}`, { role: 'operator' }, { token: only.token }))).toBe('409 STAFF_LAST_OWNER');
    expect(codeOf(await t.del(`/api/merchants/${shop}/staff/${only.staffId}`, { token: only.token }))).toBe('409 STAFF_SELF_REMOVAL');
    // With a second owner, one may step down; still not remove themselves.
    const other = await staffOf(shop, 'owner');
    expect(codeOf(await t.del(`/api/merchants/${shop}/staff/${other.staffId}`, { token: other.token }))).toBe('409 STAFF_SELF_REMOVAL');
    expect(codeOf(await t.patch(`/api/merchants/${shop}/staff/${only.staffId}`, { role: 'operator' }, { token: only.token }))).toBe('200');
    expect(await owners()).toEqual([other.userId]);
    // Setting the role a member already has changes nothing and records nothing.
    const before = await t.db.selectFrom('audit_log').select('id').where('merchant_id', '=', shop).execute();
    expect(codeOf(await t.patch(`/api/merchants/${shop}/staff/${other.staffId}`, { role: 'owner' }, { token: other.token }))).toBe('200');
    expect(await t.db.selectFrom('audit_log').select('id').where('merchant_id', '=', shop).execute()).toHaveLength(before.length);
  });

  // Races: a few rounds each, on a fresh merchant per round (without the lock on the staff rows,
  // PostgreSQL lets both changes through in some rounds and leaves the merchant without an owner).
  const ROUNDS = 4;

  it('two owners stepping down at once: one does, the merchant keeps the other', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      shop = await makeMerchant(t.db, `m_own${n}r${round}`);
      const x = await staffOf(shop, 'owner');
      const y = await staffOf(shop, 'owner');
      const answers = await Promise.all([
        t.patch(`/api/merchants/${shop}/staff/${x.staffId}`, { role: 'operator' }, { token: x.token }),
        t.patch(`/api/merchants/${shop}/staff/${y.staffId}`, { role: 'operator' }, { token: y.token }),
      ]);
      expect(answers.map(codeOf).sort()).toEqual(['200', '409 STAFF_LAST_OWNER']);
      expect(await owners()).toHaveLength(1);
    }
  });

  it('two owners removing each other at once: one does, the other is no longer staff', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      shop = await makeMerchant(t.db, `m_own${n}r${round}`);
      const x = await staffOf(shop, 'owner');
      const y = await staffOf(shop, 'owner');
      const answers = await Promise.all([
        t.del(`/api/merchants/${shop}/staff/${y.staffId}`, { token: x.token }),
        t.del(`/api/merchants/${shop}/staff/${x.staffId}`, { token: y.token }),
      ]);
      expect(answers.map(codeOf).sort()).toEqual(['200', '404 NOT_FOUND']);
      expect(await owners()).toHaveLength(1);
    }
  });
});

describe('invites', () => {
  type Member = { id: string; userId: string | null; phone: string | null; nickname: string | null; role: string; status: string; invitedBy: string | null };
  const staffList = async () => (await t.get<{ items: Member[] }>(`/api/merchants/${A}/staff`, { token: ownerA.token })).body.items;

  it("binds an invite at that phone's first login", async () => {
    const phone = uniquePhone();
    const invited = await t.post<Member>(`/api/merchants/${A}/staff`, { phone, role: 'live_host' }, { token: ownerA.token });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ userId: null, phone, nickname: null, role: 'live_host', status: 'invited', invitedBy: ownerA.userId });
    expect((await staffList()).find((m) => m.id === invited.body.id)?.status).toBe('invited');

    const newcomer = await person(phone);
    const workplaces = await t.get<{ items: { merchantId: string; role: string; staffId: string }[] }>('/api/me/workplaces', { token: newcomer.token });
    expect(workplaces.body.items).toEqual([expect.objectContaining({ merchantId: A, role: 'live_host', staffId: invited.body.id })]);
    expect((await t.get(`/api/merchants/${A}`, { token: newcomer.token })).status).toBe(200);
    expect((await staffList()).find((m) => m.id === invited.body.id)).toMatchObject({ userId: newcomer.userId, status: 'active', nickname: `用户${phone.slice(-4)}` });
    // A later login binds nothing more.
    expect(await bindStaffInvites(t.db, { id: newcomer.userId, phone })).toBe(0);
    expect((await t.get<{ items: unknown[] }>('/api/me/workplaces', { token: newcomer.token })).body.items).toHaveLength(1);
  });

  it('an existing account joins at once', async () => {
    const existing = await person();
    const res = await t.post<Member>(`/api/merchants/${A}/staff`, { phone: existing.phone, role: 'operator' }, { token: ownerA.token });
    expect(res.body).toMatchObject({ userId: existing.userId, status: 'active', role: 'operator' });
    expect(codeOf(await t.get(`/api/merchants/${A}`, { token: existing.token }))).toBe('200');
  });

  it('a withdrawn invite binds nothing; an invite changed before the login binds with its new role', async () => {
    const gone = uniquePhone();
    const changed = uniquePhone();
    const a = await t.post<Member>(`/api/merchants/${A}/staff`, { phone: gone, role: 'operator' }, { token: ownerA.token });
    const b = await t.post<Member>(`/api/merchants/${A}/staff`, { phone: changed, role: 'operator' }, { token: ownerA.token });
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/${a.body.id}`, { token: ownerA.token }))).toBe('200');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${b.body.id}`, { role: 'kitchen' }, { token: ownerA.token }))).toBe('200');
    expect((await t.get('/api/me/workplaces', { token: (await person(gone)).token })).body).toEqual({ items: [] });
    expect((await t.get<{ items: { role: string }[] }>('/api/me/workplaces', { token: (await person(changed)).token })).body.items.map((w) => w.role)).toEqual(['kitchen']);
  });

  it('refuses a phone that is already staff or invited, and bad input, with stable codes', async () => {
    const phone = uniquePhone();
    expect((await t.post(`/api/merchants/${A}/staff`, { phone, role: 'operator' }, { token: ownerA.token })).status).toBe(201);
    expect(codeOf(await t.post(`/api/merchants/${A}/staff`, { phone, role: 'kitchen' }, { token: ownerA.token }))).toBe('409 STAFF_EXISTS');
    expect(codeOf(await t.post(`/api/merchants/${A}/staff`, { phone: ownerA.phone, role: 'kitchen' }, { token: ownerA.token }))).toBe('409 STAFF_EXISTS');
    // The same phone may be invited by another merchant.
    expect((await t.post(`/api/merchants/${B}/staff`, { phone, role: 'operator' }, { token: ownerB.token })).status).toBe(201);

    const invalid = async (body: unknown, path: string) => {
      const res = await t.post<{ code: string; errors: { path: string }[] }>(`/api/merchants/${A}/staff`, body, { token: ownerA.token });
      expect([res.status, res.body.code, res.body.errors.map((e) => e.path)]).toEqual([400, 'VALIDATION_FAILED', [path]]);
    };
    await invalid({ phone: uniquePhone(), role: 'owner' }, 'body.role');
    await invalid({ phone: '12345', role: 'operator' }, 'body.phone');
    await invalid({ phone: uniquePhone(), role: 'operator', userId: 'u_x' }, 'body.userId');
    const patch = await t.patch<{ code: string }>(`/api/merchants/${A}/staff/${ownerA.staffId}`, { role: 'boss' }, { token: ownerA.token });
    expect(codeOf(patch)).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/stf_nobody`, { role: 'kitchen' }, { token: ownerA.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/stf_nobody`, { token: ownerA.token }))).toBe('404 NOT_FOUND');
  });

  it('two owners inviting the same phone at once: one invite', async () => {
    const second = await staffOf(A, 'owner');
    const phone = uniquePhone();
    const answers = await Promise.all([ownerA, second].map((o) => t.post(`/api/merchants/${A}/staff`, { phone, role: 'operator' }, { token: o.token })));
    expect(answers.map(codeOf).sort()).toEqual(['201', '409 STAFF_EXISTS']);
    expect(await t.db.selectFrom('merchant_staff').select('id').where('merchant_id', '=', A).where('phone', '=', phone).execute()).toHaveLength(1);
  });
});
