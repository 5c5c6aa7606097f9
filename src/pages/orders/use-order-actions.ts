import type { Order } from '@contract';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useCancelOrder } from '@/services/order/cancelOrder';
import { useConfirmReceipt } from '@/services/order/confirmReceipt';
import { cashierPath } from '@/services/payment/payOrder';

function toast(title: string, icon: 'none' | 'success' = 'none') {
  void Taro.showToast({ title, icon });
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : errorMessage('UNKNOWN'));

/** The actions an order offers by status, shared by the order list and the order detail. */
export function useOrderActions() {
  const cancelOrder = useCancelOrder();
  const confirmReceipt = useConfirmReceipt();
  /** The order an action is running for (its buttons are disabled meanwhile). */
  const [busyId, setBusyId] = useState<string | null>(null);
  // One action at a time, also for two taps in the same tick (before busyId re-renders).
  const running = useRef(false);

  async function run(order: Order, action: () => Promise<void>) {
    if (running.current) return;
    running.current = true;
    setBusyId(order.id);
    try {
      await action();
    } catch (e) {
      toast(errorText(e));
    } finally {
      running.current = false;
      setBusyId(null);
    }
  }

  /** Pay an unpaid order again: the cashier for this child order (its remainder, any tenders). */
  const pay = (order: Order) =>
    run(order, async () => {
      await Taro.navigateTo({ url: cashierPath(order.id) });
    });

  const cancel = (order: Order) =>
    run(order, async () => {
      const res = await Taro.showModal({
        title: t('orders.cancelConfirmTitle'),
        content: t('orders.cancelConfirm'),
        confirmText: t('confirm'),
        cancelText: t('cancel'),
      });
      if (!res.confirm) return;
      await cancelOrder.mutateAsync(order.id);
      toast(t('orders.cancelled'), 'success');
    });

  const confirm = (order: Order) =>
    run(order, async () => {
      const res = await Taro.showModal({
        title: t('orders.confirmReceiptTitle'),
        content: t('orders.confirmReceiptConfirm'),
        confirmText: t('confirm'),
        cancelText: t('cancel'),
      });
      if (!res.confirm) return;
      await confirmReceipt.mutateAsync(order.id);
      toast(t('orders.received'), 'success');
    });

  return { pay, cancel, confirm, busyId };
}
