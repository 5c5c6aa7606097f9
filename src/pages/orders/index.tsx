import type { Order, OrderTab } from '@contract';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, LineItem, OrderNumber, Price } from '@/components';
import { ListPage } from '@/components/list-page';
import { orderStatusLabels, orderTabLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { AFTER_SALE_ORDER_STATUSES } from '@/services/aftersale/estimate';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { keys } from '@/services/keys';
import { orderAmount } from '@/services/order/amount';
import { useListOrders } from '@/services/order/listOrders';
import { OrderActionButtons } from './order-actions';
import { AMOUNT_LABELS, ORDER_TABS, parseTab } from './tabs';
import { useOrderActions } from './use-order-actions';
import './index.css';

/** How many lines a card shows before "等 N 种商品". */
const CARD_LINES = 2;

function openDetail(order: Order) {
  void Taro.navigateTo({ url: `/pages/orders/detail?id=${encodeURIComponent(order.id)}` });
}

function OrderCard({ order, actions, onExpire }: { order: Order; actions: ReturnType<typeof useOrderActions>; onExpire: () => void }) {
  const pieces = order.lines.reduce((n, l) => n + l.quantity, 0);
  const amount = orderAmount(order);
  return (
    <View className="order-card" data-testid="order-card">
      <View className="order-card__head" onClick={() => openDetail(order)}>
        <Text className="order-card__merchant">{order.merchantName}</Text>
        <Text className={`order-card__status order-card__status--${order.status}`}>{orderStatusLabels[order.status]}</Text>
      </View>
      <OrderNumber no={order.orderNo} className="order-card__no" />
      <View onClick={() => openDetail(order)}>
        {order.lines.slice(0, CARD_LINES).map((line) => (
          <LineItem key={line.skuId} {...line} />
        ))}
        {order.lines.length > CARD_LINES && (
          <Text className="order-card__more">{t('orders.moreLines', { count: order.lines.length })}</Text>
        )}
      </View>
      <View className="order-card__sum">
        <Text>{t('orders.itemCount', { count: pieces })}</Text>
        <Text className="order-card__sum-label">{t(AMOUNT_LABELS[amount.kind])}</Text>
        <Price fen={amount.fen} />
      </View>
      <View className="order-card__actions">
        <Button className="order-card__btn" size="mini" onClick={() => openDetail(order)}>
          {t('orders.viewDetail')}
        </Button>
        {AFTER_SALE_ORDER_STATUSES.includes(order.status) && order.paidAmount > order.refundedAmount && (
          <Button className="order-card__btn" size="mini" onClick={() => void openPage(PAGES.afterSaleApply(order.id))}>
            {t('aftersale.apply')}
          </Button>
        )}
        <OrderActionButtons order={order} actions={actions} buttonClass="order-card__btn" onExpire={onExpire} />
      </View>
    </View>
  );
}

export default function OrdersPage() {
  const { params } = useRouter();
  const [tab, setTab] = useState<OrderTab>(() => parseTab(params.status));
  const queryClient = useQueryClient();
  const orders = useListOrders(tab);
  useLoginGate(orders.error, orders.refetch);
  const actions = useOrderActions();

  // A pending order whose time ran out is being closed by the server: show its new state.
  const onExpire = () => {
    void queryClient.invalidateQueries({ queryKey: keys.orders.lists() });
    void queryClient.invalidateQueries({ queryKey: keys.orders.counts() });
  };

  return (
    <ListPage
      title={t('orders.title')}
      className="orders"
      bodyClassName="orders__list"
      list={orders}
      itemKey={(order) => order.id}
      renderItem={(order) => <OrderCard order={order} actions={actions} onExpire={onExpire} />}
      tabs={{ tabs: ORDER_TABS.map((key) => ({ key, label: orderTabLabels[key] })), active: tab, onChange: setTab }}
      emptyText={t('orders.empty')}
      emptyIcon={icons.ClipboardList}
      emptyActionText={t('orders.goShopping')}
      onEmptyAction={() => void openPage(PAGES.home)}
    />
  );
}
