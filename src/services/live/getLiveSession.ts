import type { LiveSession } from '@contract/live';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getLiveSession = (sessionId: string, signal?: AbortSignal): Promise<LiveSession> =>
  request('getLiveSession', { params: { sessionId } }, { signal });

/**
 * A session as a viewer sees it (the room). The topic (useLiveTopic) keeps it current and
 * refetches it on (re)subscribing; without the push the room asks again every POLL_MS while it
 * is on air (see pollInterval), slower while it waits to start.
 */
export function liveSessionOptions(sessionId: string) {
  return queryOptions({
    queryKey: keys.live.session(sessionId),
    queryFn: ({ signal }) => getLiveSession(sessionId, signal),
  });
}

/** The room's fallback refresh when the push is down: on air every 10 s, before the start every 30 s, never once over. */
export function pollInterval(status: LiveSession['status'] | undefined, pushLive: boolean): number | false {
  if (pushLive || status === undefined) return false;
  if (status === 'live' || status === 'paused') return 10_000;
  if (status === 'scheduled') return 30_000;
  return false;
}

export function useLiveSession(sessionId: string, pushLive: boolean) {
  return useQuery({
    ...liveSessionOptions(sessionId),
    enabled: sessionId !== '',
    refetchInterval: (q) => pollInterval(q.state.data?.status, pushLive),
  });
}
