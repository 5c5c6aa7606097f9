import { focusManager, onlineManager, QueryClient } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { isApiError } from './http';
import { userScopedRoots } from './keys';
import { useSession } from '@/stores/session';

/** Whether a failed read is worth another try by react-query (the request client already
 * retried network errors and 502/503/504 with backoff; a 4xx never gets better). Offline, a
 * network failure is final at once: the page shows it with a retry, and reconnecting refetches
 * (refetchOnReconnect), instead of a skeleton waiting on a paused retry. */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (isApiError(error)) {
    if (error.code === 'ABORTED') return false;
    if (error.status >= 400 && error.status < 500) return false;
    if (error.isNetwork && !onlineManager.isOnline()) return false;
  }
  return failureCount < 1;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetryQuery,
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
        refetchOnWindowFocus: true,
        refetchOnReconnect: true,
        // Offline, a read is still tried once (it fails at once, or a cache answers) instead of
        // waiting paused with no message; retries wait for the network (see shouldRetryQuery).
        networkMode: 'offlineFirst',
      },
      mutations: {
        // Mutations are never retried automatically: the user decides.
        retry: false,
        // Never paused while offline: react-query's default holds an offline mutation and sends
        // it when the network returns, so an order tapped offline would be placed minutes later
        // with nobody watching. Here it is sent at once, fails with NETWORK, and the page says so
        // and offers to try again (with the same idempotency key for the same intent).
        networkMode: 'always',
      },
    },
  });
}

export const queryClient = createQueryClient();

/** Forget everything that belonged to the previous user (logout, or a new login). */
export function clearUserData(client: QueryClient = queryClient): void {
  for (const root of userScopedRoots) client.removeQueries({ queryKey: root });
}

let wired = false;

/**
 * Mini-program hosts never fire visibilitychange/online/offline, so react-query's refetch on
 * focus and on reconnect would be dead. Drive its managers from the app lifecycle and the
 * network status instead. H5 keeps react-query's own browser listeners.
 */
export function wireMiniProgramLifecycle(): void {
  if (wired || process.env.TARO_ENV === 'h5') return;
  wired = true;

  focusManager.setEventListener((setFocused) => {
    const onShow = () => setFocused(true);
    const onHide = () => setFocused(false);
    Taro.onAppShow(onShow);
    Taro.onAppHide(onHide);
    return () => {
      Taro.offAppShow(onShow);
      Taro.offAppHide(onHide);
    };
  });

  onlineManager.setEventListener((setOnline) => {
    const onChange = (res: Taro.onNetworkStatusChange.CallbackResult) => setOnline(res.isConnected);
    Taro.getNetworkType({
      success: (res) => setOnline(res.networkType !== 'none'),
    }).catch(() => undefined);
    Taro.onNetworkStatusChange(onChange);
    return () => {
      Taro.offNetworkStatusChange(onChange);
    };
  });
}

let sessionWired = false;

/** When the session ends (logout, a 401) or changes hands, drop the previous user's data. */
export function wireSessionToCache(client: QueryClient = queryClient): () => void {
  if (sessionWired) return () => undefined;
  sessionWired = true;
  const unsubscribe = useSession.subscribe((state, prev) => {
    const userChanged = (state.user?.id ?? null) !== (prev.user?.id ?? null);
    if (prev.token && (!state.token || userChanged)) clearUserData(client);
  });
  return () => {
    sessionWired = false;
    unsubscribe();
  };
}
