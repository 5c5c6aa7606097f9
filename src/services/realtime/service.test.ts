import type { Order, Payment } from '@contract';
import { act, renderHook } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { keys } from '../keys';
import { order, payment } from '../checkout/test-support';
import { testQueryClient } from '@/test/render';
import { useSession } from '@/stores/session';
import { realtimeClient, useRealtimeLive, wireRealtime } from './service';
import { fakeSockets } from './test-support';
import type { SocketHandlers } from './types';

// The app's socket adapter replaced by a scripted one; everything else is the app's wiring.
const mockSockets = fakeSockets();
const sockets = mockSockets;
jest.mock('./socket', () => ({
  openSocket: (url: string, handlers: SocketHandlers) => mockSockets.openSocket(url, handlers),
}));

const session = (id: string, token: string) => ({
  token,
  expiresAt: Date.now() + 3_600_000,
  user: { id, nickname: id, avatar: null, phone: null, platform: 'h5' },
});

describe('the app-level realtime wiring', () => {
  let unwire: () => void = () => undefined;
  const client = testQueryClient();
  afterEach(() => {
    unwire();
    useSession.getState().clear();
    sockets.connections.length = 0;
    process.env.TARO_ENV = 'h5';
  });

  test('connects after login, writes pushed changes into the cache, disconnects at logout', () => {
    unwire = wireRealtime(client);
    expect(sockets.connections).toHaveLength(0);

    act(() => useSession.getState().setSession(session('u_1', 'tok-1')));
    const conn = sockets.last();
    expect(conn.url).toBe('ws://localhost/api/realtime');
    conn.open();
    expect(conn.sent[0]).toEqual({ op: 'auth', token: 'tok-1' });
    conn.push({ op: 'ready', userId: 'u_1' });
    conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    expect(realtimeClient().status).toBe('live');

    client.setQueryData(keys.payments.detail('pay_1'), payment());
    client.setQueryData(keys.orders.detail('o_1'), order({ status: 'paid' }));
    conn.push({ op: 'event', topic: 'user:u_1', version: 1, type: 'payment.succeeded', data: { paymentId: 'pay_1', status: 'succeeded', orderIds: ['o_1'], parentId: 'po_1' } });
    conn.push({ op: 'event', topic: 'user:u_1', version: 2, type: 'order.shipped', data: { orderId: 'o_1', parentId: 'po_1', status: 'shipped' } });
    expect(client.getQueryData<Payment>(keys.payments.detail('pay_1'))?.status).toBe('paid');
    expect(client.getQueryData<Order>(keys.orders.detail('o_1'))?.status).toBe('shipped');

    act(() => useSession.getState().clear());
    expect(conn.closedByClient).not.toBeNull();
    expect(realtimeClient().status).toBe('off');
  });

  test('another account: the socket is replaced and the new user subscribes from no version', () => {
    useSession.getState().setSession(session('u_1', 'tok-1'));
    unwire = wireRealtime(client);
    const first = sockets.last();
    first.open();
    first.push({ op: 'ready', userId: 'u_1' });
    first.push({ op: 'subscribed', topic: 'user:u_1', version: 30 });

    act(() => useSession.getState().setSession(session('u_2', 'tok-2')));
    expect(first.closedByClient).not.toBeNull();
    const second = sockets.last();
    expect(second).not.toBe(first);
    second.open();
    second.push({ op: 'ready', userId: 'u_2' });
    expect(second.sent).toEqual([
      { op: 'auth', token: 'tok-2' },
      { op: 'sub', topic: 'user:u_2' },
    ]);
  });

  test('H5: a hidden page closes the socket, a visible one reconnects and resyncs', () => {
    useSession.getState().setSession(session('u_1', 'tok-1'));
    unwire = wireRealtime(client);
    const first = sockets.last();
    first.open();
    first.push({ op: 'ready', userId: 'u_1' });
    first.push({ op: 'subscribed', topic: 'user:u_1', version: 4 });

    const visibility = jest.spyOn(document, 'visibilityState', 'get');
    visibility.mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(first.closedByClient).not.toBeNull();
    expect(realtimeClient().status).toBe('paused');

    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    const second = sockets.last();
    expect(second).not.toBe(first);
    second.open();
    second.push({ op: 'ready', userId: 'u_1' });
    expect(second.sent[1]).toEqual({ op: 'sub', topic: 'user:u_1', version: 4 });
    visibility.mockRestore();
  });

  test('mini-programs: onAppHide pauses, onAppShow resumes', () => {
    process.env.TARO_ENV = 'weapp';
    useSession.getState().setSession(session('u_1', 'tok-1'));
    unwire = wireRealtime(client);
    const onHide = jest.mocked(Taro.onAppHide).mock.calls.at(-1)?.[0] as () => void;
    const onShow = jest.mocked(Taro.onAppShow).mock.calls.at(-1)?.[0] as () => void;
    const first = sockets.last();
    onHide();
    expect(first.closedByClient).not.toBeNull();
    onShow();
    expect(sockets.last()).not.toBe(first);
    unwire();
    expect(Taro.offAppHide).toHaveBeenCalledWith(onHide);
    expect(Taro.offAppShow).toHaveBeenCalledWith(onShow);
  });

  test('useRealtimeLive follows the subscription', () => {
    useSession.getState().setSession(session('u_1', 'tok-1'));
    unwire = wireRealtime(client);
    const { result, unmount } = renderHook(() => useRealtimeLive());
    expect(result.current).toBe(false);
    const conn = sockets.last();
    act(() => {
      conn.open();
      conn.push({ op: 'ready', userId: 'u_1' });
      conn.push({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    });
    expect(result.current).toBe(true);
    act(() => conn.drop(1006));
    expect(result.current).toBe(false);
    unmount();
  });
});
