import type { AfterSale } from '@contract/aftersale';
import { Button, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, OfflineBanner, OrderNumber, PageState, Price, Skeleton, TitleBar } from '@/components';
import { afterSaleKindLabels, afterSaleStatusLabels } from '@/i18n/aftersale-labels';
import { t } from '@/i18n/messages';
import { useListAfterSales } from '@/services/aftersale/listAfterSales';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { AfterSaleLineRow } from './as-line';
import { AFTER_SALE_TABS, type AfterSaleTab, inTab, parseTab, TAB_LABELS } from './tabs';
import './shared.css';
import './index.css';

function AfterSaleCard({ item }: { item: AfterSale }) {
  const open = () => void openPage(PAGES.afterSale(item.id));
  const pieces = item.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <View className="as-item" data-testid="as-item" data-status={item.status}>
      <View className="as-item__head" onClick={open}>
        <Text className="as-item__kind">{afterSaleKindLabels[item.kind]}</Text>
        <Text className={`as-item__status as-item__status--${item.status}`}>{afterSaleStatusLabels[item.status]}</Text>
      </View>
      <OrderNumber no={item.orderNo} className="as-item__no" />
      <View onClick={open}>
        {item.lines.slice(0, 2).map((l) => (
          <AfterSaleLineRow key={l.lineNo} line={l} />
        ))}
      </View>
      <View className="as-item__sum">
        <Text>{t('aftersale.itemCount', { count: pieces })}</Text>
        <Text className="as-item__sum-label">{t('aftersale.amount')}</Text>
        <Price fen={item.amount} />
      </View>
      <View className="as-item__actions">
        <Button className="as-btn" onClick={open}>
          {t('orders.viewDetail')}
        </Button>
      </View>
    </View>
  );
}

export default function AfterSaleListPage() {
  const { params } = useRouter();
  const [tab, setTab] = useState<AfterSaleTab>(() => parseTab(params.tab));
  const list = useListAfterSales();
  useLoginGate(list.error, list.refetch);

  useReachBottom(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && !list.isFetchNextPageError) void list.fetchNextPage();
  });
  usePullDownRefresh(() => {
    void list.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = all.filter((a) => inTab(tab, a.status));

  return (
    <View className="as-list">
      <TitleBar title={t('aftersale.listTitle')} />
      <OfflineBanner />
      <View className="as-list__tabs" role="tablist">
        {AFTER_SALE_TABS.map((key) => (
          <View
            key={key}
            role="tab"
            aria-selected={key === tab}
            className={`as-list__tab${key === tab ? ' as-list__tab--active' : ''}`}
            onClick={() => setTab(key)}
          >
            {t(TAB_LABELS[key])}
          </View>
        ))}
      </View>
      <View className="as-list__body">
        <PageState
          isLoading={list.isLoading}
          isError={list.isError && all.length === 0}
          error={list.error}
          isEmpty={shown.length === 0 && !list.hasNextPage}
          emptyText={t('aftersale.empty')}
          emptyIcon={icons.RotateCcw}
          emptyActionText={t('orders.title')}
          onEmptyAction={() => void openPage(PAGES.orders('all'))}
          onRetry={() => void list.refetch()}
          skeleton={
            <>
              <Skeleton rows={3} avatar />
              <Skeleton rows={3} avatar />
            </>
          }
        >
          {shown.map((item) => (
            <AfterSaleCard key={item.id} item={item} />
          ))}
          <View className="as-list__foot">
            {list.isFetchingNextPage ? (
              <Text>{t('orders.loadingMore')}</Text>
            ) : list.isFetchNextPageError ? (
              <Text className="as-list__more" onClick={() => void list.fetchNextPage()}>
                {t('orders.loadMoreFailed')}
              </Text>
            ) : list.hasNextPage ? (
              <Text className="as-list__more" onClick={() => void list.fetchNextPage()}>
                {t('loadMore')}
              </Text>
            ) : (
              <Text>{t('orders.noMore')}</Text>
            )}
          </View>
        </PageState>
      </View>
    </View>
  );
}
