/** The catalog module's public surface: merchants, categories, products, SKUs and their stock. */
export { handlers, registerExtra } from './routes';
export { loadSkus, merchantsByIds, releaseStock, reserveStock, specTextOf, type SkuSnapshot, type StockLine } from './service';
export { changeSkuStock, listMerchantProducts, listStockAlerts, setProductShelf, setSkuPrice } from './goods';
export { productExists } from './exists';
export { productPrices, type ProductPrices } from './prices';
export { isBlocking, lineAmount, lineIssueFor, type LineIssue, type PricingSku } from './lines';
export { goodsNotOf } from './ownership';
export { giveBackStock, takeStock } from './carve';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['merchants', 'categories', 'products', 'skus', 'banners'] as const;
