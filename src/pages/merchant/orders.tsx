import type { MerchantOrderRow, MerchantOrderTab } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, OfflineBanner, PageState, Picture, Price, Skeleton, TitleBar } from '@/components';
import { orderStatusLabels, t } from '@/i18n/messages';
import { merchantOrderTabLabels } from '@/i18n/merchant';
import { useMerchantOrders } from '@/services/merchant/orders';
import { Forbidden, formatTime, ListFoot, maskPhone, nextPageOnReachBottom, openWb, useWorkbench } from './shared';
import { useNewOrderCue } from './use-new-order-cue';
import './workbench.css';
import './orders.css';

export const MERCHANT_TABS: readonly MerchantOrderTab[] = ['all', 'to_ship', 'to_pickup', 'shipped', 'completed', 'closed'];

function parseTab(raw: string | undefined): MerchantOrderTab {
  return MERCHANT_TABS.find((tab) => tab === raw) ?? 'all';
}

/** The status as the merchant reads it: a paid pickup order waits for its buyer, not for shipping. */
function statusText(o: MerchantOrderRow): string {
  if (o.status === 'paid') return o.fulfilmentType === 'pickup' ? merchantOrderTabLabels.to_pickup : merchantOrderTabLabels.to_ship;
  return orderStatusLabels[o.status];
}

function OrderRow({ order, merchantId }: { order: MerchantOrderRow; merchantId: string }) {
  const done = order.status === 'completed' || order.status === 'cancelled' || order.status === 'closed';
  return (
    <View className="wb-card wb-order" data-testid="wb-order" onClick={() => openWb('order', merchantId, { id: order.id })}>
      <View className="wb-order__head">
        <Text className="wb-order__no">{order.orderNo}</Text>
        <Text className={`wb-status${done ? ' wb-status--done' : ''}`}>{statusText(order)}</Text>
      </View>
      <View className="wb-item">
        <Picture className="wb-item__img" src={order.image} alt="" />
        <View className="wb-item__body">
          <Text className="wb-item__title">{order.title}</Text>
          <Text className="wb-item__meta">
            {order.lineCount > 1 ? `${t('wb.orders.lines', { count: order.lineCount })} · ` : ''}
            {t('wb.orders.pieces', { count: order.itemCount })}
          </Text>
        </View>
        <Price fen={order.payableAmount} size="sm" />
      </View>
      <View className="wb-order__foot">
        <Text className="wb-muted">
          <Text className={`wb-badge${order.fulfilmentType === 'pickup' ? '' : ' wb-badge--plain'}`}>
            {order.fulfilmentType === 'pickup' ? t('wb.orders.pickup') : t('wb.orders.delivery')}
          </Text>
          {order.contactName} {maskPhone(order.contactPhone)}
        </Text>
        <Text className="wb-muted">{formatTime(order.paidAt ?? order.createdAt)}</Text>
      </View>
      {order.merchantRemark && <Text className="wb-order__remark">{`${t('wb.order.remark')}：${order.merchantRemark}`}</Text>}
    </View>
  );
}

export default function WorkbenchOrders() {
  const { params } = useRouter();
  const { merchantId, canRun, workplaceQuery } = useWorkbench();
  const [tab, setTab] = useState<MerchantOrderTab>(() => parseTab(params.tab));
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const orders = useMerchantOrders(canRun ? merchantId : '', tab, q);
  const cue = useNewOrderCue(canRun ? merchantId : '');

  useReachBottom(() => nextPageOnReachBottom(orders));
  usePullDownRefresh(() => {
    void orders.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  const counts = orders.data?.pages[0]?.counts;
  const list = orders.data?.pages.flatMap((p) => p.items) ?? [];

  const search = (value = draft) => setQ(value.trim());
  const switchTab = (key: MerchantOrderTab) => {
    if (key === tab) return;
    setTab(key);
    void Taro.pageScrollTo({ scrollTop: 0, duration: 0 });
  };

  if (workplaceQuery.data && !canRun) {
    return (
      <View className="wb">
        <TitleBar title={t('wb.orders.title')} />
        <Forbidden />
      </View>
    );
  }

  return (
    <View className="wb wb-orders">
      <TitleBar title={t('wb.orders.title')} />
      <OfflineBanner />
      <View className="wb-search">
        <View className="wb-search__field">
        <Input
          className="wb-search__input"
          value={draft}
          placeholder={t('wb.orders.searchPlaceholder')}
          confirmType="search"
          maxlength={50}
          onInput={(e) => setDraft(e.detail.value)}
          onConfirm={(e) => search(e.detail.value)}
          data-testid="wb-order-search"
        />
        </View>
        {q ? (
          <Button className="wb-search__btn" onClick={() => { setDraft(''); search(''); }}>
            {t('wb.clear')}
          </Button>
        ) : (
          <Button className="wb-search__btn" onClick={() => search()} data-testid="wb-order-search-go">
            {t('wb.search')}
          </Button>
        )}
      </View>
      <View className="wb-tabs" role="tablist">
        {MERCHANT_TABS.map((key) => (
          <View key={key} role="tab" aria-selected={key === tab} className={`wb-tab${key === tab ? ' wb-tab--active' : ''}`} onClick={() => switchTab(key)}>
            {merchantOrderTabLabels[key]}
            {counts && key !== 'all' && counts[key] > 0 && <Text className="wb-tab__count">{counts[key] > 99 ? '99+' : counts[key]}</Text>}
          </View>
        ))}
      </View>
      {cue.needsGesture && !cue.soundOn && (
        <View className="wb-banner" onClick={cue.allowSound} data-testid="wb-sound">
          {t('wb.orders.soundOn')}
        </View>
      )}
      <View className="wb-orders__list">
        <PageState
          isLoading={orders.isLoading || (!merchantId && workplaceQuery.isLoading)}
          isError={orders.isError && list.length === 0}
          error={orders.error}
          isEmpty={list.length === 0}
          emptyText={q ? t('wb.orders.emptySearch') : t('wb.orders.empty')}
          emptyIcon={icons.ClipboardList}
          onRetry={() => void orders.refetch()}
          showHome={false}
          skeleton={
            <>
              <Skeleton rows={3} avatar />
              <Skeleton rows={3} avatar />
            </>
          }
        >
          {list.map((order) => (
            <OrderRow key={order.id} order={order} merchantId={merchantId} />
          ))}
          <ListFoot list={orders} />
        </PageState>
      </View>
    </View>
  );
}
