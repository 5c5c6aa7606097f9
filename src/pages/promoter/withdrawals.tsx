import type { Withdrawal, WithdrawalDestination, WithdrawalStatus } from '@contract/referral-withdrawal';
import { formatPrice } from '@contract/money';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { icons } from '@/components';
import { ListPage } from '@/components/list-page';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { useWithdrawals } from '@/services/referral/withdrawals';
import { formatDateTime } from './format';
import './promoter.css';

type Tab = WithdrawalStatus | 'all';
const TABS: readonly Tab[] = ['all', 'requested', 'transferring', 'succeeded', 'rejected', 'failed'];
const tabLabel = (tab: Tab) => (tab === 'all' ? t('withdraw.htab.all') : t(`withdraw.pstatus.${tab}`));
const DEST: Record<WithdrawalDestination, string> = {
  balance: t('withdraw.destination.balance'),
  wechat: t('withdraw.destination.wechat'),
  alipay: t('withdraw.destination.alipay'),
};

function WithdrawalRow({ item }: { item: Withdrawal }) {
  return (
    <View className="pm-commission" data-testid="pm-withdrawal" data-status={item.status}>
      <View className="pm-commission__top">
        <Text className="pm-wd-row__amount">{formatPrice(item.amount)}</Text>
        <Text className={`pm-chip pm-chip--${item.status}`}>{t(`withdraw.pstatus.${item.status}`)}</Text>
      </View>
      <View className="pm-commission__meta">
        <Text>{DEST[item.destination]}</Text>
        <Text>{t('withdraw.row.fee', { fee: formatPrice(item.fee), payout: formatPrice(item.payout) })}</Text>
      </View>
      {item.status === 'rejected' && item.reason && <Text className="pm-wd-row__reason">{t('withdraw.reason', { reason: item.reason })}</Text>}
      {item.status === 'failed' && item.failReason && <Text className="pm-wd-row__reason">{t('withdraw.failReason', { reason: item.failReason })}</Text>}
      <View className="pm-commission__foot">
        <Text>{t('withdraw.requestedAt', { time: formatDateTime(item.createdAt) })}</Text>
      </View>
    </View>
  );
}

/** The promoter's withdrawals, one status per tab (the server filters), newest first. */
export default function PromoterWithdrawals() {
  const [tab, setTab] = useState<Tab>('all');
  const list = useWithdrawals(tab);
  useLoginGate(list.error, list.refetch);
  return (
    <ListPage
      title={t('withdraw.historyTitle')}
      className="pm"
      list={list}
      itemKey={(w) => w.id}
      renderItem={(w) => <WithdrawalRow item={w} />}
      itemsClassName="pm-list"
      tabs={{ tabs: TABS.map((key) => ({ key, label: tabLabel(key) })), active: tab, onChange: setTab }}
      emptyText={t('withdraw.historyEmpty')}
      emptyIcon={icons.ClipboardList}
      emptyActionText={t('withdraw.historyEmptyAction')}
      onEmptyAction={() => void openPage(PAGES.promoterWithdraw)}
    />
  );
}
