import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Db = Kysely<Database>;

/**
 * The payment module's part of a merchant's dashboard: refunds of the merchant's orders that
 * succeeded in [from, to), how many and the fen refunded. Reads the refunds of the day by the
 * (status, succeeded_at) index and keeps those of orders the merchant was paid for (payment's
 * own record of each child order's merchant, payment_orders).
 */
export async function refundFigures(db: Db, merchantId: string, from: number, to: number): Promise<{ count: number; amount: number }> {
  const row = await db
    .selectFrom('refunds as r')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('r.amount'), sql<number>`0`).as('fen')])
    .where('r.status', '=', 'succeeded')
    .where('r.succeeded_at', '>=', from)
    .where('r.succeeded_at', '<', to)
    .where((eb) =>
      eb.exists(eb.selectFrom('payment_orders as po').select(sql<number>`1`.as('one')).whereRef('po.order_id', '=', 'r.order_id').where('po.merchant_id', '=', merchantId)),
    )
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), amount: Number(row.fen) };
}
