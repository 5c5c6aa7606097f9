import { z } from 'zod';
import { cursorPage, fen, id, imagePath, pageQuery, text, timestamp } from './common';
import { amounts, orderEvent, orderLine, orderStatus } from './order';

/**
 * The merchant's workbench (docs/merchant.md): the merchant's orders (tabs, search, detail,
 * shipping, pickup verification, remarks), goods (shelf, price, stock, sold-out alerts) and
 * today's dashboard. Every route is under /api/merchants/:merchantId (auth 'staff').
 */

/** The carriers a parcel can be shipped with (a fixed list; `other` for anything else). */
export const carrier = z.enum(['sf', 'zto', 'yto', 'yunda', 'sto', 'ems', 'jd', 'jt', 'other']);
export type Carrier = z.infer<typeof carrier>;
/** What the workbench shows for each carrier. */
export const CARRIER_NAMES: Record<Carrier, string> = {
  sf: '顺丰速运',
  zto: '中通快递',
  yto: '圆通速递',
  yunda: '韵达快递',
  sto: '申通快递',
  ems: 'EMS',
  jd: '京东物流',
  jt: '极兔速递',
  other: '其他',
};

export const fulfilmentType = z.enum(['delivery', 'pickup']);
export type FulfilmentType = z.infer<typeof fulfilmentType>;

/**
 * The workbench's order tabs: all; to_ship (待发货: paid, delivery); to_pickup (待自提: paid,
 * pickup); shipped (已发货); completed (已完成); closed (已取消/关闭: cancelled or closed).
 */
export const merchantOrderTab = z.enum(['all', 'to_ship', 'to_pickup', 'shipped', 'completed', 'closed']);
export type MerchantOrderTab = z.infer<typeof merchantOrderTab>;

export const merchantOrderListQuery = z.strictObject({
  tab: merchantOrderTab.default('all'),
  /** An order number (the child's or its parent's), the buyer's phone, or words of a product title. */
  q: text({ max: 50, min: 0 }).optional(),
  ...pageQuery,
});
export type MerchantOrderListQuery = z.input<typeof merchantOrderListQuery>;

/**
 * One row of the merchant's order list; also what the `merchant:{id}` topic pushes with
 * order.paid, so a new paid order can be shown without a request.
 */
export const merchantOrderSummary = z.object({
  id,
  orderNo: z.string(),
  status: orderStatus,
  fulfilmentType,
  contactName: z.string(),
  contactPhone: z.string(),
  /** The first line's title and image; the number of lines and of pieces. */
  title: z.string(),
  image: imagePath,
  lineCount: z.number().int(),
  itemCount: z.number().int(),
  payableAmount: fen,
  createdAt: timestamp,
  paidAt: timestamp.nullable(),
});
export type MerchantOrderSummary = z.infer<typeof merchantOrderSummary>;

export const merchantOrderRow = merchantOrderSummary.extend({ merchantRemark: z.string().nullable() });
export type MerchantOrderRow = z.infer<typeof merchantOrderRow>;

export const merchantOrderCounts = z.object({
  all: z.number().int(),
  to_ship: z.number().int(),
  to_pickup: z.number().int(),
  shipped: z.number().int(),
  completed: z.number().int(),
  closed: z.number().int(),
});
export type MerchantOrderCounts = z.infer<typeof merchantOrderCounts>;

export const merchantOrderPage = cursorPage(merchantOrderRow).extend({ counts: merchantOrderCounts });
export type MerchantOrderPage = z.infer<typeof merchantOrderPage>;

export const shipment = z.object({
  id,
  carrier,
  carrierName: z.string(),
  trackingNo: z.string(),
  /** The order's line numbers (0-based, as in `lines`) in this parcel; null: the whole order. */
  lineNos: z.array(z.number().int()).nullable(),
  createdAt: timestamp,
});
export type Shipment = z.infer<typeof shipment>;

/** An order as the merchant's staff see it. */
export const merchantOrderDetail = merchantOrderRow.extend({
  parentId: id,
  lines: z.array(orderLine),
  amounts,
  /** The delivery address snapshot, or the pickup store. */
  shipTo: z.string(),
  /** The shopper's remark at checkout. */
  buyerRemark: z.string().nullable(),
  payments: z.object({ paidAmount: fen, refundedAmount: fen, paidAt: timestamp.nullable() }),
  shipments: z.array(shipment),
  shippedAt: timestamp.nullable(),
  /** Pickup orders: when the code was verified. */
  pickedUpAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  timeline: z.array(orderEvent),
});
export type MerchantOrderDetail = z.infer<typeof merchantOrderDetail>;

export const merchantOrderParams = z.strictObject({ merchantId: id, orderId: id });

/** A tracking number: letters, digits and dashes. */
export const trackingNo = z.string().trim().regex(/^[A-Za-z0-9-]{4,40}$/, 'a tracking number is 4 to 40 letters, digits or dashes');
export const MAX_PARCELS = 10;

export const parcelInput = z.strictObject({
  carrier,
  trackingNo,
  /** The lines in this parcel (line numbers of the order); omit for the whole order or a parcel of it. */
  lineNos: z.array(z.number().int().min(0).max(99)).min(1).max(100).optional(),
});
export const shipOrderBody = z.strictObject({ parcels: z.array(parcelInput).min(1).max(MAX_PARCELS) });
export type ShipOrderBody = z.infer<typeof shipOrderBody>;

/** The pickup code the shopper shows: six digits. */
export const pickupCode = z.string().regex(/^\d{6}$/, 'a pickup code is six digits');
export const verifyPickupBody = z.strictObject({ code: pickupCode });
export type VerifyPickupBody = z.infer<typeof verifyPickupBody>;

/** The merchant's remark; empty clears it. */
export const orderRemarkBody = z.strictObject({ remark: text({ max: 200, min: 0, multiline: true }) });
export type OrderRemarkBody = z.infer<typeof orderRemarkBody>;

// ---------------------------------------------------------------------------------------------
// Goods

export const merchantSku = z.object({
  id,
  productId: id,
  specText: z.string(),
  price: fen,
  originalPrice: fen.nullable(),
  stock: z.number().int().min(0),
  sales: z.number().int().min(0),
  updatedAt: timestamp,
});
export type MerchantSku = z.infer<typeof merchantSku>;

export const merchantProduct = z.object({
  id,
  title: z.string(),
  cover: imagePath,
  onShelf: z.boolean(),
  priceFrom: fen,
  sales: z.number().int().min(0),
  /** Sum of the SKUs' stock. */
  stock: z.number().int().min(0),
  skus: z.array(merchantSku),
});
export type MerchantProduct = z.infer<typeof merchantProduct>;

export const shelfFilter = z.enum(['all', 'on', 'off']);
export const merchantProductListQuery = z.strictObject({ q: text({ max: 50, min: 0 }).optional(), shelf: shelfFilter.default('all'), ...pageQuery });
export type MerchantProductListQuery = z.input<typeof merchantProductListQuery>;
export const merchantProductPage = cursorPage(merchantProduct);
export type MerchantProductPage = z.infer<typeof merchantProductPage>;

export const merchantProductParams = z.strictObject({ merchantId: id, productId: id });
export const merchantSkuParams = z.strictObject({ merchantId: id, skuId: id });

export const shelfBody = z.strictObject({ onShelf: z.boolean() });

/** A new price; the original (list) price, when given, is not below it (null clears it). */
export const skuPriceBody = z
  .strictObject({ price: fen.min(1), originalPrice: fen.nullable().optional() })
  .refine((b) => b.originalPrice == null || b.originalPrice >= b.price, { message: 'the original price is not below the price', path: ['originalPrice'] });
export type SkuPriceBody = z.infer<typeof skuPriceBody>;

export const MAX_STOCK = 1_000_000;
/**
 * A stock edit that never loses a sale made meanwhile: a change (`delta`: +n adds, -n takes, never
 * below zero) or a compare-and-set (`set` the stock to a value when it is still `expected`, the
 * value the staff member read; otherwise 409 STOCK_CHANGED with the current stock).
 */
export const skuStockBody = z
  .strictObject({
    delta: z.number().int().min(-MAX_STOCK).max(MAX_STOCK).refine((d) => d !== 0, 'a change of zero changes nothing').optional(),
    set: z.number().int().min(0).max(MAX_STOCK).optional(),
    expected: z.number().int().min(0).max(MAX_STOCK).optional(),
  })
  .refine((b) => (b.delta !== undefined) !== (b.set !== undefined || b.expected !== undefined), { message: 'send either delta, or set with expected' })
  .refine((b) => (b.set === undefined) === (b.expected === undefined), { message: 'set needs the expected stock it replaces', path: ['expected'] });
export type SkuStockBody = z.infer<typeof skuStockBody>;

/** A SKU at or below the low-stock threshold. */
export const stockAlert = z.object({
  skuId: id,
  productId: id,
  title: z.string(),
  specText: z.string(),
  cover: imagePath,
  stock: z.number().int().min(0),
  onShelf: z.boolean(),
});
export type StockAlert = z.infer<typeof stockAlert>;
export const stockAlertQuery = z.strictObject({
  /** SKUs with at most this much stock; 0 (the default): the sold-out ones. */
  threshold: z.coerce.number().int().min(0).max(10_000).default(0),
  ...pageQuery,
});
export const stockAlertPage = cursorPage(stockAlert);
export type StockAlertPage = z.infer<typeof stockAlertPage>;

// ---------------------------------------------------------------------------------------------
// Dashboard

/** The merchant's day runs in this time zone. */
export const MERCHANT_TIME_ZONE = 'Asia/Shanghai';

/** Today's figures (the merchant's time zone), computed by the server. */
export const dashboardFigures = z.object({
  /** The day they count, YYYY-MM-DD in MERCHANT_TIME_ZONE. */
  date: z.string(),
  timeZone: z.literal(MERCHANT_TIME_ZONE),
  /** Orders paid today, and the fen they were paid (GMV). */
  paidOrders: z.number().int(),
  gmv: fen,
  /** Refunds that succeeded today: how many and the fen refunded. */
  refunds: z.object({ count: z.number().int(), amount: fen }),
  /** Paid delivery orders waiting to be shipped, and paid pickup orders waiting to be picked up (any day). */
  toShip: z.number().int(),
  toPickup: z.number().int(),
  /** After-sale requests waiting for the merchant: to decide, returned goods to confirm, failed refunds to retry (any day). */
  afterSalesWaiting: z.number().int(),
  computedAt: timestamp,
});
export type DashboardFigures = z.infer<typeof dashboardFigures>;
