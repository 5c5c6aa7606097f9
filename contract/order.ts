import { z } from 'zod';
import { fen, id, imagePath, pageQuery, cursorPage, text, timestamp } from './common';
import { address } from './address';
import { lineInput, lineIssue } from './cart';

/** Order lifecycle states; the transition table lives on the server. */
export const orderStatus = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'closed']);
export type OrderStatus = z.infer<typeof orderStatus>;

const contactName = text({ max: 20 });
const contactPhone = z.string().regex(/^1[3-9]\d{9}$/, 'invalid mainland mobile number');

export const fulfilment = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('delivery'), addressId: id }),
  z.strictObject({ type: z.literal('pickup'), contactName, contactPhone }),
]);
export type Fulfilment = z.infer<typeof fulfilment>;

/**
 * What a preview accepts: pickup may be priced before the shopper has typed the contact
 * (the preview then answers canSubmit false); an order needs the complete `fulfilment`.
 */
export const previewFulfilment = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('delivery'), addressId: id }),
  z.strictObject({ type: z.literal('pickup'), contactName: contactName.optional(), contactPhone: contactPhone.optional() }),
]);
export type PreviewFulfilment = z.infer<typeof previewFulfilment>;

export const checkoutBody = z.strictObject({
  items: z.array(lineInput).min(1).max(50),
  /** Omitted on preview when the shopper has not chosen yet: delivery to the default address. */
  fulfilment: previewFulfilment.optional(),
  /**
   * Bought from a live session (docs/live.md): the lines of SKUs in its lineup are priced at the
   * session price while it is live or paused, and taken from the session's quota within its
   * per-shopper limit; other lines are priced as usual.
   */
  liveSessionId: id.optional(),
});
export type CheckoutBody = z.infer<typeof checkoutBody>;

export const pricedLine = z.object({
  skuId: id,
  productId: id,
  title: z.string(),
  specText: z.string(),
  image: imagePath,
  unitPrice: fen,
  quantity: z.number().int(),
  lineAmount: fen,
  issue: lineIssue.nullable(),
});
export type PricedLine = z.infer<typeof pricedLine>;

export const amounts = z.object({
  itemsAmount: fen,
  shippingAmount: fen,
  discountAmount: fen,
  payableAmount: fen,
});
export type Amounts = z.infer<typeof amounts>;

export const pickupStore = z.object({ name: z.string(), address: z.string(), hours: z.string() });

export const checkoutGroup = z.object({
  merchantId: id,
  merchantName: z.string(),
  lines: z.array(pricedLine),
  amounts,
  /** Where to collect the goods when fulfilment is pickup. */
  pickupStore,
});
export const checkoutPreview = z.object({
  groups: z.array(checkoutGroup),
  amounts,
  fulfilment: previewFulfilment.nullable(),
  address: address.nullable(),
  /** true when every line can be bought and a fulfilment is chosen. */
  canSubmit: z.boolean(),
  /** Free shipping threshold per merchant, shown to the shopper. */
  freeShippingThreshold: fen,
});
export type CheckoutPreview = z.infer<typeof checkoutPreview>;

export const createOrderBody = checkoutBody.extend({
  fulfilment,
  /** May keep line breaks; an empty remark counts as none. */
  remark: text({ max: 200, min: 0, multiline: true }).optional(),
  /** Remove the ordered lines from the cart once the order exists. */
  fromCart: z.boolean().default(false),
});
export type CreateOrderBody = z.input<typeof createOrderBody>;

export const orderEvent = z.object({ status: orderStatus, at: timestamp, note: z.string() });

export const orderLine = pricedLine.omit({ issue: true });

/** A child order: one merchant's part of what the shopper bought. */
export const order = z.object({
  id,
  /** What the shopper and the merchant read: 19 digits, date (China time) + random digits. */
  orderNo: z.string(),
  parentId: id,
  merchantId: id,
  merchantName: z.string(),
  status: orderStatus,
  lines: z.array(orderLine),
  amounts,
  fulfilment,
  /** Snapshot of the delivery address, or the pickup store. */
  shipTo: z.string(),
  remark: z.string().nullable(),
  createdAt: timestamp,
  /** Payment deadline while pending payment. */
  expiresAt: timestamp,
  paidAt: timestamp.nullable(),
  /** Fen paid so far (a child order can be paid in several parts; paid when this meets payable). */
  paidAmount: fen,
  /** Fen refunded so far. */
  refundedAmount: fen,
  timeline: z.array(orderEvent),
  /**
   * Pickup orders, once paid and until picked up: the code the shopper shows at the store (the
   * merchant verifies it). Absent or null otherwise.
   */
  pickupCode: z.string().nullable().optional(),
  /** The live session the order was placed from, if any. */
  liveSessionId: id.nullable().optional(),
});
export type Order = z.infer<typeof order>;

/** The parent order: the unit created at checkout and paid in one payment. */
export const parentOrder = z.object({
  id,
  /** The checkout's own number (each child has its own too). */
  orderNo: z.string(),
  status: orderStatus,
  amounts,
  createdAt: timestamp,
  expiresAt: timestamp,
  children: z.array(order),
});
export type ParentOrder = z.infer<typeof parentOrder>;

export const orderTab = z.enum(['all', 'pending_payment', 'paid', 'shipped', 'completed', 'cancelled']);
export type OrderTab = z.infer<typeof orderTab>;
export const orderListQuery = z.strictObject({ status: orderTab.default('all'), ...pageQuery });
export const orderPage = cursorPage(order);
export type OrderPage = z.infer<typeof orderPage>;

export const orderCounts = z.object({
  pending_payment: z.number().int(),
  paid: z.number().int(),
  shipped: z.number().int(),
});
