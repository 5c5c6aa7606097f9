import type { Order, Refund } from '@contract';
import { fenToYuanString, formatPrice } from '@contract/money';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { disabledProp } from '@/components';
import { errorMessage, refundStatusLabels, t, tenderLabels } from '@/i18n/messages';
import { isApiError, newIdempotencyKey } from '@/services/http';
import { formatTime } from '@/services/order/time';
import { isRetryableFailure } from '@/services/payment/payOrder';
import { parseRefundAmount } from '@/services/refund/amount';
import { useCreateRefund } from '@/services/refund/createRefund';
import { useRefunds } from '@/services/refund/listRefunds';

/** Statuses in which money taken for an order may be asked back. */
const REFUNDABLE_STATUSES: readonly Order['status'][] = ['paid', 'shipped', 'completed'];

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

function RefundForm({ order, refundable, onDone }: { order: Order; refundable: number; onDone: () => void }) {
  const create = useCreateRefund();
  const [amount, setAmount] = useState(() => fenToYuanString(refundable));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);
  const [busy, setBusy] = useState(false);
  // One key per refund intent: the same amount and reason sent again (double tap, retry after a
  // network failure) reuse it, so the server makes one refund.
  const intent = useRef<{ signature: string; key: string } | null>(null);

  async function submit() {
    if (busyRef.current) return;
    const checked = parseRefundAmount(amount, refundable);
    if (!checked.ok) {
      setError(
        checked.reason === 'exceeds'
          ? t('refund.amountExceeds', { amount: formatPrice(refundable) })
          : checked.reason === 'zero'
            ? t('refund.amountZero')
            : t('refund.amountInvalid'),
      );
      return;
    }
    const text = reason.trim();
    if (!text) {
      setError(t('refund.reasonRequired'));
      return;
    }
    setError(null);
    busyRef.current = true;
    setBusy(true);
    try {
      const res = await Taro.showModal({
        title: t('refund.confirmTitle'),
        content: t('refund.confirm', { amount: formatPrice(checked.fen) }),
        confirmText: t('confirm'),
        cancelText: t('cancel'),
      });
      if (!res.confirm) return;
      const signature = JSON.stringify([checked.fen, text]);
      if (!intent.current || intent.current.signature !== signature) intent.current = { signature, key: newIdempotencyKey() };
      try {
        await create.mutateAsync({ orderId: order.id, amount: checked.fen, reason: text, idempotencyKey: intent.current.key });
      } catch (e) {
        if (!isRetryableFailure(e)) intent.current = null;
        throw e;
      }
      intent.current = null;
      void Taro.showToast({ title: t('refund.submitted'), icon: 'success' });
      onDone();
    } catch (e) {
      setError(isApiError(e) || e instanceof Error ? e.message : errorMessage('UNKNOWN'));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  return (
    <View className="refund-form" data-testid="refund-form">
      <View className="detail__row">
        <Text className="detail__row-label">{t('refund.amount')}</Text>
        <Input
          className="refund-form__input"
          type="digit"
          value={amount}
          placeholder={t('refund.amountPlaceholder')}
          onInput={(e) => setAmount(e.detail.value)}
        />
      </View>
      <Text className="refund-form__hint">{t('refund.amountHint', { amount: formatPrice(refundable) })}</Text>
      <Textarea
        className="refund-form__reason"
        value={reason}
        maxlength={200}
        placeholder={t('refund.reasonPlaceholder')}
        onInput={(e) => setReason(e.detail.value)}
      />
      {error && (
        <Text className="refund-form__error" data-testid="refund-error">
          {error}
        </Text>
      )}
      <View className="refund-form__actions">
        <Button className="detail__btn" size="mini" disabled={disabledProp(busy)} onClick={onDone}>
          {t('cancel')}
        </Button>
        <Button className="detail__btn detail__btn--primary" size="mini" disabled={disabledProp(busy)} onClick={() => void submit()}>
          {busy ? t('refund.submitting') : t('refund.submit')}
        </Button>
      </View>
    </View>
  );
}

/**
 * The order's money after it was paid: paid and refunded amounts, the refunds with their status
 * and where each went back, and a refund request while something is still refundable.
 */
export function RefundSection({ order }: { order: Order }) {
  const hasMoney = order.paidAmount > 0 || order.refundedAmount > 0;
  const refunds = useRefunds(order.id, hasMoney);
  const [open, setOpen] = useState(false);
  if (!hasMoney) return null;
  const refundable = refunds.data?.refundableAmount ?? 0;
  const canRequest = REFUNDABLE_STATUSES.includes(order.status) && refundable > 0;
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
      {canRequest && !open && (
        <View className="refund-form__actions">
          <Button className="detail__btn" size="mini" disabled={disabledProp(false)} onClick={() => setOpen(true)}>
            {t('refund.request')}
          </Button>
        </View>
      )}
      {canRequest && open && <RefundForm order={order} refundable={refundable} onDone={() => setOpen(false)} />}
    </View>
  );
}
