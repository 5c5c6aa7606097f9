import type { Kysely } from 'kysely';
import type { OrderStatus } from '@contract/order';
import { spreadByWeight } from '@contract/money';
import type { Database } from '../../db/types';

type Db = Kysely<Database>;

/** One line of a child order as the referral module's commissions see it. */
export interface CommissionOrderLine {
  lineNo: number;
  productId: string;
  skuId: string;
  title: string;
  quantity: number;
  lineAmount: number;
  /**
   * The line's share of what the child order was paid for its goods (shipping excluded): the
   * line's amount less its share of the order's discount, spread by line amount (spreadByWeight),
   * exactly as orderForAfterSale's paidAmount, which after-sale refunds are measured against.
   * The lines' paid amounts sum to the child's payable amount less shipping.
   */
  paidAmount: number;
}

export interface OrderForCommission {
  id: string;
  orderNo: string;
  userId: string;
  merchantId: string;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
  completedAt: number | null;
  shippingAmount: number;
  payableAmount: number;
  lines: CommissionOrderLine[];
}

/** A child order with its lines and each line's paid share, for commissions; null when there is no such order. */
export async function orderForCommission(db: Db, orderId: string): Promise<OrderForCommission | null> {
  const row = await db
    .selectFrom('orders')
    .select(['id', 'order_no', 'user_id', 'merchant_id', 'status', 'created_at', 'paid_at', 'completed_at', 'shipping_amount', 'discount_amount', 'payable_amount'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!row) return null;
  const lines = await db.selectFrom('order_lines').select(['line_no', 'product_id', 'sku_id', 'title', 'quantity', 'line_amount']).where('order_id', '=', orderId).orderBy('line_no').execute();
  const discounts = spreadByWeight(Number(row.discount_amount), lines.map((l) => Number(l.line_amount)));
  return {
    id: row.id,
    orderNo: row.order_no,
    userId: row.user_id,
    merchantId: row.merchant_id,
    status: row.status as OrderStatus,
    createdAt: Number(row.created_at),
    paidAt: row.paid_at === null ? null : Number(row.paid_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    shippingAmount: Number(row.shipping_amount),
    payableAmount: Number(row.payable_amount),
    lines: lines.map((l, i) => ({
      lineNo: Number(l.line_no),
      productId: l.product_id,
      skuId: l.sku_id,
      title: l.title,
      quantity: Number(l.quantity),
      lineAmount: Number(l.line_amount),
      paidAmount: Number(l.line_amount) - discounts[i],
    })),
  };
}
