import type { LiveSession } from '@contract';
import { screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import LiveMountEntry from './mount';

const liveSession = (over: Partial<LiveSession> = {}): LiveSession => ({
  id: 'ls_1', merchantId: 'm_1', merchantName: '小店', title: '春季上新', cover: '/images/c.svg', startsAt: 1, status: 'live', playbackUrl: '/live/demo.m3u8',
  perShopperLimit: 2, pinnedProductId: 'p_1', viewers: 10, likes: 0, startedAt: 1, endedAt: null, mine: null, wechatRoomId: null, lines: [],
  ...over,
});

describe('the Douyin mount entry (pages/live/mount)', () => {
  it("opens the pinned product's page with the session", async () => {
    taroMock.setRouterParams({ session: 'ls_1' });
    mockApi({ 'GET /api/live/sessions/ls_1': () => ok(liveSession()) });
    renderWithClient(<LiveMountEntry />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/product/index?id=p_1&live=ls_1' }));
  });

  it("opens the session's room when nothing is pinned", async () => {
    taroMock.setRouterParams({ session: 'ls_1' });
    mockApi({ 'GET /api/live/sessions/ls_1': () => ok(liveSession({ pinnedProductId: null })) });
    renderWithClient(<LiveMountEntry />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/live/room?id=ls_1' }));
  });

  it('says so when the link names no session', async () => {
    taroMock.setRouterParams({ session: '../x' });
    renderWithClient(<LiveMountEntry />);
    expect((await screen.findByTestId('page-error')).textContent).toContain('这场直播不存在或已结束');
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});
