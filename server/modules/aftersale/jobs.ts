import type { JobDef } from '../../infra/jobs';
import { tryApply } from '../../infra/state-machine';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import { approveReturn, decideWithRefund } from './decisions';
import { afterSaleMachine } from './machine';
import { lastReturnAddress, payloadOf, type AfterSaleDeps } from './service';
import { pruneLooseUploads } from './uploads';

/**
 * Requests the merchant left unanswered past AFTERSALE_MERCHANT_HOURS are approved: a refund only
 * with its refund at once; a return with the address the merchant last gave for a return (a
 * merchant that never gave one keeps the request, and it is logged). Each approval is its own
 * guarded decision, so a merchant answering at the same moment wins or loses cleanly.
 */
export async function approveOverdueAfterSales(deps: AfterSaleDeps, now = Date.now(), batchSize = 50): Promise<number> {
  const due = await deps.db
    .selectFrom('after_sales')
    .select(['id', 'kind', 'merchant_id'])
    .where('status', '=', 'requested')
    .where('deadline_at', '<=', now)
    .orderBy('deadline_at')
    .orderBy('id')
    .limit(batchSize)
    .execute();
  let approved = 0;
  for (const row of due) {
    try {
      if (row.kind === 'refund_only') {
        await decideWithRefund(deps, row.id, 'approve', { kind: 'auto', approvedBy: 'auto_deadline' }, now);
      } else {
        const address = await lastReturnAddress(deps.db, row.merchant_id);
        if (!address) {
          deps.log.warn({ afterSaleId: row.id, merchantId: row.merchant_id }, 'a return request is past the merchant deadline, but the merchant never gave a return address; it waits for the merchant');
          continue;
        }
        await approveReturn(deps, row.id, address, { kind: 'auto', approvedBy: 'auto_deadline' }, now);
      }
      approved += 1;
    } catch (err) {
      deps.log.warn({ afterSaleId: row.id, err }, 'automatic approval of an overdue after-sale failed');
    }
  }
  return approved;
}

/** Returns the shopper did not send back within AFTERSALE_RETURN_DAYS close (guarded: a shipment entered at the same moment wins or loses cleanly). */
export async function closeUnreturnedAfterSales(deps: AfterSaleDeps, now = Date.now(), batchSize = 100): Promise<number> {
  const due = await deps.db
    .selectFrom('after_sales')
    .selectAll()
    .where('status', '=', 'awaiting_return')
    .where('deadline_at', '<=', now)
    .orderBy('deadline_at')
    .orderBy('id')
    .limit(batchSize)
    .execute();
  let closed = 0;
  for (const row of due) {
    const done = await transact(deps.db, async (trx) => {
      if (!(await tryApply(trx, afterSaleMachine, 'after_sales', row.id, 'close', { deadline_at: null, updated_at: now }))) return false;
      await emit(trx, EVENTS.afterSaleClosed, row.id, payloadOf(row, 'closed', now), now);
      return true;
    });
    if (done) closed += 1;
  }
  return closed;
}

/** The module's jobs (server/compose.ts adds them to JOBS). */
export const AFTER_SALE_JOBS: readonly JobDef<{ afterSales: AfterSaleDeps }>[] = [
  {
    name: 'approve-overdue-after-sales',
    intervalMs: 60_000,
    run: ({ afterSales }, now) => approveOverdueAfterSales(afterSales, now),
  },
  {
    name: 'close-unreturned-after-sales',
    intervalMs: 60_000,
    run: ({ afterSales }, now) => closeUnreturnedAfterSales(afterSales, now),
  },
  {
    // Uploads no request took within UPLOAD_GRACE_HOURS (default 24 h), with their files.
    name: 'prune-loose-uploads',
    intervalMs: 10 * 60_000,
    run: ({ afterSales }, now) => pruneLooseUploads(afterSales.db, afterSales.uploads, now),
  },
];
