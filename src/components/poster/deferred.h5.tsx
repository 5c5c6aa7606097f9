import { deferredSheet } from '../deferred/deferred-sheet';

export type { PosterSheetProps } from './index';

/**
 * H5 (see deferred.tsx): the poster's module (the sheet, the drawing, its styles) is fetched the
 * first time a poster is opened (deferredSheet: told and closed when it cannot be).
 */
export const DeferredPosterSheet = deferredSheet(() => import('./index'), (m) => m.PosterSheet);
