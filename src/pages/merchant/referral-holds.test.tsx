import type { ReferralHold } from '@contract/referral-holds';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import ReferralHoldsPage from './referral-holds';
import { workplace } from './test-data';

const M = '/api/merchants/m_1';

const hold = (over: Partial<ReferralHold> = {}): ReferralHold => ({
  id: 'rh_1',
  orderId: 'o_1',
  orderNo: '2026010512345678901',
  level: 1,
  state: 'open',
  reasons: [{ code: 'same_device' }, { code: 'velocity', bindings: 31, max: 20, windowMinutes: 60 }],
  promoter: { nickname: '张**丰', phone: '138****0000' },
  buyer: { nickname: '李*', phone: null },
  earned: 1200,
  amount: 1000,
  titles: ['山野蜂蜜'],
  riskRank: null,
  createdAt: Date.UTC(2026, 0, 5, 2),
  decidedAt: null,
  note: null,
  ...over,
});

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
  taroMock.setModalResult(true);
});

describe('referral holds (佣金风控审核)', () => {
  it('lists the open holds with their reasons, the masked shoppers and the held amount; the other tab lists the decided', async () => {
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('operator')),
      [`GET ${M}/referral/holds`]: (req) =>
        ok({ items: req.query.get('state') === 'decided' ? [hold({ id: 'rh_2', state: 'rejected', decidedAt: Date.UTC(2026, 0, 6), note: '刷单', amount: 0 })] : [hold(), hold({ id: 'rh_3', reasons: [{ code: 'risk_rank', rank: 4 }] })], nextCursor: null }),
    });
    renderWithClient(<ReferralHoldsPage />);
    const cards = await screen.findAllByTestId('wb-hold');
    expect(cards).toHaveLength(2);
    const first = cards[0];
    expect(within(first).getByTestId('wb-hold-state').textContent).toBe('待审核');
    expect(within(first).getByTestId('wb-hold-reasons').textContent).toBe('买家与推广员使用同一设备推广员 60 分钟内新增 31 个下级（上限 20 个）');
    expect(first.textContent).toContain('张**丰 138****0000');
    expect(first.textContent).toContain('李*');
    expect(first.textContent).toContain('10.00');
    expect(first.textContent).toContain('原佣金 ¥12.00');
    expect(first.textContent).toContain('订单 2026010512345678901');
    expect(within(cards[1]).getByTestId('wb-hold-reasons').textContent).toBe('微信安全风控等级 4');
    expect(calls.find((c) => c.path === `${M}/referral/holds`)?.query.get('state')).toBe('open');

    fireEvent.click(screen.getByText('已处理'));
    const decided = await screen.findAllByTestId('wb-hold');
    await waitFor(() => expect(screen.getByTestId('wb-hold-state').textContent).toBe('已驳回'));
    expect(decided[0].textContent).toContain('驳回原因：刷单');
    // Decided holds take no decision.
    expect(screen.queryByTestId('wb-hold-release')).toBeNull();
    expect(calls.filter((c) => c.path === `${M}/referral/holds`).map((c) => c.query.get('state'))).toEqual(['open', 'decided']);
  });

  it('release asks first, posts once with an idempotency key and refetches the queue', async () => {
    let released = false;
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${M}/referral/holds`]: () => ok({ items: released ? [] : [hold()], nextCursor: null }),
      [`POST ${M}/referral/holds/rh_1/release`]: () => {
        released = true;
        return ok(hold({ state: 'released', decidedAt: Date.now() }));
      },
    });
    renderWithClient(<ReferralHoldsPage />);
    fireEvent.click(await screen.findByTestId('wb-hold-release'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '放行后，这笔佣金将在结算期满后正常发放给推广员。确认放行？' })));
    await screen.findByText('暂无待审核的佣金');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual([`${M}/referral/holds/rh_1/release`]);
    expect(posts[0].header['Idempotency-Key'] ?? posts[0].header['idempotency-key']).toEqual(expect.any(String));
  });

  it('reject names the amount in its confirm and posts an empty body; a declined confirm sends nothing; a conflict shows its message', async () => {
    let answer = ok(hold({ state: 'rejected', amount: 0 }));
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${M}/referral/holds`]: () => ok({ items: [hold()], nextCursor: null }),
      [`POST ${M}/referral/holds/rh_1/reject`]: () => answer,
    });
    renderWithClient(<ReferralHoldsPage />);
    taroMock.setModalResult(false);
    fireEvent.click(await screen.findByTestId('wb-hold-reject'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '驳回后将撤销这笔佣金（¥10.00），推广员不会获得。确认驳回？' })));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    // The button is enabled again once the first tap's question was answered.
    await waitFor(() => expect((screen.getByTestId('wb-hold-reject') as HTMLButtonElement).disabled).toBe(false));
    taroMock.setModalResult(true);
    answer = problem(409, 'ILLEGAL_TRANSITION');
    fireEvent.click(screen.getByTestId('wb-hold-reject'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({});
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ icon: 'none' })));
  });

  it('a kitchen member is told the page is not for their role, and the queue is never asked for', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('kitchen')) });
    renderWithClient(<ReferralHoldsPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toContain('仅店主和运营可以审核佣金');
    expect(calls.some((c) => c.path.endsWith('/referral/holds'))).toBe(false);
  });
});
