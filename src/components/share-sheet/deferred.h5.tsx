import { deferredSheet } from '../deferred/deferred-sheet';

export type { ShareSheetProps } from './index';

/** H5 (see deferred.tsx): the sheet's module is fetched the first time it is opened. */
export const DeferredShareSheet = deferredSheet(() => import('./index'), (m) => m.ShareSheet);
