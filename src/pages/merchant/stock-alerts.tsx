import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useState } from 'react';
import { OfflineBanner, PageState, Picture, Skeleton, TitleBar, icons } from '@/components';
import { t } from '@/i18n/messages';
import { useStockAlerts } from '@/services/merchant/goods';
import { Forbidden, ListFoot, nextPageOnReachBottom, openWb, useWorkbench } from './shared';
import './workbench.css';

const THRESHOLDS = [0, 5, 10] as const;

export default function WorkbenchStockAlerts() {
  const { merchantId, canRun, workplaceQuery } = useWorkbench();
  const [threshold, setThreshold] = useState<number>(0);
  const alerts = useStockAlerts(canRun ? merchantId : '', threshold);
  useReachBottom(() => nextPageOnReachBottom(alerts));
  usePullDownRefresh(() => {
    void alerts.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  if (workplaceQuery.data && !canRun) {
    return (
      <View className="wb">
        <TitleBar title={t('wb.alerts.title')} />
        <Forbidden />
      </View>
    );
  }

  const list = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <View className="wb">
      <TitleBar title={t('wb.alerts.title')} />
      <OfflineBanner />
      <View className="wb-tabs" role="tablist">
        {THRESHOLDS.map((n) => (
          <View key={n} role="tab" aria-selected={n === threshold} className={`wb-tab${n === threshold ? ' wb-tab--active' : ''}`} onClick={() => setThreshold(n)}>
            {n === 0 ? t('wb.alerts.soldOut') : t('wb.alerts.low', { n })}
          </View>
        ))}
      </View>
      <PageState
        isLoading={alerts.isLoading || (!merchantId && workplaceQuery.isLoading)}
        isError={alerts.isError && list.length === 0}
        error={alerts.error}
        isEmpty={list.length === 0}
        emptyText={t('wb.alerts.empty')}
        emptyIcon={icons.PackageCheck}
        onRetry={() => void alerts.refetch()}
        showHome={false}
        skeleton={<Skeleton rows={3} avatar />}
      >
        {list.map((a) => (
          <View key={a.skuId} className="wb-card" data-testid="wb-alert">
            <View className="wb-item">
              <Picture className="wb-item__img" src={a.cover} alt="" />
              <View className="wb-item__body">
                <Text className="wb-item__title">{a.title}</Text>
                <Text className="wb-item__meta">
                  {!a.onShelf && <Text className="wb-badge wb-badge--plain">{t('wb.products.offShelf')}</Text>}
                  {a.specText || t('wb.products.defaultSpec')}
                </Text>
                <View className="wb-order__foot">
                  <Text className="wb-status">{a.stock === 0 ? t('wb.alerts.soldOut') : t('wb.alerts.left', { n: a.stock })}</Text>
                  <Text className="wb-link" onClick={() => openWb('products', merchantId, { q: a.title })}>
                    {t('wb.alerts.restock')}
                  </Text>
                </View>
              </View>
            </View>
          </View>
        ))}
        <ListFoot list={alerts} />
      </PageState>
    </View>
  );
}
