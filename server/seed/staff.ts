import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { ensurePhoneAccount } from '../modules/identity';
import { assignFirstOwner } from '../modules/merchant';
import { buildDemoShop } from './data';

/**
 * The demo shop's owner: one account, the H5 account of DEMO_OWNER_PHONE, owns every demo
 * merchant, so one login (the phone's one-time code; in sandbox mode the SMS stand-in shows
 * it) opens the workbench of each shop. Also listed in the README's demo section.
 */
export const DEMO_OWNER_PHONE = '13500000000';
export const DEMO_OWNER_NICKNAME = '演示店主';

export interface StaffSeedResult {
  /** The demo owner's account (null when the database has none of the demo merchants). */
  ownerId: string | null;
  /** Demo merchants that got the demo owner now (a merchant with staff already is left alone). */
  assigned: number;
}

/**
 * Makes the demo owner the owner of each demo merchant that has no staff yet. Idempotent and
 * safe when two processes start together; a shop whose owners have changed its staff since is
 * left as it is.
 */
export async function seedDemoStaff(db: Kysely<Database>, now = Date.now()): Promise<StaffSeedResult> {
  const demo = buildDemoShop().merchants.map((m) => m.id);
  // Only the demo merchants this database has (a catalog of its own gets no demo owner).
  const present = await db.selectFrom('merchants').select('id').where('id', 'in', demo).orderBy('id').execute();
  if (present.length === 0) return { ownerId: null, assigned: 0 };
  const ownerId = await ensurePhoneAccount(db, DEMO_OWNER_PHONE, DEMO_OWNER_NICKNAME);
  let assigned = 0;
  for (const merchant of present) {
    if (await assignFirstOwner(db, merchant.id, ownerId, DEMO_OWNER_PHONE, now)) assigned += 1;
  }
  return { ownerId, assigned };
}
