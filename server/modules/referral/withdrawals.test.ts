import type { MerchantWithdrawal, MerchantWithdrawalPage, Withdrawal, WithdrawalPage } from '@contract/referral-withdrawal';
import type { ReferralEarnings } from '@contract/referral-commission';
import { testApp, type ApiResponse, type TestApp } from '../../test/app';
import { payoutRegistry, type PayoutAdapter } from '../../channels/payout';
import { configuredPayoutAdapters } from '../../channels/from-config';
import { issueToken } from '../../infra/tokens';
import { OPERATION_LEASE_MS, resumeOperations } from '../../infra/steps';
import { addStaff, makeMerchant } from '../merchant/testing';
import { balanceOf } from '../wallet';
import { newKey } from '../aftersale/testing';
import { unfreezeDueCommissions } from './jobs';
import { availableCommission, bindChain, complete, ledgerProblems, merchantWithRules, pay, placeOrder, refund, uniq } from './testing';
import { checkTransfers, transferNoOf } from './withdrawals';

/**
 * Withdrawals through the whole app and the channels' stand-ins (their real wire formats,
 * signed answers and notifications): to the balance at once; to WeChat Pay (the payee confirms)
 * and Alipay, succeeding and failing; the operating merchant's review; every refusal; an
 * Idempotency-Key retried; notifications duplicated, altered and lost; the process stopping at
 * each point of the transfer flow; a reversal while the money is in transit. The ledger check is
 * clean after each.
 */
let t: TestApp;
/** What the payout adapters do next (the crash tests): 'normal', or stop before or after the channel takes the call. */
let crash: 'none' | 'before-call' | 'after-call' = 'none';
class Crash extends Error {}

/** The configured adapters, with a switch that stops the process (as far as the flow can tell) around the call. */
function crashable(a: PayoutAdapter): PayoutAdapter {
  return {
    channel: a.channel,
    get merchantNo() {
      return a.merchantNo;
    },
    get appId() {
      return a.appId;
    },
    notifyFormat: a.notifyFormat,
    queryTransfer: (no) => a.queryTransfer(no),
    verifyTransferNotification: (raw, now) => a.verifyTransferNotification(raw, now),
    transfer: async (input) => {
      const mode = crash;
      crash = 'none';
      if (mode === 'before-call') throw new Crash('the process stopped before the call');
      const answer = await a.transfer(input);
      if (mode === 'after-call') throw new Crash('the process stopped before the answer was recorded');
      return answer;
    },
  };
}

const OPERATOR = 'm_01';
let owner: { userId: string; token: string };
let otherOwner: { userId: string; token: string };

beforeAll(async () => {
  t = await testApp({
    seed: false,
    env: {
      REFERRAL_WITHDRAW_MIN: '100',
      REFERRAL_WITHDRAW_FEE_BP: '100',
      REFERRAL_WITHDRAW_FEE_FEN: '0',
      REFERRAL_WITHDRAW_DAILY_LIMIT: '100000',
      REFERRAL_WITHDRAW_AUTO_APPROVE_MAX: '20000',
      REFERRAL_OPERATOR_MERCHANT: OPERATOR,
    },
    payouts: (config) => payoutRegistry(configuredPayoutAdapters(config).map(crashable)),
  });
  await makeMerchant(t.db, OPERATOR);
  await makeMerchant(t.db, 'm_other');
  owner = await account('h5');
  otherOwner = await account('h5');
  await addStaff(t.db, OPERATOR, owner.userId, 'owner');
  await addStaff(t.db, 'm_other', otherOwner.userId, 'owner');
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.app.channelStandIns?.faults.clear();
  crash = 'none';
});

let seq = 0;
/** An account signed in on a platform: weapp (a WeChat openid), alipay (an Alipay user id) or h5 (a phone, no channel id). */
async function account(platform: 'weapp' | 'alipay' | 'h5'): Promise<{ userId: string; token: string }> {
  seq += 1;
  const userId = `u_wd${process.pid}x${seq}x${Date.now().toString(36)}`;
  const openid = platform === 'weapp' ? `oWd${String(seq).padStart(4, '0')}${Date.now().toString(36)}abcdefghijk`.slice(0, 28) : platform === 'alipay' ? `2088${String(Date.now() % 1e8).padStart(8, '0')}${String(seq).padStart(4, '0')}` : userId;
  const now = Date.now();
  await t.db.insertInto('users').values({ id: userId, platform, openid, unionid: null, phone: platform === 'h5' ? `139${String(seq).padStart(8, '0')}` : null, nickname: `推广员${seq}`, avatar: null, created_at: now, updated_at: now, status_changed_at: null }).execute();
  return { userId, token: issueToken(t.config.tokenSecret, userId, 3600).token };
}

/** A promoter with `amount` fen available. */
async function promoter(platform: 'weapp' | 'alipay' | 'h5', amount: number) {
  const p = await account(platform);
  await availableCommission(t.db, p.userId, amount);
  return p;
}

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const withdraw = (token: string, body: unknown, key = newKey()) => t.post<Withdrawal>('/api/referral/withdrawals', body, { token, idempotencyKey: key });
/** His money by state (the withdrawal rules beside it are tested on their own). */
const earnings = async (token: string): Promise<Omit<ReferralEarnings, 'withdraw'>> => {
  const { withdraw: _rules, ...balances } = (await t.get<ReferralEarnings>('/api/referral/earnings', { token })).body;
  return balances;
};
const rules = async (token: string) => (await t.get<ReferralEarnings>('/api/referral/earnings', { token })).body.withdraw;
const getWithdrawal = async (token: string, id: string) => (await t.get<Withdrawal>(`/api/referral/withdrawals/${id}`, { token })).body;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what = 'condition'): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} not reached`);
}
const settled = (token: string, id: string) => until(() => getWithdrawal(token, id), (w) => w.status === 'succeeded' || w.status === 'failed', `withdrawal ${id} settled`);

async function journals(id: string): Promise<string[]> {
  const rows = await t.db.selectFrom('journal_transactions').select('ref').where('ref', 'like', `withdrawal-%:${id}`).orderBy('ref').execute();
  return rows.map((r) => r.ref.split(':')[0]);
}

/** The sandbox payee confirms (or declines) a WeChat transfer. */
async function payeeConfirms(id: string, action: 'confirm' | 'reject' = 'confirm') {
  const res = await fetch(`${t.baseUrl}/sandbox/wechatpay/transfer-bills/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ out_bill_no: transferNoOf(id), action }) });
  expect(res.status).toBe(200);
}

describe('to the stored balance', () => {
  it('pays at once below the threshold: the fee is kept, the rest is in the wallet, and a retried request with its key is the same withdrawal', async () => {
    const p = await promoter('h5', 30000);
    const key = newKey();
    const res = await withdraw(p.token, { amount: 10000, destination: 'balance' }, key);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 10000, fee: 100, payout: 9900, destination: 'balance', status: 'succeeded', review: 'auto', confirm: null });
    expect(await balanceOf(t.db, { kind: 'user_balance', ownerId: p.userId })).toBe(9900);
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 20000, withdrawing: 0, withdrawn: 10000, owed: 0 });
    const again = await withdraw(p.token, { amount: 10000, destination: 'balance' }, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await balanceOf(t.db, { kind: 'user_balance', ownerId: p.userId })).toBe(9900);
    expect(await journals(res.body.id)).toEqual(['withdrawal-hold', 'withdrawal-paid']);
    const list = await t.get<WithdrawalPage>('/api/referral/withdrawals?limit=1', { token: p.token });
    expect(list.body.items.map((w) => w.id)).toEqual([res.body.id]);
    // Another promoter cannot read it.
    const stranger = await account('h5');
    expect(codeOf(await t.get(`/api/referral/withdrawals/${res.body.id}`, { token: stranger.token }))).toBe('404 NOT_FOUND');
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('refuses, with stable codes and nothing moved: below the minimum, more than available, over the daily limit, a destination the account has no id for, WeChat from ¥2,000', async () => {
    const p = await promoter('h5', 300000);
    expect(codeOf(await withdraw(p.token, { amount: 99, destination: 'balance' }))).toBe('400 WITHDRAWAL_BELOW_MINIMUM');
    expect(codeOf(await withdraw(p.token, { amount: 0, destination: 'balance' }))).toBe('400 VALIDATION_FAILED');
    const poor = await promoter('h5', 5000);
    const more = await withdraw(poor.token, { amount: 5001, destination: 'balance' });
    expect(codeOf(more)).toBe('409 WITHDRAWAL_EXCEEDS_AVAILABLE');
    expect((more.body as unknown as { available: number }).available).toBe(5000);
    expect(codeOf(await withdraw(p.token, { amount: 500, destination: 'wechat' }))).toBe('409 WITHDRAWAL_DESTINATION_UNAVAILABLE');
    expect(codeOf(await withdraw(p.token, { amount: 500, destination: 'alipay' }))).toBe('409 WITHDRAWAL_DESTINATION_UNAVAILABLE');
    // The daily limit (100000) counts what was asked today, except what came back.
    expect((await withdraw(p.token, { amount: 60000, destination: 'balance' })).body.status).toBe('requested');
    const over = await withdraw(p.token, { amount: 40001, destination: 'balance' });
    expect(codeOf(over)).toBe('409 WITHDRAWAL_DAILY_LIMIT');
    expect((over.body as unknown as { remaining: number }).remaining).toBe(40000);
    expect(await earnings(p.token)).toMatchObject({ available: 240000, withdrawing: 60000 });
    const w = await promoter('weapp', 300000);
    expect(codeOf(await withdraw(w.token, { amount: 202021, destination: 'wechat' }))).toBe('409 WITHDRAWAL_CHANNEL_LIMIT');
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe('the withdrawal rules beside the earnings', () => {
  it('shows the minimum, the fee and what is left of the day\'s limit, which a withdrawal uses and a rejection gives back', async () => {
    const p = await promoter('h5', 200000);
    expect(await rules(p.token)).toEqual({
      minimum: 100, feeFen: 0, feeBp: 100, dailyLimit: 100000, remainingToday: 100000, autoApproveMax: 20000, channelMinPayout: 10, wechatPayoutBelow: 200000,
    });
    expect((await withdraw(p.token, { amount: 15000, destination: 'balance' })).status).toBe(201);
    const big = await withdraw(p.token, { amount: 30000, destination: 'balance' });
    expect(big.body).toMatchObject({ status: 'requested', review: 'manual' });
    expect((await rules(p.token)).remainingToday).toBe(55000);
    // What the page shows is what the server holds to: one fen more than what is left is refused.
    expect(codeOf(await withdraw(p.token, { amount: 55001, destination: 'balance' }))).toBe('409 WITHDRAWAL_DAILY_LIMIT');
    const rejected = await t.post(`/api/merchants/${OPERATOR}/referral/withdrawals/${big.body.id}/reject`, { reason: '信息有误' }, { token: owner.token, idempotencyKey: newKey() });
    expect(rejected.status).toBe(200);
    expect((await rules(p.token)).remainingToday).toBe(85000);
    // Another promoter's day is his own.
    expect((await rules((await promoter('h5', 0)).token)).remainingToday).toBe(100000);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe("the operating merchant's review", () => {
  it('above the threshold a withdrawal waits; the owner lists it, rejects one with a reason (the money is available again) and approves another (paid), both audit-logged', async () => {
    const p = await promoter('h5', 80000);
    const a = (await withdraw(p.token, { amount: 30000, destination: 'balance' })).body;
    const b = (await withdraw(p.token, { amount: 25000, destination: 'balance' })).body;
    expect([a.status, a.review, b.status]).toEqual(['requested', 'manual', 'requested']);
    expect(await earnings(p.token)).toMatchObject({ available: 25000, withdrawing: 55000 });

    const queue = await t.get<MerchantWithdrawalPage>(`/api/merchants/${OPERATOR}/referral/withdrawals?limit=50`, { token: owner.token });
    expect(queue.status).toBe(200);
    const mine = queue.body.items.filter((w) => w.promoterId === p.userId);
    expect(mine.map((w) => w.id)).toEqual([a.id, b.id]);
    expect(mine[0]).toMatchObject({ nickname: expect.stringMatching(/^推广员/), phone: expect.stringMatching(/^139\*\*\*\*\d{4}$/) });
    // Another merchant's staff: the routes do not exist for it.
    expect(codeOf(await t.get(`/api/merchants/m_other/referral/withdrawals`, { token: otherOwner.token }))).toBe('404 NOT_FOUND');

    const rejected = await t.post<MerchantWithdrawal>(`/api/merchants/${OPERATOR}/referral/withdrawals/${a.id}/reject`, { reason: '账户信息有误' }, { token: owner.token });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '账户信息有误' });
    expect(await earnings(p.token)).toMatchObject({ available: 55000, withdrawing: 25000, withdrawn: 0 });
    const approved = await t.post<MerchantWithdrawal>(`/api/merchants/${OPERATOR}/referral/withdrawals/${b.id}/approve`, undefined, { token: owner.token });
    expect(approved.body).toMatchObject({ status: 'succeeded' });
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 55000, withdrawing: 0, withdrawn: 25000, owed: 0 });
    // Decided once.
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/withdrawals/${a.id}/approve`, undefined, { token: owner.token }))).toBe('409 ILLEGAL_TRANSITION');
    expect(codeOf(await t.post(`/api/merchants/${OPERATOR}/referral/withdrawals/${b.id}/reject`, { reason: '重复' }, { token: owner.token }))).toBe('409 ILLEGAL_TRANSITION');

    const audit = await t.db.selectFrom('audit_log').select(['action', 'target', 'actor_id']).where('target', 'in', [`referral_withdrawal:${a.id}`, `referral_withdrawal:${b.id}`]).orderBy('at').execute();
    expect(audit).toEqual([
      { action: 'referral.withdrawal_rejected', target: `referral_withdrawal:${a.id}`, actor_id: owner.userId },
      { action: 'referral.withdrawal_approved', target: `referral_withdrawal:${b.id}`, actor_id: owner.userId },
    ]);
    expect(await journals(a.id)).toEqual(['withdrawal-hold', 'withdrawal-return']);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe('WeChat Pay (merchant transfer, the payee confirms)', () => {
  it('succeeds: the transfer waits for the payee with what wx.requestMerchantTransfer needs; his confirmation is notified and pays it', async () => {
    const p = await promoter('weapp', 10000);
    const res = await withdraw(p.token, { amount: 5000, destination: 'wechat' });
    expect(res.body).toMatchObject({ status: 'transferring', payout: 4950 });
    expect(res.body.confirm).toEqual({ mchId: t.config.channels.wechatpay?.mchId, appId: t.config.channels.wechatpay?.appId, package: expect.any(String) });
    await payeeConfirms(res.body.id);
    expect(await settled(p.token, res.body.id)).toMatchObject({ status: 'succeeded', confirm: null });
    expect(await earnings(p.token)).toMatchObject({ available: 5000, withdrawing: 0, withdrawn: 5000 });
    expect(await balanceOf(t.db, { kind: 'payout_clearing', ownerId: 'wechatpay' })).toBeGreaterThanOrEqual(4950);
    expect(await journals(res.body.id)).toEqual(['withdrawal-hold', 'withdrawal-paid']);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('fails (the payee account is abnormal, or he declines): the money is available again', async () => {
    const p = await promoter('weapp', 10000);
    t.app.channelStandIns?.faults.add({ mode: 'transfer_fail', channel: 'wechatpay', count: 1 });
    const failing = (await withdraw(p.token, { amount: 4000, destination: 'wechat' })).body;
    expect(await settled(p.token, failing.id)).toMatchObject({ status: 'failed', failReason: 'PAYEE_ACCOUNT_ABNORMAL' });
    const declined = (await withdraw(p.token, { amount: 3000, destination: 'wechat' })).body;
    await payeeConfirms(declined.id, 'reject');
    expect(await settled(p.token, declined.id)).toMatchObject({ status: 'failed', failReason: 'CANCELLED' });
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 10000, withdrawing: 0, withdrawn: 0, owed: 0 });
    expect(await journals(failing.id)).toEqual(['withdrawal-hold', 'withdrawal-return']);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('refused for good at once: the flow compensates its first step, the withdrawal fails and its money is back', async () => {
    const p = await promoter('weapp', 10000);
    t.app.channelStandIns?.faults.add({ mode: 'transfer_refuse', channel: 'wechatpay', count: 1 });
    const res = await withdraw(p.token, { amount: 4000, destination: 'wechat' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(await earnings(p.token)).toMatchObject({ available: 10000, withdrawing: 0 });
    const op = await t.db.selectFrom('operations').select(['status']).where('state', 'like', `%${res.body.id}%`).executeTakeFirstOrThrow();
    expect(op.status).toBe('compensated');
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('a notification delivered five times, or first with an altered amount, is applied once', async () => {
    const p = await promoter('weapp', 10000);
    const res = (await withdraw(p.token, { amount: 5000, destination: 'wechat' })).body;
    t.app.channelStandIns?.faults.add({ mode: 'change_amount', channel: 'wechatpay', count: 1 });
    t.app.channelStandIns?.faults.add({ mode: 'duplicate', channel: 'wechatpay', count: 1, copies: 5 });
    await payeeConfirms(res.id);
    expect(await settled(p.token, res.id)).toMatchObject({ status: 'succeeded' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await journals(res.id)).toEqual(['withdrawal-hold', 'withdrawal-paid']);
    expect(await earnings(p.token)).toMatchObject({ available: 5000, withdrawn: 5000 });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('a lost notification: the check job asks WeChat and settles it', async () => {
    const p = await promoter('weapp', 10000);
    const res = (await withdraw(p.token, { amount: 5000, destination: 'wechat' })).body;
    t.app.channelStandIns?.faults.add({ mode: 'drop', channel: 'wechatpay', count: 1 });
    await payeeConfirms(res.id);
    await new Promise((r) => setTimeout(r, 200));
    expect((await getWithdrawal(p.token, res.id)).status).toBe('transferring');
    // Not due yet: nothing asked.
    expect(await checkTransfers(t.app.core.withdrawals, Date.now())).toBe(0);
    expect(await checkTransfers(t.app.core.withdrawals, Date.now() + 61_000)).toBeGreaterThanOrEqual(1);
    expect((await getWithdrawal(p.token, res.id)).status).toBe('succeeded');
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe('Alipay (fund transfer)', () => {
  it('succeeds at once: the answer settles it, the message that follows changes nothing', async () => {
    const p = await promoter('alipay', 10000);
    const res = await withdraw(p.token, { amount: 6000, destination: 'alipay' });
    expect(res.body).toMatchObject({ status: 'succeeded', payout: 5940 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await journals(res.body.id)).toEqual(['withdrawal-hold', 'withdrawal-paid']);
    expect(await earnings(p.token)).toMatchObject({ available: 4000, withdrawn: 6000 });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('fails after it was accepted (DEALING, then the FAIL message): the money is available again', async () => {
    const p = await promoter('alipay', 10000);
    t.app.channelStandIns?.faults.add({ mode: 'transfer_fail', channel: 'alipay', count: 1 });
    const res = await withdraw(p.token, { amount: 6000, destination: 'alipay' });
    expect(res.body.status).toBe('transferring');
    expect(await settled(p.token, res.body.id)).toMatchObject({ status: 'failed', failReason: '收款方账户状态异常' });
    expect(await earnings(p.token)).toMatchObject({ available: 10000, withdrawing: 0, withdrawn: 0 });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('approved by the merchant above the threshold, then transferred', async () => {
    const p = await promoter('alipay', 50000);
    const res = (await withdraw(p.token, { amount: 30000, destination: 'alipay' })).body;
    expect(res.status).toBe('requested');
    const approved = await t.post<MerchantWithdrawal>(`/api/merchants/${OPERATOR}/referral/withdrawals/${res.id}/approve`, undefined, { token: owner.token });
    expect(approved.body).toMatchObject({ status: 'succeeded' });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe('the process stops during the transfer flow', () => {
  const resume = (at: number) => resumeOperations(t.db, t.app.core.flows, { warn: () => undefined, error: () => undefined }, at);

  it.each([
    ['before the channel took the call', 'before-call'],
    ['after the channel took the call, before its answer was recorded', 'after-call'],
  ] as const)('%s: the resume job sends it again with the same number and the transfer happens once', async (_what, mode) => {
    const p = await promoter('alipay', 10000);
    crash = mode;
    // Alipay's message about the transfer is lost too: only the resume can settle it.
    t.app.channelStandIns?.faults.add({ mode: 'drop', channel: 'alipay', count: 1 });
    const started = Date.now();
    const res = await withdraw(p.token, { amount: 6000, destination: 'alipay' });
    expect(res.body.status).toBe('transferring');
    expect(await earnings(p.token)).toMatchObject({ available: 4000, withdrawing: 6000 });
    // Within the runner's lease nobody takes it; after, the resume job finishes it.
    await resume(started + OPERATION_LEASE_MS + 5_000);
    expect((await getWithdrawal(p.token, res.body.id)).status).toBe('succeeded');
    const op = await t.db.selectFrom('operations').select(['status', 'attempts']).where('state', 'like', `%${res.body.id}%`).executeTakeFirstOrThrow();
    expect(op).toMatchObject({ status: 'done', attempts: 1 });
    expect(await journals(res.body.id)).toEqual(['withdrawal-hold', 'withdrawal-paid']);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('in doubt on WeChat, and the transfer fails meanwhile: the retry finds the failed bill and the money comes back once', async () => {
    const p = await promoter('weapp', 10000);
    t.app.channelStandIns?.faults.add({ mode: 'transfer_fail', channel: 'wechatpay', count: 1 });
    t.app.channelStandIns?.faults.add({ mode: 'drop', channel: 'wechatpay', count: 1 });
    crash = 'after-call';
    const started = Date.now();
    const res = (await withdraw(p.token, { amount: 6000, destination: 'wechat' })).body;
    expect(res.status).toBe('transferring');
    await new Promise((r) => setTimeout(r, 100));
    await resume(started + OPERATION_LEASE_MS + 5_000);
    expect(await getWithdrawal(p.token, res.id)).toMatchObject({ status: 'failed' });
    expect(await earnings(p.token)).toMatchObject({ available: 10000, withdrawing: 0 });
    expect(await journals(res.id)).toEqual(['withdrawal-hold', 'withdrawal-return']);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});

describe('reversals while the money is in transit', () => {
  const resume = (at: number) => resumeOperations(t.db, t.app.core.flows, { warn: () => undefined, error: () => undefined }, at);
  const T0 = Date.UTC(2026, 3, 1, 2);
  async function earned(platform: 'weapp' | 'alipay') {
    const merchantId = await merchantWithRules(t.db, { enabled: true, levels: 1, mode: 'rate', amounts: [1000], freezeDays: 0 }, T0 - 1000);
    const p = await account(platform);
    const buyer = uniq('u_buyer');
    await bindChain(t.db, buyer, [p.userId]);
    const orderId = await placeOrder(t.db, { buyer, merchantId, lines: [{ price: 60000, quantity: 1 }], at: T0 });
    await pay(t.db, orderId, T0 + 1);
    await complete(t.db, orderId, T0 + 2);
    await unfreezeDueCommissions(t.db, T0 + 3);
    return { p, orderId };
  }

  it('a refund after the request books what he owes; the failed transfer gives the money back, which pays it down first', async () => {
    const { p, orderId } = await earned('weapp');
    const res = (await withdraw(p.token, { amount: 6000, destination: 'wechat' })).body;
    expect(res.status).toBe('transferring');
    await refund(t.db, orderId, { amount: 60000 }, Date.now());
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 6000, withdrawn: 0, owed: 6000 });
    // He owes: no new withdrawal.
    await availableCommission(t.db, p.userId, 1000);
    expect(codeOf(await withdraw(p.token, { amount: 500, destination: 'balance' }))).toBe('409 WITHDRAWAL_CLAWBACK_OWED');
    await payeeConfirms(res.id, 'reject');
    expect(await settled(p.token, res.id)).toMatchObject({ status: 'failed' });
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 1000, withdrawing: 0, withdrawn: 0, owed: 0 });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('a refund after the request of a transfer that then succeeds: he owes it, as after any withdrawal', async () => {
    const { p, orderId } = await earned('alipay');
    crash = 'after-call';
    const started = Date.now();
    const res = (await withdraw(p.token, { amount: 6000, destination: 'alipay' })).body;
    await refund(t.db, orderId, { amount: 30000 }, Date.now());
    await resume(started + OPERATION_LEASE_MS + 5_000);
    expect(await getWithdrawal(p.token, res.id)).toMatchObject({ status: 'succeeded' });
    expect(await earnings(p.token)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 6000, owed: 3000 });
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});
