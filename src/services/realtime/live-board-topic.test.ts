import type { HostLiveSession } from '@contract/live';
import { act, renderHook } from '@testing-library/react';
import { testQueryClient } from '@/test/render';
import { useSession } from '@/stores/session';
import { keys } from '../keys';
import { liveBoardMerchantOf } from './live';
import { realtimeClient, useLiveBoardTopic, wireRealtime } from './service';
import { fakeSockets } from './test-support';
import type { SocketHandlers } from './types';

// The app's socket adapter replaced by a scripted one; everything else is the app's wiring.
const mockSockets = fakeSockets();
jest.mock('./socket', () => ({
  openSocket: (url: string, handlers: SocketHandlers) => mockSockets.openSocket(url, handlers),
}));

const host = {
  id: 'ls_1',
  status: 'live',
  viewers: 0,
  likes: 0,
  lines: [{ skuId: 'sku_a', price: 3900, quota: 20, sold: 0, paid: 0, left: 20, gmv: 0, returned: 0 }],
  board: { orders: 0, paidOrders: 0, gmv: 0, viewers: 0, likes: 0, lines: [] },
} as unknown as HostLiveSession;
const board = { orders: 2, paidOrders: 1, gmv: 3900, viewers: 12, likes: 4, lines: [{ skuId: 'sku_a', quota: 20, sold: 2, paid: 1, left: 18, gmv: 3900 }] };
const subs = (sent: unknown[]) => sent.filter((f) => (f as { op: string }).op === 'sub').map((f) => (f as { topic: string }).topic);

describe('useLiveBoardTopic', () => {
  let unwire: () => void = () => undefined;
  const client = testQueryClient();
  afterEach(() => {
    unwire();
    useSession.getState().clear();
    mockSockets.connections.length = 0;
    client.clear();
  });

  test('follows the session\'s board while mounted: refetches the host session at subscribed, writes pushed boards and stats, is live with the socket', () => {
    useSession.getState().setSession({ token: 'tok-1', expiresAt: Date.now() + 3_600_000, user: { id: 'u_1', nickname: 'u', avatar: null, phone: null, platform: 'h5' } });
    unwire = wireRealtime(client);
    client.setQueryData(keys.merchant.liveSession('m_1', 'ls_1'), host);
    const conn = mockSockets.last();
    const hook = renderHook(({ m, s }) => useLiveBoardTopic(m, s), { initialProps: { m: 'm_1', s: 'ls_1' } });
    expect(hook.result.current.live).toBe(false);
    expect(liveBoardMerchantOf('ls_1')).toBe('m_1');
    act(() => conn.open());
    act(() => conn.push({ op: 'ready', userId: 'u_1' }));
    expect(subs(conn.sent)).toEqual(['user:u_1', 'liveboard:ls_1']);
    act(() => {
      conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
      conn.push({ op: 'subscribed', topic: 'liveboard:ls_1', version: 0 });
    });
    expect(hook.result.current.live).toBe(true);
    // Boards pushed before the subscription are gone: the host session is refetched.
    expect(client.getQueryState(keys.merchant.liveSession('m_1', 'ls_1'))?.isInvalidated).toBe(true);

    act(() => conn.push({ op: 'event', topic: 'liveboard:ls_1', type: 'live.board', data: { sessionId: 'ls_1', board, at: 10 }, volatile: true }));
    const got = client.getQueryData<HostLiveSession>(keys.merchant.liveSession('m_1', 'ls_1'))!;
    expect(got.board).toEqual(board);
    expect(got.lines[0]).toMatchObject({ sold: 2, paid: 1, left: 18, gmv: 3900 });
    expect(got.viewers).toBe(12);
    // Viewers and likes between boards.
    act(() => conn.push({ op: 'event', topic: 'liveboard:ls_1', type: 'live.stats', data: { sessionId: 'ls_1', viewers: 30, likes: 9, at: 11 }, volatile: true }));
    const later = client.getQueryData<HostLiveSession>(keys.merchant.liveSession('m_1', 'ls_1'))!;
    expect([later.viewers, later.likes, later.board.viewers, later.board.likes, later.board.gmv]).toEqual([30, 9, 30, 9, 3900]);

    // The socket lost: not live (the page falls back to its refresh).
    act(() => conn.drop(1006));
    expect(hook.result.current.live).toBe(false);

    // Unmounted: the board is left and its merchant forgotten.
    hook.unmount();
    expect(realtimeClient().extraTopics).toEqual([]);
    expect(liveBoardMerchantOf('ls_1')).toBeNull();
  });

  test('follows nothing without a merchant or a session, and never on a guest connection', () => {
    unwire = wireRealtime(client);
    const none = renderHook(() => useLiveBoardTopic('', 'ls_1'));
    expect(realtimeClient().extraTopics).toEqual([]);
    expect(none.result.current.live).toBe(false);
    none.unmount();
    // Nobody signed in: a board is not a public topic, so no guest connection opens for it.
    const hook = renderHook(() => useLiveBoardTopic('m_1', 'ls_1'));
    expect(realtimeClient().extraTopics).toEqual(['liveboard:ls_1']);
    expect(mockSockets.connections).toHaveLength(0);
    hook.unmount();
  });
});
