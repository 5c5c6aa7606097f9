import { useEffect, useState } from 'react';
import { Box, Inline } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { useLiveEntry } from '@/services/live/listLiveSessions';
import { formatStartTime } from '@/services/live/time';
import { openPage, PAGES } from '@/services/platform/nav';

/**
 * The home page's 直播 entry: shown only while a session is on air or coming (the list's first
 * one), asked for after the page's first paint so it adds nothing to the first load. On air it
 * opens that room; upcoming, the live list.
 */
export function LiveEntry({ ready }: { ready: boolean }) {
  // One task after the page has painted its first content (the home request answered).
  const [afterPaint, setAfterPaint] = useState(false);
  useEffect(() => {
    if (!ready) return undefined;
    const timer = setTimeout(() => setAfterPaint(true), 0);
    return () => clearTimeout(timer);
  }, [ready]);
  const entry = useLiveEntry(afterPaint);
  const session = entry.data?.items[0];
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
