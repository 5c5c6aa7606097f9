import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import type { JobDef } from '../../infra/jobs';
import { dueCommissions, unfreezeCommission } from './commissions';

/**
 * Frozen commissions whose window closed become available, one transaction each (a guarded
 * transition: safe on several nodes at once; PostgreSQL skips rows another node holds).
 * Answers how many moved.
 */
export async function unfreezeDueCommissions(db: Kysely<Database>, now = Date.now(), batchSize = 100): Promise<number> {
  let moved = 0;
  for (const id of await dueCommissions(db, now, batchSize)) {
    if (await transact(db, (trx) => unfreezeCommission(trx, id, now))) moved += 1;
  }
  return moved;
}

/** The module's jobs (server/compose.ts adds them to JOBS). */
export const REFERRAL_JOBS: readonly JobDef<{ db: Kysely<Database> }>[] = [
  {
    name: 'unfreeze-commissions',
    intervalMs: 60_000,
    run: ({ db }, now) => unfreezeDueCommissions(db, now),
  },
];
