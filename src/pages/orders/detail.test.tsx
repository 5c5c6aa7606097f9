import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, order } from '@/services/checkout/test-support';
import { formatTime } from '@/services/order/time';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import type { Refund, RefundList } from '@contract';
import OrderDetailPage from './detail';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
  taroMock.setRouterParams({ id: 'o_1' });
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('order detail', () => {
  it('shows status, live countdown, ship-to, lines, amounts, remark, id and times; refetches when time is up', async () => {
    const createdAt = Date.now() - 60_000;
    let closed = false;
    const calls = mockApi({
      'GET /api/orders/o_1': () =>
        ok(
          closed
            ? order({ status: 'closed', createdAt, timeline: [
                { status: 'pending_payment', at: createdAt, note: '订单已提交' },
                { status: 'closed', at: Date.now(), note: '超时未支付' },
              ] })
            : order({ createdAt, expiresAt: Date.now() + 1_800, remark: '放门口', timeline: [{ status: 'pending_payment', at: createdAt, note: '订单已提交' }] }),
        ),
    });
    renderWithClient(<OrderDetailPage />);

    await screen.findByText('待付款');
    expect(screen.getByTestId('order-hint').textContent).toMatch(/^请在 00:0[12] 内完成支付，超时订单将自动关闭$/);
    expect(screen.getByText('张三 13800138000 浙江省 杭州市 西湖区 文三路 90 号')).toBeTruthy();
    expect(screen.getByText('纯棉T恤')).toBeTruthy();
    expect(screen.getByText('放门口')).toBeTruthy();
    expect(screen.getByTestId('order-no').textContent).toBe('2026120712345678901');
    expect(screen.getAllByText(formatTime(createdAt)).length).toBeGreaterThanOrEqual(2); // created + timeline
    expect(document.body.textContent).toContain('¥106.00');
    expect(screen.getByRole('button', { name: /^去支付 00:0\d$/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: '取消订单' })).toBeTruthy();

    fireEvent.click(screen.getByText('复制'));
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: '2026120712345678901' });

    // At zero the page asks the server again and shows what it says.
    closed = true;
    await screen.findByText('已关闭', undefined, { timeout: 4000 });
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(screen.getByTestId('order-hint').textContent).toBe('订单超时未支付，已自动关闭');
    const items = screen.getAllByTestId('timeline-item');
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain('超时未支付'); // newest first
    expect(screen.queryByRole('button', { name: '取消订单' })).toBeNull();
  });

  it('a cancelled order that was never paid shows its 订单金额, not 实付', async () => {
    mockApi({ 'GET /api/orders/o_1': () => ok(order({ status: 'cancelled', paidAmount: 0, amounts: { itemsAmount: 8700, shippingAmount: 0, discountAmount: 0, payableAmount: 8700 } })) });
    renderWithClient(<OrderDetailPage />);
    await screen.findByText('订单金额');
    expect(screen.queryByText('实付')).toBeNull();
    expect(screen.getByText('订单金额').closest('.detail__row')?.textContent).toContain('¥87.00');
  });

  it('shows the pickup store and contact, and confirms receipt when shipped', async () => {
    let status: 'shipped' | 'completed' = 'shipped';
    mockApi({
      'GET /api/orders/o_1': () =>
        ok(order({ status, paidAt: Date.now() - 1000, fulfilment: { type: 'pickup', contactName: '李四', contactPhone: '13900139000' }, shipTo: '山野小铺 人民路店 上海市 黄浦区 人民路 88 号' })),
      'POST /api/orders/o_1/confirm': () => {
        status = 'completed';
        return ok(order({ status: 'completed' }));
      },
    });
    renderWithClient(<OrderDetailPage />);

    await screen.findByText('自提门店');
    expect(screen.getByText('山野小铺 人民路店 上海市 黄浦区 人民路 88 号')).toBeTruthy();
    expect(screen.getByText('提货人：李四 13900139000')).toBeTruthy();
    expect(screen.getByText('支付时间')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '确认收货' }));
    await waitFor(() => expect(screen.getAllByText('已完成').length).toBeGreaterThan(0));
    expect(screen.queryByRole('button', { name: '确认收货' })).toBeNull();
  });

  it('an order that does not exist says so and leads home; no id shows an empty state', async () => {
    mockApi({ 'GET /api/orders/o_1': () => problem(404, 'NOT_FOUND') });
    const first = renderWithClient(<OrderDetailPage />);
    await screen.findByText('订单不存在或已删除');
    expect(screen.getByText('返回首页')).toBeTruthy();
    first.unmount();

    taroMock.setRouterParams({});
    renderWithClient(<OrderDetailPage />);
    expect(screen.getByText('缺少订单编号')).toBeTruthy();
  });

  it('shows paid and refunded amounts with the refunds, and 申请售后 opens the after-sale form (no direct refund)', async () => {
    const first: Refund = {
      id: 'rf_1', orderId: 'o_1', amount: 2000, reason: '少发一件', status: 'succeeded', createdAt: Date.now() - 3_600_000, succeededAt: Date.now() - 3_000_000,
      parts: [
        { kind: 'balance', amount: 1000, points: null },
        { kind: 'points', amount: 500, points: 500 },
        { kind: 'channel', amount: 500, points: null },
      ],
    };
    const refunds: RefundList = { items: [first], paidAmount: 10600, refundableAmount: 8600 };
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(order({ status: 'paid', paidAt: Date.now() - 7_200_000, paidAmount: 10600, refundedAmount: 2000 })),
      'GET /api/orders/o_1/refunds': () => ok(refunds),
    });
    renderWithClient(<OrderDetailPage />);

    const section = await screen.findByTestId('refunds');
    await waitFor(() => expect(screen.getAllByTestId('refund-item')).toHaveLength(1));
    expect(section.textContent).toContain('已付金额¥106.00');
    expect(section.textContent).toContain('已退款¥20.00');
    const item = screen.getByTestId('refund-item');
    expect(item.textContent).toContain('已退款');
    expect(item.textContent).toContain('少发一件');
    expect(item.textContent).toContain('余额 ¥10.00，积分（500 积分） ¥5.00，原路退回 ¥5.00');

    expect(screen.queryByRole('button', { name: '申请退款' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '申请售后' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/aftersale/apply?orderId=o_1' });
    fireEvent.click(screen.getByRole('button', { name: '查看售后' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/aftersale/index' });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('offers no refund request when nothing is left to refund', async () => {
    mockApi({
      'GET /api/orders/o_1': () => ok(order({ status: 'completed', paidAt: Date.now(), paidAmount: 10600, refundedAmount: 10600 })),
      'GET /api/orders/o_1/refunds': () => ok({ items: [], paidAmount: 10600, refundableAmount: 0 }),
    });
    renderWithClient(<OrderDetailPage />);
    await screen.findByTestId('refunds');
    await waitFor(() => expect(screen.getByTestId('refunds').textContent).toContain('已退款¥106.00'));
    expect(screen.queryByRole('button', { name: '申请售后' })).toBeNull();
  });
});
