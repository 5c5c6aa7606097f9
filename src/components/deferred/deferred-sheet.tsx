import Taro from '@tarojs/taro';
import { useEffect, useState, type ComponentType } from 'react';
import { errorMessage } from '../../i18n/messages';

/** What a sheet that opens on a tap takes. */
interface SheetProps {
  open: boolean;
  onClose: () => void;
}

/**
 * H5: a sheet whose module (its component, its code, its styles) is fetched the first time the
 * sheet is opened, so the page that offers it does not carry it in its first load. Until it is
 * in, nothing is shown. If it cannot be fetched (offline), the shopper is told and the sheet
 * closes; the next open tries again. Once fetched, the module is kept for every later open.
 */
export function deferredSheet<M, P extends SheetProps>(load: () => Promise<M>, pick: (mod: M) => ComponentType<P>): ComponentType<P> {
  let loaded: M | null = null;
  return function DeferredSheet(props: P) {
    const [mod, setMod] = useState<M | null>(loaded);
    const { open, onClose } = props;
    useEffect(() => {
      if (!open || mod) return undefined;
      let live = true;
      load().then(
        (m) => {
          loaded = m;
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
    }, [open, mod, onClose]);
    if (!mod) return null;
    const Sheet = pick(mod);
    return <Sheet {...props} />;
  };
}
