import type { Order, Refund } from '@contract';
import { formatPrice } from '@contract/money';
import { Button, Text, View } from '@tarojs/components';
import { disabledProp } from '@/components';
import { refundStatusLabels, tenderLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { AFTER_SALE_ORDER_STATUSES } from '@/services/aftersale/estimate';
import { formatTime } from '@/services/order/time';
import { openPage, PAGES } from '@/services/platform/nav';
import { useRefunds } from '@/services/refund/listRefunds';

function partText(part: Refund['parts'][number]): string {
  const label = part.kind === 'points' ? t('refund.partPoints', { points: part.points ?? 0 }) : tenderLabels[part.kind];
  return `${label} ${formatPrice(part.amount)}`;
}

function RefundItem({ refund }: { refund: Refund }) {
  return (
    <View className="refund-item" data-testid="refund-item">
      <View className="refund-item__head">
        <Text className="refund-item__amount">{formatPrice(refund.amount)}</Text>
        <Text className={`refund-item__status refund-item__status--${refund.status}`}>{refundStatusLabels[refund.status]}</Text>
      </View>
      <Text className="refund-item__text">{refund.reason}</Text>
      <Text className="refund-item__text">{refund.parts.map(partText).join('，')}</Text>
      <Text className="refund-item__time">{t('refund.createdAt', { time: formatTime(refund.createdAt) })}</Text>
    </View>
  );
}

/**
 * The order's money after it was paid: paid and refunded amounts, the refunds with their status
 * and where each went back. Money is asked back through after-sales (申请售后: the apply page);
 * 退款/售后 lists the requests.
 */
export function RefundSection({ order }: { order: Order }) {
  const hasMoney = order.paidAmount > 0 || order.refundedAmount > 0;
  const refunds = useRefunds(order.id, hasMoney);
  if (!hasMoney) return null;
  const refundable = refunds.data?.refundableAmount ?? 0;
  const canRequest = AFTER_SALE_ORDER_STATUSES.includes(order.status) && refundable > 0;
  const items = refunds.data?.items ?? [];

  return (
    <View className="detail__card" data-testid="refunds">
      <View className="detail__row">
        <Text className="detail__row-label">{t('refund.paidAmount')}</Text>
        <View className="detail__row-value">
          <Text className="detail__text">{formatPrice(order.paidAmount)}</Text>
        </View>
      </View>
      {order.refundedAmount > 0 && (
        <View className="detail__row">
          <Text className="detail__row-label">{t('refund.refundedAmount')}</Text>
          <View className="detail__row-value">
            <Text className="detail__text">{formatPrice(order.refundedAmount)}</Text>
          </View>
        </View>
      )}
      {items.length > 0 && (
        <>
          <Text className="detail__card-title">{t('refund.list')}</Text>
          {items.map((r) => (
            <RefundItem key={r.id} refund={r} />
          ))}
        </>
      )}
      <View className="refund-form__actions">
        {items.length > 0 && (
          <Button className="detail__btn" size="mini" disabled={disabledProp(false)} onClick={() => void openPage(PAGES.afterSales)}>
            {t('aftersale.view')}
          </Button>
        )}
        {canRequest && (
          <Button className="detail__btn detail__btn--primary" size="mini" disabled={disabledProp(false)} onClick={() => void openPage(PAGES.afterSaleApply(order.id))}>
            {t('aftersale.apply')}
          </Button>
        )}
      </View>
    </View>
  );
}
