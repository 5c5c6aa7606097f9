import type { AfterSale, AfterSaleStatus, ReturnAddress } from '@contract/aftersale';
import type { AuditAction } from '@contract/merchant';
import { afterCommit, transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { AppError } from '../../infra/errors';
import type { ExtraSet } from '../../infra/state-machine';
import { FlowInDoubt, defineFlow, runFlow, type Flow } from '../../infra/steps';
import { recordAudit } from '../merchant';
import { lockOrderForRefund } from '../order';
import { bookRefundIn, sendRefund } from '../payment';
import { AFTER_SALE_ORDER_STATUSES, findRow, getAfterSale, returnDeadline, transition, type AfterSaleDeps, type AfterSaleRow, type Owner } from './service';

/**
 * What the merchant (or the rules, for them) decides: approve, approve a return with its address,
 * reject, confirm a return's receipt, run a failed refund again. Each is recorded in the
 * merchant's audit log in its transaction (actor null: decided automatically).
 */

/** Who decided: a staff member of the merchant, or the rules (a job, the unshipped rule). */
export type Decider = { kind: 'staff'; merchantId: string; userId: string } | { kind: 'auto'; approvedBy: 'auto_unshipped' | 'auto_deadline' };

function ownerOf(decider: Decider, row?: AfterSaleRow): Owner {
  if (decider.kind === 'staff') return { merchantId: decider.merchantId };
  if (!row) throw new Error('an automatic decision names its request');
  return { merchantId: row.merchant_id };
}

const actorOf = (decider: Decider) => (decider.kind === 'staff' ? decider.userId : null);
const approvedByOf = (decider: Decider) => (decider.kind === 'staff' ? 'merchant' : decider.approvedBy);

// ---------------------------------------------------------------------------------------------
// Decisions that start a refund: the flow `after_sale.refund`

/** The events that start a refund, and what each answers when it was already applied. */
type RefundEvent = 'approve' | 'receive' | 'retryRefund';
const ALREADY: Record<RefundEvent, readonly AfterSaleStatus[]> = {
  approve: ['refunding', 'refunded', 'refund_failed'],
  receive: ['refunding', 'refunded', 'refund_failed'],
  retryRefund: ['refunding', 'refunded'],
};
const AUDIT: Record<RefundEvent, AuditAction> = { approve: 'after_sale.approved', receive: 'after_sale.received', retryRefund: 'after_sale.refund_retried' };
const EVENT_OF = { approve: EVENTS.afterSaleApproved, receive: EVENTS.afterSaleReceived, retryRefund: EVENTS.afterSaleRefundRetried } as const;

/** What the flow carries (JSON in the operation log). */
export interface AfterSaleRefundState {
  afterSaleId: string;
  event: RefundEvent;
  decider: Decider;
  refundId?: string;
}

/** The flows' names, stable across releases (operations.flow). */
export const AFTER_SALE_FLOWS = { refund: 'after_sale.refund' } as const;

const flowsOf = new WeakMap<AfterSaleDeps, { refund: Flow<AfterSaleRefundState> }>();

/**
 * The flow that turns a decision into a refund:
 * 1. decide (local, one transaction): the order locked (orders first), the request's guarded
 *    transition (approve, receive or retryRefund) to refunding, the payment module's refund
 *    booked for the request's amount (never more than the order can still refund; internal
 *    tenders back at once), the refund's id stored on the request, the audit entry and the
 *    event. A decision already applied changes nothing and ends the flow (a second approval).
 * 2. send (remote): the refund's channel parts go to the channel (the payment module's
 *    sendRefund, idempotent by the refund number); in doubt after a crash, sent again.
 * The request leaves refunding when the payment module's refund.succeeded or refund.failed
 * arrives (consumer.ts).
 */
export function afterSaleFlows(deps: AfterSaleDeps): { refund: Flow<AfterSaleRefundState> } {
  let flows = flowsOf.get(deps);
  if (!flows) {
    flows = {
      refund: defineFlow<AfterSaleRefundState>({
        name: AFTER_SALE_FLOWS.refund,
        fails: () => false,
        steps: [
          {
            name: 'decide',
            kind: 'local',
            run: async (trx, state, now) => {
              const booked = await decideRefund(trx, deps, state, now);
              afterCommit(trx, () => deps.refunds.outbox.kick());
              return booked ? { set: { refundId: booked.refundId }, end: !booked.pendingChannel } : { end: true };
            },
          },
          {
            name: 'send',
            kind: 'remote',
            inDoubt: 'retry',
            run: async (state, now) => {
              if (!state.refundId) throw new Error('after-sale refund flow without its refund');
              await sendRefund(deps.refunds, state.refundId, now);
            },
          },
        ],
      }),
    };
    flowsOf.set(deps, flows);
  }
  return flows;
}

async function decideRefund(trx: Parameters<typeof transact>[0], deps: AfterSaleDeps, state: AfterSaleRefundState, now: number): Promise<{ refundId: string; pendingChannel: boolean } | null> {
  const { decider, event } = state;
  const first = await findRow(trx, state.afterSaleId, decider.kind === 'staff' ? { merchantId: decider.merchantId } : { merchantId: (await findAny(trx, state.afterSaleId)).merchant_id });
  if (event === 'approve' && first.kind !== 'refund_only') throw new AppError('AFTER_SALE_KIND_MISMATCH', 'a return and refund is approved with a return address (approve-return)');
  if (event === 'receive' && first.kind !== 'return_refund') throw new AppError('AFTER_SALE_KIND_MISMATCH', 'a refund only has no goods to receive');
  // Orders first (the lock order), then the request, then payments and refunds.
  if (!(await lockOrderForRefund(trx, first.order_id, AFTER_SALE_ORDER_STATUSES, now))) throw new AppError('AFTER_SALE_ORDER_NOT_PAID', `order ${first.order_id} cannot be refunded`);
  const row = await findRow(trx, first.id, ownerOf(decider, first));
  if (ALREADY[event].includes(row.status as AfterSaleStatus) && (event !== 'approve' || row.approved_by !== null)) return null;
  const set: ExtraSet = event === 'approve' ? { deadline_at: null, approved_by: approvedByOf(decider) } : { deadline_at: null };
  await transition(trx, row, event, set, EVENT_OF[event], now);
  let booked;
  try {
    booked = await bookRefundIn(
      trx,
      deps.refunds,
      { userId: row.user_id, orderId: row.order_id, amount: Number(row.amount), reason: `售后退款 ${row.id}`, source: 'after_sale', sourceRef: row.id, upToRefundable: true },
      now,
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'REFUND_NOT_ALLOWED') throw new AppError('AFTER_SALE_NOTHING_TO_REFUND', err.detail);
    throw err;
  }
  await trx.updateTable('after_sales').set({ refund_id: booked.refundId }).where('id', '=', row.id).execute();
  await recordAudit(
    trx,
    { merchantId: row.merchant_id, actorId: actorOf(decider), action: AUDIT[event], target: `after_sale:${row.id}`, detail: { orderId: row.order_id, refundId: booked.refundId, amount: booked.amount, approvedBy: approvedByOf(decider) } },
    now,
  );
  return { refundId: booked.refundId, pendingChannel: booked.pendingChannel };
}

async function findAny(trx: Parameters<typeof transact>[0], id: string): Promise<AfterSaleRow> {
  const row = await trx.selectFrom('after_sales').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `after-sale ${id} not found`);
  return row;
}

/**
 * Runs the refund flow for a decision; the request as it stands after it. A refund whose sending
 * stopped half-way (an outage) is finished by the resume job; the request shows refunding.
 */
export async function decideWithRefund(deps: AfterSaleDeps, afterSaleId: string, event: RefundEvent, decider: Decider, now = Date.now()): Promise<AfterSale> {
  try {
    await runFlow(deps.db, afterSaleFlows(deps).refund, { afterSaleId, event, decider }, now);
  } catch (err) {
    if (!(err instanceof FlowInDoubt)) throw err;
    deps.log.error({ err: err.cause, afterSaleId }, 'sending the after-sale refund failed; the operation resumes later');
  }
  const row = await findAny(deps.db, afterSaleId);
  return getAfterSale(deps.db, afterSaleId, { merchantId: row.merchant_id });
}

// ---------------------------------------------------------------------------------------------
// Decisions without a refund

/** Approves a return and refund with the address the goods go back to; the shopper then has AFTERSALE_RETURN_DAYS to send them. A second approval changes nothing. */
export async function approveReturn(deps: AfterSaleDeps, afterSaleId: string, address: ReturnAddress, decider: Decider, now = Date.now()): Promise<AfterSale> {
  const merchantId = await transact(deps.db, async (trx) => {
    const row = decider.kind === 'staff' ? await findRow(trx, afterSaleId, { merchantId: decider.merchantId }) : await findAny(trx, afterSaleId);
    if (row.kind !== 'return_refund') throw new AppError('AFTER_SALE_KIND_MISMATCH', 'a refund only is approved without a return address (approve)');
    if (row.status !== 'requested' && row.approved_by !== null) return row.merchant_id;
    await transition(
      trx,
      row,
      'approveReturn',
      { return_address: JSON.stringify(address), approved_by: approvedByOf(decider), deadline_at: returnDeadline(deps, now) },
      EVENTS.afterSaleApproved,
      now,
    );
    await recordAudit(
      trx,
      { merchantId: row.merchant_id, actorId: actorOf(decider), action: 'after_sale.return_approved', target: `after_sale:${row.id}`, detail: { orderId: row.order_id, returnAddress: address, approvedBy: approvedByOf(decider) } },
      now,
    );
    return row.merchant_id;
  });
  return getAfterSale(deps.db, afterSaleId, { merchantId });
}

/** Rejects a request with a reason; the shopper may ask again. */
export async function rejectAfterSale(deps: AfterSaleDeps, merchantId: string, actorId: string, afterSaleId: string, reason: string, now = Date.now()): Promise<AfterSale> {
  await transact(deps.db, async (trx) => {
    const row = await findRow(trx, afterSaleId, { merchantId });
    await transition(trx, row, 'reject', { reject_reason: reason, deadline_at: null }, EVENTS.afterSaleRejected, now);
    await recordAudit(trx, { merchantId, actorId, action: 'after_sale.rejected', target: `after_sale:${row.id}`, detail: { orderId: row.order_id, reason } }, now);
  });
  return getAfterSale(deps.db, afterSaleId, { merchantId });
}
