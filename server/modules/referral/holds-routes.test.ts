import type { ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import { referralHold, referralHoldPage, type ReferralHold, type ReferralHoldPage } from '@contract/referral-holds';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { transact } from '../../db/transaction';
import { weappAccessTokens } from '../../appcodes';
import { createWeappRiskCheck } from '../../riskcheck';
import { addStaff, makeMerchant } from '../merchant/testing';
import { makeSku } from '../order/testing';
import { transitionOrder } from '../order';
import { ask, newKey, orderReaches, paidOrder, type Shopper } from '../aftersale/testing';
import { checkDueRisks, RISK_MAX_ATTEMPTS, riskBackoffMs } from './holds';
import { unfreezeDueCommissions } from './jobs';
import { bindChain, commissionsOf, holdsOf, ledgerProblems, uniq } from './testing';

/**
 * Fraud controls through the whole app (docs/referral.md, "Fraud controls"): the device a
 * sign-in sends and the payer DevPay names hold commissions; a WeChat buyer waits for the risk
 * rank from WeChat's stand-in, and a risk API that fails holds the commission for a person
 * without touching the payment; the queue, release and reject over HTTP; an after-sale opened
 * on a completed order keeps the settlement back until the merchant decided it.
 */
let t: TestApp;
let merchantId: string;
let owner: Shopper;
let operator: Shopper;
const log = { warn: () => undefined };

beforeAll(async () => {
  t = await testApp({ seed: false });
  merchantId = uniq('m');
  await makeMerchant(t.db, merchantId);
  owner = await h5(uniquePhone());
  operator = await h5(uniquePhone());
  await addStaff(t.db, merchantId, owner.userId, 'owner');
  await addStaff(t.db, merchantId, operator.userId, 'operator');
  const rules = await t.post(`/api/merchants/${merchantId}/referral/rules`, { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 0 }, { token: owner.token, idempotencyKey: newKey() });
  if (rules.status !== 200) throw new Error(`rules: ${rules.status} ${rules.text}`);
});
afterAll(async () => {
  await t.close();
});

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
let seq = 0;
const device = () => `fr${process.pid}d${++seq}${'x'.repeat(14)}`;

/** An H5 sign-in with a phone code, sending the device id as the client does. */
async function h5(phone: string, dev?: string): Promise<Shopper> {
  await t.post('/api/auth/otp', { phone });
  const sms = await t.get<{ code: string }>(`/sandbox/sms/latest?phone=${phone}`);
  const res = await t.post<{ token: string; user: { id: string } }>('/api/auth/login/phone', { phone, code: sms.body.code, ...(dev ? { device: dev } : {}) });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return { token: res.body.token, userId: res.body.user.id };
}

/** A WeChat mini-program sign-in through the login stand-in; the account and its openid. */
async function weapp(): Promise<Shopper & { openid: string }> {
  const owner = uniq('wx').replace(/[^A-Za-z0-9_-]/g, '');
  const res = await t.post<{ token: string; user: { id: string } }>('/api/auth/login/mini', { platform: 'weapp', code: `sandbox-${owner}.${Date.now()}` });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  const row = await t.db.selectFrom('users').select(['platform', 'openid']).where('id', '=', res.body.user.id).executeTakeFirstOrThrow();
  if (row.platform !== 'weapp') throw new Error('not a WeChat account');
  return { token: res.body.token, userId: res.body.user.id, openid: row.openid };
}

/** Polls until `ok` (the outbox's consumer works after the commit; up to 30 s: suites share the machine). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

const earned = (orderId: string) => until(() => commissionsOf(t.db, orderId), (rows) => rows.length > 0 && rows.every((c) => c.status !== 'placed'));

/** An order of the merchant paid through DevPay's cashier, naming who paid (the channel's payer). */
async function paidByDevpay(who: Shopper, payer: string, price = 5000): Promise<string> {
  const sku = await makeSku(t.db, { price, merchantId });
  const created = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } }, { token: who.token, idempotencyKey: newKey() });
  if (created.status !== 201) throw new Error(`order: ${created.status} ${created.text}`);
  const paying = await t.post<Payment>('/api/payments', { orderId: created.body.id, tenders: { balance: false, points: false }, channel: 'sandbox' }, { token: who.token, idempotencyKey: newKey() });
  if (paying.status !== 201 || paying.body.clientParams?.kind !== 'sandbox') throw new Error(`payment: ${paying.status} ${paying.text}`);
  const confirmed = await t.post(`/sandbox/pay/${paying.body.clientParams.paymentNo}/confirm`, { payer });
  if (confirmed.status !== 200) throw new Error(`cashier: ${confirmed.status} ${confirmed.text}`);
  const childId = created.body.children[0].id;
  await orderReaches(t, who, childId, 'paid');
  return childId;
}

const holdsUrl = (state = 'open') => `/api/merchants/${merchantId}/referral/holds?state=${state}&limit=50`;
const queue = async (state = 'open') => referralHoldPage.parse((await t.get<ReferralHoldPage>(holdsUrl(state), { token: operator.token })).body).items;

it('a device the buyer and the promoter both signed in on holds the commission; the operator sees it in the queue and releases it', async () => {
  const dev = device();
  const promoter = await h5(uniquePhone(), dev);
  const buyer = await h5(uniquePhone(), dev);
  const above = await h5(uniquePhone());
  await bindChain(t.db, buyer.userId, [promoter.userId, above.userId]);
  const { order } = await paidOrder(t, { merchantId, items: [{ price: 4000, quantity: 1 }], who: buyer });
  await earned(order.id);
  expect((await commissionsOf(t.db, order.id)).map((c) => [Number(c.level), Number(c.held)])).toEqual([
    [1, 1],
    [2, 0],
  ]);
  const [item] = (await queue()).filter((h) => h.orderId === order.id);
  expect(item).toMatchObject({ orderNo: order.orderNo, level: 1, state: 'open', reasons: [{ code: 'same_device' }], earned: 400, amount: 400, riskRank: null, decidedAt: null });
  // Masked: the phone's middle digits never leave the server.
  expect(item.promoter.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
  expect(item.buyer.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
  expect(JSON.stringify(item)).not.toContain(dev);

  // The order completes (pickup): level 2 settles at once (no freeze days), level 1 waits.
  await transact(t.db, (trx) => transitionOrder(trx, order.id, 'pickup'));
  await until(() => commissionsOf(t.db, order.id), (rows) => rows.every((c) => c.status === 'frozen'));
  await unfreezeDueCommissions(t.db, Date.now() + 1000);
  expect((await commissionsOf(t.db, order.id)).map((c) => c.status)).toEqual(['frozen', 'available']);

  const released = await t.post<ReferralHold>(`/api/merchants/${merchantId}/referral/holds/${item.id}/release`, undefined, { token: operator.token, idempotencyKey: newKey() });
  expect(released.status).toBe(200);
  expect(referralHold.parse(released.body)).toMatchObject({ id: item.id, state: 'released' });
  // The same key again replays; another key answers the hold as it is; rejecting it now is a conflict.
  expect(codeOf(await t.post(`/api/merchants/${merchantId}/referral/holds/${item.id}/release`, undefined, { token: operator.token, idempotencyKey: newKey() }))).toBe('200');
  expect(codeOf(await t.post(`/api/merchants/${merchantId}/referral/holds/${item.id}/reject`, {}, { token: owner.token, idempotencyKey: newKey() }))).toBe('409 ILLEGAL_TRANSITION');
  await unfreezeDueCommissions(t.db, Date.now() + 1000);
  expect((await commissionsOf(t.db, order.id)).map((c) => c.status)).toEqual(['available', 'available']);
  expect((await queue('decided')).map((h) => h.id)).toContain(item.id);
  expect((await queue('open')).map((h) => h.id)).not.toContain(item.id);
  const audit = await t.get<{ items: { action: string; target: string }[] }>(`/api/merchants/${merchantId}/audit`, { token: owner.token });
  expect(audit.body.items.find((a) => a.target === `referral_hold:${item.id}`)).toMatchObject({ action: 'referral.hold_released' });
  expect(await ledgerProblems(t.db)).toEqual([]);
});

it('a payer DevPay names for the buyer’s order that paid the promoter’s own: held; rejected over HTTP, the commission is reversed', async () => {
  const promoter = await h5(uniquePhone());
  const buyer = await h5(uniquePhone());
  await bindChain(t.db, buyer.userId, [promoter.userId]);
  const payer = uniq('payer').replace(/[^A-Za-z0-9_-]/g, '');
  await paidByDevpay(promoter, payer, 1000);
  const orderId = await paidByDevpay(buyer, payer, 6000);
  await earned(orderId);
  const [hold] = await holdsOf(t.db, orderId);
  expect(JSON.parse(hold.reasons)).toEqual([{ code: 'same_payer', channel: 'sandbox' }]);
  const stored = await t.db.selectFrom('payments').select(['payer_id', 'client_ip']).where('user_id', '=', buyer.userId).executeTakeFirstOrThrow();
  expect(stored.payer_id).toBe(payer);
  expect(stored.client_ip).toMatch(/127\.0\.0\.1/);

  expect(codeOf(await t.post(`/api/merchants/${merchantId}/referral/holds/${hold.id}/reject`, { reason: 'x'.repeat(201) }, { token: owner.token, idempotencyKey: newKey() }))).toBe('400 VALIDATION_FAILED');
  const rejected = await t.post<ReferralHold>(`/api/merchants/${merchantId}/referral/holds/${hold.id}/reject`, { reason: '付款账户与推广员相同' }, { token: owner.token, idempotencyKey: newKey() });
  expect(rejected.status).toBe(200);
  expect(referralHold.parse(rejected.body)).toMatchObject({ state: 'rejected', earned: 600, amount: 0, note: '付款账户与推广员相同' });
  expect((await commissionsOf(t.db, orderId))[0]).toMatchObject({ status: 'reversed', reversed_amount: 600 });
  const earnings = await t.get('/api/referral/earnings', { token: promoter.token });
  expect(earnings.body).toMatchObject({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await ledgerProblems(t.db)).toEqual([]);
});

it('the queue is the merchant’s own: bad input 400, another merchant’s hold 404', async () => {
  expect(codeOf(await t.get(`/api/merchants/${merchantId}/referral/holds?state=bogus`, { token: operator.token }))).toBe('400 VALIDATION_FAILED');
  expect(codeOf(await t.get(`/api/merchants/${merchantId}/referral/holds?cursor=!!`, { token: operator.token }))).toBe('400 VALIDATION_FAILED');
  const other = uniq('m_other');
  await makeMerchant(t.db, other);
  const otherOwner = await h5(uniquePhone());
  await addStaff(t.db, other, otherOwner.userId, 'owner');
  const [mine] = await t.db.selectFrom('referral_holds').select('id').where('merchant_id', '=', merchantId).limit(1).execute();
  expect(codeOf(await t.post(`/api/merchants/${other}/referral/holds/${mine.id}/release`, undefined, { token: otherOwner.token, idempotencyKey: newKey() }))).toBe('404 NOT_FOUND');
  expect((await t.get<ReferralHoldPage>(`/api/merchants/${other}/referral/holds`, { token: otherOwner.token })).body.items).toEqual([]);
});

describe('WeChat’s risk rank (the stand-in)', () => {
  const setRisk = (openid: string, body: { rank?: number; fault?: string | null }) => t.request('PUT', `/sandbox/weapp/risk/${openid}`, { body });
  const risk = () => {
    const check = t.app.core.referral.risk;
    if (!check) throw new Error('the risk check is not configured in sandbox mode');
    return check;
  };

  /** A WeChat buyer under a fresh promoter, with a paid order (balance) of the merchant; the order's id. */
  async function weappOrder(rank: number | null, fault: string | null = null): Promise<{ orderId: string; openid: string; buyer: Shopper }> {
    const buyer = await weapp();
    const promoter = await h5(uniquePhone());
    await bindChain(t.db, buyer.userId, [promoter.userId]);
    if (rank !== null || fault !== null) await setRisk(buyer.openid, { ...(rank !== null ? { rank } : {}), fault });
    const { order } = await paidOrder(t, { merchantId, items: [{ price: 3000, quantity: 1 }], who: buyer });
    await earned(order.id);
    return { orderId: order.id, openid: buyer.openid, buyer };
  }

  it('is on in sandbox mode at rank 3: a WeChat buyer’s commission waits for it, held', async () => {
    expect(t.app.core.referral.fraud.riskMinRank).toBe(3);
    const { orderId } = await weappOrder(null);
    const [hold] = await holdsOf(t.db, orderId);
    expect(hold).toMatchObject({ state: 'checking', risk_state: 'pending' });
    expect(Number((await commissionsOf(t.db, orderId))[0].held)).toBe(1);
    // Waiting for the check is nothing a person decides: not in the queue.
    expect((await queue()).map((h) => h.orderId)).not.toContain(orderId);
  });

  it('rank below the threshold clears the hold; at or above it opens it with the rank', async () => {
    const low = await weappOrder(2);
    const high = await weappOrder(4);
    const now = Date.now() + 1000;
    expect(await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now, 100)).toBeGreaterThanOrEqual(2);
    const [cleared] = await holdsOf(t.db, low.orderId);
    expect(cleared).toMatchObject({ state: 'cleared', risk_state: 'done', risk_rank: 2 });
    expect(Number((await commissionsOf(t.db, low.orderId))[0].held)).toBe(0);
    const [opened] = await holdsOf(t.db, high.orderId);
    expect(opened).toMatchObject({ state: 'open', risk_state: 'done', risk_rank: 4 });
    expect(JSON.parse(opened.reasons)).toEqual([{ code: 'risk_rank', rank: 4 }]);
    expect((await queue()).find((h) => h.orderId === high.orderId)).toMatchObject({ riskRank: 4, reasons: [{ code: 'risk_rank', rank: 4 }] });
    // The stand-in was asked once for each (a second run has nothing due).
    expect((await t.get<{ checks: number }>(`/sandbox/weapp/risk/${high.openid}`)).body.checks).toBe(1);
    expect(await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now + 1, 100)).toBe(0);
  });

  it('a risk API that fails: the payment and the order are untouched, the check is tried again, and at the last failure a person decides (risk_unavailable)', async () => {
    const { orderId, buyer } = await weappOrder(null, 'http500');
    // Payment processing went on: the order is paid and the commission earned.
    expect((await orderReaches(t, buyer, orderId, 'paid')).status).toBe('paid');
    expect((await commissionsOf(t.db, orderId))[0].status).toBe('pending');
    let now = Date.now() + 1000;
    for (let attempt = 1; attempt < RISK_MAX_ATTEMPTS; attempt++) {
      await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now, 100);
      const [hold] = await holdsOf(t.db, orderId);
      expect(hold).toMatchObject({ state: 'checking', risk_state: 'pending', risk_attempts: attempt, risk_next_at: now + riskBackoffMs(attempt) });
      expect(hold.risk_error).toMatch(/HTTP 500/);
      // Not due before its pause is over.
      await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now + riskBackoffMs(attempt) - 1, 100);
      expect((await holdsOf(t.db, orderId))[0].risk_attempts).toBe(attempt);
      now += riskBackoffMs(attempt);
    }
    await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now, 100);
    const [hold] = await holdsOf(t.db, orderId);
    expect(hold).toMatchObject({ state: 'open', risk_state: 'failed', risk_attempts: RISK_MAX_ATTEMPTS });
    expect(JSON.parse(hold.reasons)).toEqual([{ code: 'risk_unavailable' }]);
    expect(Number((await commissionsOf(t.db, orderId))[0].held)).toBe(1);
    expect((await queue()).map((h) => h.orderId)).toContain(orderId);
  });

  it('checks left waiting when the check is turned off go to a person, never paid unchecked', async () => {
    const { orderId } = await weappOrder(null);
    await checkDueRisks(t.db, null, { ...t.app.core.referral.fraud, riskMinRank: null }, log, Date.now() + 1000, 100);
    const [hold] = await holdsOf(t.db, orderId);
    expect(hold).toMatchObject({ state: 'open', risk_state: 'failed', risk_error: 'the risk check is off' });
    expect(JSON.parse(hold.reasons)).toEqual([{ code: 'risk_unavailable' }]);
    expect(Number((await commissionsOf(t.db, orderId))[0].held)).toBe(1);
  });

  it('an errcode answer, and a WeChat that cannot be reached, are failures to try again', async () => {
    const errcode = await weappOrder(null, 'errcode');
    const unreachable = await weappOrder(null);
    const now = Date.now() + 1000;
    await checkDueRisks(t.db, risk(), t.app.core.referral.fraud, log, now, 100);
    expect((await holdsOf(t.db, errcode.orderId))[0]).toMatchObject({ state: 'checking', risk_state: 'pending', risk_attempts: 1 });
    expect((await holdsOf(t.db, errcode.orderId))[0].risk_error).toMatch(/errcode -1/);

    // The same adapter against a port nobody listens on.
    await t.db.updateTable('referral_holds').set({ risk_state: 'pending', risk_next_at: now, risk_attempts: 0, state: 'checking', risk_rank: null }).where('order_id', '=', unreachable.orderId).execute();
    const dead = { appId: t.config.weapp.appId, secret: t.config.weapp.secret, apiBase: 'http://127.0.0.1:9' };
    const down = createWeappRiskCheck(dead, weappAccessTokens(dead), { timeoutMs: 1000 });
    await checkDueRisks(t.db, down, t.app.core.referral.fraud, log, now + riskBackoffMs(1), 100);
    const [hold] = await holdsOf(t.db, unreachable.orderId);
    expect(hold).toMatchObject({ state: 'checking', risk_state: 'pending', risk_attempts: 1 });
    expect(hold.risk_error).toMatch(/no access token|did not answer/);
  });
});

it('an after-sale asked on a completed order keeps its commissions back until the merchant decided it', async () => {
  const promoter = await h5(uniquePhone());
  const buyer = await h5(uniquePhone());
  await bindChain(t.db, buyer.userId, [promoter.userId]);
  const { order } = await paidOrder(t, { merchantId, items: [{ price: 2000, quantity: 1 }], who: buyer });
  await earned(order.id);
  await transact(t.db, (trx) => transitionOrder(trx, order.id, 'pickup'));
  await until(() => commissionsOf(t.db, order.id), (rows) => rows.every((c) => c.status === 'frozen'));
  const request = await ask(t, buyer, { orderId: order.id, kind: 'refund_only' });
  // No freeze days: due at once, but the request is open.
  await unfreezeDueCommissions(t.db, Date.now() + 1000);
  expect((await commissionsOf(t.db, order.id))[0].status).toBe('frozen');
  const rejected = await t.post(`/api/merchants/${merchantId}/after-sales/${request.id}/reject`, { reason: '已超过售后期' }, { token: owner.token, idempotencyKey: newKey() });
  expect(rejected.status).toBe(200);
  await unfreezeDueCommissions(t.db, Date.now() + 1000);
  expect((await commissionsOf(t.db, order.id))[0].status).toBe('available');
  expect((await t.get('/api/referral/earnings', { token: promoter.token })).body).toMatchObject({ available: 200 });
  expect(await ledgerProblems(t.db)).toEqual([]);
});
