import type { CommissionItem, CommissionState } from '@contract/referral-commission';
import { formatPrice } from '@contract/money';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, OrderNumber } from '@/components';
import { ListPage } from '@/components/list-page';
import { t } from '@/i18n/catalog';
import { commissionStateLabels, referralLevelLabels } from '@/i18n/referral';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { useReferralCommissions } from '@/services/referral/listReferralCommissions';
import { formatDate, formatDateTime } from './format';
import './promoter.css';

type Tab = CommissionState | 'all';
const TABS: readonly Tab[] = ['all', 'pending', 'frozen', 'available', 'withdrawn', 'reversed'];
const parseTab = (raw: string | undefined): Tab => TABS.find((x) => x === raw) ?? 'all';
const tabLabel = (tab: Tab) => (tab === 'all' ? t('commissions.tabAll') : commissionStateLabels[tab]);

function CommissionRow({ item }: { item: CommissionItem }) {
  const gone = item.state === 'reversed';
  return (
    <View className="pm-commission" data-testid="pm-commission" data-state={item.state}>
      <View className="pm-commission__top">
        <Text className="pm-commission__title">{item.productTitle}</Text>
        <Text className={`pm-commission__amount${gone ? ' pm-commission__amount--void' : ''}`}>{`+${formatPrice(item.amount)}`}</Text>
      </View>
      <View className="pm-commission__meta">
        <Text>{`${t('commissions.level', { level: referralLevelLabels[item.level] ?? String(item.level) })} · ${t('commissions.quantity', { n: item.quantity })}`}</Text>
        <Text className={`pm-chip pm-chip--${item.state}`}>{commissionStateLabels[item.state]}</Text>
      </View>
      <OrderNumber no={item.orderNo} copyable />
      {item.reversedAmount > 0 && <Text className="pm-commission__reversed">{t('commissions.reversed', { amount: formatPrice(item.reversedAmount) })}</Text>}
      <View className="pm-commission__foot">
        <Text>{t('commissions.placedAt', { time: formatDateTime(item.placedAt) })}</Text>
        {item.state === 'frozen' && item.availableAt !== null && <Text>{t('commissions.availableAt', { date: formatDate(item.availableAt) })}</Text>}
      </View>
    </View>
  );
}

/**
 * The promoter's commissions, one state per tab (the server filters): each with its order
 * number, product, quantity, level, amount, what refunds took back, its state and, while
 * frozen, when it becomes available.
 */
export default function PromoterCommissions() {
  const { params } = useRouter();
  const [tab, setTab] = useState<Tab>(() => parseTab(params.state));
  const list = useReferralCommissions(tab);
  useLoginGate(list.error, list.refetch);
  return (
    <ListPage
      title={t('commissions.title')}
      className="pm"
      list={list}
      itemKey={(c) => c.id}
      renderItem={(c) => <CommissionRow item={c} />}
      itemsClassName="pm-list"
      tabs={{ tabs: TABS.map((key) => ({ key, label: tabLabel(key) })), active: tab, onChange: setTab }}
      emptyText={t('commissions.empty')}
      emptyIcon={icons.ClipboardList}
      emptyActionText={t('commissions.emptyAction')}
      onEmptyAction={() => void openPage(PAGES.promoterPosters)}
    />
  );
}
