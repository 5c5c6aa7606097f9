import { sql, type Kysely } from 'kysely';
import type { OrderStatus } from '../../../contract/order';
import type { Database } from '../../db/types';

/** The statuses of a child order the shopper has paid for (and not had closed). */
const PAID_STATUSES = ['paid', 'shipped', 'completed'] as const satisfies readonly OrderStatus[];

/**
 * What a shopper has paid across their paid, shipped and completed child orders, less what was
 * refunded of them, in fen (every tender counted; shipping included, as what was paid). For
 * rules on a shopper's spending, such as who may promote (REFERRAL_PROMOTERS=min_spend).
 */
export async function spentBy(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select(sql<string | number | null>`sum(paid_amount - refunded_amount)`.as('spent'))
    .where('user_id', '=', userId)
    .where('status', 'in', PAID_STATUSES)
    .executeTakeFirst();
  return Math.max(0, Number(row?.spent ?? 0));
}
