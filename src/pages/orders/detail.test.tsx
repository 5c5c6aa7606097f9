import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, order } from '@/services/checkout/test-support';
import { formatTime } from '@/services/order/time';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import OrderDetailPage from './detail';

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
    expect(screen.getByText('o_1')).toBeTruthy();
    expect(screen.getAllByText(formatTime(createdAt)).length).toBeGreaterThanOrEqual(2); // created + timeline
    expect(document.body.textContent).toContain('¥106.00');
    expect(screen.getByRole('button', { name: /^去支付 00:0\d$/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: '取消订单' })).toBeTruthy();

    fireEvent.click(screen.getByText('复制'));
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: 'o_1' });

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

  it('an order that does not exist shows the error with a retry; no id shows an empty state', async () => {
    mockApi({ 'GET /api/orders/o_1': () => problem(404, 'NOT_FOUND') });
    const first = renderWithClient(<OrderDetailPage />);
    await screen.findByText('内容不存在或已删除');
    expect(screen.getByText('重试')).toBeTruthy();
    first.unmount();

    taroMock.setRouterParams({});
    renderWithClient(<OrderDetailPage />);
    expect(screen.getByText('缺少订单编号')).toBeTruthy();
  });
});
