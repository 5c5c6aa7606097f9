import type { Order, OrderPage } from '@contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, order } from '@/services/checkout/test-support';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import OrdersPage from './index';

const page = (items: Order[], nextCursor: string | null = null): OrderPage => ({ items, nextCursor });
const cards = () => screen.queryAllByTestId('order-card');

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('order list', () => {
  it('opens on the tab from the query string and switches tabs', async () => {
    taroMock.setRouterParams({ status: 'pending_payment' });
    const calls = mockApi({
      'GET /api/orders': (req) => {
        const status = req.query.get('status');
        if (status === 'pending_payment') return ok(page([order({ expiresAt: Date.now() + 14 * 60_000 })]));
        if (status === 'completed') return ok(page([order({ id: 'o_9', status: 'completed', merchantName: '晨光文具', paidAt: Date.now() })]));
        return ok(page([]));
      },
    });
    renderWithClient(<OrdersPage />);

    await screen.findByText('山野小铺');
    expect(calls[0].query.get('status')).toBe('pending_payment');
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['全部', '待付款', '待发货', '待收货', '已完成', '已取消']);
    expect(tabs[1].getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByRole('tab', { name: '已完成' }));
    await screen.findByText('晨光文具');
    expect(calls[calls.length - 1].query.get('status')).toBe('completed');
    expect(screen.getByRole('tab', { name: '已完成' }).getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByRole('tab', { name: '已取消' }));
    await screen.findByText('还没有相关订单');
  });

  it('an unknown status shows all orders', async () => {
    taroMock.setRouterParams({ status: 'nonsense' });
    const calls = mockApi({ 'GET /api/orders': () => ok(page([])) });
    renderWithClient(<OrdersPage />);
    await screen.findByText('还没有相关订单');
    expect(calls[0].query.get('status')).toBe('all');
    fireEvent.click(screen.getByText('去逛逛'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('shows each card with merchant, lines, total, status and the actions its status allows', async () => {
    mockApi({
      'GET /api/orders': () =>
        ok(
          page([
            order({ id: 'o_1', expiresAt: Date.now() + 14 * 60_000 + 500 }),
            order({ id: 'o_2', status: 'shipped', merchantName: '晨光文具', paidAt: Date.now() }),
            order({ id: 'o_3', status: 'completed', merchantName: '果园直送', paidAt: Date.now() }),
          ]),
        ),
    });
    renderWithClient(<OrdersPage />);
    await screen.findByText('山野小铺');

    const [pending, shipped, completed] = cards();
    expect(within(pending).getByText('待付款')).toBeTruthy();
    expect(within(pending).getByTestId('order-number').textContent).toBe('订单编号：2026120712345678901');
    expect(within(pending).getByText('纯棉T恤')).toBeTruthy();
    expect(pending.textContent).toContain('共 2 件');
    expect(pending.textContent).toContain('¥106.00');
    expect(within(pending).getByText('取消订单')).toBeTruthy();
    expect(within(pending).getByRole('button', { name: /^去支付 1[45]:\d\d$/ })).toBeTruthy();

    expect(within(shipped).getByText('待收货')).toBeTruthy();
    expect(within(shipped).getByText('确认收货')).toBeTruthy();
    expect(within(shipped).queryByText('取消订单')).toBeNull();

    expect(within(completed).getByText('已完成')).toBeTruthy();
    expect(within(completed).getAllByRole('button').map((b) => b.textContent)).toEqual(['查看详情']);

    fireEvent.click(within(completed).getByText('查看详情'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/orders/detail?id=o_3' });
  });

  it('labels only paid money 实付: a cancelled order never paid shows 订单金额', async () => {
    mockApi({
      'GET /api/orders': () =>
        ok(page([order({ id: 'o_1', status: 'cancelled', paidAmount: 0 }), order({ id: 'o_2', status: 'paid', paidAmount: 10600, paidAt: Date.now() })])),
    });
    renderWithClient(<OrdersPage />);
    await screen.findAllByText('山野小铺');
    const [cancelled, paid] = cards();
    expect(cancelled.querySelector('.order-card__sum')?.textContent).toBe('共 2 件订单金额¥106.00');
    expect(paid.querySelector('.order-card__sum')?.textContent).toBe('共 2 件实付¥106.00');
  });

  it('cancels after confirmation and refetches the list', async () => {
    let cancelled = false;
    const calls = mockApi({
      'GET /api/orders': () => ok(page([order({ status: cancelled ? 'cancelled' : 'pending_payment', expiresAt: Date.now() + 600_000 })])),
      'POST /api/orders/o_1/cancel': () => {
        cancelled = true;
        return ok(order({ status: 'cancelled' }));
      },
    });
    renderWithClient(<OrdersPage />);
    await screen.findByText('取消订单');

    taroMock.setModalResult(false);
    fireEvent.click(screen.getByText('取消订单'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    // The declined action has finished once the button is enabled again (a tap on a busy
    // button is ignored, which is what the next step relies on not happening by accident).
    await waitFor(() => expect((screen.getByText('取消订单') as HTMLButtonElement).disabled).toBe(false));
    expect(calls.filter((c) => c.path === '/api/orders/o_1/cancel')).toHaveLength(0);

    // Two taps in one tick: one confirmation, one request.
    taroMock.setModalResult(true);
    const cancelButton = screen.getByText('取消订单');
    act(() => {
      fireEvent.click(cancelButton);
      fireEvent.click(cancelButton);
    });
    await waitFor(() => expect(within(cards()[0]).getByText('已取消')).toBeTruthy());
    expect(Taro.showModal).toHaveBeenCalledTimes(2);
    expect(calls.filter((c) => c.path === '/api/orders/o_1/cancel')).toHaveLength(1);
    expect(screen.queryByText('取消订单')).toBeNull();
  });

  it('confirms receipt of a shipped order', async () => {
    let done = false;
    const calls = mockApi({
      'GET /api/orders': () => ok(page([order({ status: done ? 'completed' : 'shipped', paidAt: Date.now() })])),
      'POST /api/orders/o_1/confirm': () => {
        done = true;
        return ok(order({ status: 'completed' }));
      },
    });
    renderWithClient(<OrdersPage />);
    fireEvent.click(await screen.findByText('确认收货'));
    await waitFor(() => expect(within(cards()[0]).getByText('已完成')).toBeTruthy());
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已确认收货' }));
  });

  it('offers 申请售后 on paid, shipped and completed orders with money left, opening the after-sale form', async () => {
    mockApi({
      'GET /api/orders': () =>
        ok(page([
          order({ id: 'o_paid', status: 'shipped', paidAt: Date.now(), paidAmount: 10600 }),
          order({ id: 'o_done', status: 'completed', paidAt: Date.now(), paidAmount: 10600, refundedAmount: 10600, merchantName: '晨光文具' }),
          order({ id: 'o_new', merchantName: '新店', expiresAt: Date.now() + 60_000 }),
        ])),
    });
    renderWithClient(<OrdersPage />);
    await waitFor(() => expect(cards()).toHaveLength(3));
    const [shipped, refunded, pending] = cards();
    expect(within(refunded).queryByRole('button', { name: '申请售后' })).toBeNull();
    expect(within(pending).queryByRole('button', { name: '申请售后' })).toBeNull();
    fireEvent.click(within(shipped).getByRole('button', { name: '申请售后' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/aftersale/apply?orderId=o_paid' });
  });

  it('pays an unpaid order again from the list at the cashier for that child order', async () => {
    const calls = mockApi({ 'GET /api/orders': () => ok(page([order({ expiresAt: Date.now() + 600_000 })])) });
    renderWithClient(<OrdersPage />);
    fireEvent.click(await screen.findByRole('button', { name: /^去支付/ }));
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=o_1' }));
    expect(calls.filter((c) => c.path === '/api/payments')).toHaveLength(0);
  });

  it('an expired pending order cannot be paid from the list', async () => {
    mockApi({ 'GET /api/orders': () => ok(page([order({ expiresAt: Date.now() - 1000 })])) });
    renderWithClient(<OrdersPage />);
    const button = await screen.findByRole('button', { name: '去支付' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('loads the next page on reach-bottom and refreshes on pull-down', async () => {
    const calls = mockApi({
      'GET /api/orders': (req) =>
        req.query.get('cursor') === 'c2'
          ? ok(page([order({ id: 'o_2', merchantName: '晨光文具', status: 'paid', paidAt: Date.now() })]))
          : ok(page([order({ id: 'o_1', status: 'paid', paidAt: Date.now() })], 'c2')),
    });
    renderWithClient(<OrdersPage />);
    await screen.findByText('山野小铺');
    expect(cards()).toHaveLength(1);

    act(() => taroMock.triggerReachBottom());
    await screen.findByText('晨光文具');
    expect(cards()).toHaveLength(2);
    expect(screen.getByText('没有更多了')).toBeTruthy();
    expect(calls.map((c) => c.query.get('cursor'))).toEqual([null, 'c2']);

    // Nothing more to load: reaching the bottom again asks nothing.
    act(() => taroMock.triggerReachBottom());
    await act(async () => undefined);
    expect(calls).toHaveLength(2);

    act(() => taroMock.triggerPullDownRefresh());
    await waitFor(() => expect(Taro.stopPullDownRefresh).toHaveBeenCalled());
    expect(calls.length).toBeGreaterThan(2);
  });
});

describe('order list without a session', () => {
  it('opens the login page once on 401 and asks again when shown after login', async () => {
    installTaroExtras();
    let signedIn = false;
    mockApi({ 'GET /api/orders': () => (signedIn ? ok(page([order({ status: 'paid', paidAt: Date.now() })])) : problem(401, 'UNAUTHORIZED')) });
    renderWithClient(<OrdersPage />);
    await screen.findByText('请先登录');
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/login/index' });

    signedIn = true;
    act(() => taroMock.triggerDidShow());
    await screen.findByText('山野小铺');
    expect((Taro.navigateTo as jest.Mock).mock.calls.filter(([o]) => (o as { url: string }).url === '/pages/login/index')).toHaveLength(1);
  });
});
