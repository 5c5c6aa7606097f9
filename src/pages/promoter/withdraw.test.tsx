import type { Withdrawal } from '@contract/referral-withdrawal';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { withdrawDestinations } from '@/services/platform/merchant-transfer';
import WithdrawPage, { parseAmount } from './withdraw';
import WithdrawalsPage from './withdrawals';
import { earnings, NOW, withdrawRules } from './test-data';

const withdrawal = (over: Partial<Withdrawal> = {}): Withdrawal => ({
  id: 'wd_1', amount: 10_000, fee: 100, payout: 9_900, destination: 'balance', status: 'succeeded', review: 'auto',
  reason: null, failReason: null, createdAt: NOW, decidedAt: NOW, settledAt: NOW, confirm: null, ...over,
});

const type = (value: string) => fireEvent.change(screen.getByTestId('pm-wd-amount'), { target: { value } });
const submitDisabled = () => {
  const b = screen.getByTestId('pm-wd-submit');
  return b.hasAttribute('disabled') && b.getAttribute('disabled') !== 'false';
};

const env = process.env.TARO_ENV;
afterEach(() => {
  process.env.TARO_ENV = env;
  delete (globalThis as { wx?: unknown }).wx;
});

describe('withdraw: the form', () => {
  it('shows the available amount and the rules; the fee and what arrives follow the amount; 全部提现 fills what he may take today', async () => {
    mockApi({ 'GET /api/referral/earnings': () => ok(earnings({ withdraw: withdrawRules({ feeBp: 60, feeFen: 10, remainingToday: 10_000 }) })) });
    renderWithClient(<WithdrawPage />);
    await waitFor(() => expect(screen.getByTestId('pm-wd-available').textContent).toBe('¥128.50'));
    expect(screen.getByTestId('pm-wd-limits').textContent).toBe('最低提现 ¥1.00，今日还可提现 ¥100.00 · 手续费：提现金额的 0.6% + 每笔 ¥0.10 · 单笔超过 ¥200.00 需人工审核');
    // Off the mini-programs, only the balance.
    expect(screen.getAllByTestId(/^pm-wd-dest-/).map((e) => e.dataset.testid)).toEqual(['pm-wd-dest-balance']);
    expect(submitDisabled()).toBe(true);
    type('50.5');
    // 5050 fen: 10 + floor(5050 × 60 / 10000) = 10 + 30.
    expect(screen.getByTestId('pm-wd-fee').textContent).toBe('¥0.40');
    expect(screen.getByTestId('pm-wd-payout').textContent).toBe('¥50.10');
    expect(submitDisabled()).toBe(false);
    fireEvent.click(screen.getByTestId('pm-wd-all'));
    expect((screen.getByTestId('pm-wd-amount') as HTMLInputElement).value).toBe('100.00');
    expect(screen.getByTestId('pm-wd-payout').textContent).toBe('¥99.30');
    fireEvent.click(screen.getByTestId('pm-wd-history'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter/withdrawals' });
  });

  it('tells what is wrong before asking: not an amount, below the minimum, above what is available or left today, owed clawbacks', async () => {
    let e = earnings({ available: 5_000, withdraw: withdrawRules({ minimum: 200, remainingToday: 3_000 }) });
    mockApi({ 'GET /api/referral/earnings': () => ok(e) });
    const { unmount } = renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    for (const [value, text] of [
      ['1.234', '请输入正确的金额（最多两位小数）'],
      ['abc', '请输入正确的金额（最多两位小数）'],
      ['1.5', '单笔最低提现 ¥2.00'],
      ['60', '最多可提现 ¥50.00'],
      ['40', '已超过今日提现额度，今日还可提现 ¥30.00'],
    ] as const) {
      type(value);
      expect(screen.getByTestId('pm-wd-problem').textContent).toBe(text);
      expect(submitDisabled()).toBe(true);
    }
    type('30');
    expect(screen.queryByTestId('pm-wd-problem')).toBeNull();
    unmount();
    e = earnings({ owed: 1_990 });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    expect(screen.getByTestId('pm-wd-problem').textContent).toBe('有 ¥19.90 佣金因订单退款需要扣回，扣回前暂不能提现');
  });

  it('parses yuan to fen with at most two decimals', () => {
    expect(parseAmount('12.34')).toBe(1234);
    expect(parseAmount(' 0.1 ')).toBe(10);
    expect(parseAmount('0')).toBeNull();
    expect(parseAmount('-1')).toBeNull();
    expect(parseAmount('1e3')).toBeNull();
  });

  it('offers WeChat only in the WeChat mini-program and Alipay only in Alipay\'s', () => {
    expect(withdrawDestinations('weapp')).toEqual(['balance', 'wechat']);
    expect(withdrawDestinations('alipay')).toEqual(['balance', 'alipay']);
    expect(withdrawDestinations('tt')).toEqual(['balance']);
    expect(withdrawDestinations('h5')).toEqual(['balance']);
  });
});

describe('withdraw: asking', () => {
  it('to the balance: sends fen with an Idempotency-Key, then 到账成功', async () => {
    const calls = mockApi({
      'GET /api/referral/earnings': () => ok(earnings()),
      'POST /api/referral/withdrawals': () => ok(withdrawal(), 201),
      'GET /api/referral/withdrawals/wd_1': () => ok(withdrawal()),
    });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    type('100');
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await waitFor(() => expect(screen.getByTestId('pm-wd-result-title').textContent).toBe('到账成功'));
    expect(screen.getByTestId('pm-wd-result-hint').textContent).toBe('¥99.00 已存入账户余额');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ amount: 10_000, destination: 'balance' });
    expect(post.header['Idempotency-Key']).toMatch(/.{16,}/);
  });

  it('above the threshold: 审核中', async () => {
    const w = withdrawal({ amount: 30_000, fee: 0, payout: 30_000, status: 'requested', review: 'manual', decidedAt: null, settledAt: null });
    mockApi({ 'GET /api/referral/earnings': () => ok(earnings({ available: 50_000 })), 'POST /api/referral/withdrawals': () => ok(w, 201), 'GET /api/referral/withdrawals/wd_1': () => ok(w) });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    type('300');
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await waitFor(() => expect(screen.getByTestId('pm-wd-result-title').textContent).toBe('审核中'));
  });

  it('to WeChat in the WeChat mini-program: 转账中, and WeChat\'s confirmation opens with what the withdrawal carries', async () => {
    process.env.TARO_ENV = 'weapp';
    const confirm = { mchId: '1900000001', appId: 'wxapp', package: 'pkg-abc' };
    const requestMerchantTransfer = jest.fn((o: { success?: () => void }) => o.success?.());
    (globalThis as { wx?: unknown }).wx = { requestMerchantTransfer };
    const w = withdrawal({ destination: 'wechat', status: 'transferring', settledAt: null, confirm });
    const calls = mockApi({ 'GET /api/referral/earnings': () => ok(earnings()), 'POST /api/referral/withdrawals': () => ok(w, 201), 'GET /api/referral/withdrawals/wd_1': () => ok(w) });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    fireEvent.click(screen.getByTestId('pm-wd-dest-wechat'));
    type('100');
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await waitFor(() => expect(screen.getByTestId('pm-wd-result-title').textContent).toBe('转账中'));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ amount: 10_000, destination: 'wechat' });
    await waitFor(() => expect(requestMerchantTransfer).toHaveBeenCalledWith(expect.objectContaining(confirm)));
  });

  it('without requestMerchantTransfer: 请在微信中确认收款', async () => {
    process.env.TARO_ENV = 'weapp';
    const w = withdrawal({ destination: 'wechat', status: 'transferring', settledAt: null, confirm: { mchId: 'm', appId: 'a', package: 'p' } });
    mockApi({ 'GET /api/referral/earnings': () => ok(earnings()), 'POST /api/referral/withdrawals': () => ok(w, 201), 'GET /api/referral/withdrawals/wd_1': () => ok(w) });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    fireEvent.click(screen.getByTestId('pm-wd-dest-wechat'));
    type('100');
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await waitFor(() => expect(screen.getByTestId('pm-wd-result-hint').textContent).toBe('请在微信中确认收款'));
  });

  it.each([
    [409, 'WITHDRAWAL_EXCEEDS_AVAILABLE', { available: 4_000 }, '最多可提现 ¥40.00'],
    [409, 'WITHDRAWAL_DAILY_LIMIT', { remaining: 500 }, '已超过今日提现额度，今日还可提现 ¥5.00'],
    [409, 'WITHDRAWAL_CLAWBACK_OWED', { owed: 1_990 }, '有 ¥19.90 佣金因订单退款需要扣回，扣回前暂不能提现'],
    [400, 'WITHDRAWAL_BELOW_MINIMUM', { minimum: 110 }, '单笔最低提现 ¥1.10'],
    [409, 'WITHDRAWAL_CHANNEL_LIMIT', { maximum: 199_999 }, '提现到微信零钱单笔最多 ¥1999.99，请分次提现或提现到余额'],
    [409, 'WITHDRAWAL_DESTINATION_UNAVAILABLE', { destination: 'wechat' }, '暂不支持提现到该账户，请在对应小程序中登录后再试'],
  ])('the server refuses %s %s: its message in words, and the retry reuses the key', async (status, code, extra, text) => {
    let refuse = true;
    const calls = mockApi({
      'GET /api/referral/earnings': () => ok(earnings()),
      'POST /api/referral/withdrawals': () => (refuse ? problem(status, code, extra) : ok(withdrawal(), 201)),
      'GET /api/referral/withdrawals/wd_1': () => ok(withdrawal()),
    });
    renderWithClient(<WithdrawPage />);
    await screen.findByTestId('pm-wd-form');
    type('100');
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await waitFor(() => expect(screen.getByTestId('pm-wd-error').textContent).toBe(text));
    refuse = false;
    fireEvent.click(screen.getByTestId('pm-wd-submit'));
    await screen.findByTestId('pm-wd-result');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.header['Idempotency-Key']).toBe(posts[0]!.header['Idempotency-Key']);
  });
});

describe('withdrawals: the history', () => {
  it('lists each with amount, fee, destination, status and time, the reason when rejected or failed; tabs ask the server by status', async () => {
    const items = [
      withdrawal(),
      withdrawal({ id: 'wd_2', destination: 'wechat', status: 'rejected', reason: '账户信息有误' }),
      withdrawal({ id: 'wd_3', destination: 'alipay', status: 'failed', failReason: '收款账户异常' }),
    ];
    const calls = mockApi({ 'GET /api/referral/withdrawals': () => ok({ items, nextCursor: null }) });
    renderWithClient(<WithdrawalsPage />);
    await waitFor(() => expect(screen.getAllByTestId('pm-withdrawal')).toHaveLength(3));
    const rows = screen.getAllByTestId('pm-withdrawal').map((r) => r.textContent);
    expect(rows[0]).toContain('¥100.00');
    expect(rows[0]).toContain('已到账');
    expect(rows[0]).toContain('提现到余额');
    expect(rows[0]).toContain('手续费 ¥1.00 · 到账 ¥99.00');
    expect(rows[1]).toContain('已驳回');
    expect(rows[1]).toContain('驳回原因：账户信息有误');
    expect(rows[2]).toContain('失败原因：收款账户异常');
    expect(screen.getAllByRole('tab').map((e) => e.textContent)).toEqual(['全部', '审核中', '转账中', '已到账', '已驳回', '失败']);
    fireEvent.click(screen.getAllByRole('tab')[1]!);
    await waitFor(() => expect(calls.at(-1)!.query.get('status')).toBe('requested'));
  });

  it('empty: 暂无提现记录 with 去提现', async () => {
    mockApi({ 'GET /api/referral/withdrawals': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<WithdrawalsPage />);
    expect(await screen.findByText('暂无提现记录')).toBeTruthy();
  });
});
