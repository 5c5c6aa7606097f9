import type { AfterSale } from '@contract/aftersale';
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, OfflineBanner, PageState, Picture, Price, Skeleton, TitleBar } from '@/components';
import { t } from '@/i18n/messages';
import { afterSaleKindLabels, afterSaleReasonLabels, afterSaleStatusLabels } from '@/i18n/merchant';
import { type AfterSaleTab, useMerchantAfterSales } from '@/services/merchant/after-sales';
import { Forbidden, formatTime, ListFoot, nextPageOnReachBottom, openWb, useWorkbench } from './shared';
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
        <View className="wb-item">
          <Picture className="wb-item__img" src={first.image} alt="" />
          <View className="wb-item__body">
            <Text className="wb-item__title">{first.title}</Text>
            <Text className="wb-item__meta">{`${afterSaleReasonLabels[item.reason]} · ${formatTime(item.createdAt)}`}</Text>
          </View>
          <Price fen={item.amount} size="sm" />
        </View>
      )}
    </View>
  );
}

export default function WorkbenchAfterSales() {
  const { params } = useRouter();
  const { merchantId, canRun, workplaceQuery } = useWorkbench();
  const [tab, setTab] = useState<AfterSaleTab>(() => parseTab(params.status));
  const list = useMerchantAfterSales(canRun ? merchantId : '', tab);
  useReachBottom(() => nextPageOnReachBottom(list));
  usePullDownRefresh(() => {
    void list.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  if (workplaceQuery.data && !canRun) {
    return (
      <View className="wb">
        <TitleBar title={t('wb.as.title')} />
        <Forbidden />
      </View>
    );
  }

  const counts = list.data?.pages[0]?.counts;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <View className="wb">
      <TitleBar title={t('wb.as.title')} />
      <OfflineBanner />
      <View className="wb-tabs" role="tablist">
        {AFTER_SALE_TABS.map((key) => {
          const n = key !== 'all' && counts ? (counts[key] ?? 0) : 0;
          return (
            <View key={key} role="tab" aria-selected={key === tab} className={`wb-tab${key === tab ? ' wb-tab--active' : ''}`} onClick={() => setTab(key)}>
              {key === 'all' ? t('wb.as.all') : afterSaleStatusLabels[key]}
              {n > 0 && <Text className="wb-tab__count">{n > 99 ? '99+' : n}</Text>}
            </View>
          );
        })}
      </View>
      <PageState
        isLoading={list.isLoading || (!merchantId && workplaceQuery.isLoading)}
        isError={list.isError && items.length === 0}
        error={list.error}
        isEmpty={items.length === 0}
        emptyText={t('wb.as.empty')}
        emptyIcon={icons.ClipboardList}
        onRetry={() => void list.refetch()}
        showHome={false}
        skeleton={<Skeleton rows={3} avatar />}
      >
        {items.map((item) => (
          <AfterSaleRow key={item.id} item={item} merchantId={merchantId} />
        ))}
        <ListFoot list={list} />
      </PageState>
    </View>
  );
}
