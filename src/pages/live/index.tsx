import type { LiveSessionSummary } from '@contract/live';
import { Text, View } from '@tarojs/components';
import { Picture, Skeleton } from '@/components';
import { ListPage } from '@/components/list-page';
import { countText, lt } from '@/i18n/live';
import { useLiveSessions } from '@/services/live/listLiveSessions';
import { formatStartTime } from '@/services/live/time';
import { openPage, PAGES } from '@/services/platform/nav';
import { Radio } from './icons';
import './live.css';

function statusLabel(s: LiveSessionSummary): string {
  if (s.status === 'live') return lt('list.onAir');
  if (s.status === 'paused') return lt('list.paused');
  return lt('list.upcoming');
}

function SessionRow({ session }: { session: LiveSessionSummary }) {
  const onAir = session.status === 'live' || session.status === 'paused';
  return (
    <View className="live-item" onClick={() => void openPage(PAGES.liveRoom(session.id))} data-testid="live-item" data-status={session.status}>
      <View className="live-item__media">
        <Picture className="live-item__cover" src={session.cover} alt={session.title} />
        <Text className={`live-item__badge${onAir ? ' live-item__badge--on' : ''}`}>{statusLabel(session)}</Text>
      </View>
      <View className="live-item__body">
        <Text className="live-item__title">{session.title}</Text>
        <Text className="live-item__merchant">{session.merchantName}</Text>
        <Text className="live-item__meta">
          {onAir ? lt('list.viewers', { n: countText(session.viewers) }) : lt('list.startsAt', { time: formatStartTime(session.startsAt) })}
        </Text>
      </View>
    </View>
  );
}

/** The live list (the home page's 直播 entry): sessions on air first, then the upcoming ones with their start time (the server's order). */
export default function LiveList() {
  const list = useLiveSessions();
  return (
    <ListPage
      title={lt('list.title')}
      className="live-list"
      list={list}
      itemKey={(s) => s.id}
      renderItem={(s) => <SessionRow session={s} />}
      emptyText={lt('list.empty')}
      emptyIcon={Radio}
      emptyActionText={lt('list.emptyAction')}
      onEmptyAction={() => void openPage(PAGES.home)}
      skeleton={<Skeleton rows={4} avatar />}
    />
  );
}
