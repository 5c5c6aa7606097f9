import type { Payment, PaymentTender } from '@contract';
import { formatPrice } from '@contract/money';
import { Button, Text, View } from '@tarojs/components';
import { Price, disabledProp } from '@/components';
import { channelLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { tenderNames } from '@/services/payment/cashier';

function tenderName(tender: PaymentTender): string {
  switch (tender.kind) {
    case 'points':
      return t('cashier.splitPoints', { points: tender.points ?? 0 });
    case 'gift_card':
      return t('cashier.splitGiftCard', { card: tender.giftCard ?? '' });
    default:
      return t('cashier.balance');
  }
}

/** The internal tenders a payment holds, each marked with `tag` (已占用, 退回中). */
function HeldRows({ payment, tag }: { payment: Payment; tag: string }) {
  return (
    <>
      {payment.tenders
        .filter((tender) => tender.kind !== 'channel' && tender.amount > 0)
        .map((tender, i) => (
          <View key={`${tender.kind}-${i}`} className="cashier__row">
            <Text>{tenderName(tender)}</Text>
            <View className="cashier__held">
              <Text className="cashier__minus">{formatPrice(-tender.amount)}</Text>
              <Text className="cashier__held-tag">{tag}</Text>
            </View>
          </View>
        ))}
    </>
  );
}

export interface OpenPaymentCardProps {
  payment: Payment;
  busy: boolean;
  onContinue: () => void;
  onCancel: () => void;
}

/**
 * A payment the shopper left at the channel's cashier (paying): what it holds of the wallet and
 * what waits at the channel, with 继续支付 (the same payment, no new one) and 取消这笔支付
 * (its tenders come back). Shown instead of a new split, which would find the wallet emptied.
 */
export function OpenPaymentCard({ payment, busy, onContinue, onCancel }: OpenPaymentCardProps) {
  const canContinue = payment.clientParams !== null && !busy;
  return (
    <View className="cashier__card cashier__open" data-testid="open-payment">
      <Text className="cashier__card-title">{t('cashier.openTitle')}</Text>
      <Text className="cashier__hint cashier__open-hint">
        {tenderNames(payment) ? t('cashier.openHint', { tenders: tenderNames(payment) }) : t('cashier.openHintNone')}
      </Text>
      <View className="cashier__row cashier__open-amount">
        <Text>{t('cashier.openAmount')}</Text>
        <Price fen={payment.amount} />
      </View>
      <HeldRows payment={payment} tag={t('cashier.openHeld')} />
      {payment.channel && payment.channelAmount > 0 && (
        <View className="cashier__row">
          <Text>{channelLabels[payment.channel]}</Text>
          <View className="cashier__held">
            <Text className="cashier__held-tag cashier__held-tag--due">{t('cashier.openChannelDue')}</Text>
            <Price fen={payment.channelAmount} size="sm" />
          </View>
        </View>
      )}
      <View className="cashier__open-actions">
        <Button className={`cashier__open-continue${canContinue ? '' : ' is-disabled'}`} disabled={disabledProp(!canContinue)} onClick={onContinue}>
          {t('cashier.continue')}
        </Button>
        <Button className="cashier__open-cancel" disabled={disabledProp(busy)} onClick={onCancel}>
          {busy ? t('cashier.cancellingOpen') : t('cashier.cancelOpen')}
        </Button>
      </View>
    </View>
  );
}

/** Payments being closed (closing): their tenders are on their way back. */
export function ClosingPaymentNotice({ payments }: { payments: readonly Payment[] }) {
  const names = tenderNames({ tenders: payments.flatMap((p) => p.tenders) });
  return (
    <View className="cashier__card cashier__open" data-testid="closing-payment">
      <Text className="cashier__card-title">{t('cashier.closingTitle')}</Text>
      {names && <Text className="cashier__hint cashier__open-hint">{t('cashier.closingHint', { tenders: names })}</Text>}
      {payments.map((p) => (
        <HeldRows key={p.id} payment={p} tag={t('cashier.returningTag')} />
      ))}
    </View>
  );
}
