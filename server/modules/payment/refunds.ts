import { randomInt } from 'node:crypto';
import { EVENTS, type RefundEndedPayload as RefundEventPayload } from '../../events/catalog';
import { emit } from '../../events/emit';
import type { Kysely, Selectable } from 'kysely';
import type { PayChannel, Refund, RefundList, RefundStatus, TenderKind } from '@contract/payment';
import { payChannel, refundStatus, tenderKind } from '@contract/payment';
import type { PointsRule } from '@contract/tender-split';
import type { ChannelRegistry } from '../../channels/registry';
import { ChannelError, type RefundState, type VerifiedNotification } from '../../channels/types';
import type { PaymentTable, RefundPartTable, RefundTable } from './tables';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import type { Outbox } from '../../infra/outbox';
import { tryApply, type ExtraSet } from '../../infra/state-machine';
import { PLATFORM, lockAccounts, post, type AccountRef, type Posting } from '../wallet';
import { lockOrderForRefund, orderForRefund, payableChildOf } from '../order';
import { REFUND_SOURCES, refundMachine, type RefundSource } from './refund-machine';
import { RefundSplitError, refundableTotal, splitRefund, type RefundSplitPart, type RefundableAllocation } from './refund-split';
import { afterCommit, transact } from '../../db/transaction';
import { FlowInDoubt, defineFlow, runFlow, type Flow } from '../../infra/steps';

/**
 * Refunds: per child order, split back across the tenders that paid it (internal tenders into
 * the ledger at once, the channel part through the channel's refund API with a stable refund
 * number); refunds of child orders that closed after a partial payment; and the automatic
 * refund of money a channel took for a payment we had already closed ("late money").
 *
 * Ledger steps (refs are unique, so a replay posts nothing):
 * - refund:<refundId>:<seq>  one part done: merchant_payable -amount, the tender's account +amount
 * - late:<paymentId>         late money arrived: channel_clearing -amount, late_payments +amount
 * - late-refund:<paymentId>  the channel gave it back: late_payments -amount, channel_clearing +amount
 *
 * Channel calls never run inside a database transaction: the rows are committed first (part
 * pending, refund processing, next_check_at set), then the channel is called, then its answer
 * is applied in a new transaction with guarded updates. A crash anywhere leaves a pending part
 * that retryRefunds picks up and asks the channel about, always with the same refund number.
 */

type Db = Kysely<Database>;
type RefundRow = Selectable<RefundTable>;
type PartRow = Selectable<RefundPartTable>;
type PaymentRow = Selectable<PaymentTable>;

export interface RefundLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RefundDeps {
  db: Db;
  channels: ChannelRegistry;
  outbox: Pick<Outbox, 'enqueue' | 'kick'>;
  log: RefundLog;
  config: { pointsRule: PointsRule };
}

export const REFUND_ID_PREFIX = 'rf';
/** Child order states in which the shopper may ask for a refund. */
export const REFUNDABLE_ORDER_STATUSES = ['paid', 'shipped', 'completed'] as const;
/** Child order states whose paid parts are given back automatically (refundClosedOrder). */
export const CLOSED_ORDER_STATUSES = ['cancelled', 'closed'] as const;

/** First look at a refund still processing at the channel (the immediate call usually settles it). */
export const REFUND_FIRST_CHECK_MS = 30_000;
/** Longest wait between two looks at a processing refund. */
export const REFUND_MAX_CHECK_MS = 60 * 60_000;

export const CLOSED_ORDER_REFUND_REASON = '订单已关闭，已付款项原路退回';
export const LATE_PAYMENT_REFUND_REASON = '支付单关闭后到账，款项原路退回';

/** Event types this module writes to the outbox. */
export const REFUND_EVENTS = {
  succeeded: EVENTS.refundSucceeded.name,
  failed: EVENTS.refundFailed.name,
  /** Late money went back to the shopper through the channel (not an order refund). */
  lateRefunded: EVENTS.latePaymentRefunded.name,
} as const;

export type { RefundEndedPayload as RefundEventPayload } from '../../events/catalog';

/** Shopper refund numbers: "RF" + epoch ms + 12 random digits (unique: refunds.refund_no; with a part's "-n" and a late refund's "RL" + payment number, at most 32 characters). */
export function newRefundNo(now: number): string {
  return `RF${now}${String(randomInt(0, 1_000_000_000_000)).padStart(12, '0')}`;
}

/** The late-money refund of a payment has one fixed number, so a repeated notification cannot make a second. */
export function lateRefundNo(paymentNo: string): string {
  return `RL${paymentNo}`;
}

/** The number the channel sees for one part: stable per part, reused by every retry. */
export function partRefundNo(refundNo: string, seq: number): string {
  return `${refundNo}-${seq}`;
}

function parsePartRefundNo(value: string): { refundNo: string; seq: number } | null {
  const m = /^(.+)-(\d{1,4})$/.exec(value);
  return m ? { refundNo: m[1], seq: Number(m[2]) } : null;
}

/** Wait before the next look at a processing refund: grows with its age, 30 s to 1 h. */
export function nextCheckDelay(createdAt: number, now: number): number {
  return Math.min(REFUND_MAX_CHECK_MS, Math.max(REFUND_FIRST_CHECK_MS, Math.floor((now - createdAt) / 4)));
}

function toTenderKind(value: string): TenderKind {
  const parsed = tenderKind.safeParse(value);
  if (!parsed.success) throw new Error(`unknown tender kind in the database: ${value}`);
  return parsed.data;
}

function toChannel(value: string | null): PayChannel {
  const parsed = payChannel.safeParse(value);
  if (!parsed.success) throw new Error(`unknown channel in the database: ${String(value)}`);
  return parsed.data;
}

function toRefundSource(value: string): RefundSource {
  const found = REFUND_SOURCES.find((s) => s === value);
  if (!found) throw new Error(`unknown refund source in the database: ${value}`);
  return found;
}

function toRefundStatus(value: string): RefundStatus {
  const parsed = refundStatus.safeParse(value);
  if (!parsed.success) throw new Error(`unknown refund status in the database: ${value}`);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// What a child order can still refund

/**
 * The child order's allocations from PAID payments, with `refunded` = refunded so far plus
 * what pending refund parts have reserved, in payment then tender order.
 */
export async function refundableAllocations(db: Db, orderId: string): Promise<RefundableAllocation[]> {
  const rows = await db
    .selectFrom('payment_allocations as a')
    .innerJoin('payment_tenders as t', (j) => j.onRef('t.payment_id', '=', 'a.payment_id').onRef('t.seq', '=', 'a.tender_seq'))
    .innerJoin('payments as p', 'p.id', 'a.payment_id')
    .select(['a.payment_id', 'a.tender_seq', 't.kind', 'a.amount', 'a.refunded_amount'])
    .where('a.order_id', '=', orderId)
    .where('p.status', '=', 'paid')
    .orderBy('a.payment_id')
    .orderBy('a.tender_seq')
    .execute();
  if (rows.length === 0) return [];
  const pending = await db
    .selectFrom('refund_parts as rp')
    .innerJoin('refunds as r', 'r.id', 'rp.refund_id')
    .select(['rp.payment_id', 'rp.tender_seq', (eb) => eb.fn.sum<number>('rp.amount').as('amount')])
    .where('r.order_id', '=', orderId)
    .where('r.source', '!=', 'late_payment')
    .where('rp.status', '=', 'pending')
    .groupBy(['rp.payment_id', 'rp.tender_seq'])
    .execute();
  const reserved = new Map(pending.map((p) => [`${p.payment_id}#${p.tender_seq}`, Number(p.amount)]));
  return rows.map((r) => ({
    paymentId: r.payment_id,
    tenderSeq: Number(r.tender_seq),
    kind: toTenderKind(r.kind),
    amount: Number(r.amount),
    refunded: Number(r.refunded_amount) + (reserved.get(`${r.payment_id}#${r.tender_seq}`) ?? 0),
  }));
}

/** What a child order can still refund (fen): its paid allocations less what was refunded or is reserved by pending parts. */
export async function refundableAmount(deps: Pick<RefundDeps, 'config'>, db: Db, orderId: string): Promise<number> {
  return refundableTotal(await refundableAllocations(db, orderId), deps.config.pointsRule);
}

async function paidAmountOf(db: Db, orderId: string): Promise<number> {
  const row = await db
    .selectFrom('payment_allocations as a')
    .innerJoin('payments as p', 'p.id', 'a.payment_id')
    .select((eb) => eb.fn.sum<number>('a.amount').as('amount'))
    .where('a.order_id', '=', orderId)
    .where('p.status', '=', 'paid')
    .executeTakeFirst();
  return Number(row?.amount ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Writing refunds and finishing parts (inside a transaction)

interface NewRefund {
  refundNo: string;
  userId: string;
  orderId: string;
  amount: number;
  reason: string;
  source: RefundSource;
  /** What caused it, for sources that name one (after_sale: the request's id). */
  sourceRef?: string | null;
  parts: readonly RefundSplitPart[];
  /** When the retry job first looks at the channel parts. */
  firstCheckAt: number;
}

/**
 * Inserts the refund and its parts, finishes the internal parts at once and settles the refund
 * when nothing is left for the channel. Returns the refund id and whether channel parts wait.
 */
async function insertRefund(trx: Db, deps: RefundDeps, input: NewRefund, now: number): Promise<{ refundId: string; pendingChannel: boolean }> {
  const refundId = newId(REFUND_ID_PREFIX, now);
  const pendingChannel = input.parts.some((p) => p.kind === 'channel');
  await trx
    .insertInto('refunds')
    .values({
      id: refundId,
      refund_no: input.refundNo,
      user_id: input.userId,
      order_id: input.orderId,
      amount: input.amount,
      reason: input.reason,
      status: refundMachine.initial,
      source: input.source,
      source_ref: input.sourceRef ?? null,
      created_at: now,
      updated_at: now,
      succeeded_at: null,
      next_check_at: pendingChannel ? input.firstCheckAt : null,
    })
    .execute();
  await trx
    .insertInto('refund_parts')
    .values(
      input.parts.map((p, i) => ({
        refund_id: refundId,
        seq: i + 1,
        payment_id: p.paymentId,
        tender_seq: p.tenderSeq,
        kind: p.kind,
        amount: p.amount,
        points: p.points,
        status: 'pending',
        channel_refund_id: null,
      })),
    )
    .execute();
  const refund = await trx.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
  const parts = await trx.selectFrom('refund_parts').selectAll().where('refund_id', '=', refundId).orderBy('seq').execute();
  // Several postings in one transaction: lock every account they touch first, in post()'s
  // order, so a concurrent payment (which does the same) can never deadlock with us on PostgreSQL.
  const internal = parts.filter((part) => part.kind !== 'channel');
  if (internal.length > 1) {
    const accounts = [];
    for (const part of internal) accounts.push(...(await partPostings(trx, refund, part)).map((x) => x.account));
    await lockAccounts(trx, accounts);
  }
  for (const part of internal) await completePart(trx, deps, refund, part, null, now);
  await settleRefund(trx, deps, refund, now);
  return { refundId, pendingChannel };
}

/** Ledger postings that move a done part's money from the merchant back to the tender. */
async function partPostings(trx: Db, refund: RefundRow, part: PartRow): Promise<Posting[]> {
  const amount = Number(part.amount);
  const order = await orderForRefund(trx, refund.order_id);
  if (!order) throw new Error(`refund ${refund.id}: order ${refund.order_id} not found`);
  // The shared accounts' side goes to the shard the payment was captured on.
  const payment = await trx.selectFrom('payments').select(['channel', 'ledger_shard']).where('id', '=', part.payment_id).executeTakeFirstOrThrow();
  const shard = Number(payment.ledger_shard);
  const postings: Posting[] = [{ account: { kind: 'merchant_payable', ownerId: order.merchantId, shard }, amount: -amount }];
  switch (toTenderKind(part.kind)) {
    case 'balance':
      postings.push({ account: { kind: 'user_balance', ownerId: refund.user_id }, amount });
      break;
    case 'points': {
      const points = Number(part.points);
      postings.push(
        { account: { kind: 'points_expense', ownerId: PLATFORM, shard }, amount },
        { account: { kind: 'points_issuance', ownerId: PLATFORM, shard }, amount: -points },
        { account: { kind: 'user_points', ownerId: refund.user_id }, amount: points },
      );
      break;
    }
    case 'gift_card': {
      // Credited even when the card has expired since: it is the shopper's money, on record.
      const tender = await trx
        .selectFrom('payment_tenders')
        .select('gift_card_id')
        .where('payment_id', '=', part.payment_id)
        .where('seq', '=', part.tender_seq)
        .executeTakeFirstOrThrow();
      if (!tender.gift_card_id) throw new Error(`gift card tender ${part.payment_id}#${part.tender_seq} has no card`);
      postings.push({ account: { kind: 'gift_card', ownerId: tender.gift_card_id }, amount });
      break;
    }
    case 'channel': {
      postings.push({ account: { kind: 'channel_clearing', ownerId: toChannel(payment.channel), shard }, amount });
      break;
    }
  }
  return postings;
}

async function bumpTender(trx: Db, paymentId: string, tenderSeq: number, amount: number): Promise<void> {
  const r = await trx
    .updateTable('payment_tenders')
    .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount) }))
    .where('payment_id', '=', paymentId)
    .where('seq', '=', tenderSeq)
    .where((eb) => eb(eb('refunded_amount', '+', amount), '<=', eb.ref('amount')))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Error(`refund of ${amount} would exceed tender ${paymentId}#${tenderSeq}`);
}

async function bumpAllocation(trx: Db, paymentId: string, tenderSeq: number, orderId: string, amount: number): Promise<void> {
  const r = await trx
    .updateTable('payment_allocations')
    .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount) }))
    .where('payment_id', '=', paymentId)
    .where('tender_seq', '=', tenderSeq)
    .where('order_id', '=', orderId)
    .where((eb) => eb(eb('refunded_amount', '+', amount), '<=', eb.ref('amount')))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Error(`refund of ${amount} would exceed allocation ${paymentId}#${tenderSeq} of ${orderId}`);
}

/**
 * Late money went back: the channel tender is refunded in full, spread over its allocations
 * (the payment was never paid, so no child order counted these fen).
 */
async function bumpLateAllocations(trx: Db, paymentId: string, tenderSeq: number, amount: number): Promise<void> {
  const rows = await trx
    .selectFrom('payment_allocations')
    .select(['order_id', 'amount', 'refunded_amount'])
    .where('payment_id', '=', paymentId)
    .where('tender_seq', '=', tenderSeq)
    .orderBy('order_id')
    .execute();
  let left = amount;
  for (const row of rows) {
    const take = Math.min(left, Number(row.amount) - Number(row.refunded_amount));
    if (take > 0) {
      await bumpAllocation(trx, paymentId, tenderSeq, row.order_id, take);
      left -= take;
    }
  }
}

/**
 * Marks a pending part done (guarded: at most once), posts its ledger step and counts it as
 * refunded on the tender and the allocation. False when the part was no longer pending.
 */
async function completePart(trx: Db, deps: RefundDeps, refund: RefundRow, part: PartRow, channelRefundId: string | null, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('refund_parts')
    .set({ status: 'done', channel_refund_id: channelRefundId })
    .where('refund_id', '=', part.refund_id)
    .where('seq', '=', part.seq)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  const amount = Number(part.amount);
  let outcome: 'posted' | 'duplicate';
  if (refund.source === 'late_payment') {
    const payment = await trx.selectFrom('payments').select(['channel', 'ledger_shard']).where('id', '=', part.payment_id).executeTakeFirstOrThrow();
    const channel = toChannel(payment.channel);
    const shard = Number(payment.ledger_shard);
    outcome = await post(trx, {
      ref: `late-refund:${part.payment_id}`,
      kind: 'late_refund',
      memo: `late money of payment ${part.payment_id} refunded through ${channel} (${refund.refund_no})`,
      postings: [
        { account: { kind: 'late_payments', ownerId: PLATFORM, shard }, amount: -amount },
        { account: { kind: 'channel_clearing', ownerId: channel, shard }, amount },
      ],
      now,
    });
    await bumpTender(trx, part.payment_id, part.tender_seq, amount);
    await bumpLateAllocations(trx, part.payment_id, part.tender_seq, amount);
  } else {
    outcome = await post(trx, {
      ref: `refund:${refund.id}:${part.seq}`,
      kind: 'refund',
      memo: `refund ${refund.refund_no} of order ${refund.order_id}: ${part.kind} part ${part.seq}`,
      postings: await partPostings(trx, refund, part),
      now,
    });
    await bumpTender(trx, part.payment_id, part.tender_seq, amount);
    await bumpAllocation(trx, part.payment_id, part.tender_seq, refund.order_id, amount);
  }
  if (outcome === 'duplicate') {
    deps.log.error({ refundId: refund.id, seq: part.seq }, 'refund part was already posted to the ledger; nothing posted again');
  }
  return true;
}

/** Marks a pending part failed (guarded). False when it was no longer pending. */
async function failPart(trx: Db, part: PartRow): Promise<boolean> {
  const r = await trx
    .updateTable('refund_parts')
    .set({ status: 'failed' })
    .where('refund_id', '=', part.refund_id)
    .where('seq', '=', part.seq)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Ends a processing refund once no part is pending: succeeded when every part is done, failed
 * when one failed; writes the event in the same transaction. Guarded, so it ends at most once.
 */
async function settleRefund(trx: Db, deps: RefundDeps, refund: RefundRow, now: number): Promise<RefundStatus | null> {
  const parts = await trx.selectFrom('refund_parts').select(['status']).where('refund_id', '=', refund.id).execute();
  if (parts.some((p) => p.status === 'pending')) return null;
  const failed = parts.some((p) => p.status === 'failed');
  const event = failed ? 'fail' : 'succeed';
  const set: ExtraSet = failed ? { updated_at: now, next_check_at: null } : { updated_at: now, next_check_at: null, succeeded_at: now };
  if (!(await tryApply(trx, refundMachine, 'refunds', refund.id, event, set))) return null;
  const source = toRefundSource(refund.source);
  const payload: RefundEventPayload = { refundId: refund.id, orderId: refund.order_id, userId: refund.user_id, amount: Number(refund.amount), source };
  const def = failed ? EVENTS.refundFailed : source === 'late_payment' ? EVENTS.latePaymentRefunded : EVENTS.refundSucceeded;
  await emit(trx, def, refund.id, payload, now);
  if (failed) {
    deps.log.error({ refundId: refund.id, refundNo: refund.refund_no, orderId: refund.order_id, source }, 'refund failed at the channel; the money stays with the merchant');
  }
  return failed ? 'failed' : 'succeeded';
}

// ---------------------------------------------------------------------------------------------
// Refunds of a paid child order (createRefund, for internal callers; bookRefundIn)

export interface CreateRefundInput {
  userId: string;
  orderId: string;
  /** Fen; omitted: everything still refundable. */
  amount?: number;
  reason: string;
}

/** A refund another module books inside its own transaction (bookRefundIn). */
export interface BookRefundInput extends CreateRefundInput {
  source: Extract<RefundSource, 'after_sale'>;
  /** The id of what asked for it (the after-sale request). */
  sourceRef: string;
  /** Refund at most what is still refundable instead of refusing a larger amount. */
  upToRefundable?: boolean;
}

/**
 * The refund flow's `book` step inside the caller's transaction, for a module whose own change
 * must commit with the refund (an after-sale approval): locks the order, splits the amount over
 * what is still refundable and books the refund (internal parts done at once). The caller sends
 * the channel parts after its commit with sendRefund, as the refund flow's `send` step does, from
 * a flow of its own; the retry job is the backstop.
 */
export async function bookRefundIn(trx: Db, deps: RefundDeps, input: BookRefundInput, now = Date.now()): Promise<{ refundId: string; amount: number; pendingChannel: boolean }> {
  return bookRefund(trx, deps, input, now);
}

/**
 * A refund of part or all of a paid child order for an internal caller: there is no shopper's
 * route to it (a shopper asks through after-sales, which books with bookRefundIn); stored with
 * the source `shopper`, the value the removed route wrote. The flow `refund.create`
 * (server/infra/steps.ts) of two steps:
 * 1. book (local): owner check, status, what is refundable, the split, the refund and its
 *    parts, internal parts done at once. With nothing for a channel the flow ends here.
 *    No compensation: a booked refund is never taken back; its channel parts end done or
 *    failed, forward.
 * 2. send (remote): each pending channel part goes to its channel with its stable refund number
 *    (a repeat is the same refund at the channel); final answers are applied at once, others by
 *    the refund notification or the retry job. In doubt after a crash: sent again.
 */
export async function createRefund(deps: RefundDeps, input: CreateRefundInput, now = Date.now()): Promise<Refund> {
  let refundId: string | undefined;
  try {
    refundId = (await runFlow(deps.db, refundFlows(deps).create, { request: input }, now)).refundId;
  } catch (err) {
    if (!(err instanceof FlowInDoubt)) throw err;
    // Booked, not sent yet: the shopper sees it processing; the resume job sends it.
    refundId = (err.state as RefundFlowState).refundId;
    deps.log.error({ err: err.cause, refundId }, 'sending the refund failed; the operation resumes later');
    if (!refundId) throw err;
  }
  if (!refundId) throw new Error('refund flow ended without a refund');
  return getRefund(deps.db, refundId);
}

/** What the refund flow carries from step to step. */
interface RefundFlowState {
  /** The shopper's request (only the first step reads it). */
  request?: CreateRefundInput;
  refundId?: string;
}

interface RefundFlows {
  create: Flow<RefundFlowState>;
}

const flowsOf = new WeakMap<RefundDeps, RefundFlows>();

/** The flows' names, stable across releases (operations.flow). */
export const REFUND_FLOWS = { create: 'refund.create' } as const;

/** The refund flows for these deps (the resume job runs them too). */
export function refundFlows(deps: RefundDeps): RefundFlows {
  let flows = flowsOf.get(deps);
  if (!flows) {
    flows = {
      create: defineFlow<RefundFlowState>({
        name: REFUND_FLOWS.create,
        // Nothing here fails for good after the refund is booked: every error is retried.
        fails: () => false,
        steps: [
          {
            name: 'book',
            kind: 'local',
            run: async (trx, state, now) => {
              if (!state.request) throw new Error('refund flow without its request');
              const booked = await bookRefund(trx, deps, state.request, now);
              afterCommit(trx, () => deps.outbox.kick());
              return { set: { request: undefined, refundId: booked.refundId }, end: !booked.pendingChannel };
            },
          },
          {
            name: 'send',
            kind: 'remote',
            inDoubt: 'retry',
            run: async (state, now) => {
              if (!state.refundId) throw new Error('refund flow without its refund');
              await sendRefund(deps, state.refundId, now);
            },
          },
        ],
      }),
    };
    flowsOf.set(deps, flows);
  }
  return flows;
}

/** Step 1 of the refund flow (see createRefund). */
async function bookRefund(trx: Db, deps: RefundDeps, input: CreateRefundInput | BookRefundInput, now: number): Promise<{ refundId: string; amount: number; pendingChannel: boolean }> {
  const order = await orderForRefund(trx, input.orderId, input.userId);
  if (!order) throw new AppError('NOT_FOUND', `order ${input.orderId} not found`);
  if (!(REFUNDABLE_ORDER_STATUSES as readonly string[]).includes(order.status)) {
    throw new AppError('REFUND_NOT_ALLOWED', `order ${input.orderId} is ${order.status}`);
  }
  // Lock the order row (orders before payments and refunds: the lock order used everywhere),
  // so two refunds of one order are computed one after the other.
  if (!(await lockOrderForRefund(trx, input.orderId, REFUNDABLE_ORDER_STATUSES, now))) throw new AppError('REFUND_NOT_ALLOWED', `order ${input.orderId} changed; try again`);

  const allocations = await refundableAllocations(trx, input.orderId);
  const refundable = refundableTotal(allocations, deps.config.pointsRule);
  if (refundable === 0) throw new AppError('REFUND_NOT_ALLOWED', `order ${input.orderId} has nothing left to refund`);
  const amount = 'upToRefundable' in input && input.upToRefundable ? Math.min(input.amount ?? refundable, refundable) : (input.amount ?? refundable);
  if (amount > refundable) {
    throw new AppError('REFUND_AMOUNT_EXCEEDED', `at most ${refundable} fen can still be refunded`, { refundableAmount: refundable });
  }
  let parts: RefundSplitPart[];
  try {
    parts = splitRefund(allocations, amount, deps.config.pointsRule);
  } catch (err) {
    if (err instanceof RefundSplitError) throw new AppError('REFUND_AMOUNT_EXCEEDED', err.message, { refundableAmount: refundable });
    throw err;
  }
  const booked = await insertRefund(
    trx,
    deps,
    {
      refundNo: newRefundNo(now),
      userId: input.userId,
      orderId: input.orderId,
      amount,
      reason: input.reason,
      source: 'source' in input ? input.source : 'shopper',
      sourceRef: 'sourceRef' in input ? input.sourceRef : null,
      parts,
      firstCheckAt: now + REFUND_FIRST_CHECK_MS,
    },
    now,
  );
  return { ...booked, amount };
}

// ---------------------------------------------------------------------------------------------
// Talking to the channel (outside transactions)

interface PendingChannelPart {
  refund: RefundRow;
  part: PartRow;
  payment: Pick<PaymentRow, 'payment_no' | 'channel' | 'channel_amount'>;
}

async function pendingChannelParts(db: Db, refundId: string): Promise<PendingChannelPart[]> {
  const refund = await db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
  if (!refund || refund.status !== 'processing') return [];
  const parts = await db.selectFrom('refund_parts').selectAll().where('refund_id', '=', refundId).where('kind', '=', 'channel').where('status', '=', 'pending').orderBy('seq').execute();
  const out: PendingChannelPart[] = [];
  for (const part of parts) {
    const payment = await db.selectFrom('payments').select(['payment_no', 'channel', 'channel_amount']).where('id', '=', part.payment_id).executeTakeFirstOrThrow();
    out.push({ refund, part, payment });
  }
  return out;
}

export type PartOutcome = 'done' | 'failed' | 'processing' | 'error';

/** Applies the channel's answer about one part in its own transaction. */
async function applyPartState(deps: RefundDeps, p: PendingChannelPart, state: RefundState, now: number): Promise<PartOutcome> {
  if (state.state === 'processing') return 'processing';
  await transact(deps.db, async (trx) => {
    const part = await trx.selectFrom('refund_parts').selectAll().where('refund_id', '=', p.part.refund_id).where('seq', '=', p.part.seq).executeTakeFirstOrThrow();
    const changed = state.state === 'succeeded' ? await completePart(trx, deps, p.refund, part, state.channelRefundId, now) : await failPart(trx, part);
    if (changed) await settleRefund(trx, deps, p.refund, now);
  });
  deps.outbox.kick();
  return state.state === 'succeeded' ? 'done' : 'failed';
}

async function callChannel(deps: RefundDeps, p: PendingChannelPart, now: number, queryFirst: boolean): Promise<PartOutcome> {
  const channel = toChannel(p.payment.channel);
  const adapter = deps.channels.get(channel);
  const refundNo = partRefundNo(p.refund.refund_no, p.part.seq);
  const where = { refundId: p.refund.id, refundNo, paymentNo: p.payment.payment_no, channel };
  if (!adapter) {
    deps.log.error(where, 'refund waits: its channel is not configured');
    return 'error';
  }
  if (queryFirst) {
    try {
      const state = await adapter.queryRefund(p.payment.payment_no, refundNo);
      return await applyPartState(deps, p, state, now);
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      // Unknown to the channel (or the query failed): ask again with the same number, which
      // the channel treats as the same refund.
      deps.log.info({ ...where, error: err.message }, 'refund query failed; sending the refund again with the same number');
    }
  }
  try {
    const state = await adapter.refund({
      paymentNo: p.payment.payment_no,
      refundNo,
      amount: Number(p.part.amount),
      total: Number(p.payment.channel_amount),
      reason: p.refund.reason,
    });
    return await applyPartState(deps, p, state, now);
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    if (err.permanent) {
      // Refused for good (e.g. the trade is closed): retrying cannot help. The part fails, so
      // the refund fails and the money stays with the merchant (logged by settleRefund).
      deps.log.error({ ...where, error: err.message, channelCode: err.channelCode }, 'the channel refused the refund for good; the part fails');
      return applyPartState(deps, p, { state: 'failed', channelRefundId: null }, now);
    }
    deps.log.warn({ ...where, error: err.message, channelCode: err.channelCode }, 'channel refund failed; will retry with the same refund number');
    return 'error';
  }
}

/** Pushes the refund's next look at the channel out (only while it still processes). */
async function reschedule(db: Db, refundId: string, createdAt: number, now: number): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ next_check_at: now + nextCheckDelay(createdAt, now), updated_at: now })
    .where('id', '=', refundId)
    .where('status', '=', 'processing')
    .execute();
}

async function driveRefund(deps: RefundDeps, refundId: string, now: number, queryFirst: boolean): Promise<PartOutcome[]> {
  const pending = await pendingChannelParts(deps.db, refundId);
  const outcomes: PartOutcome[] = [];
  for (const p of pending) outcomes.push(await callChannel(deps, p, now, queryFirst));
  if (pending.length > 0 && outcomes.some((o) => o === 'processing' || o === 'error')) {
    await reschedule(deps.db, refundId, pending[0].refund.created_at, now);
  }
  if (pending.length === 0) {
    // Nothing pending at the channel but still processing (not expected): settle it.
    await transact(deps.db, async (trx) => {
      const refund = await trx.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
      if (refund?.status === 'processing') await settleRefund(trx, deps, refund, now);
    });
  }
  return outcomes;
}

/**
 * Sends a refund's pending channel parts to their channels now (after the refund was
 * committed) and applies final answers. Channel errors leave the parts pending for the job.
 */
export async function sendRefund(deps: RefundDeps, refundId: string, now = Date.now()): Promise<PartOutcome[]> {
  return driveRefund(deps, refundId, now, false);
}

/**
 * Claims a due refund for this pass (guarded on next_check_at, so of two nodes one wins) by
 * moving its next check out; the driver sets it again when something is still open.
 */
async function claimDue(db: Db, row: { id: string; next_check_at: number | null; created_at: number }, now: number): Promise<boolean> {
  if (row.next_check_at === null) return false;
  const r = await db
    .updateTable('refunds')
    .set({ next_check_at: now + nextCheckDelay(row.created_at, now) })
    .where('id', '=', row.id)
    .where('status', '=', 'processing')
    .where('next_check_at', '=', row.next_check_at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function retryDue(deps: RefundDeps, now: number, batchSize: number, only: { source?: RefundSource; paymentId?: string }): Promise<number> {
  let q = deps.db
    .selectFrom('refunds')
    .select(['id', 'next_check_at', 'created_at'])
    .where('status', '=', 'processing')
    .where('next_check_at', '<=', now);
  if (only.source) q = q.where('source', '=', only.source);
  if (only.paymentId) {
    const paymentId = only.paymentId;
    q = q.where('id', 'in', (eb) => eb.selectFrom('refund_parts').select('refund_id').where('payment_id', '=', paymentId));
  }
  const due = await q.orderBy('next_check_at').orderBy('id').limit(batchSize).execute();
  let settled = 0;
  for (const row of due) {
    if (!(await claimDue(deps.db, row, now))) continue;
    try {
      const outcomes = await driveRefund(deps, row.id, now, true);
      if (outcomes.length > 0 && outcomes.every((o) => o === 'done' || o === 'failed')) settled += 1;
    } catch (err) {
      deps.log.error({ refundId: row.id, err }, 'refund retry failed');
    }
  }
  return settled;
}

/**
 * Job: refunds still processing whose next check is due. For each pending channel part it asks
 * the channel first (queryRefund) and sends the refund again with the same number when the
 * channel does not know it. Returns the number of refunds whose parts all reached an end.
 */
export async function retryRefunds(deps: RefundDeps, now = Date.now(), batchSize = 50): Promise<number> {
  return retryDue(deps, now, batchSize, {});
}

// ---------------------------------------------------------------------------------------------
// Refund notifications

export type RefundNotifyOutcome = 'applied' | 'duplicate';

/**
 * Applies a verified refund notification: the part is found by its refund number, the amount
 * and the payment compared with our record, and the part finished at most once. SUCCESS: the
 * money goes back in the ledger. FAILED/CLOSED: the part fails, and the refund fails when
 * nothing else is pending. Unknown refunds and mismatches are NOTIFY_REJECTED, nothing changes.
 */
export async function applyRefundNotification(
  deps: RefundDeps,
  verified: Extract<VerifiedNotification, { kind: 'refund' }>,
  now = Date.now(),
  /** The notification as received, kept with its outcome in payment_notifications (kind refund). */
  received?: { channel: string; rawBody: string },
): Promise<RefundNotifyOutcome> {
  const parsed = parsePartRefundNo(verified.refundNo);
  if (!parsed) throw new AppError('NOTIFY_REJECTED', `unknown refund number ${verified.refundNo}`);
  const outcome = await transact(deps.db, async (trx): Promise<RefundNotifyOutcome> => {
    const refund = await trx.selectFrom('refunds').selectAll().where('refund_no', '=', parsed.refundNo).executeTakeFirst();
    const part = refund
      ? await trx.selectFrom('refund_parts').selectAll().where('refund_id', '=', refund.id).where('seq', '=', parsed.seq).executeTakeFirst()
      : undefined;
    if (!refund || !part || part.kind !== 'channel') throw new AppError('NOTIFY_REJECTED', `unknown refund number ${verified.refundNo}`);
    const payment = await trx.selectFrom('payments').select(['payment_no', 'app_id', 'merchant_no']).where('id', '=', part.payment_id).executeTakeFirstOrThrow();
    if (payment.payment_no !== verified.paymentNo) throw new AppError('NOTIFY_REJECTED', `refund ${verified.refundNo} belongs to another payment`);
    if (Number(part.amount) !== verified.amount) {
      // Alipay's refund notification carries the trade's total refunded (refund_fee), not this
      // refund's amount: accept the total the trade reaches with this part.
      const done = await trx
        .selectFrom('refund_parts')
        .select((eb) => eb.fn.sum<number>('amount').as('amount'))
        .where('payment_id', '=', part.payment_id)
        .where('tender_seq', '=', part.tender_seq)
        .where('status', '=', 'done')
        .executeTakeFirst();
      const cumulative = Number(done?.amount ?? 0) + Number(part.amount);
      if (part.status !== 'pending' || verified.amount !== cumulative) {
        throw new AppError('NOTIFY_REJECTED', `amount ${verified.amount} does not match the refund part's ${part.amount}`);
      }
    }
    if (payment.app_id && payment.app_id !== verified.appId) throw new AppError('NOTIFY_REJECTED', 'app id does not match the payment');
    if (payment.merchant_no && payment.merchant_no !== verified.merchantNo) throw new AppError('NOTIFY_REJECTED', 'merchant number does not match the payment');

    const record = async (result: RefundNotifyOutcome): Promise<RefundNotifyOutcome> => {
      if (received) {
        await trx
          .insertInto('payment_notifications')
          .values({ id: newId('ntf', now), channel: received.channel, nonce: verified.notificationId, payment_no: verified.paymentNo, status: verified.status, amount: verified.amount, body: received.rawBody, received_at: now, outcome: result, kind: 'refund' })
          .execute();
      }
      return result;
    };
    if (part.status !== 'pending') {
      const consistent = (part.status === 'done') === (verified.status === 'SUCCESS');
      if (!consistent) {
        deps.log.error({ refundNo: verified.refundNo, partStatus: part.status, notified: verified.status }, 'refund notification contradicts the recorded outcome; nothing changed');
      }
      return record('duplicate');
    }
    const changed = verified.status === 'SUCCESS' ? await completePart(trx, deps, refund, part, verified.channelRefundId, now) : await failPart(trx, part);
    if (!changed) return record('duplicate');
    await settleRefund(trx, deps, refund, now);
    return record('applied');
  });
  if (outcome === 'applied') deps.outbox.kick();
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Late money and closed orders

/** The child order a payment's refund is recorded under (refunds.order_id is a child order). */
async function childOrderOf(trx: Db, payment: Pick<PaymentRow, 'id' | 'order_id'>): Promise<string> {
  const allocated = await trx.selectFrom('payment_allocations').select('order_id').where('payment_id', '=', payment.id).orderBy('order_id').executeTakeFirst();
  const child = await payableChildOf(trx, payment.order_id);
  // The payment's own order when it is a child; else the first child it was allocated to; else the parent's first child.
  if (child === payment.order_id) return child;
  if (allocated) return allocated.order_id;
  if (child) return child;
  throw new Error(`payment ${payment.id} covers no child order`);
}

/** The accounts late money of this payment is posted to (late:<paymentId>): its channel's clearing and late_payments, on its shard. */
export function lateMoneyAccounts(payment: Pick<PaymentRow, 'channel' | 'ledger_shard'>): [AccountRef, AccountRef] {
  return [
    { kind: 'channel_clearing', ownerId: toChannel(payment.channel), shard: payment.ledger_shard },
    { kind: 'late_payments', ownerId: PLATFORM, shard: payment.ledger_shard },
  ];
}

/**
 * Inside the transaction that handles a SUCCESS notification for a payment we had already
 * closed or failed: posts late:<paymentId> and records a refund (source late_payment) of the
 * money to go back through the channel. The refund number is fixed per payment, so a repeated
 * notification records nothing new. After commit, finishLateRefunds (also run by the job)
 * sends it. Returns the refund id.
 */
export async function startLatePaymentRefund(
  trx: Db,
  deps: RefundDeps,
  payment: Pick<PaymentRow, 'id' | 'payment_no' | 'user_id' | 'order_id' | 'channel' | 'ledger_shard'>,
  amount: number,
  now = Date.now(),
): Promise<string> {
  const refundNo = lateRefundNo(payment.payment_no);
  const existing = await trx.selectFrom('refunds').select('id').where('refund_no', '=', refundNo).executeTakeFirst();
  if (existing) return existing.id;
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`late amount must be positive fen, got ${amount}`);
  const channel = toChannel(payment.channel);
  const tender = await trx.selectFrom('payment_tenders').select(['seq', 'amount']).where('payment_id', '=', payment.id).where('kind', '=', 'channel').executeTakeFirst();
  if (!tender) throw new Error(`payment ${payment.id} has no channel tender`);
  const [channelClearing, late] = lateMoneyAccounts(payment);
  await post(trx, {
    ref: `late:${payment.id}`,
    kind: 'late_payment',
    memo: `${channel} took ${amount} fen for payment ${payment.payment_no} after it was closed`,
    postings: [
      { account: channelClearing, amount: -amount },
      { account: late, amount },
    ],
    now,
  });
  const { refundId } = await insertRefund(
    trx,
    deps,
    {
      refundNo,
      userId: payment.user_id,
      orderId: await childOrderOf(trx, payment),
      amount,
      reason: LATE_PAYMENT_REFUND_REASON,
      source: 'late_payment',
      parts: [{ paymentId: payment.id, tenderSeq: Number(tender.seq), kind: 'channel', amount, points: 0 }],
      firstCheckAt: now,
    },
    now,
  );
  deps.log.warn({ paymentId: payment.id, paymentNo: payment.payment_no, amount, refundId }, 'money arrived for a closed payment; refunding it through the channel');
  return refundId;
}

/**
 * Sends late-money refunds that are due (all, or one payment's) to the channel: after the
 * notification's commit, and from the job. Returns how many reached an end.
 */
export async function finishLateRefunds(deps: RefundDeps, now = Date.now(), paymentId?: string): Promise<number> {
  return retryDue(deps, now, 50, { source: 'late_payment', paymentId });
}

/**
 * Inside the transaction that cancels or closes a child order: refunds what PAID payments had
 * already paid for it (a partial payment), source order_closed. Internal parts go back at once;
 * channel parts are due for the job at once (or call sendRefund after commit). Returns the
 * refund id, or null when nothing was paid.
 */
export async function refundClosedOrder(trx: Db, deps: RefundDeps, orderId: string, now = Date.now()): Promise<string | null> {
  const found = await orderForRefund(trx, orderId);
  if (!found) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  const order = { id: found.id, user_id: found.userId, status: found.status };
  if (!(CLOSED_ORDER_STATUSES as readonly string[]).includes(order.status)) {
    throw new Error(`order ${orderId} is ${order.status}, not cancelled or closed`);
  }
  const allocations = await refundableAllocations(trx, orderId);
  const amount = refundableTotal(allocations, deps.config.pointsRule);
  if (amount === 0) return null;
  const { refundId } = await insertRefund(
    trx,
    deps,
    {
      refundNo: newRefundNo(now),
      userId: order.user_id,
      orderId,
      amount,
      reason: CLOSED_ORDER_REFUND_REASON,
      source: 'order_closed',
      parts: splitRefund(allocations, amount, deps.config.pointsRule),
      firstCheckAt: now,
    },
    now,
  );
  return refundId;
}

// ---------------------------------------------------------------------------------------------
// Reading

function refundView(row: RefundRow, parts: readonly PartRow[]): Refund {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    reason: row.reason,
    status: toRefundStatus(row.status),
    parts: parts.map((p) => {
      const kind = toTenderKind(p.kind);
      return { kind, amount: Number(p.amount), points: kind === 'points' ? Number(p.points) : null };
    }),
    createdAt: Number(row.created_at),
    succeededAt: row.succeeded_at === null ? null : Number(row.succeeded_at),
  };
}

export async function getRefund(db: Db, refundId: string): Promise<Refund> {
  const row = await db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `refund ${refundId} not found`);
  const parts = await db.selectFrom('refund_parts').selectAll().where('refund_id', '=', refundId).orderBy('seq').execute();
  return refundView(row, parts);
}

/** A child order's refunds (newest first), what its payments took and what can still be refunded. */
export async function listRefunds(deps: Pick<RefundDeps, 'db' | 'config'>, userId: string, orderId: string): Promise<RefundList> {
  const { db } = deps;
  const order = await orderForRefund(db, orderId, userId);
  if (!order) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  const rows = await db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const parts = rows.length
    ? await db.selectFrom('refund_parts').selectAll().where('refund_id', 'in', rows.map((r) => r.id)).orderBy('refund_id').orderBy('seq').execute()
    : [];
  const refundable = (REFUNDABLE_ORDER_STATUSES as readonly string[]).includes(order.status)
    ? refundableTotal(await refundableAllocations(db, orderId), deps.config.pointsRule)
    : 0;
  return {
    items: rows.map((r) => refundView(r, parts.filter((p) => p.refund_id === r.id))),
    paidAmount: await paidAmountOf(db, orderId),
    refundableAmount: refundable,
  };
}
