import type { Payment } from '@contract';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, parentOrder, payment } from '@/services/checkout/test-support';
import { keys } from '@/services/keys';
import { applyCacheOps, opsForEvent } from '@/services/realtime/cache-ops';
import { mockApi, ok, renderWithClient, testQueryClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import PaymentResultPage from './result';

// Short polling so the test runs in real time: every 100 ms (every 1 s while the realtime socket
// is live), give up after 1.5 s.
jest.mock('@/services/payment/polling', () => ({
  ...jest.requireActual('@/services/payment/polling'),
  PAYMENT_POLL_INTERVAL_MS: 100,
  PAYMENT_POLL_INTERVAL_LIVE_MS: 1000,
  PAYMENT_POLL_LIMIT_MS: 1500,
}));

// The app's realtime socket: not live unless a test says so.
let mockRealtimeLive = false;
jest.mock('@/services/realtime', () => ({ useRealtimeLive: () => mockRealtimeLive }));
afterEach(() => {
  mockRealtimeLive = false;
});

const view = () => screen.getByTestId('pay-result').getAttribute('data-view');

/** A combined payment: 500 points (¥5.00), a gift card ¥20.00, balance ¥12.50, WeChat Pay ¥80.00. */
const combined = (over: Partial<Payment> = {}) =>
  payment({
    tenders: [
      { kind: 'points', amount: 500, points: 500, giftCard: null },
      { kind: 'gift_card', amount: 2000, points: null, giftCard: '**** **** **** 5678' },
      { kind: 'balance', amount: 1250, points: null, giftCard: null },
      { kind: 'channel', amount: 8000, points: null, giftCard: null },
    ],
    channelAmount: 8000,
    ...over,
  });

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('payment result', () => {
  it('polls while paying, then shows 支付成功 with the tenders used, and invalidates orders and wallet', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1' });
    let polls = 0;
    const calls = mockApi({
      'GET /api/payments/pay_1': () => {
        polls += 1;
        return ok(polls < 3 ? combined() : combined({ status: 'paid', paidAt: Date.now() }));
      },
      'GET /api/parent-orders/po_1': () => ok(parentOrder()),
    });
    const client = testQueryClient();
    client.setQueryData(keys.orders.counts(), { pending_payment: 1, paid: 0, shipped: 0 });
    client.setQueryData(keys.wallet.detail(), { balance: 0, points: 0, pointsRule: { pointsPerYuan: 100, capPercent: 50 } });
    renderWithClient(<PaymentResultPage />, client);

    await screen.findByText('正在确认支付结果…');
    expect(view()).toBe('waiting');
    expect(screen.getByTestId('pay-result').textContent).toContain('¥117.50');

    await screen.findByText('支付成功', undefined, { timeout: 3000 });
    expect(view()).toBe('paid');
    // The order's human-readable number, not its internal id.
    expect(screen.getByTestId('order-number').textContent).toContain('订单编号：2026120712345678900');
    const tenders = screen.getByTestId('pay-tenders').textContent;
    expect(tenders).toContain('积分（500 积分）¥5.00');
    expect(tenders).toContain('礼品卡 **** **** **** 5678¥20.00');
    expect(tenders).toContain('余额¥12.50');
    expect(tenders).toContain('微信支付¥80.00');
    expect(client.getQueryState(keys.orders.counts())?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.wallet.detail())?.isInvalidated).toBe(true);
    // Polling stopped at the final answer.
    const seen = calls.length;
    await new Promise((r) => setTimeout(r, 350));
    expect(calls.length).toBe(seen);

    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=paid' });
    fireEvent.click(screen.getByText('继续购物'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('polls through closing to closed, says the tenders were returned, and pays again at the cashier', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'o_1' });
    let polls = 0;
    const calls = mockApi({
      'GET /api/payments/pay_1': () => {
        polls += 1;
        if (polls < 2) return ok(combined());
        if (polls < 4) return ok(combined({ status: 'closing', endReason: 'cancelled' }));
        return ok(combined({ status: 'closed', endReason: 'cancelled' }));
      },
    });
    renderWithClient(<PaymentResultPage />);

    await screen.findByText('正在关闭支付…', undefined, { timeout: 3000 });
    expect(view()).toBe('closing');
    await screen.findByText('支付已关闭', undefined, { timeout: 3000 });
    expect(screen.getByText('本次支付已取消，使用的余额、积分和礼品卡已退回；订单仍在有效期内时可以重新支付')).toBeTruthy();
    // What came back is listed as such; the channel part was never charged.
    const returned = screen.getByTestId('pay-tenders').textContent;
    expect(returned).toContain('已退回');
    expect(returned).toContain('余额¥12.50');
    expect(returned).not.toContain('微信支付');
    expect(screen.getByTestId('pay-result').textContent).toContain('本次应付¥117.50');
    expect(screen.queryByText('支付金额')).toBeNull();
    const seen = calls.length;
    await new Promise((r) => setTimeout(r, 350));
    expect(calls.length).toBe(seen);

    fireEvent.click(screen.getByText('重新支付'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=o_1' }));
  });

  it('a cancelled channel-only payment says nothing was charged, lists no tenders and does not call the amount 支付金额', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'o_1' });
    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ amount: 8700, status: 'closed', endReason: 'cancelled' })) });
    renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付已关闭');
    expect(screen.getByText('本次支付已取消，没有扣款；订单仍在有效期内时可以重新支付')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/余额|积分|礼品卡/);
    expect(screen.queryByTestId('pay-tenders')).toBeNull();
    expect(screen.queryByText('支付金额')).toBeNull();
    expect(screen.getByTestId('pay-result').textContent).toContain('本次应付¥87.00');
  });

  it('closing and expired say what is being returned only when something was used', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'o_1' });
    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ status: 'closed', endReason: 'expired' })) });
    const first = renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付已超时，订单已关闭，没有扣款');
    first.unmount();
    const pointsOnly = payment({ status: 'closed', endReason: 'expired', tenders: [{ kind: 'points', amount: 500, points: 500, giftCard: null }, { kind: 'channel', amount: 11250, points: null, giftCard: null }] });
    mockApi({ 'GET /api/payments/pay_1': () => ok(pointsOnly) });
    const second = renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付已超时，订单已关闭，本次使用的积分已退回');
    second.unmount();
    mockApi({ 'GET /api/payments/pay_1': () => ok(combined({ status: 'closing', endReason: 'cancelled' })) });
    renderWithClient(<PaymentResultPage />);
    await screen.findByText('正在与支付渠道确认，并退回本次使用的余额、积分和礼品卡');
    expect(screen.getByTestId('pay-tenders').textContent).toContain('退回中');
  });

  it('after a cancelled cue offers to continue: the same open payment is reopened, no new payment', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1', outcome: 'cancelled' });
    let confirmed = false;
    const calls = mockApi({
      'GET /api/payments/pay_1': () => ok(confirmed ? payment({ status: 'paid', paidAt: Date.now() }) : payment({ expiresAt: Date.now() + 600_000 })),
      'POST /sandbox/wechatpay/confirm': () => {
        confirmed = true;
        return ok({ ok: true });
      },
    });
    renderWithClient(<PaymentResultPage />);

    await screen.findByText('支付未完成');
    fireEvent.click(screen.getByText('继续支付'));

    await screen.findByText('支付成功', undefined, { timeout: 3000 });
    expect(Taro.showModal).toHaveBeenCalledTimes(1);
    expect(calls.find((c) => c.path === '/sandbox/wechatpay/confirm')?.body).toEqual({ ref: 'PREPAY1', action: 'pay' });
    expect(calls.filter((c) => c.path === '/api/payments')).toHaveLength(0);
  });

  it('changing the method cancels the open payment, then opens the cashier', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1', outcome: 'failed' });
    const calls = mockApi({
      'GET /api/payments/pay_1': () => ok(payment({ expiresAt: Date.now() + 600_000 })),
      'POST /api/payments/pay_1/cancel': () => ok(payment({ status: 'closing', endReason: 'cancelled' })),
    });
    renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付未完成');
    fireEvent.click(screen.getByText('更换支付方式'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' }));
    expect(calls.filter((c) => c.path === '/api/payments/pay_1/cancel')).toHaveLength(1);
  });

  it('says so when no answer arrives in time, and refreshes on demand', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1' });
    let paid = false;
    mockApi({ 'GET /api/payments/pay_1': () => ok(paid ? payment({ status: 'paid', paidAt: Date.now() }) : payment()) });
    renderWithClient(<PaymentResultPage />);

    await screen.findByText('正在确认支付结果…');
    await screen.findByText('暂未收到支付结果', undefined, { timeout: 4000 });
    expect(screen.getByText('如果你已完成支付，结果可能稍有延迟，请稍后刷新查看')).toBeTruthy();

    paid = true;
    fireEvent.click(screen.getByText('刷新结果'));
    await screen.findByText('支付成功', undefined, { timeout: 3000 });
  });

  it('a failed payment offers to pay again; an expired one says the order closed', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'o_1' });
    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ status: 'failed', endReason: 'failed' })) });
    const first = renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付失败');
    expect(screen.getByText('没有扣款，可以重新支付')).toBeTruthy();
    expect(screen.getByText('重新支付')).toBeTruthy();
    first.unmount();

    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ status: 'closed', endReason: 'expired' })) });
    const second = renderWithClient(<PaymentResultPage />);
    await screen.findByText('订单已关闭');
    expect(screen.queryByText('重新支付')).toBeNull();
    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=pending_payment' });
    second.unmount();

    taroMock.setRouterParams({});
    renderWithClient(<PaymentResultPage />);
    expect(screen.getByText('缺少支付信息')).toBeTruthy();
  });

  it('while the realtime socket is live: polls slower, and a pushed payment.succeeded shows 支付成功 before any answer', async () => {
    mockRealtimeLive = true;
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1' });
    let pushed = false;
    const calls = mockApi({
      // After the push the server's answer never comes: what the page shows is the push's.
      'GET /api/payments/pay_1': () => (pushed ? new Promise(() => undefined) : ok(combined())),
      'GET /api/parent-orders/po_1': () => ok(parentOrder()),
    });
    const { client } = renderWithClient(<PaymentResultPage />);
    await screen.findByText('正在确认支付结果…');
    const polls = () => calls.filter((c) => c.path === '/api/payments/pay_1').length;
    const before = polls();
    // The live interval (1 s here), not the usual one (100 ms here).
    await new Promise((r) => setTimeout(r, 500));
    expect(polls()).toBe(before);

    // The realtime service writes the pushed event into the cache.
    pushed = true;
    act(() => applyCacheOps(client, opsForEvent('payment.succeeded', { paymentId: 'pay_1', status: 'succeeded', orderIds: ['o_1'], parentId: 'po_1' })));
    await screen.findByText('支付成功');
    expect(view()).toBe('paid');
    // The push asked for the full payment too (still on its way).
    expect(polls()).toBe(before + 1);
  });

  it('coming back from an H5 cashier with only the payment id finds the order from the payment', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1' });
    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ orderId: 'o_7', status: 'paid', paidAt: Date.now() })) });
    renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付成功');
    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/detail?id=o_7' });
  });
});
