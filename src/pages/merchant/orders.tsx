import type { MerchantOrderRow, MerchantOrderTab } from '@contract';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons } from '@/components';
import { orderStatusLabels } from '@/i18n/messages';
import { t } from '@/i18n/workbench';
import { merchantOrderTabLabels } from '@/i18n/merchant';
import { useMerchantOrders } from '@/services/merchant/orders';
import { formatTime, Item, maskPhone, openWb, useWorkbench, WbList } from './shared';
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
      <Item
        image={order.image}
        title={order.title}
        meta={`${order.lineCount > 1 ? `${t('wb.orders.lines', { count: order.lineCount })} · ` : ''}${t('wb.orders.pieces', { count: order.itemCount })}`}
        price={order.payableAmount}
      />
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
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [tab, setTab] = useState<MerchantOrderTab>(() => parseTab(params.tab));
  const [q, setQ] = useState('');
  const orders = useMerchantOrders(canRun ? merchantId : '', tab, q);
  const cue = useNewOrderCue(canRun ? merchantId : '');
  const counts = orders.data?.pages[0]?.counts;

  return (
    <WbList
      wb={wb}
      allowed={canRun}
      title={t('wb.orders.title')}
      list={orders}
      itemKey={(order) => order.id}
      renderItem={(order) => <OrderRow order={order} merchantId={merchantId} />}
      search={{ value: q, onSearch: setQ, placeholder: t('wb.orders.searchPlaceholder'), testId: 'wb-order-search' }}
      tabs={{ tabs: MERCHANT_TABS.map((key) => ({ key, label: merchantOrderTabLabels[key], count: key === 'all' ? undefined : counts?.[key] })), active: tab, onChange: setTab }}
      head={
        cue.needsGesture &&
        !cue.soundOn && (
          <View className="wb-banner" onClick={cue.allowSound} data-testid="wb-sound">
            {t('wb.orders.soundOn')}
          </View>
        )
      }
      bodyClassName="wb-orders__list"
      emptyText={q ? t('wb.orders.emptySearch') : t('wb.orders.empty')}
      emptyIcon={icons.ClipboardList}
    />
  );
}
