import { Button } from '@tarojs/components';
import { disabledProp } from '@/components';
import { t } from '@/i18n/catalog';
import { formatCountdown } from '@/services/order/time';
import { useCountdown } from '@/services/order/useCountdown';

interface PayButtonProps {
  expiresAt: number;
  disabled?: boolean;
  onPay: () => void;
  /** Called once when the payment time runs out (the page refetches the order). */
  onExpire?: () => void;
  className?: string;
}

/** 去支付 with the time left to pay; disabled once the time is up. */
export function PayButton({ expiresAt, disabled, onPay, onExpire, className }: PayButtonProps) {
  const left = useCountdown(expiresAt, onExpire);
  const expired = left === 0;
  return (
    <Button className={className} size="mini" disabled={disabledProp(disabled || expired)} onClick={onPay}>
      {expired ? t('orders.pay') : t('orders.payWithTime', { time: formatCountdown(left) })}
    </Button>
  );
}
