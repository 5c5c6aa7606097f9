import type { LiveSession, LiveTopicEvent } from '@contract/live';
import { act, renderHook } from '@testing-library/react';
import { testQueryClient } from '@/test/render';
import { useSession } from '@/stores/session';
import { keys } from '../keys';
import { realtimeClient, wireRealtime } from '../realtime';
import { fakeSockets } from '../realtime/test-support';
import type { SocketHandlers } from '../realtime/types';
import { useLiveTopic } from './topic';

// The app's socket adapter replaced by a scripted one; everything else is the app's wiring.
const mockSockets = fakeSockets();
jest.mock('../realtime/socket', () => ({
  openSocket: (url: string, handlers: SocketHandlers) => mockSockets.openSocket(url, handlers),
}));

const session = { id: 'ls_1', status: 'live', pinnedProductId: null, viewers: 0, likes: 0, lines: [{ skuId: 'sku_a', price: 9900, quota: 10, left: 10 }] } as unknown as LiveSession;

describe('useLiveTopic', () => {
  let unwire: () => void = () => undefined;
  const client = testQueryClient();
  afterEach(() => {
    unwire();
    useSession.getState().clear();
    mockSockets.connections.length = 0;
  });

  test('a guest: follows the room while mounted, hands each event to onEvent, writes the cache, refetches at subscribed', () => {
    unwire = wireRealtime(client);
    client.setQueryData(keys.live.session('ls_1'), session);
    const got: LiveTopicEvent[] = [];
    const hook = renderHook(({ id }) => useLiveTopic(id, (e) => got.push(e)), { initialProps: { id: 'ls_1' as string | null } });
    expect(hook.result.current.live).toBe(false);
    const conn = mockSockets.last();
    act(() => conn.open());
    expect(conn.sent[0]).toEqual({ op: 'auth', guest: true });
    act(() => conn.push({ op: 'ready', userId: null }));
    expect(conn.sent.at(-1)).toEqual({ op: 'sub', topic: 'live:ls_1' });
    act(() => conn.push({ op: 'subscribed', topic: 'live:ls_1', version: 1 }));
    expect(hook.result.current.live).toBe(true);
    expect(client.getQueryState(keys.live.session('ls_1'))?.isInvalidated).toBe(true);

    act(() => {
      conn.push({ op: 'event', topic: 'live:ls_1', version: 2, type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_a', at: 10 } });
      conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.lines', data: { sessionId: 'ls_1', lines: [{ skuId: 'sku_a', price: 8900, quota: 10, left: 3 }], at: 11 }, volatile: true });
      conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.bought', data: { sessionId: 'ls_1', buyer: '王*', title: '外套', quantity: 1, at: 12 }, volatile: true });
      conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.surprise', data: { sessionId: 'ls_1', at: 13 }, volatile: true });
    });
    expect(got.map((e) => e.type)).toEqual(['live.pinned', 'live.lines', 'live.bought']);
    const cached = client.getQueryData<LiveSession>(keys.live.session('ls_1'))!;
    expect(cached.pinnedProductId).toBe('p_a');
    expect(cached.lines[0]).toMatchObject({ price: 8900, left: 3 });

    // Unmounted: the room is left and the guest connection closes.
    act(() => hook.unmount());
    expect(conn.sent.at(-1)).toEqual({ op: 'unsub', topic: 'live:ls_1' });
    expect(conn.closedByClient).not.toBeNull();
    expect(realtimeClient().extraTopics).toEqual([]);
  });

  test('signed in: the user\'s connection carries the room', () => {
    useSession.getState().setSession({ token: 'tok-1', expiresAt: Date.now() + 3_600_000, user: { id: 'u_1', nickname: 'u', avatar: null, phone: null, platform: 'h5' } });
    unwire = wireRealtime(client);
    const conn = mockSockets.last();
    act(() => conn.open());
    expect(conn.sent[0]).toEqual({ op: 'auth', token: 'tok-1' });
    const hook = renderHook(() => useLiveTopic('ls_2', () => undefined));
    act(() => conn.push({ op: 'ready', userId: 'u_1' }));
    expect(conn.sent.filter((f) => f.op === 'sub').map((f) => (f as { topic: string }).topic)).toEqual(['user:u_1', 'live:ls_2']);
    expect(mockSockets.connections).toHaveLength(1);
    hook.unmount();
  });
});
