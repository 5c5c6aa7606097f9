/** The after-sale module's tables (migration 012; text ids, times epoch ms, money integer fen). */

/** One request: refund only, or return and refund, of lines of one child order. */
export interface AfterSaleTable {
  id: string;
  user_id: string;
  order_id: string;
  /** The order's number, kept for the lists. */
  order_no: string;
  merchant_id: string;
  /** refund_only | return_refund */
  kind: string;
  /** The after-sale machine's state (machine.ts). */
  status: string;
  /** One of the contract's afterSaleReason. */
  reason: string;
  description: string | null;
  /** JSON array of the photos: { id, url } of the shopper's uploads. */
  photos: string;
  /** What the request refunds (the lines' amounts plus shipping_amount). */
  amount: number;
  /** The shipping fee included (an unshipped order asked for in full). */
  shipping_amount: number;
  /** JSON of the contract's returnAddress, once a return is approved. */
  return_address: string | null;
  return_carrier: string | null;
  return_tracking_no: string | null;
  reject_reason: string | null;
  /** merchant | auto_unshipped | auto_deadline, once approved. */
  approved_by: string | null;
  /** The payment module's refund (the latest one, after a retry). */
  refund_id: string | null;
  /** requested: the merchant's deadline; awaiting_return: the shopper's; otherwise null. */
  deadline_at: number | null;
  created_at: number;
  updated_at: number;
  refunded_at: number | null;
}

/** The lines a request covers. Primary key (after_sale_id, line_no). */
export interface AfterSaleLineTable {
  after_sale_id: string;
  order_id: string;
  line_no: number;
  /** A snapshot of the order line, for the lists. */
  sku_id: string;
  title: string;
  spec_text: string;
  image: string;
  quantity: number;
  /** This line's part of the request's amount. */
  amount: number;
}

/** A shopper's uploaded image; the file is DATA_DIR/uploads/<file>. */
export interface UploadTable {
  id: string;
  user_id: string;
  file: string;
  content_type: string;
  size: number;
  created_at: number;
  /** When a request first took it as a photo; null: never (pruned after the grace period). Migration 019. */
  attached_at: number | null;
  /** When the pruning job claimed it (its file and row go next); a request can no longer attach it. */
  pruning_at: number | null;
}

export interface AfterSaleTables {
  after_sales: AfterSaleTable;
  after_sale_lines: AfterSaleLineTable;
  uploads: UploadTable;
}
