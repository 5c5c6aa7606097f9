import { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import { OfflineBanner, PageState, TitleBar } from '@/components';
import { Box, Inline } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { ApiError } from '@/services/http';
import { mountTarget, useLiveSessionEntry } from '@/services/live/session-price';
import { replacePage } from '@/services/platform/nav';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The Douyin live-room mount entry (直播自主挂载, docs/live.md "Distribution"): the anchor mounts
 * `pages/live/mount?session=<id>`; a viewer tapping the room's 小雪花 or 讲解卡 lands here, and
 * the page goes on to what the session shows now: the pinned product's page with `live=` (its
 * session price, bought with the session), or, with nothing pinned, the session's room page.
 * Replaced, not pushed: going back leaves the mini-program for the live room.
 */
export default function LiveMountEntry() {
  const { params } = useRouter();
  const sessionId = params.session && ID.test(params.session) ? params.session : null;
  const session = useLiveSessionEntry(sessionId);
  const data = session.data;

  useEffect(() => {
    if (data) void replacePage(mountTarget(data));
  }, [data]);

  return (
    <Box>
      <TitleBar title={t('liveMountTitle')} />
      <OfflineBanner />
      <PageState
        isLoading={sessionId !== null && !data}
        isError={sessionId === null || (session.isError && !data)}
        error={sessionId === null ? new ApiError({ code: 'NOT_FOUND', status: 404 }) : session.error}
        notFoundText={t('liveMountNotFound')}
        onRetry={() => void session.refetch()}
      >
        <Inline>{t('liveMountOpening')}</Inline>
      </PageState>
    </Box>
  );
}
