import type { Order } from '@contract';
import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import type { ReactNode } from 'react';
import { LineItem, Price, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { orderStatusLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { discountText } from '@/services/checkout/lines';
import { orderAmount } from '@/services/order/amount';
import { useOrder } from '@/services/order/getOrder';
import { formatCountdown, formatTime } from '@/services/order/time';
import { useCountdown } from '@/services/order/useCountdown';
import { OrderActionButtons } from './order-actions';
import { RefundSection } from './refunds';
import { actionsFor, AMOUNT_LABELS } from './tabs';
import { useOrderActions } from './use-order-actions';
import './detail.css';

function StatusHeader({ order, onExpire }: { order: Order; onExpire: () => void }) {
  const pending = order.status === 'pending_payment';
  const left = useCountdown(pending ? order.expiresAt : null, onExpire);
  let hint: string;
  if (pending) {
    hint = left > 0 ? t('orderHint.pending_payment', { time: formatCountdown(left) }) : t('orderHint.pendingExpired');
  } else {
    hint = t(`orderHint.${order.status}`);
  }
  return (
    <View className={`detail-head detail-head--${order.status}`}>
      <Text className="detail-head__status">{orderStatusLabels[order.status]}</Text>
      <Text className="detail-head__hint" data-testid="order-hint">
        {hint}
      </Text>
    </View>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View className="detail__row">
      <Text className="detail__row-label">{label}</Text>
      <View className="detail__row-value">{children}</View>
    </View>
  );
}

export default function OrderDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const order = useOrder(id);
  useLoginGate(order.error, order.refetch);
  const actions = useOrderActions();

  const data = order.data;
  const available = data ? actionsFor(data.status) : [];

  const copyId = (value: string) => {
    void Taro.setClipboardData({ data: value }).then(
      () => Taro.showToast({ title: t('detail.copied'), icon: 'none' }),
      () => undefined,
    );
  };

  return (
    <PageFrame
      title={t('detail.title')}
      className="detail"
      query={order}
      isEmpty={id === ''}
      emptyText={t('detail.missingId')}
      notFoundText={t('detail.notFound')}
      skeleton={<Skeleton rows={8} avatar />}
    >
      {data && (
        <>
          <StatusHeader order={data} onExpire={() => void order.refetch()} />

          <View className="detail__card">
            {data.fulfilment.type === 'delivery' ? (
              <>
                <Text className="detail__card-title">{t('detail.shipTo')}</Text>
                <Text className="detail__text">{data.shipTo}</Text>
              </>
            ) : (
              <>
                <Text className="detail__card-title">{t('detail.pickupAt')}</Text>
                <Text className="detail__text">{data.shipTo}</Text>
                <Text className="detail__text detail__text--muted">
                  {t('detail.pickupContact', { name: data.fulfilment.contactName, phone: data.fulfilment.contactPhone })}
                </Text>
              </>
            )}
          </View>

          <View className="detail__card">
            <Text className="detail__card-title">{data.merchantName}</Text>
            {data.lines.map((line) => (
              <LineItem key={line.skuId} {...line} />
            ))}
            <Row label={t('checkout.itemsAmount')}>
              <Price fen={data.amounts.itemsAmount} size="sm" />
            </Row>
            <Row label={t('checkout.shipping')}>
              {data.amounts.shippingAmount === 0 ? <Text>{t('checkout.freeShippingFee')}</Text> : <Price fen={data.amounts.shippingAmount} size="sm" />}
            </Row>
            <Row label={t('checkout.discount')}>
              <Text className="detail__discount">{discountText(data.amounts.discountAmount)}</Text>
            </Row>
            <Row label={t(AMOUNT_LABELS[orderAmount(data).kind])}>
              <Price fen={orderAmount(data).fen} />
            </Row>
          </View>

          <RefundSection order={data} />

          <View className="detail__card">
            <Text className="detail__card-title">{t('detail.timeline')}</Text>
            <View className="timeline">
              {[...data.timeline].reverse().map((event, i) => (
                <View key={`${event.status}-${event.at}`} className={`timeline__item${i === 0 ? ' timeline__item--latest' : ''}`} data-testid="timeline-item">
                  <View className="timeline__dot" />
                  <View className="timeline__body">
                    <Text className="timeline__status">
                      {orderStatusLabels[event.status]}
                      {event.note ? ` · ${event.note}` : ''}
                    </Text>
                    <Text className="timeline__time">{formatTime(event.at)}</Text>
                  </View>
                </View>
              ))}
            </View>
          </View>

          <View className="detail__card">
            <Row label={t('detail.remark')}>
              <Text className="detail__text">{data.remark || t('detail.noRemark')}</Text>
            </Row>
            <Row label={t('detail.orderId')}>
              <Text className="detail__text" selectable data-testid="order-no">
                {data.orderNo}
              </Text>
              <Text className="detail__copy" onClick={() => copyId(data.orderNo)}>
                {t('detail.copy')}
              </Text>
            </Row>
            <Row label={t('detail.createdAt')}>
              <Text className="detail__text">{formatTime(data.createdAt)}</Text>
            </Row>
            {data.paidAt !== null && (
              <Row label={t('detail.paidAt')}>
                <Text className="detail__text">{formatTime(data.paidAt)}</Text>
              </Row>
            )}
          </View>

          {available.length > 0 && (
            <View className="detail__bar">
              <OrderActionButtons order={data} actions={actions} buttonClass="detail__btn" />
            </View>
          )}
        </>
      )}
    </PageFrame>
  );
}
