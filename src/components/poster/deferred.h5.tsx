import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../i18n/messages';
import type * as Poster from './index';
import type { PosterSheetProps } from './index';

export type { PosterSheetProps } from './index';

type PosterModule = typeof Poster;
let loaded: PosterModule | null = null;

/**
 * H5 (see deferred.tsx): the poster's module (the sheet, the drawing, its styles) is fetched the
 * first time a poster is opened; until then nothing is shown. If it cannot be fetched (offline),
 * the shopper is told and the sheet closes; the next open tries again.
 */
export function DeferredPosterSheet(props: PosterSheetProps) {
  const [mod, setMod] = useState<PosterModule | null>(loaded);
  const { open, onClose } = props;
  useEffect(() => {
    if (!open || mod) return;
    let live = true;
    import('./index').then(
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
  return <mod.PosterSheet {...props} />;
}
