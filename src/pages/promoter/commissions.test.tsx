import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import CommissionsPage from './commissions';
import { formatDate, formatDateTime } from './format';
import { commission, NOW } from './test-data';

describe('promoter commissions', () => {
  it('each row: product, amount, level and quantity, state, order number, what refunds took back, and when a frozen one becomes available', async () => {
    mockApi({
      'GET /api/referral/commissions': () =>
        ok({
          items: [
            commission({ id: 'c_1', state: 'frozen', availableAt: NOW + 7 * 86_400_000, reversedAmount: 270, amount: 540 }),
            commission({ id: 'c_2', state: 'reversed', level: 2, quantity: 1, amount: 45, reversedAmount: 45, productTitle: '帆布袋', orderNo: '2026120700000000002' }),
          ],
          nextCursor: null,
        }),
    });
    renderWithClient(<CommissionsPage />);
    const [frozen, reversed] = await screen.findAllByTestId('pm-commission');
    expect(frozen.getAttribute('data-state')).toBe('frozen');
    expect(within(frozen).getByText('纯棉T恤')).toBeTruthy();
    expect(within(frozen).getByText('+¥5.40')).toBeTruthy();
    expect(within(frozen).getByText('一级佣金 · 共 2 件')).toBeTruthy();
    expect(within(frozen).getByText('冻结中')).toBeTruthy();
    expect(within(frozen).getByTestId('order-number').textContent).toContain('订单编号：2026120712345678901');
    expect(within(frozen).getByText('退款扣回 ¥2.70')).toBeTruthy();
    expect(within(frozen).getByText(`预计 ${formatDate(NOW + 7 * 86_400_000)} 可提现`)).toBeTruthy();
    expect(within(frozen).getByText(`下单 ${formatDateTime(NOW)}`)).toBeTruthy();

    expect(within(reversed).getByText('已失效')).toBeTruthy();
    expect(within(reversed).getByText('二级佣金 · 共 1 件')).toBeTruthy();
    expect(within(reversed).getByText('+¥0.45').className).toContain('pm-commission__amount--void');
    expect(within(reversed).queryByText(/可提现$/)).toBeNull();
    // The order number copies.
    fireEvent.click(within(reversed).getByText('复制'));
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: '2026120700000000002' });
  });

  it('state tabs ask the server for that state; the page opens on the state it was given', async () => {
    taroMock.setRouterParams({ state: 'pending' });
    const calls = mockApi({ 'GET /api/referral/commissions': (req) => ok({ items: [commission({ id: `c_${req.query.get('state') ?? 'all'}`, state: (req.query.get('state') ?? 'pending') as 'pending' })], nextCursor: null }) });
    renderWithClient(<CommissionsPage />);
    await screen.findByTestId('pm-commission');
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['全部', '待结算', '冻结中', '可提现', '已提现', '已失效']);
    expect(screen.getAllByRole('tab')[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.click(screen.getByText('可提现', { selector: '[role=tab]' }));
    await waitFor(() => expect(screen.getByTestId('pm-commission').getAttribute('data-state')).toBe('available'));
    fireEvent.click(screen.getByText('全部', { selector: '[role=tab]' }));
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls.map((c) => c.query.get('state'))).toEqual(['pending', 'available', null]);
  });

  it('with none, says so and leads to the posters', async () => {
    mockApi({ 'GET /api/referral/commissions': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<CommissionsPage />);
    await screen.findByText('暂无佣金记录');
    fireEvent.click(screen.getByText('去推广'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter/posters' });
  });
});
