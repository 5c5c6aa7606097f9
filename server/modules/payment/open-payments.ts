import type { Kysely } from 'kysely';
import type { Payment } from '@contract/payment';
import type { Database } from '../../db/types';
import { views } from './service';
import { ownChildOrderIds } from '../order';

type Db = Kysely<Database>;

/** Payment states that still hold the shopper's internal tenders (released when closed or failed). */
export const OPEN_PAYMENT_STATUSES = ['paying', 'closing'] as const;

/**
 * The shopper's payments that are still open (paying) or being closed (closing) and cover at
 * least one child order of `orderId` (a parent order id, or a child order id), newest first,
 * with the tenders each one holds. The cashier shows them instead of starting a payment that
 * would find the wallet emptied by an attempt the shopper left at the channel's cashier.
 */
export async function listOpenPayments(db: Db, userId: string, orderId: string): Promise<{ items: Payment[] }> {
  const children = (await ownChildOrderIds(db, userId, orderId)).map((id) => ({ id }));
  // Driven from payment_orders by order id (indexed), as closeOpenPaymentsFor does.
  const open = await db
    .selectFrom('payment_orders as po')
    .innerJoin('payments as p', 'p.id', 'po.payment_id')
    .select('p.id')
    .distinct()
    .where('po.order_id', 'in', children.map((c) => c.id))
    .where('p.status', 'in', [...OPEN_PAYMENT_STATUSES])
    .where('p.user_id', '=', userId)
    .execute();
  if (open.length === 0) return { items: [] };
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('id', 'in', open.map((p) => p.id))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return { items: await views(db, rows) };
}
