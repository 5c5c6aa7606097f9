import { z } from 'zod';
import { cursorPage, fen, id, pageQuery, quantity, text, timestamp } from './common';

/**
 * After-sales (售后): the shopper asks for 仅退款 (refund only) or 退货退款 (return and refund)
 * of lines of a paid child order; the merchant approves (for a return: with the address to send
 * it to, then confirms receipt), or rejects with a reason; the refund goes back across the
 * tenders that paid the order. docs/aftersale.md has the lifecycle and the rules.
 */

/** refund_only: 仅退款; return_refund: 退货退款. */
export const afterSaleKind = z.enum(['refund_only', 'return_refund']);
export type AfterSaleKind = z.infer<typeof afterSaleKind>;

/**
 * requested: waiting for the merchant; awaiting_return: approved, the shopper sends the goods
 * back; returning: on its way back; refunding: the refund runs; refunded: done; refund_failed:
 * the channel refused the refund (the merchant may try again); rejected, cancelled (by the
 * shopper) and closed (the goods were not sent back in time) end it without a refund.
 */
export const afterSaleStatus = z.enum(['requested', 'awaiting_return', 'returning', 'refunding', 'refunded', 'refund_failed', 'rejected', 'cancelled', 'closed']);
export type AfterSaleStatus = z.infer<typeof afterSaleStatus>;
export const AFTER_SALE_STATUSES = afterSaleStatus.options;

/** Why the shopper asks (the client shows each in Chinese; free text goes in `description`). */
export const afterSaleReason = z.enum([
  /** 不想要了 */
  'no_longer_needed',
  /** 拍错/多拍 */
  'ordered_by_mistake',
  /** 商品破损 */
  'damaged',
  /** 质量问题 */
  'quality_issue',
  /** 与描述不符 */
  'not_as_described',
  /** 少件/漏发 */
  'missing_items',
  /** 发错货 */
  'wrong_item',
  /** 未按约定时间发货 */
  'not_shipped_in_time',
  /** 其他 */
  'other',
]);
export type AfterSaleReason = z.infer<typeof afterSaleReason>;

export const MAX_AFTER_SALE_PHOTOS = 6;

/** An uploaded image's id (POST /api/uploads answers it). */
export const uploadId = z.string().regex(/^img_[A-Za-z0-9_-]{1,60}$/, 'invalid upload id');

/** What POST /api/uploads answers (the route takes the image itself: not in the JSON route table). */
export const uploadedImage = z.object({ id: uploadId, url: z.string(), contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']), size: z.number().int() });
export type UploadedImage = z.infer<typeof uploadedImage>;

export const afterSaleLineInput = z.strictObject({
  /** The line's position in the order (0-based, as GET /api/orders/:id lists the lines). */
  lineNo: z.number().int().min(0).max(999),
  quantity,
});

export const createAfterSaleBody = z.strictObject({
  /** A child order. */
  orderId: id,
  kind: afterSaleKind,
  /** Omitted: every unit of the order not already asked for. */
  lines: z.array(afterSaleLineInput).min(1).max(100).optional(),
  reason: afterSaleReason,
  description: text({ max: 500, multiline: true }).optional(),
  photos: z.array(uploadId).max(MAX_AFTER_SALE_PHOTOS).default([]),
});
export type CreateAfterSaleBody = z.input<typeof createAfterSaleBody>;

export const returnShipmentBody = z.strictObject({
  carrier: text({ max: 40 }),
  trackingNo: z.string().trim().regex(/^[A-Za-z0-9-]{4,40}$/, 'letters, digits and - only, 4 to 40 of them'),
});

export const returnAddress = z.strictObject({
  name: text({ max: 40 }),
  phone: z.string().regex(/^[0-9+-]{5,20}$/, 'invalid phone number'),
  address: text({ max: 200 }),
});
export type ReturnAddress = z.infer<typeof returnAddress>;

export const approveReturnBody = z.strictObject({ returnAddress });
export const rejectAfterSaleBody = z.strictObject({ reason: text({ max: 200 }) });

export const afterSaleLine = z.object({
  lineNo: z.number().int(),
  skuId: id,
  title: z.string(),
  specText: z.string(),
  image: z.string(),
  quantity: z.number().int(),
  /** This line's part of the refund (fen). */
  amount: fen,
});

export const afterSale = z.object({
  id,
  orderId: id,
  orderNo: z.string(),
  merchantId: id,
  userId: id,
  kind: afterSaleKind,
  status: afterSaleStatus,
  reason: afterSaleReason,
  description: z.string().nullable(),
  photos: z.array(z.object({ id: uploadId, url: z.string() })),
  lines: z.array(afterSaleLine),
  /** What is refunded: the lines' share of what the shopper paid (and the shipping fee when an unshipped order is asked for in full). */
  amount: fen,
  shippingAmount: fen,
  returnAddress: returnAddress.nullable(),
  returnCarrier: z.string().nullable(),
  returnTrackingNo: z.string().nullable(),
  rejectReason: z.string().nullable(),
  /** merchant: a staff member decided; auto_unshipped: an unshipped order's refund; auto_deadline: the merchant did not answer in time. */
  approvedBy: z.enum(['merchant', 'auto_unshipped', 'auto_deadline']).nullable(),
  refundId: id.nullable(),
  /** Until when the merchant may answer (requested), or the shopper may send the goods back (awaiting_return). */
  deadlineAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  refundedAt: timestamp.nullable(),
});
export type AfterSale = z.infer<typeof afterSale>;

export const afterSaleParams = z.strictObject({ id });
export const merchantAfterSaleParams = z.strictObject({ merchantId: id, afterSaleId: id });

export const afterSaleListQuery = z.strictObject({ ...pageQuery });
export const afterSalePage = cursorPage(afterSale);
export type AfterSalePage = z.infer<typeof afterSalePage>;

export const merchantAfterSaleQuery = z.strictObject({ status: afterSaleStatus.optional(), ...pageQuery });
export const merchantAfterSalePage = z.object({
  items: z.array(afterSale),
  nextCursor: z.string().nullable(),
  /** Requests per status, for the tabs. */
  counts: z.record(afterSaleStatus, z.number().int()),
});
export type MerchantAfterSalePage = z.infer<typeof merchantAfterSalePage>;
