import type { AfterSale } from '@contract/aftersale';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { afterSaleKindLabels, afterSaleReasonLabels, afterSaleStatusLabels } from '@/i18n/merchant';
import { type AfterSaleTab, useMerchantAfterSales } from '@/services/merchant/after-sales';
import { formatTime, Item, openWb, useWorkbench, WbList } from './shared';
import './workbench.css';

/** The tabs: all, then what waits for the merchant (the page opens on 待处理), then the rest. */
export const AFTER_SALE_TABS: readonly AfterSaleTab[] = ['all', 'requested', 'returning', 'refund_failed', 'awaiting_return', 'refunding', 'refunded', 'rejected'];
const WAITING = new Set(['requested', 'returning', 'refund_failed']);

function parseTab(raw: string | undefined): AfterSaleTab {
  return AFTER_SALE_TABS.find((tab) => tab === raw) ?? 'requested';
}

function AfterSaleRow({ item, merchantId }: { item: AfterSale; merchantId: string }) {
  const first = item.lines[0];
  return (
    <View className="wb-card" data-testid="wb-after-sale" onClick={() => openWb('after-sale', merchantId, { id: item.id })}>
      <View className="wb-order__head">
        <Text>
          <Text className="wb-badge">{afterSaleKindLabels[item.kind]}</Text>
          <Text className="wb-muted">{item.orderNo}</Text>
        </Text>
        <Text className={`wb-status${WAITING.has(item.status) ? '' : ' wb-status--done'}`}>{afterSaleStatusLabels[item.status]}</Text>
      </View>
      {first && (
        <Item image={first.image} title={first.title} meta={`${afterSaleReasonLabels[item.reason]} · ${formatTime(item.createdAt)}`} price={item.amount} />
      )}
    </View>
  );
}

export default function WorkbenchAfterSales() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [tab, setTab] = useState<AfterSaleTab>(() => parseTab(params.status));
  const list = useMerchantAfterSales(canRun ? merchantId : '', tab);
  const counts = list.data?.pages[0]?.counts;

  return (
    <WbList
      wb={wb}
      allowed={canRun}
      title={t('wb.as.title')}
      list={list}
      itemKey={(item) => item.id}
      renderItem={(item) => <AfterSaleRow item={item} merchantId={merchantId} />}
      tabs={{
        tabs: AFTER_SALE_TABS.map((key) => (key === 'all' ? { key, label: t('wb.as.all') } : { key, label: afterSaleStatusLabels[key], count: counts?.[key] })),
        active: tab,
        onChange: setTab,
      }}
      emptyText={t('wb.as.empty')}
      emptyIcon={icons.ClipboardList}
      skeleton={<Skeleton rows={3} avatar />}
    />
  );
}
