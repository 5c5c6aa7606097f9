import type { LiveAction, LiveLineInput, LiveSessionStatus, CreateLiveSessionBody, HostLiveSession, HostLiveSessionPage, UpdateLiveLineBody, UpdateLiveSessionBody } from '@contract/live';
import { infiniteQueryOptions, type QueryClient, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * The host's side of live sessions (docs/live.md; pages/merchant/live-*): the merchant's sessions
 * by status, one session as its host runs it (lineup, board, timeline), and what the host does to
 * it. Every answer of a change is the whole session: it is written into the session's cache entry
 * (keys.merchant.liveSession, the one the console reads and the `live.board` push writes) and the
 * lists are read again.
 */

export const LIVE_LIST_PAGE_SIZE = 10;
/** The console's fallback refresh while pushes do not arrive (the socket is down, or the role has no merchant topic). */
export const LIVE_CONSOLE_POLL_MS = 15_000;

export function listHostLiveSessions(merchantId: string, status: LiveSessionStatus | 'all', cursor: string | null, signal?: AbortSignal): Promise<HostLiveSessionPage> {
  return request('listHostLiveSessions', { params: { merchantId }, query: { status: status === 'all' ? undefined : status, cursor: cursor ?? undefined, limit: LIVE_LIST_PAGE_SIZE } }, { signal });
}

export function listHostLiveSessionsOptions(merchantId: string, status: LiveSessionStatus | 'all') {
  return infiniteQueryOptions({
    queryKey: keys.merchant.liveList(merchantId, status),
    queryFn: ({ pageParam, signal }) => listHostLiveSessions(merchantId, status, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useHostLiveSessions(merchantId: string, status: LiveSessionStatus | 'all') {
  return useInfiniteQuery(listHostLiveSessionsOptions(merchantId, status));
}

export function getHostLiveSession(merchantId: string, sessionId: string, signal?: AbortSignal): Promise<HostLiveSession> {
  return request('getHostLiveSession', { params: { merchantId, sessionId } }, { signal });
}

/**
 * One session as its host runs it. `pollMs`: a slow refresh while the session runs and pushes do
 * not arrive (false: none, the push keeps the board current).
 */
export function getHostLiveSessionOptions(merchantId: string, sessionId: string, pollMs: number | false = false) {
  return queryOptions({
    queryKey: keys.merchant.liveSession(merchantId, sessionId),
    queryFn: ({ signal }) => getHostLiveSession(merchantId, sessionId, signal),
    enabled: merchantId !== '' && sessionId !== '',
    refetchInterval: (q) => (pollMs && (q.state.data?.status === 'live' || q.state.data?.status === 'paused') ? pollMs : false),
  });
}

export function useHostLiveSession(merchantId: string, sessionId: string, pollMs: number | false = false) {
  return useQuery(getHostLiveSessionOptions(merchantId, sessionId, pollMs));
}

/** Writes a session the server answered into its entry and has the lists read again. */
export function writeHostLiveSession(queryClient: QueryClient, merchantId: string, session: HostLiveSession): void {
  queryClient.setQueryData(keys.merchant.liveSession(merchantId, session.id), session);
  void queryClient.invalidateQueries({ queryKey: keys.merchant.liveLists(merchantId) });
}

function useSessionMutation<V>(merchantId: string, name: string, fn: (vars: V) => Promise<HostLiveSession>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'live', name],
    mutationFn: fn,
    onSuccess: (session) => writeHostLiveSession(queryClient, merchantId, session),
  });
}

export function useCreateLiveSession(merchantId: string) {
  return useSessionMutation(merchantId, 'create', ({ body, idempotencyKey }: { body: CreateLiveSessionBody; idempotencyKey: string }) =>
    request('createLiveSession', { params: { merchantId }, body }, { idempotencyKey }),
  );
}

export function useUpdateLiveSession(merchantId: string) {
  return useSessionMutation(merchantId, 'update', ({ sessionId, body, idempotencyKey }: { sessionId: string; body: UpdateLiveSessionBody; idempotencyKey: string }) =>
    request('updateLiveSession', { params: { merchantId, sessionId }, body }, { idempotencyKey }),
  );
}

export function useActLiveSession(merchantId: string) {
  return useSessionMutation(merchantId, 'act', ({ sessionId, action, idempotencyKey }: { sessionId: string; action: LiveAction; idempotencyKey: string }) =>
    request('actLiveSession', { params: { merchantId, sessionId }, body: { action } }, { idempotencyKey }),
  );
}

export function useAddLiveLine(merchantId: string) {
  return useSessionMutation(merchantId, 'add-line', ({ sessionId, line, idempotencyKey }: { sessionId: string; line: LiveLineInput; idempotencyKey: string }) =>
    request('addLiveLine', { params: { merchantId, sessionId }, body: line }, { idempotencyKey }),
  );
}

export function useUpdateLiveLine(merchantId: string) {
  return useSessionMutation(merchantId, 'update-line', ({ sessionId, skuId, body, idempotencyKey }: { sessionId: string; skuId: string; body: UpdateLiveLineBody; idempotencyKey: string }) =>
    request('updateLiveLine', { params: { merchantId, sessionId, skuId }, body }, { idempotencyKey }),
  );
}

export function useLinkLiveWechatRoom(merchantId: string) {
  return useSessionMutation(merchantId, 'wechat-room', ({ sessionId, roomId, idempotencyKey }: { sessionId: string; roomId: number; idempotencyKey: string }) =>
    request('linkLiveWechatRoom', { params: { merchantId, sessionId }, body: { roomId } }, { idempotencyKey }),
  );
}

/**
 * Pins a lineup product (null unpins), optimistically: the session's entry shows it pinned at
 * once and goes back to what it was when the server refuses.
 */
export function usePinLiveProduct(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'live', 'pin'],
    mutationFn: ({ sessionId, productId }: { sessionId: string; productId: string | null }) =>
      request('pinLiveProduct', { params: { merchantId, sessionId }, body: { productId } }),
    onMutate: async ({ sessionId, productId }) => {
      const key = keys.merchant.liveSession(merchantId, sessionId);
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<HostLiveSession>(key);
      if (before) queryClient.setQueryData<HostLiveSession>(key, { ...before, pinnedProductId: productId });
      return { before };
    },
    onError: (_e, { sessionId, productId }, context) => {
      const key = keys.merchant.liveSession(merchantId, sessionId);
      const now = queryClient.getQueryData<HostLiveSession>(key);
      // Back to what it was, unless something newer (a push, another answer) changed it meanwhile.
      if (context?.before && now?.pinnedProductId === productId) queryClient.setQueryData<HostLiveSession>(key, { ...now, pinnedProductId: context.before.pinnedProductId });
    },
    onSuccess: (session) => writeHostLiveSession(queryClient, merchantId, session),
  });
}
