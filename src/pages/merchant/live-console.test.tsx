import type { HostLiveSession } from '@contract/live';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { keys } from '@/services/keys';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock, type MockResponse } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import { useSession } from '@/stores/session';
import { realtimeClient, wireRealtime } from '@/services/realtime';
import { fakeSockets } from '@/services/realtime/test-support';
import type { SocketHandlers } from '@/services/realtime/types';
import { testQueryClient } from '@/test/render';
import LiveConsolePage from './live-console';
import { hostLine, hostSession, workplace } from './test-data';

// The realtime socket replaced by a scripted one; the rest is the app's wiring.
const mockSockets = fakeSockets();
jest.mock('@/services/realtime/socket', () => ({
  openSocket: (url: string, handlers: SocketHandlers) => mockSockets.openSocket(url, handlers),
}));

const M = '/api/merchants/m_1';
const S = `${M}/live/sessions/ls_1`;

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1', id: 'ls_1' });
  taroMock.setModalResult(true);
});

const productTitles = () => screen.getAllByTestId('live-product').map((el) => el.querySelector('.wb-live-product__title')?.textContent);

describe('live console (直播间)', () => {
  it('shows the board, the lineup with sold, paid and left, and the buttons of each state', async () => {
    let session = hostSession({ status: 'scheduled', startedAt: null });
    mockApi({ [`GET ${M}`]: () => ok(workplace('live_host')), [`GET ${S}`]: () => ok(session) });
    const { client, unmount } = renderWithClient(<LiveConsolePage />);
    expect((await screen.findByTestId('board-orders')).textContent).toContain('6');
    expect(screen.getByTestId('board-paid').textContent).toContain('4');
    expect(screen.getByTestId('board-gmv').textContent).toContain('156.00');
    expect(screen.getByTestId('board-viewers').textContent).toContain('88');
    expect(screen.getByTestId('board-likes').textContent).toContain('321');
    const sku = screen.getByTestId('live-sku-sku_1');
    expect(sku.textContent).toContain('直播价');
    expect(sku.textContent).toContain('39.00');
    expect(sku.textContent).toContain('库存 20');
    expect(sku.textContent).toContain('已售 5');
    expect(sku.textContent).toContain('已付 4');
    expect(within(sku).getByTestId('live-sku-left').textContent).toBe('剩余 15');
    expect(screen.getByTestId('live-act-start').textContent).toBe('开始直播');
    expect(screen.getByTestId('live-act-cancel').textContent).toBe('取消直播');
    expect(screen.queryByTestId('live-act-end')).toBeNull();
    unmount();

    for (const [status, shown, hidden] of [
      ['live', ['pause', 'end'], ['start', 'resume', 'cancel']],
      ['paused', ['resume', 'end'], ['start', 'pause', 'cancel']],
    ] as const) {
      session = hostSession({ status });
      client.clear();
      const r = renderWithClient(<LiveConsolePage />, client);
      await screen.findByTestId('live-controls');
      for (const a of shown) expect(screen.getByTestId(`live-act-${a}`)).toBeTruthy();
      for (const a of hidden) expect(screen.queryByTestId(`live-act-${a}`)).toBeNull();
      r.unmount();
    }

    session = hostSession({ status: 'ended', lines: [hostLine({ returned: 15, left: 0, quota: 5 })] });
    client.clear();
    renderWithClient(<LiveConsolePage />, client);
    expect((await screen.findByTestId('live-over')).textContent).toBe('本场直播已结束');
    expect(screen.queryByTestId('live-pin')).toBeNull();
    expect(screen.queryByTestId('live-add-quota')).toBeNull();
    expect(screen.getByTestId('live-sku-sku_1').textContent).toContain('已退回 15');
  });

  it('ending asks first: declined sends nothing, confirmed posts the action once and shows the answer', async () => {
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${S}`]: () => ok(hostSession()),
      [`POST ${S}/actions`]: () => ok(hostSession({ status: 'ended', endedAt: Date.now() })),
    });
    renderWithClient(<LiveConsolePage />);
    taroMock.setModalResult(false);
    fireEvent.click(await screen.findByTestId('live-act-end'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('确认结束直播') })));
    await waitFor(() => expect((screen.getByTestId('live-act-end') as HTMLButtonElement).disabled).toBe(false));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    taroMock.setModalResult(true);
    fireEvent.click(screen.getByTestId('live-act-end'));
    expect((await screen.findByTestId('live-over')).textContent).toBe('本场直播已结束');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => [c.path, c.body])).toEqual([[`${S}/actions`, { action: 'end' }]]);
    expect(posts[0].header['Idempotency-Key'] ?? posts[0].header['idempotency-key']).toEqual(expect.any(String));
  });

  it('pins at once (the card moves first and lights up), rolls back when refused, and unpins on a second tap', async () => {
    let answer: () => Promise<MockResponse> = () => Promise.resolve(ok(hostSession({ pinnedProductId: 'p_2' })));
    let release: () => void = () => undefined;
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('operator')),
      [`GET ${S}`]: () => ok(hostSession()),
      [`POST ${S}/pin`]: () => answer(),
    });
    renderWithClient(<LiveConsolePage />);
    await screen.findAllByTestId('live-product');
    expect(productTitles()).toEqual(['纯棉T恤', '帆布袋']);
    expect(screen.getAllByTestId('live-pin').map((b) => b.textContent)).toEqual(['讲解中', '讲解']);

    // Refused: the server answers only when released; the card has moved meanwhile.
    answer = () => new Promise((resolve) => (release = () => resolve(problem(409, 'ILLEGAL_TRANSITION'))));
    fireEvent.click(screen.getAllByTestId('live-pin')[1]);
    await waitFor(() => expect(productTitles()).toEqual(['帆布袋', '纯棉T恤']));
    expect(screen.getAllByTestId('live-product')[0].getAttribute('data-pinned')).toBe('yes');
    expect(screen.getAllByTestId('live-pin')[0].textContent).toBe('讲解中');
    await act(async () => release());
    await waitFor(() => expect(productTitles()).toEqual(['纯棉T恤', '帆布袋']));
    expect(screen.getAllByTestId('live-product')[0].getAttribute('data-pinned')).toBe('yes');
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('讲解切换失败') })));

    // Accepted.
    answer = () => Promise.resolve(ok(hostSession({ pinnedProductId: 'p_2' })));
    fireEvent.click(screen.getAllByTestId('live-pin')[1]);
    await waitFor(() => expect(productTitles()).toEqual(['帆布袋', '纯棉T恤']));

    // Tapped again: unpinned (null), nothing highlighted.
    answer = () => Promise.resolve(ok(hostSession({ pinnedProductId: null })));
    fireEvent.click(screen.getAllByTestId('live-pin')[0]);
    await waitFor(() => expect(screen.getAllByTestId('live-pin').map((b) => b.textContent)).toEqual(['讲解', '讲解']));
    expect(calls.filter((c) => c.path === `${S}/pin`).map((c) => c.body)).toEqual([{ productId: 'p_2' }, { productId: 'p_2' }, { productId: null }]);
  });

  it('shows the board as the push writes it into the cache, without asking the server', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('owner')), [`GET ${S}`]: () => ok(hostSession()) });
    const { client } = renderWithClient(<LiveConsolePage />);
    await screen.findByTestId('board-orders');
    const gets = calls.filter((c) => c.path === S).length;
    const key = keys.merchant.liveSession('m_1', 'ls_1');
    act(() => {
      const s = client.getQueryData<HostLiveSession>(key);
      if (!s) throw new Error('no session cached');
      client.setQueryData<HostLiveSession>(key, {
        ...s,
        board: { ...s.board, orders: 9, paidOrders: 7, gmv: 27_300, viewers: 140, likes: 400, lines: [{ skuId: 'sku_1', quota: 20, sold: 8, paid: 7, left: 12, gmv: 27_300 }, s.board.lines[1]] },
      });
    });
    // react-query tells the page in a later task.
    await waitFor(() => expect(screen.getByTestId('board-orders').textContent).toBe('9订单'));
    expect(screen.getByTestId('board-paid').textContent).toBe('7已支付');
    expect(screen.getByTestId('board-gmv').textContent).toContain('273.00');
    expect(screen.getByTestId('board-viewers').textContent).toContain('140');
    expect(screen.getByTestId('board-likes').textContent).toContain('400');
    expect(within(screen.getByTestId('live-sku-sku_1')).getByTestId('live-sku-left').textContent).toBe('剩余 12');
    expect(screen.getByTestId('live-sku-sku_1').textContent).toContain('已售 8');
    expect(calls.filter((c) => c.path === S).length).toBe(gets);
  });

  it('改价 refuses a price above the SKU price before sending; + 加库存 sends the new total quota and shows a refusal beside it', async () => {
    let quotaAnswer = problem(400, 'LIVE_QUOTA_INVALID', { skuId: 'sku_1', minimum: 5, maximum: 22 });
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('live_host')),
      [`GET ${S}`]: () => ok(hostSession()),
      [`PATCH ${S}/lines/sku_1`]: (req) => ('quota' in (req.body as object) ? quotaAnswer : ok(hostSession({ lines: [hostLine({ price: 3_500 })] }))),
    });
    renderWithClient(<LiveConsolePage />);
    fireEvent.click((await screen.findAllByTestId('live-edit-price'))[0]);
    const input = await screen.findByTestId('live-line-input');
    expect((input as HTMLInputElement).value).toBe('39.00');
    fireEvent.change(input, { target: { value: '50' } });
    fireEvent.click(screen.getByTestId('live-line-save'));
    expect((await screen.findByTestId('live-line-problem')).textContent).toBe('直播价不能高于售价 ¥49.00');
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([]);
    fireEvent.change(input, { target: { value: '35' } });
    fireEvent.click(screen.getByTestId('live-line-save'));
    await waitFor(() => expect(screen.queryByTestId('live-line-sheet')).toBeNull());
    expect(screen.getByTestId('live-sku-sku_1').textContent).toContain('35.00');

    fireEvent.click(screen.getAllByTestId('live-add-quota')[0]);
    fireEvent.change(await screen.findByTestId('live-line-input'), { target: { value: '10' } });
    fireEvent.click(screen.getByTestId('live-line-save'));
    expect((await screen.findByTestId('live-line-problem')).textContent).toBe('直播库存需在 5 到 22 之间');
    quotaAnswer = ok(hostSession({ lines: [hostLine({ quota: 22, left: 17 })] }));
    fireEvent.change(screen.getByTestId('live-line-input'), { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('live-line-save'));
    await waitFor(() => expect(screen.queryByTestId('live-line-sheet')).toBeNull());
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ price: 3_500 }, { quota: 30 }, { quota: 22 }]);
  });

  it('links a WeChat room and says when the lineup was pushed', async () => {
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${S}`]: () => ok(hostSession()),
      [`POST ${S}/wechat-room`]: () => ok(hostSession({ wechatRoomId: 12, wechatPushedAt: new Date(2026, 11, 7, 20, 5).getTime() })),
    });
    renderWithClient(<LiveConsolePage />);
    fireEvent.change(await screen.findByTestId('live-wechat-room'), { target: { value: '12' } });
    fireEvent.click(screen.getByTestId('live-wechat-link'));
    expect((await screen.findByTestId('live-wechat-state')).textContent).toBe('已关联房间 12 · 商品最近同步于 2026-12-07 20:05');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ roomId: 12 });
  });

  it('follows the session\'s board for a live host: pushed boards show at once while the socket is live, the slow refresh only without it', async () => {
    useSession.getState().setSession({ token: 'tok-h', expiresAt: Date.now() + 3_600_000, user: { id: 'u_h', nickname: '主播', avatar: null, phone: null, platform: 'h5' } });
    const client = testQueryClient();
    const unwire = wireRealtime(client);
    try {
      const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('live_host')), [`GET ${S}`]: () => ok(hostSession()) });
      const { unmount } = renderWithClient(<LiveConsolePage />, client);
      await screen.findByTestId('live-board');
      // No socket yet: the board says it refreshes every 15 s.
      expect(screen.getByTestId('live-board').textContent).toContain('每 15 秒刷新');
      expect(realtimeClient().extraTopics).toEqual(['liveboard:ls_1']);
      const conn = mockSockets.last();
      act(() => conn.open());
      act(() => conn.push({ op: 'ready', userId: 'u_h' }));
      // The board's topic, never the merchant's (a live host may not follow it).
      expect(conn.sent.filter((f) => f.op === 'sub').map((f) => (f as { topic: string }).topic)).toEqual(['user:u_h', 'liveboard:ls_1']);
      const reads = () => calls.filter((c) => c.method === 'GET' && c.path === S).length;
      const before = reads();
      act(() => {
        conn.push({ op: 'subscribed', topic: 'user:u_h', version: 0 });
        conn.push({ op: 'subscribed', topic: 'liveboard:ls_1', version: 0 });
      });
      expect(screen.getByTestId('live-board').textContent).toContain('实时更新中');
      // Subscribed: the session is read again (boards pushed before are gone).
      await waitFor(() => expect(reads()).toBe(before + 1));
      await waitFor(() => expect(client.isFetching()).toBe(0));

      act(() =>
        conn.push({
          op: 'event', topic: 'liveboard:ls_1', type: 'live.board', volatile: true,
          data: { sessionId: 'ls_1', at: Date.now(), board: { orders: 9, paidOrders: 7, gmv: 27_300, viewers: 120, likes: 400, lines: [{ skuId: 'sku_1', quota: 20, sold: 8, paid: 7, left: 12, gmv: 27_300 }] } },
        }),
      );
      // react-query tells the page in a later task.
      await waitFor(() => expect(screen.getByTestId('board-orders').textContent).toBe('9订单'));
      expect(screen.getByTestId('board-gmv').textContent).toContain('273.00');
      expect(screen.getByTestId('board-viewers').textContent).toContain('120');
      expect(within(screen.getByTestId('live-sku-sku_1')).getByTestId('live-sku-left').textContent).toBe('剩余 12');
      expect(reads()).toBe(before + 1);

      // The socket lost: back to the slow refresh.
      act(() => conn.drop(1006));
      expect(screen.getByTestId('live-board').textContent).toContain('每 15 秒刷新');
      unmount();
      expect(realtimeClient().extraTopics).toEqual([]);
    } finally {
      unwire();
      useSession.getState().clear();
      mockSockets.connections.length = 0;
    }
  });

  it('is not for a kitchen member, and the session is never asked for', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('kitchen')) });
    renderWithClient(<LiveConsolePage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toContain('仅店主、运营和主播可以管理直播');
    expect(calls.some((c) => c.path.includes('/live/'))).toBe(false);
  });
});
