/**
 * The share sheet as a page that opens it on a tap imports it (the product page, the live
 * room). Mini-programs (and jest): the sheet itself. H5 (deferred.h5.tsx): fetched on the first
 * open, so the page's first load does not carry it (nor Taro's clipboard API behind it).
 */
export { ShareSheet as DeferredShareSheet } from './index';
export type { ShareSheetProps } from './index';
