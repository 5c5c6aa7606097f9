import { useDeferredModule, type ModuleSlot } from '../deferred/use-deferred-module';
import type * as Poster from './index';
import type { PosterSheetProps } from './index';

export type { PosterSheetProps } from './index';

const slot: ModuleSlot<typeof Poster> = { loaded: null };
const load = () => import('./index');

/**
 * H5 (see deferred.tsx): the poster's module (the sheet, the drawing, its styles) is fetched the
 * first time a poster is opened (useDeferredModule: told and closed when it cannot be).
 */
export function DeferredPosterSheet(props: PosterSheetProps) {
  const mod = useDeferredModule(slot, load, props.open, props.onClose);
  if (!mod) return null;
  return <mod.PosterSheet {...props} />;
}
