import type { HostLiveSessionPage, LiveSessionStatus } from '@contract/live';
import { Button, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, Picture, Price, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { useHostLiveSessions } from '@/services/merchant/live';
import { LiveFig, LiveStatus } from './live-shared';
import { formatTime, openWb, useWorkbench, WbList } from './shared';
import './workbench.css';
import './live.css';

/**
 * 直播管理: the merchant's sessions in three tabs (直播中: live or paused; 未开始; 已结束: ended or
 * cancelled), each with its cover, title, start, status and its board's orders and GMV. A
 * session opens its console; one not over yet can be edited; 创建直播 below.
 */
export type LiveTab = 'live' | 'scheduled' | 'ended';
export const LIVE_TABS: readonly LiveTab[] = ['live', 'scheduled', 'ended'];

/** What each tab asks the server for, and which statuses it shows (the server filters by one status). */
const TAB_QUERY: Record<LiveTab, { status: LiveSessionStatus | 'all'; shows: readonly LiveSessionStatus[] }> = {
  live: { status: 'all', shows: ['live', 'paused'] },
  scheduled: { status: 'scheduled', shows: ['scheduled'] },
  ended: { status: 'all', shows: ['ended', 'cancelled'] },
};

type Row = HostLiveSessionPage['items'][number];

function SessionCard({ s, merchantId }: { s: Row; merchantId: string }) {
  const over = s.status === 'ended' || s.status === 'cancelled';
  return (
    <View className="wb-card" data-testid="wb-live-session">
      <View className="wb-live-row" onClick={() => openWb('live-console', merchantId, { id: s.id })}>
        <Picture className="wb-live-row__cover" src={s.cover} alt="" />
        <View className="wb-live-row__body">
          <Text className="wb-live-row__title">{s.title}</Text>
          <View>
            <LiveStatus status={s.status} />
          </View>
          <Text className="wb-muted">{t('wb.live.startsAt', { time: formatTime(s.startsAt) })}</Text>
        </View>
      </View>
      <View className="wb-live-figs">
        <LiveFig label={t('wb.live.orders')} testId="wb-live-orders">
          <Text>{s.board.orders}</Text>
        </LiveFig>
        <LiveFig label={t('wb.live.paidOrders')}>
          <Text>{s.board.paidOrders}</Text>
        </LiveFig>
        <LiveFig label={t('wb.live.gmv')} hot testId="wb-live-gmv">
          <Price fen={s.board.gmv} size="sm" />
        </LiveFig>
      </View>
      <View className="wb-actions">
        {!over && (
          <Button className="wb-btn" onClick={() => openWb('live-edit', merchantId, { id: s.id })} data-testid="wb-live-edit">
            {t('wb.live.edit')}
          </Button>
        )}
        <Button className="wb-btn wb-btn--primary" onClick={() => openWb('live-console', merchantId, { id: s.id })} data-testid="wb-live-open">
          {t('wb.live.open')}
        </Button>
      </View>
    </View>
  );
}

function parseTab(raw: string | undefined): LiveTab {
  return LIVE_TABS.find((tab) => tab === raw) ?? 'live';
}

export default function WorkbenchLiveSessions() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canLive } = wb;
  const [tab, setTab] = useState<LiveTab>(() => parseTab(params.tab));
  const q = TAB_QUERY[tab];
  const list = useHostLiveSessions(canLive ? merchantId : '', q.status);

  return (
    <WbList
      wb={wb}
      allowed={canLive}
      forbiddenText={t('wb.live.forbidden')}
      title={t('wb.live.title')}
      list={list}
      itemKey={(s) => s.id}
      filter={(s) => q.shows.includes(s.status)}
      renderItem={(s) => <SessionCard s={s} merchantId={merchantId} />}
      tabs={{
        tabs: [
          { key: 'live', label: t('wb.live.tabLive') },
          { key: 'scheduled', label: t('wb.live.tabScheduled') },
          { key: 'ended', label: t('wb.live.tabEnded') },
        ],
        active: tab,
        onChange: setTab,
      }}
      emptyText={t(`wb.live.empty.${tab}`)}
      emptyIcon={icons.ClipboardList}
      emptyActionText={tab === 'ended' ? undefined : t('wb.live.create')}
      onEmptyAction={tab === 'ended' ? undefined : () => openWb('live-edit', merchantId)}
      skeleton={<Skeleton rows={3} avatar />}
      after={
        canLive && (
          <>
            <View className="wb-bar-space" />
            <View className="wb-bar">
              <Button className="wb-btn wb-btn--primary" onClick={() => openWb('live-edit', merchantId)} data-testid="wb-live-create">
                {t('wb.live.create')}
              </Button>
            </View>
          </>
        )
      }
    />
  );
}
