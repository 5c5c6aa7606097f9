import { fireEvent, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, payment } from '@/services/checkout/test-support';
import { keys } from '@/services/keys';
import { mockApi, ok, renderWithClient, testQueryClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import PaymentResultPage from './result';

// Short polling so the test runs in real time: every 100 ms, give up after 1.5 s.
jest.mock('@/services/payment/polling', () => ({
  ...jest.requireActual('@/services/payment/polling'),
  PAYMENT_POLL_INTERVAL_MS: 100,
  PAYMENT_POLL_LIMIT_MS: 1500,
}));

const view = () => screen.getByTestId('pay-result').getAttribute('data-view');

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('payment result', () => {
  it('polls while paying, then shows 支付成功 and invalidates the orders', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1' });
    let polls = 0;
    const calls = mockApi({
      'GET /api/payments/pay_1': () => {
        polls += 1;
        return ok(polls < 3 ? payment() : payment({ status: 'paid', paidAt: Date.now() }));
      },
    });
    const client = testQueryClient();
    client.setQueryData(keys.orders.counts(), { pending_payment: 1, paid: 0, shipped: 0 });
    renderWithClient(<PaymentResultPage />, client);

    await screen.findByText('正在确认支付结果…');
    expect(view()).toBe('waiting');
    expect(screen.getByTestId('pay-result').textContent).toContain('¥117.50');

    await screen.findByText('支付成功', undefined, { timeout: 3000 });
    expect(view()).toBe('paid');
    expect(client.getQueryState(keys.orders.counts())?.isInvalidated).toBe(true);
    // Polling stopped at the final answer.
    const seen = calls.length;
    await new Promise((r) => setTimeout(r, 350));
    expect(calls.length).toBe(seen);

    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=paid' });
    fireEvent.click(screen.getByText('继续购物'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('after a cancelled payment offers 重新支付, which reopens the same open payment', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1', outcome: 'cancelled' });
    let confirmed = false;
    const calls = mockApi({
      'GET /api/payments/pay_1': () => ok(confirmed ? payment({ status: 'paid', paidAt: Date.now() }) : payment({ expiresAt: Date.now() + 600_000 })),
      'POST /sandbox/pay/PN1/confirm': () => {
        confirmed = true;
        return ok({ ok: true });
      },
    });
    renderWithClient(<PaymentResultPage />);

    await screen.findByText('支付未完成');
    expect(screen.getByText('查看订单')).toBeTruthy();
    fireEvent.click(screen.getByText('重新支付'));

    await screen.findByText('支付成功', undefined, { timeout: 3000 });
    expect(Taro.showModal).toHaveBeenCalledTimes(1);
    // The open payment was reused: no new payment was created.
    expect(calls.filter((c) => c.path === '/api/payments')).toHaveLength(0);
  });

  it('after a failed payment, 重新支付 creates a new payment and follows it', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'po_1' });
    const calls = mockApi({
      'GET /api/payments/pay_1': () => ok(payment({ status: 'failed' })),
      'POST /api/payments': () => ok(payment({ id: 'pay_2', clientParams: { cashierUrl: '/sandbox/pay/PN2', paymentNo: 'PN2' } }), 201),
      'POST /sandbox/pay/PN2/confirm': () => ok({ ok: true }),
      'GET /api/payments/pay_2': () => ok(payment({ id: 'pay_2', status: 'paid', paidAt: Date.now() })),
    });
    renderWithClient(<PaymentResultPage />);

    await screen.findByText('支付未完成');
    fireEvent.click(screen.getByText('重新支付'));
    await screen.findByText('支付成功', undefined, { timeout: 3000 });
    const created = calls.filter((c) => c.path === '/api/payments');
    expect(created).toHaveLength(1);
    expect(created[0].body).toEqual({ orderId: 'po_1', channel: 'sandbox' });
    expect(created[0].header['Idempotency-Key']).toBeTruthy();
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

  it('a closed payment explains itself; a missing payment id shows an empty state', async () => {
    taroMock.setRouterParams({ paymentId: 'pay_1', orderId: 'o_1' });
    mockApi({ 'GET /api/payments/pay_1': () => ok(payment({ status: 'closed' })) });
    const first = renderWithClient(<PaymentResultPage />);
    await screen.findByText('支付已关闭');
    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=pending_payment' });
    first.unmount();

    taroMock.setRouterParams({});
    renderWithClient(<PaymentResultPage />);
    expect(screen.getByText('缺少支付信息')).toBeTruthy();
  });
});
