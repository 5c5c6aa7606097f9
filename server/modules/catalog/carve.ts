import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';

type Db = Kysely<Database>;

/**
 * Stock set aside for another module and given back later (a live session's quota, docs/live.md):
 * not a sale, so `sales` is left alone. Both are one statement the database applies to whatever
 * the stock is at that moment; neither reads the stock first.
 */
const takeGuarded = prepared<{ id: string; n: number; now: number }, { stock: number }>((db, p) =>
  db
    .updateTable('skus')
    .set((eb) => ({ stock: eb('stock', '-', p('n')), updated_at: p('now') }))
    .where('id', '=', p('id'))
    .where('stock', '>=', p('n'))
    .returning('stock'),
);

const giveBack = prepared<{ id: string; n: number; now: number }, { stock: number }>((db, p) =>
  db
    .updateTable('skus')
    .set((eb) => ({ stock: eb('stock', '+', p('n')), updated_at: p('now') }))
    .where('id', '=', p('id'))
    .returning('stock'),
);

/** `stock = stock - n WHERE stock >= n`: false (nothing taken) when the SKU has less than `n` free, or does not exist. */
export async function takeStock(trx: Db, skuId: string, n: number, now = Date.now()): Promise<boolean> {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`takeStock: n must be a positive integer, not ${n}`);
  const { rows } = await takeGuarded.execute(trx, { id: skuId, n, now });
  return rows.length === 1;
}

/** `stock = stock + n`: what takeStock took, given back (n > 0). False when the SKU does not exist. */
export async function giveBackStock(trx: Db, skuId: string, n: number, now = Date.now()): Promise<boolean> {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`giveBackStock: n must be a positive integer, not ${n}`);
  const { rows } = await giveBack.execute(trx, { id: skuId, n, now });
  return rows.length === 1;
}
