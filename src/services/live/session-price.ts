import type { LiveLine, LiveSession } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * A session as the pages a live room sends viewers to need it (the product page opened with
 * `live=`, the Douyin mount entry): GET /api/live/sessions/:sessionId, under the viewers' key
 * (keys.live.session), so the room page's copy is the same one. (The viewer's page declares its
 * own fetcher for this route; the two are one at merge.)
 */
export const getLiveSessionForEntry = (sessionId: string, signal?: AbortSignal): Promise<LiveSession> =>
  request('getLiveSession', { params: { sessionId } }, { signal });

export const liveSessionEntryQuery = (sessionId: string) =>
  queryOptions({
    queryKey: keys.live.session(sessionId),
    queryFn: ({ signal }) => getLiveSessionForEntry(sessionId, signal),
  });

export const useLiveSessionEntry = (sessionId: string | null) => useQuery({ ...liveSessionEntryQuery(sessionId ?? ''), enabled: !!sessionId });

/** The session's line of a SKU while the session price applies (live or paused, the SKU in the lineup), else null: the server's rule, shown. */
export function liveLineOf(session: LiveSession | undefined | null, skuId: string | null | undefined): LiveLine | null {
  if (!session || !skuId || (session.status !== 'live' && session.status !== 'paused')) return null;
  return session.lines.find((l) => l.skuId === skuId) ?? null;
}

/** Where a Douyin mount entry leads: the pinned product's page with the session, else the session's room. */
export function mountTarget(session: Pick<LiveSession, 'id' | 'pinnedProductId'>): string {
  const id = encodeURIComponent(session.id);
  return session.pinnedProductId ? `/pages/product/index?id=${encodeURIComponent(session.pinnedProductId)}&live=${id}` : `/pages/live/room?id=${id}`;
}
