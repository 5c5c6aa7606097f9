import type { LiveLine, LiveSession } from '@contract';
import { useQuery } from '@tanstack/react-query';
import { liveSessionOptions } from './getLiveSession';

/**
 * A session as the pages a live room sends viewers to need it (the product page opened with
 * `live=`, the Douyin mount entry): the room's own query (keys.live.session), so they share one
 * copy; no polling there.
 */
export const useLiveSessionEntry = (sessionId: string | null) => useQuery({ ...liveSessionOptions(sessionId ?? ''), enabled: !!sessionId });

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
