import type { LiveSessionSummary } from '@contract/live';
import { useEffect, useState } from 'react';
import { Box, Inline } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { useLiveEntry } from '@/services/live/listLiveSessions';
import { formatStartTime } from '@/services/live/time';
import { openPage, PAGES } from '@/services/platform/nav';

/** How long the home page's top waits for the live entry once the home request has answered. */
export const LIVE_ENTRY_WAIT_MS = 400;

/**
 * The 直播 entry's session for the home page, and whether the page's top may show: the entry is
 * asked for with the home request (both preloaded from index.html on H5) and the top appears
 * with it, so a row arriving late does not push the page down (layout shift); it waits at most
 * LIVE_ENTRY_WAIT_MS after the home request for a slow or failing answer.
 */
export function useHomeLive(homeReady: boolean): { session: LiveSessionSummary | undefined; settled: boolean } {
  const entry = useLiveEntry();
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    if (!homeReady) return undefined;
    const timer = setTimeout(() => setWaited(true), LIVE_ENTRY_WAIT_MS);
    return () => clearTimeout(timer);
  }, [homeReady]);
  return { session: entry.data?.items[0], settled: !entry.isPending || waited };
}

/**
 * The home page's 直播 entry: shown only while a session is on air or coming (the list's first
 * one). On air it opens that room; upcoming, the live list.
 */
export function LiveEntry({ session }: { session: LiveSessionSummary | undefined }) {
  if (!session || session.status === 'ended' || session.status === 'cancelled') return null;
  const onAir = session.status === 'live' || session.status === 'paused';
  return (
    <Box
      className="home-live"
      role="link"
      onClick={() => void openPage(onAir ? PAGES.liveRoom(session.id) : PAGES.live)}
      data-testid="home-live"
    >
      <Inline className={`home-live__dot${onAir ? ' home-live__dot--on' : ''}`} aria-hidden="true" />
      <Inline className="home-live__label">{t('live.entry')}</Inline>
      <Inline className="home-live__status">{onAir ? t('live.entryOnAir') : t('live.entryUpcoming', { time: formatStartTime(session.startsAt) })}</Inline>
      <Inline className="home-live__title">{session.title}</Inline>
      <Inline className="home-live__more" aria-hidden="true">
        ›
      </Inline>
    </Box>
  );
}
