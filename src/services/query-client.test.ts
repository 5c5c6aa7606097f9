import { focusManager, onlineManager, QueryClient } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { useSession } from '@/stores/session';
import { session } from '@/test/fixtures';
import { ApiError } from './http';
import { keys } from './keys';
import { clearUserData, createQueryClient, shouldRetryQuery, wireMiniProgramLifecycle, wireSessionToCache } from './query-client';

describe('query client policy', () => {
  it('retries a failed read once, never a 4xx or an abort', () => {
    expect(shouldRetryQuery(0, new ApiError({ code: 'NETWORK', status: 0 }))).toBe(true);
    expect(shouldRetryQuery(1, new ApiError({ code: 'NETWORK', status: 0 }))).toBe(false);
    expect(shouldRetryQuery(0, new ApiError({ code: 'INTERNAL', status: 503 }))).toBe(true);
    expect(shouldRetryQuery(0, new ApiError({ code: 'NOT_FOUND', status: 404 }))).toBe(false);
    expect(shouldRetryQuery(0, new ApiError({ code: 'UNAUTHORIZED', status: 401 }))).toBe(false);
    expect(shouldRetryQuery(0, new ApiError({ code: 'ABORTED', status: 0 }))).toBe(false);
  });

  it('clearUserData drops user data and keeps the catalog', () => {
    const client = new QueryClient();
    client.setQueryData(keys.cart.server(), { lines: [] });
    client.setQueryData(keys.orders.list('all'), { pages: [] });
    client.setQueryData(keys.catalog.product('p_1'), { id: 'p_1' });
    clearUserData(client);
    expect(client.getQueryData(keys.cart.server())).toBeUndefined();
    expect(client.getQueryData(keys.orders.list('all'))).toBeUndefined();
    expect(client.getQueryData(keys.catalog.product('p_1'))).toEqual({ id: 'p_1' });
  });

  it('logout (or a 401) drops the previous user data from the cache', () => {
    const client = new QueryClient();
    const stop = wireSessionToCache(client);
    useSession.getState().setSession(session());
    client.setQueryData(keys.orders.counts(), { pending_payment: 2, paid: 0, shipped: 0 });
    useSession.getState().clear();
    expect(client.getQueryData(keys.orders.counts())).toBeUndefined();
    stop();
  });
});

describe('offline', () => {
  const networkError = () => new ApiError({ code: 'NETWORK', status: 0 });

  it('a read that fails offline fails at once (the page shows the error and its retry), never waits paused', async () => {
    const client = createQueryClient();
    onlineManager.setOnline(false);
    const queryFn = jest.fn(() => Promise.reject(networkError()));
    const started = Date.now();
    await expect(client.fetchQuery({ queryKey: ['offline-read'], queryFn })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(queryFn).toHaveBeenCalledTimes(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(shouldRetryQuery(0, networkError())).toBe(false);
    onlineManager.setOnline(true);
    expect(shouldRetryQuery(0, networkError())).toBe(true);
  });

  it('a mutation offline is tried and fails at once; reconnecting never sends it later', async () => {
    const client = createQueryClient();
    onlineManager.setOnline(false);
    const mutationFn = jest.fn(() => Promise.reject(networkError()));
    const mutation = client.getMutationCache().build(client, { mutationFn });
    await expect(mutation.execute(undefined)).rejects.toMatchObject({ code: 'NETWORK' });
    expect(mutation.state).toMatchObject({ status: 'error', isPaused: false });
    onlineManager.setOnline(true);
    await client.resumePausedMutations();
    expect(mutationFn).toHaveBeenCalledTimes(1);
  });
});

describe('mini-program lifecycle wiring', () => {
  const env = process.env.TARO_ENV;
  afterEach(() => {
    process.env.TARO_ENV = env;
  });

  it('drives focus and online state from app show/hide and the network status', async () => {
    process.env.TARO_ENV = 'weapp';
    wireMiniProgramLifecycle();
    // react-query subscribes its managers lazily: subscribe like a QueryCache would.
    const unsubFocus = focusManager.subscribe(() => undefined);
    const unsubOnline = onlineManager.subscribe(() => undefined);

    const onHide = jest.mocked(Taro.onAppHide).mock.calls[0][0] as () => void;
    const onShow = jest.mocked(Taro.onAppShow).mock.calls[0][0] as () => void;
    onHide();
    expect(focusManager.isFocused()).toBe(false);
    onShow();
    expect(focusManager.isFocused()).toBe(true);

    const onNet = jest.mocked(Taro.onNetworkStatusChange).mock.calls[0][0] as (r: { isConnected: boolean; networkType: string }) => void;
    onNet({ isConnected: false, networkType: 'none' });
    expect(onlineManager.isOnline()).toBe(false);
    onNet({ isConnected: true, networkType: 'wifi' });
    expect(onlineManager.isOnline()).toBe(true);
    expect(Taro.getNetworkType).toHaveBeenCalled();
    unsubFocus();
    unsubOnline();
  });
});
