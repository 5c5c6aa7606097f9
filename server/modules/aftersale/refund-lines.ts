import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

/** One line an after-sale refund gave back: how many units and how much of the line's paid amount. */
export interface RefundedLine {
  lineNo: number;
  quantity: number;
  amount: number;
}

/**
 * The order lines a refund of the payment module gave back, when an after-sale request booked
 * it (its lines, quantities and amounts, shipping not included); null for a refund no request
 * booked (a shopper's refund of an amount, a closed order's).
 */
export async function refundedLinesOf(db: Kysely<Database>, refundId: string): Promise<{ orderId: string; lines: RefundedLine[] } | null> {
  const request = await db.selectFrom('after_sales').select(['id', 'order_id']).where('refund_id', '=', refundId).executeTakeFirst();
  if (!request) return null;
  const lines = await db.selectFrom('after_sale_lines').select(['line_no', 'quantity', 'amount']).where('after_sale_id', '=', request.id).orderBy('line_no').execute();
  return { orderId: request.order_id, lines: lines.map((l) => ({ lineNo: Number(l.line_no), quantity: Number(l.quantity), amount: Number(l.amount) })) };
}
