import type { LeaderboardEntry, LeaderboardPeriod } from '@contract/referral-commission';
import { formatPrice } from '@contract/money';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { Price, Skeleton } from '@/components';
import { TabBar } from '@/components/list-page';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { useReferralLeaderboard } from '@/services/referral/getReferralLeaderboard';
import { formatClock, formatDateTime } from './format';
import * as pmIcons from './icons';
import './promoter.css';

const PERIODS: readonly LeaderboardPeriod[] = ['month', 'all'];
const periodLabel = (p: LeaderboardPeriod) => (p === 'month' ? t('leaderboard.month') : t('leaderboard.all'));

/** Today's computations show the time only. */
function computedLabel(at: number, now = Date.now()): string {
  return new Date(at).toDateString() === new Date(now).toDateString() ? formatClock(at) : formatDateTime(at);
}

function RankRow({ entry }: { entry: LeaderboardEntry }) {
  const podium = entry.rank <= 3 ? ` pm-rank__no--${entry.rank}` : '';
  return (
    <View className={`pm-rank${entry.isMe ? ' pm-rank--me' : ''}`} data-testid="pm-rank" data-rank={entry.rank}>
      <Text className={`pm-rank__no${podium}`}>{entry.rank}</Text>
      <View className="pm-rank__name">
        <Text>{entry.nickname}</Text>
        {entry.isMe && <Text className="pm-rank__you">{t('leaderboard.you')}</Text>}
      </View>
      <Price fen={entry.amount} size="sm" />
    </View>
  );
}

/** The promoters' leaderboard: this month (Asia/Shanghai) or all time, the caller's own rank on top. */
export default function PromoterLeaderboard() {
  const [period, setPeriod] = useState<LeaderboardPeriod>('month');
  const board = useReferralLeaderboard(period);
  useLoginGate(board.error, board.refetch);
  const b = board.data;

  return (
    <PageFrame
      title={t('leaderboard.title')}
      className="pm"
      query={board}
      head={<TabBar tabs={PERIODS.map((key) => ({ key, label: periodLabel(key) }))} active={period} onChange={setPeriod} />}
      isEmpty={b !== undefined && b.items.length === 0}
      emptyText={t('leaderboard.empty')}
      emptyIcon={pmIcons.Trophy}
      emptyActionText={t('leaderboard.emptyAction')}
      onEmptyAction={() => void openPage(PAGES.promoterPosters)}
      skeleton={
        <>
          <Skeleton rows={1} />
          <Skeleton rows={5} />
        </>
      }
    >
      {b && (
        <>
          <View className="pm-rank-me" data-testid="pm-rank-me">
            <View>
              <Text className="pm-rank-me__label">{t('leaderboard.me')}</Text>
              <Text className="pm-rank-me__rank">{b.me.rank === null ? t('leaderboard.unranked') : t('leaderboard.rank', { rank: b.me.rank })}</Text>
            </View>
            <View className="pm-rank-me__side">
              <Text>{t('leaderboard.myAmount', { amount: formatPrice(b.me.amount) })}</Text>
              <Text>{t('leaderboard.updatedAt', { time: computedLabel(b.computedAt) })}</Text>
            </View>
          </View>
          <View className="pm-card pm-ranks" data-testid="pm-ranks">
            {b.items.map((entry, i) => (
              <RankRow key={`${entry.rank}:${i}`} entry={entry} />
            ))}
          </View>
          <Text className="pm-foot-note">{t('leaderboard.rule')}</Text>
        </>
      )}
    </PageFrame>
  );
}
