import { useEffect, useState } from 'react';
import { t } from '@/i18n/workbench';
import { cueNeedsGesture, enableSoundCue, newOrderCue, soundCueEnabled } from '@/services/platform/cue';
import { onMerchantOrdersPaid } from '@/services/realtime';
import { toast } from './shared';

/**
 * New paid orders pushed on the merchant's topic (a batch per push): vibrate (mini-programs), a
 * tone on H5 once sound was allowed with a tap, and a toast, once per push. Returns how many
 * orders arrived while the page was shown, and on H5 a way to allow sound.
 */
export function useNewOrderCue(merchantId: string) {
  const [arrived, setArrived] = useState(0);
  const [soundOn, setSoundOn] = useState(() => !cueNeedsGesture || soundCueEnabled());
  useEffect(() => {
    if (!merchantId) return undefined;
    return onMerchantOrdersPaid((id, orders) => {
      if (id !== merchantId || orders.length === 0) return;
      newOrderCue();
      toast(orders.length === 1 ? t('wb.orders.newOrder') : t('wb.orders.newOrders', { n: orders.length }));
      setArrived((n) => n + orders.length);
    });
  }, [merchantId]);
  const allowSound = () => setSoundOn(enableSoundCue());
  return { arrived, soundOn, allowSound, needsGesture: cueNeedsGesture };
}
