/**
 * The poster sheet as a page that opens it on a tap imports it (the product page). Mini-programs
 * (and jest): the sheet itself. H5 (deferred.h5.tsx): fetched on the first open, so the product
 * page's first load does not carry the poster's drawing code.
 */
export { PosterSheet as DeferredPosterSheet } from './index';
export type { PosterSheetProps } from './index';
