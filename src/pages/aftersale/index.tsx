import type { AfterSale } from '@contract/aftersale';
import { Button, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { icons, OrderNumber, Price } from '@/components';
import { ListPage } from '@/components/list-page';
import { afterSaleKindLabels, afterSaleStatusLabels } from '@/i18n/aftersale-labels';
import { t } from '@/i18n/catalog';
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

  return (
    <ListPage
      title={t('aftersale.listTitle')}
      className="as-list"
      bodyClassName="as-list__body"
      list={list}
      filter={(a) => inTab(tab, a.status)}
      itemKey={(item) => item.id}
      renderItem={(item) => <AfterSaleCard item={item} />}
      tabs={{ tabs: AFTER_SALE_TABS.map((key) => ({ key, label: t(TAB_LABELS[key]) })), active: tab, onChange: setTab }}
      emptyText={t('aftersale.empty')}
      emptyIcon={icons.RotateCcw}
      emptyActionText={t('orders.title')}
      onEmptyAction={() => void openPage(PAGES.orders('all'))}
    />
  );
}
