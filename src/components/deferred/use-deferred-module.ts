import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../i18n/messages';

/** Where a deferred module is kept once fetched (one per module, at module level). */
export interface ModuleSlot<M> {
  loaded: M | null;
}

/**
 * H5: a sheet's module (its component, its code, its styles) fetched the first time the sheet
 * is opened, so the page that offers it does not carry it in its first load. Until it is in,
 * nothing is shown. If it cannot be fetched (offline), the shopper is told and the sheet
 * closes; the next open tries again.
 */
export function useDeferredModule<M>(slot: ModuleSlot<M>, load: () => Promise<M>, open: boolean, onClose: () => void): M | null {
  const [mod, setMod] = useState<M | null>(slot.loaded);
  useEffect(() => {
    if (!open || mod) return undefined;
    let live = true;
    load().then(
      (m) => {
        slot.loaded = m;
        if (live) setMod(m);
      },
      () => {
        if (!live) return;
        void Taro.showToast({ title: errorMessage('NETWORK'), icon: 'none' });
        onClose();
      },
    );
    return () => {
      live = false;
    };
  }, [open, mod, onClose, slot, load]);
  return mod;
}
