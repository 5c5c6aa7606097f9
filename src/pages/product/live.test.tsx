import type { LiveSession } from '@contract';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { customParams } from '@/services/live/wechat-room';
import { detail, session } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useSession } from '@/stores/session';
import ProductPage from './index';

/** A product page opened from a live session: WeChat room goods (`live=`), custom_params, the Douyin mount. */
const liveSession = (over: Partial<LiveSession> = {}): LiveSession => ({
  id: 'ls_1', merchantId: 'm_1', merchantName: '小店', title: '春季上新', cover: '/images/c.svg', startsAt: 1, status: 'live', playbackUrl: '/live/demo.m3u8',
  perShopperLimit: 2, pinnedProductId: 'p_1', viewers: 10, likes: 0, startedAt: 1, endedAt: null, mine: null, wechatRoomId: 42,
  lines: [{ skuId: 'sku_bl', productId: 'p_1', title: '纯棉T恤', specText: '蓝 L', image: '/images/p.svg', price: 4900, originalPrice: 6900, quota: 50, left: 40 }],
  ...over,
});
const value = (spec: string, v: string) => screen.getByTestId(`spec-${spec}-${v}`);

beforeEach(() => {
  useSession.getState().clear();
  useSession.getState().setSession(session());
});

describe('product page opened from a live session', () => {
  it('shows the session price of a lineup SKU and buys with liveSessionId', async () => {
    taroMock.setRouterParams({ id: 'p_1', live: 'ls_1' });
    mockApi({ 'GET /api/products/p_1': () => ok(detail()), 'GET /api/live/sessions/ls_1': () => ok(liveSession()) });
    const { container } = renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    const live = await screen.findByTestId('live-price');
    expect(live.textContent).toContain('直播价');
    expect(live.textContent).toContain('¥49.00');
    expect(live.textContent).toContain('¥69.00');
    // Another SKU, not in the lineup: its own price, no session price.
    fireEvent.click(value('尺码', 'L'));
    fireEvent.click(value('颜色', '红'));
    fireEvent.click(value('尺码', 'M'));
    expect(screen.queryByTestId('live-price')).toBeNull();
    expect(container.textContent).toContain('¥59.00');

    fireEvent.click(value('尺码', 'M'));
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    expect(await screen.findByTestId('live-price')).toBeTruthy();
    fireEvent.click(screen.getByText('立即购买'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/checkout/index?items=${encodeURIComponent('sku_bl:1')}&live=ls_1` });
  });

  it("reads the session from custom_params (a WeChat room's goods); an ended session shows no session price", async () => {
    taroMock.setRouterParams({ id: 'p_1', custom_params: customParams('ls_1', 'Tok3n') });
    const calls = mockApi({ 'GET /api/products/p_1': () => ok(detail()), 'GET /api/live/sessions/ls_1': () => ok(liveSession({ status: 'ended' })) });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    await waitFor(() => expect(calls.some((c) => c.path === '/api/live/sessions/ls_1')).toBe(true));
    expect(screen.queryByTestId('live-price')).toBeNull();
  });
});
