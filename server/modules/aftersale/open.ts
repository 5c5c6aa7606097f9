import type { Kysely } from 'kysely';
import type { AfterSaleStatus } from '@contract/aftersale';
import type { Database } from '../../db/types';

/**
 * The states in which a request is still open: the merchant has not decided, the goods are on
 * their way back, or its refund has not succeeded. Refunded, rejected, cancelled and closed
 * requests are over.
 */
export const OPEN_AFTER_SALE_STATES = ['requested', 'awaiting_return', 'returning', 'refunding', 'refund_failed'] as const satisfies readonly AfterSaleStatus[];

/**
 * Which of these child orders have an open after-sale request (after_sales_order_idx): the
 * referral module settles no commission of such an order until its requests are over.
 */
export async function ordersWithOpenAfterSales(db: Kysely<Database>, orderIds: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(orderIds)];
  if (unique.length === 0) return new Set();
  const rows = await db
    .selectFrom('after_sales')
    .select('order_id')
    .distinct()
    .where('order_id', 'in', unique)
    .where('status', 'in', [...OPEN_AFTER_SALE_STATES])
    .execute();
  return new Set(rows.map((r) => r.order_id));
}
