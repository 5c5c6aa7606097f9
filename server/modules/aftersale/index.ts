/**
 * The after-sale module's public surface (售后, docs/aftersale.md): refund-only and
 * return-and-refund requests per order line, the merchant's decisions, the refund through the
 * payment module, the shoppers' image uploads. It imports order (the lines and what was paid for
 * them), payment (refunds) and merchant (the audit log) through their surfaces.
 */
export { afterSaleModule } from './routes';
export { afterSaleFlows, AFTER_SALE_FLOWS } from './decisions';
export { AFTER_SALE_JOBS, approveOverdueAfterSales, closeUnreturnedAfterSales } from './jobs';
export { pruneLooseUploads, uploadsDir, type UploadStore } from './uploads';
export { applyAfterSaleEvent, AFTER_SALE_CONSUMED_EVENTS, AFTER_SALE_CONSUMER } from './consumer';
export { afterSaleMachine } from './machine';
export { afterSalesWaiting, WAITING_FOR_MERCHANT } from './figures';
export { refundedLinesOf, type RefundedLine } from './refund-lines';
export { OPEN_AFTER_SALE_STATES, ordersWithOpenAfterSales } from './open';
export type { AfterSaleDeps } from './service';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['after_sales', 'after_sale_lines', 'uploads'] as const;
