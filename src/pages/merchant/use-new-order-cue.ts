import { useEffect, useState } from 'react';
import { t } from '@/i18n/messages';
import { cueNeedsGesture, enableSoundCue, newOrderCue, soundCueEnabled } from '@/services/platform/cue';
import { onMerchantOrderPaid } from '@/services/realtime';
import { toast } from './shared';

/**
 * A new paid order pushed on the merchant's topic: vibrate (mini-programs), a tone on H5 once
 * sound was allowed with a tap, and a toast. Returns how many arrived while the page was shown,
 * and on H5 a way to allow sound.
 */
export function useNewOrderCue(merchantId: string) {
  const [arrived, setArrived] = useState(0);
  const [soundOn, setSoundOn] = useState(() => !cueNeedsGesture || soundCueEnabled());
  useEffect(() => {
    if (!merchantId) return undefined;
    return onMerchantOrderPaid((id) => {
      if (id !== merchantId) return;
      newOrderCue();
      toast(t('wb.orders.newOrder'));
      setArrived((n) => n + 1);
    });
  }, [merchantId]);
  const allowSound = () => setSoundOn(enableSoundCue());
  return { arrived, soundOn, allowSound, needsGesture: cueNeedsGesture };
}
