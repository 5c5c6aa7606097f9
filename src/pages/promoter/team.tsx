import type { ReferralTeamPage } from '@contract/referral';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { icons } from '@/components';
import { ListPage } from '@/components/list-page';
import { t } from '@/i18n/catalog';
import { referralLevelLabels } from '@/i18n/referral';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { useReferralMe } from '@/services/referral/getReferralMe';
import { useReferralTeam } from '@/services/referral/listReferralTeam';
import { formatDateTime } from './format';
import './promoter.css';

type Member = ReferralTeamPage['items'][number] & { key: string };

const levelLabel = (level: number) => t('centre.teamLevel', { level: referralLevelLabels[level] ?? String(level) });

function MemberRow({ member }: { member: Member }) {
  return (
    <View className="pm-member" data-testid="pm-member">
      <View className="pm-avatar" aria-hidden="true">
        {Array.from(member.nickname)[0] ?? ''}
      </View>
      <View className="pm-member__body">
        <Text className="pm-member__name">{member.nickname}</Text>
        <Text className="pm-muted">{t('team.joinedAt', { time: formatDateTime(member.joinedAt) })}</Text>
      </View>
    </View>
  );
}

/**
 * The promoter's team, one level per tab (with its count), newest members first, a cursor page
 * at a time. Nicknames come masked from the server; a member has no id, so rows are keyed by
 * their place in the list.
 */
export default function PromoterTeam() {
  const { params } = useRouter();
  const me = useReferralMe();
  useLoginGate(me.error, me.refetch);
  const [chosen, setChosen] = useState(() => Math.max(1, Math.floor(Number(params.level)) || 1));
  const levels = me.data?.team ?? [];
  const level = Math.min(chosen, Math.max(1, levels.length));
  const team = useReferralTeam(level, me.data !== undefined);
  const total = levels.reduce((n, l) => n + l.count, 0);

  // Rows keyed by their place: the members carry no id.
  const list = useMemo(
    () => ({
      ...team,
      data: team.data && { pages: team.data.pages.map((p, pi) => ({ items: p.items.map((m, i): Member => ({ ...m, key: `${pi}:${i}` })) })) },
    }),
    [team],
  );

  return (
    <ListPage
      title={t('team.title')}
      className="pm"
      gate={me}
      list={list}
      itemKey={(m) => m.key}
      renderItem={(m) => <MemberRow member={m} />}
      itemsClassName="pm-list"
      tabs={{ tabs: levels.map((l) => ({ key: l.level, label: levelLabel(l.level), count: l.count })), active: level, onChange: setChosen }}
      head={
        me.data && (
          <View className="pm-list-head">
            <Text className="pm-list-head__title" data-testid="pm-team-total">
              {t('team.total', { n: total })}
            </Text>
            <Text className="pm-muted">{t('team.hint')}</Text>
          </View>
        )
      }
      emptyText={t('team.empty')}
      emptyIcon={icons.UserRound}
      emptyActionText={t('team.emptyAction')}
      onEmptyAction={() => void openPage(PAGES.promoterPosters)}
    />
  );
}
