import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

/** Whether a product exists (on the shelf or not): for what another module names by a product id, such as a share link's target. */
export async function productExists(db: Kysely<Database>, productId: string): Promise<boolean> {
  return !!(await db.selectFrom('products').select('id').where('id', '=', productId).executeTakeFirst());
}
