import type { MerchantWithdrawal } from '@contract/referral-withdrawal';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import ReviewPage from './referral-withdrawals';
import { workplace } from './test-data';

const M = '/api/merchants/m_1';
const NOW = Date.UTC(2026, 4, 1, 2, 30);

function withdrawal(over: Partial<MerchantWithdrawal> = {}): MerchantWithdrawal {
  return {
    id: 'wd_1',
    amount: 30000,
    fee: 300,
    payout: 29700,
    destination: 'wechat',
    status: 'requested',
    review: 'manual',
    reason: null,
    failReason: null,
    createdAt: NOW,
    decidedAt: null,
    settledAt: null,
    confirm: null,
    promoterId: 'u_p1',
    nickname: '小林',
    phone: '138****0000',
    ...over,
  };
}

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
});

describe('佣金提现审核 (pages/merchant/referral-withdrawals)', () => {
  it('lists what waits for review with the amounts; approving asks first, then the row leaves the queue', async () => {
    let queue = [withdrawal(), withdrawal({ id: 'wd_2', destination: 'balance', amount: 50000, fee: 0, payout: 50000, nickname: '阿梅', phone: null })];
    const posts: string[] = [];
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('operator')),
      [`GET ${M}/referral/withdrawals`]: (req) => ok({ items: req.query.get('status') === 'requested' ? queue : [], nextCursor: null }),
      [`POST ${M}/referral/withdrawals/wd_1/approve`]: (req) => {
        posts.push(req.path);
        queue = queue.filter((w) => w.id !== 'wd_1');
        return ok(withdrawal({ status: 'transferring', decidedAt: NOW }));
      },
    });
    renderWithClient(<ReviewPage />);
    const rows = await screen.findAllByTestId('wb-withdrawal');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('提现到微信零钱');
    expect(rows[0].textContent).toContain('推广员 小林 138****0000');
    expect(within(rows[0]).getByTestId('wb-withdrawal-amount').textContent).toBe('申请 ¥300.00 · 手续费 ¥3.00 · 实付 ¥297.00');
    expect(rows[1].textContent).toContain('提现到余额');
    expect(screen.getAllByRole('tab')[0].textContent).toBe('待审核');
    expect(calls.find((c) => c.path === `${M}/referral/withdrawals`)?.query.get('status')).toBe('requested');

    fireEvent.click(within(rows[0]).getByTestId('wd-approve'));
    await waitFor(() => expect(posts).toEqual([`${M}/referral/withdrawals/wd_1/approve`]));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '确认通过这笔提现？通过后将立即打款，不可撤回。' }));
    await waitFor(() => expect(screen.getAllByTestId('wb-withdrawal')).toHaveLength(1));
  });

  it('rejecting needs a reason, which is sent', async () => {
    const bodies: unknown[] = [];
    mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${M}/referral/withdrawals`]: () => ok({ items: bodies.length ? [] : [withdrawal()], nextCursor: null }),
      [`POST ${M}/referral/withdrawals/wd_1/reject`]: (req) => {
        bodies.push(req.body);
        return ok(withdrawal({ status: 'rejected', reason: '账户信息有误' }));
      },
    });
    renderWithClient(<ReviewPage />);
    fireEvent.click(await screen.findByTestId('wd-reject'));
    const form = screen.getByTestId('wd-reject-form');
    fireEvent.click(within(form).getByTestId('wd-reject-submit'));
    expect(within(form).getByRole('alert').textContent).toBe('请填写驳回原因');
    expect(bodies).toEqual([]);
    fireEvent.change(within(form).getByTestId('wd-reject-reason'), { target: { value: '账户信息有误' } });
    fireEvent.click(within(form).getByTestId('wd-reject-submit'));
    await waitFor(() => expect(bodies).toEqual([{ reason: '账户信息有误' }]));
    await screen.findByText('暂无提现申请');
    expect(screen.queryByTestId('wd-reject-form')).toBeNull();
  });

  it('a decided withdrawal shows its outcome and no actions; a failed decision shows its message', async () => {
    mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${M}/referral/withdrawals`]: (req) =>
        req.query.get('status') === 'failed'
          ? ok({ items: [withdrawal({ status: 'failed', failReason: 'PAYEE_ACCOUNT_ABNORMAL' })], nextCursor: null })
          : ok({ items: [withdrawal()], nextCursor: null }),
      [`POST ${M}/referral/withdrawals/wd_1/approve`]: () => problem(409, 'ILLEGAL_TRANSITION'),
    });
    renderWithClient(<ReviewPage />);
    fireEvent.click(within(await screen.findByTestId('wb-withdrawal')).getByTestId('wd-approve'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ icon: 'none' })));
    fireEvent.click(screen.getAllByRole('tab')[4]);
    const failed = await screen.findByText('失败原因：PAYEE_ACCOUNT_ABNORMAL');
    expect(failed).toBeTruthy();
    expect(screen.queryByTestId('wd-approve')).toBeNull();
  });

  it('a live host is told the page is not for their role, and nothing is fetched', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('live_host')) });
    renderWithClient(<ReviewPage />);
    await screen.findByTestId('page-forbidden');
    expect(calls.some((c) => c.path.endsWith('/referral/withdrawals'))).toBe(false);
  });
});
