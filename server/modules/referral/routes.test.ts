import type { CommissionPage, CommissionReport, ReferralEarnings, ReferralLeaderboard, ReferralRules } from '@contract/referral-commission';
import { testApp, type ApiResponse, type TestApp } from '../../test/app';
import { addStaff, makeMerchant } from '../merchant/testing';
import { userToken } from '../order/testing';
import { ask, newKey, paidOrder, type Shopper } from '../aftersale/testing';
import { bindChain, ledgerProblems, uniq } from './testing';

/**
 * Commissions through the whole app: the owner sets the rules, a referred shopper buys and pays,
 * the referral consumer (outbox) earns the commissions, an after-sale refund of one unit reverses
 * them in proportion at both levels; the promoter's and the merchant's routes read them.
 */
let t: TestApp;
let merchantId: string;
let owner: Shopper;
let operator: Shopper;
beforeAll(async () => {
  t = await testApp({ seed: false });
  merchantId = uniq('m');
  await makeMerchant(t.db, merchantId);
  owner = await userToken(t.db, t.config.tokenSecret);
  operator = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, merchantId, owner.userId, 'owner');
  await addStaff(t.db, merchantId, operator.userId, 'operator');
});
afterAll(async () => {
  await t.close();
});

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const rulesUrl = () => `/api/merchants/${merchantId}/referral/rules`;

/** Polls until the outbox's consumer has done its part (up to 30 s: suites share the machine). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

it('owner sets versioned rules (validated, audited); the operator reads them but may not change them', async () => {
  const none = await t.get<ReferralRules>(rulesUrl(), { token: operator.token });
  expect(none.status).toBe(200);
  expect(none.body).toMatchObject({ version: 0, enabled: false, levels: 2, freezeDays: 7 });

  const bad = [
    { enabled: true, levels: 2, mode: 'rate', amounts: [4000, 2000], freezeDays: 7 },
    { enabled: true, levels: 2, mode: 'rate', amounts: [1000], freezeDays: 7 },
    { enabled: true, levels: 4, mode: 'rate', amounts: [100, 100, 100, 100], freezeDays: 7 },
    { enabled: true, levels: 1, mode: 'fixed', amounts: [-1], freezeDays: 7 },
    { enabled: true, levels: 1, mode: 'rate', amounts: [10001], freezeDays: 7 },
    { enabled: true, levels: 1, mode: 'rate', amounts: [100], freezeDays: 7, overrides: [{ target: 'sku', targetId: 'sku_1', mode: 'rate', amounts: [100, 100] }] },
  ];
  for (const body of bad) expect(codeOf(await t.post(rulesUrl(), body, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
  // Deeper than the network's REFERRAL_MAX_LEVELS (2 here), though within the platform's cap of 3.
  const deep = await t.post<{ errors: { path: string }[] }>(rulesUrl(), { enabled: true, levels: 3, mode: 'rate', amounts: [100, 100, 100], freezeDays: 7 }, { token: owner.token });
  expect(codeOf(deep)).toBe('400 VALIDATION_FAILED');
  expect(deep.body.errors).toEqual([expect.objectContaining({ path: 'body.levels' })]);
  // Another merchant's SKU is named on its override row.
  const foreign = await t.post<{ errors: { path: string }[] }>(
    rulesUrl(),
    { enabled: true, levels: 1, mode: 'rate', amounts: [100], freezeDays: 7, overrides: [{ target: 'sku', targetId: 'sku_not_ours', mode: 'rate', amounts: [100] }] },
    { token: owner.token },
  );
  expect(codeOf(foreign)).toBe('400 VALIDATION_FAILED');
  expect(foreign.body).toEqual(expect.objectContaining({ errors: [expect.objectContaining({ path: 'body.overrides.0.targetId' })] }));
  const good = { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 7 };
  expect(codeOf(await t.post(rulesUrl(), good, { token: operator.token }))).toBe('403 FORBIDDEN_ROLE');
  const set = await t.post<ReferralRules>(rulesUrl(), good, { token: owner.token, idempotencyKey: newKey() });
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ version: 1, enabled: true, amounts: [1000, 500], createdBy: owner.userId });
  expect((await t.get<ReferralRules>(rulesUrl(), { token: operator.token })).body.version).toBe(1);
  const audit = await t.get<{ items: { action: string; target: string }[] }>(`/api/merchants/${merchantId}/audit`, { token: owner.token });
  expect(audit.body.items[0]).toMatchObject({ action: 'referral.rules_changed', target: 'referral_rules:1' });
  // Nothing was written by the refused attempts.
  expect(await t.db.selectFrom('referral_rules').select('version').where('merchant_id', '=', merchantId).execute()).toHaveLength(1);
});

it('a referred purchase earns at both levels through the consumer; a refund of one unit reverses half at both; the routes show it', async () => {
  const buyer = await userToken(t.db, t.config.tokenSecret);
  const a = await userToken(t.db, t.config.tokenSecret);
  const b = await userToken(t.db, t.config.tokenSecret);
  await bindChain(t.db, buyer.userId, [a.userId, b.userId]);
  const { order } = await paidOrder(t, { merchantId, items: [{ price: 3000, quantity: 2 }, { price: 1000, quantity: 1 }], who: buyer });
  const earned = await until(
    async () => (await t.get<ReferralEarnings>('/api/referral/earnings', { token: a.token })).body,
    (e) => e.pending > 0,
  );
  expect(earned).toMatchObject({ pending: 700, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(earned.withdraw).toMatchObject({ minimum: 100, feeFen: 0, feeBp: 0 });
  expect((await t.get<ReferralEarnings>('/api/referral/earnings', { token: b.token })).body.pending).toBe(350);

  const request = await ask(t, buyer, { orderId: order.id, kind: 'refund_only', lines: [{ lineNo: 0, quantity: 1 }] });
  const approved = await t.post(`/api/merchants/${merchantId}/after-sales/${request.id}/approve`, undefined, { token: owner.token, idempotencyKey: newKey() });
  expect(approved.status).toBe(200);
  await until(
    async () => (await t.get<ReferralEarnings>('/api/referral/earnings', { token: a.token })).body,
    (e) => e.pending === 400,
  );
  expect((await t.get<ReferralEarnings>('/api/referral/earnings', { token: b.token })).body.pending).toBe(200);

  const list = await t.get<CommissionPage>('/api/referral/commissions?state=pending', { token: a.token });
  expect(list.status).toBe(200);
  // Both lines were placed at once: sorted by amount here.
  expect(list.body.items.map((c) => ({ orderNo: c.orderNo, level: c.level, amount: c.amount, reversed: c.reversedAmount, quantity: c.quantity })).sort((x, y) => y.amount - x.amount)).toEqual([
    { orderNo: order.orderNo, level: 1, amount: 600, reversed: 300, quantity: 2 },
    { orderNo: order.orderNo, level: 1, amount: 100, reversed: 0, quantity: 1 },
  ]);
  expect(codeOf(await t.get('/api/referral/commissions?state=bogus', { token: a.token }))).toBe('400 VALIDATION_FAILED');
  expect(codeOf(await t.get('/api/referral/earnings'))).toBe('401 UNAUTHORIZED');

  const report = await t.get<CommissionReport>(`/api/merchants/${merchantId}/referral/report?groupBy=day`, { token: operator.token });
  expect(report.status).toBe(200);
  expect(report.body.total).toEqual({ paid: 1050, reversed: 450, commissions: 4 });
  expect(report.body.days).toHaveLength(1);
  expect(await ledgerProblems(t.db)).toEqual([]);

  // The leaderboard: this month's net commissions (earned less reversed), nicknames masked, the caller's own place.
  const board = await t.get<ReferralLeaderboard>('/api/referral/leaderboard?period=month', { token: b.token });
  expect(board.status).toBe(200);
  expect(board.body.items.map((i) => [i.rank, i.amount, i.isMe])).toEqual([[1, 400, false], [2, 200, true]]);
  expect(board.body.items[0].nickname).toMatch(/^测\*\*\d$/);
  expect(board.body.me).toEqual({ rank: 2, amount: 200 });
  const all = await t.get<ReferralLeaderboard>('/api/referral/leaderboard', { token: buyer.token });
  expect(all.body).toMatchObject({ period: 'month', me: { rank: null, amount: 0 } });
  expect((await t.get<ReferralLeaderboard>('/api/referral/leaderboard?period=all', { token: a.token })).body).toMatchObject({ period: 'all', from: null, me: { rank: 1, amount: 400 } });
  expect(codeOf(await t.get('/api/referral/leaderboard?period=week', { token: a.token }))).toBe('400 VALIDATION_FAILED');
  expect(codeOf(await t.get('/api/referral/leaderboard'))).toBe('401 UNAUTHORIZED');
});
