import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import type { JobDef } from '../../infra/jobs';
import { ordersWithOpenAfterSales } from '../aftersale';
import { dueCommissions, unfreezeCommission, type DueCursor } from './commissions';
import type { FraudSettings } from './fraud';
import { checkDueRisks, type RiskCheck, type RiskLog } from './holds';

/** At most this many pages of due commissions per run (a run never runs unbounded). */
const MAX_PAGES = 50;

/**
 * Frozen commissions whose window closed become available, one transaction each (a guarded
 * transition: safe on several nodes at once; PostgreSQL skips rows another node holds). Held
 * ones are never due; those whose order has an open after-sale request are passed over (asked
 * of the after-sale module a page at a time, and again in the commission's transaction) and
 * settle on a later run once the request is over. Answers how many moved.
 */
export async function unfreezeDueCommissions(db: Kysely<Database>, now = Date.now(), batchSize = 100): Promise<number> {
  let moved = 0;
  let after: DueCursor | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await dueCommissions(db, now, batchSize, after);
    if (due.length === 0) break;
    const waiting = await ordersWithOpenAfterSales(db, due.map((d) => d.orderId));
    for (const d of due) {
      if (waiting.has(d.orderId)) continue;
      if (await transact(db, (trx) => unfreezeCommission(trx, d.id, now))) moved += 1;
    }
    if (due.length < batchSize) break;
    const last = due[due.length - 1];
    after = [last.availableAt, last.id];
  }
  return moved;
}

/** What the referral jobs need: the database, and for the risk check WeChat's API (null: no risk check) and the settings. */
export interface ReferralJobDeps {
  db: Kysely<Database>;
  risk?: { check: RiskCheck | null; settings: FraudSettings; log: RiskLog };
}

/** The module's jobs (server/compose.ts adds them to JOBS). */
export const REFERRAL_JOBS: readonly JobDef<ReferralJobDeps>[] = [
  {
    name: 'unfreeze-commissions',
    intervalMs: 60_000,
    run: ({ db }, now) => unfreezeDueCommissions(db, now),
  },
  {
    // Buyers whose commissions wait for WeChat's risk rank: asked outside any transaction, then applied.
    name: 'check-referral-risk',
    intervalMs: 10_000,
    run: ({ db, risk }, now) => (risk ? checkDueRisks(db, risk.check, risk.settings, risk.log, now) : Promise.resolve(0)),
  },
];
