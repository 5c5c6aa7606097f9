import { useDeferredModule, type ModuleSlot } from '../deferred/use-deferred-module';
import type * as Sheet from './index';
import type { ShareSheetProps } from './index';

export type { ShareSheetProps } from './index';

const slot: ModuleSlot<typeof Sheet> = { loaded: null };
const load = () => import('./index');

/** H5 (see deferred.tsx): the sheet's module is fetched the first time it is opened. */
export function DeferredShareSheet(props: ShareSheetProps) {
  const mod = useDeferredModule(slot, load, props.open, props.onClose);
  if (!mod) return null;
  return <mod.ShareSheet {...props} />;
}
