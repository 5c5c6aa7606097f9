import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';

/** The states in which a request waits for the merchant: a decision, the returned goods' receipt, a failed refund's retry. */
export const WAITING_FOR_MERCHANT = ['requested', 'returning', 'refund_failed'] as const;

const countWaiting = prepared<{ merchantId: string; a: string; b: string; c: string }, { n: number | string }>((db, p) =>
  db
    .selectFrom('after_sales')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', p('merchantId'))
    .where('status', 'in', [p('a'), p('b'), p('c')]),
);

/** How many of the merchant's after-sale requests wait for the merchant (an index range per state: after_sales_merchant_idx). */
export async function afterSalesWaiting(db: Kysely<Database>, merchantId: string): Promise<number> {
  const [a, b, c] = WAITING_FOR_MERCHANT;
  const { rows } = await countWaiting.execute(db, { merchantId, a, b, c });
  return Number(rows[0]?.n ?? 0);
}
