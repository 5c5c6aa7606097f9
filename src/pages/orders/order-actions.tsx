import { Button } from '@tarojs/components';
import type { Order } from '@contract';
import { disabledProp } from '@/components';
import { t } from '@/i18n/catalog';
import { actionsFor } from './tabs';
import { PayButton } from './pay-button';
import type { useOrderActions } from './use-order-actions';

interface OrderActionButtonsProps {
  order: Order;
  actions: ReturnType<typeof useOrderActions>;
  /** Base class of each button; the primary ones also get `<buttonClass>--primary`. */
  buttonClass: string;
  onExpire?: () => void;
}

/** The actions an order's status allows (cancel, confirm receipt, pay), in the list and the detail. */
export function OrderActionButtons({ order, actions, buttonClass, onExpire }: OrderActionButtonsProps) {
  const available = actionsFor(order.status);
  const busy = actions.busyId === order.id;
  const primary = `${buttonClass} ${buttonClass}--primary`;
  return (
    <>
      {available.includes('cancel') && (
        <Button className={buttonClass} size="mini" disabled={disabledProp(busy)} onClick={() => void actions.cancel(order)}>
          {t('orders.cancel')}
        </Button>
      )}
      {available.includes('confirm') && (
        <Button className={primary} size="mini" disabled={disabledProp(busy)} onClick={() => void actions.confirm(order)}>
          {t('orders.confirmReceipt')}
        </Button>
      )}
      {available.includes('pay') && (
        <PayButton className={primary} expiresAt={order.expiresAt} disabled={busy} onPay={() => void actions.pay(order)} onExpire={onExpire} />
      )}
    </>
  );
}
