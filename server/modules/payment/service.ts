import { createHash, randomInt } from 'node:crypto';
import { EVENTS, type PaymentFailedPayload, type PaymentSucceededPayload } from '../../events/catalog';
import { emit } from '../../events/emit';
import { sql, type Kysely } from 'kysely';
import type { ClientParams, Payment, PaymentStatus, PayChannel, PayScene, PaymentTender, TenderChoice, TenderKind } from '@contract/payment';
import { clientParams as clientParamsSchema, payChannel, paymentEndReason, paymentStatus, tenderKind } from '@contract/payment';
import { splitTenders } from '@contract/tender-split';
import { ChannelError, type ChannelAdapter, type TradeState } from '../../channels/types';
import { dialectOfDb } from '../../db';
import { insertRows, insertTogether, listParams, prepared, slots } from '../../db/prepared';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { IllegalTransitionError, apply, tryApply, type ExtraSet } from '../../infra/state-machine';
import { LEDGER_SHARDS, PLATFORM, balancesOf, ensureWelcome, giftCardIdsByNumber, giftCardNumbers, journalPosted, lockAccounts, post, resolveGiftCards, verifyGiftCards, welcomeAccounts, type Posting } from '../wallet';
import { payerOf } from '../identity';
import { lockOrders, lockPayableOrders } from '../order';
import { allocateTenders } from './allocate';
import { refundDepsOf, type PaymentDeps, type PaymentLog, type PaymentRow } from './deps';
import { paymentMachine, type PaymentEventName } from './machine';
import { finishLateRefunds, lateMoneyAccounts, startLatePaymentRefund } from './refunds';
import { transact } from '../../db/transaction';
import { FlowCompensated, FlowInDoubt, defineFlow, runFlow, type Flow } from '../../infra/steps';

/**
 * The payment core: combined payments (points, gift cards, stored balance and at most one
 * channel), their compensation, channel notifications and reconciliation.
 *
 * Every state change is a guarded transition (machine.ts) written in the same transaction as
 * its ledger step (ref hold:/capture:/release:<paymentId>, each posted at most once) and its
 * outbox event (payment.succeeded / payment.failed). Channel calls never run inside a database
 * transaction: the payment is committed first, then the channel is called, then its answer is
 * applied in a new transaction; a crash in between leaves an open payment that reconcile()
 * finishes by asking the channel.
 */

type Db = Kysely<Database>;

export const PAYMENT_ID_PREFIX = 'pay';
export const PAYMENT_EVENTS = { succeeded: EVENTS.paymentSucceeded.name, failed: EVENTS.paymentFailed.name } as const;
/** An open payment is first asked about this long after it was created (or at once when closing). */
export const FIRST_CHECK_MS = 60_000;
/** Longest wait between two questions to the channel about one payment. */
export const MAX_CHECK_MS = 10 * 60_000;

export type { PaymentFailedPayload, PaymentSucceededPayload } from '../../events/catalog';

// ---------------------------------------------------------------------------------------------
// Views

function toStatus(value: string): PaymentStatus {
  const parsed = paymentStatus.safeParse(value);
  if (!parsed.success) throw new Error(`unknown payment status in the database: ${value}`);
  return parsed.data;
}

function toTenderKind(value: string): TenderKind {
  const parsed = tenderKind.safeParse(value);
  if (!parsed.success) throw new Error(`unknown tender kind in the database: ${value}`);
  return parsed.data;
}

/** The payment's channel, or null when internal tenders paid it all. */
function channelOf(row: Pick<PaymentRow, 'channel'>): PayChannel | null {
  if (row.channel === '') return null;
  const parsed = payChannel.safeParse(row.channel);
  if (!parsed.success) throw new Error(`unknown channel in the database: ${row.channel}`);
  return parsed.data;
}

function mask(number: string): string {
  return `**** **** **** ${number.slice(-4)}`;
}

const selectTenderViews = prepared<
  Record<string, unknown>,
  { payment_id: string; seq: number; kind: string; amount: number; points: number; gift_card_id: string | null },
  number
>((db, p, count) =>
  db
    .selectFrom('payment_tenders as t')
    .select(['t.payment_id', 't.seq', 't.kind', 't.amount', 't.points', 't.gift_card_id'])
    .where('t.payment_id', 'in', slots(p, 'id', count))
    .orderBy('t.payment_id')
    .orderBy('t.seq'),
);

export async function views(db: Db, rows: readonly PaymentRow[]): Promise<Payment[]> {
  if (rows.length === 0) return [];
  const { rows: tenders } = await selectTenderViews.execute(db, listParams('id', rows.map((r) => r.id)), rows.length);
  // Card numbers from the wallet, only when a gift card was used.
  const numbers = await giftCardNumbers(db, tenders.flatMap((t) => (t.gift_card_id ? [t.gift_card_id] : [])));
  return rows.map((row) =>
    viewOf(
      row,
      tenders.filter((t) => t.payment_id === row.id).map((t) => {
        const number = t.gift_card_id ? numbers.get(t.gift_card_id) : undefined;
        return tenderView(toTenderKind(t.kind), Number(t.amount), Number(t.points), number ? mask(number) : null);
      }),
    ),
  );
}

/** A tender as the contract shows it; `maskedCard` is the masked number of a gift card's. */
function tenderView(kind: TenderKind, amount: number, points: number, maskedCard: string | null): PaymentTender {
  return { kind, amount, points: kind === 'points' ? points : null, giftCard: kind === 'gift_card' ? maskedCard : null };
}

/** A payment as the contract shows it, from its row and its tenders' views (in seq order). */
function viewOf(row: PaymentRow, tenders: PaymentTender[]): Payment {
  const endReason = row.end_reason === null ? null : paymentEndReason.parse(row.end_reason);
  const params = row.client_params === null ? null : clientParamsSchema.parse(JSON.parse(row.client_params));
  return {
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    status: toStatus(row.status),
    tenders,
    channel: channelOf(row),
    channelAmount: Number(row.channel_amount),
    expiresAt: Number(row.expires_at),
    paidAt: row.paid_at === null ? null : Number(row.paid_at),
    endReason,
    clientParams: params,
  };
}

async function view(db: Db, row: PaymentRow): Promise<Payment> {
  const [v] = await views(db, [row]);
  return v;
}

export async function getPayment(db: Db, userId: string, paymentId: string): Promise<Payment> {
  const row = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `payment ${paymentId} not found`);
  return view(db, row);
}

const selectPayment = prepared<{ id: string }, PaymentRow>((db, p) => db.selectFrom('payments').selectAll().where('id', '=', p('id')));
const selectPaymentByNo = prepared<{ paymentNo: string }, PaymentRow>((db, p) => db.selectFrom('payments').selectAll().where('payment_no', '=', p('paymentNo')));

async function loadPayment(db: Db, paymentId: string): Promise<PaymentRow> {
  const { rows } = await selectPayment.execute(db, { id: paymentId });
  if (!rows[0]) throw new Error(`payment ${paymentId} does not exist`);
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// Ledger steps and transitions (inside the caller's transaction)

interface TenderRow {
  seq: number;
  kind: string;
  amount: number;
  points: number;
  gift_card_id: string | null;
}

async function tendersOf(trx: Db, paymentId: string): Promise<TenderRow[]> {
  const rows = await trx.selectFrom('payment_tenders').select(['seq', 'kind', 'amount', 'points', 'gift_card_id']).where('payment_id', '=', paymentId).orderBy('seq').execute();
  return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, amount: Number(r.amount), points: Number(r.points), gift_card_id: r.gift_card_id }));
}

/** The hold's postings for internal tenders; `sign` -1 gives the exact reverse (release). */
function holdPostings(userId: string, tenders: readonly TenderRow[], sign: 1 | -1, shard: number): Posting[] {
  const out: Posting[] = [];
  const clearing = { kind: 'payment_clearing', ownerId: PLATFORM, shard } as const;
  for (const t of tenders) {
    if (t.kind === 'points') {
      out.push({ account: { kind: 'user_points', ownerId: userId }, amount: -sign * t.points });
      out.push({ account: { kind: 'points_issuance', ownerId: PLATFORM, shard }, amount: sign * t.points });
      out.push({ account: { kind: 'points_expense', ownerId: PLATFORM, shard }, amount: -sign * t.amount });
      out.push({ account: clearing, amount: sign * t.amount });
    } else if (t.kind === 'gift_card') {
      if (!t.gift_card_id) throw new Error('gift card tender without a card');
      out.push({ account: { kind: 'gift_card', ownerId: t.gift_card_id }, amount: -sign * t.amount });
      out.push({ account: clearing, amount: sign * t.amount });
    } else if (t.kind === 'balance') {
      out.push({ account: { kind: 'user_balance', ownerId: userId }, amount: -sign * t.amount });
      out.push({ account: clearing, amount: sign * t.amount });
    }
  }
  return out;
}

/** release:<id>: gives the internal tenders back (the exact reverse of hold:<id>). */
async function release(trx: Db, payment: PaymentRow, now: number): Promise<void> {
  const tenders = await tendersOf(trx, payment.id);
  // A payment without internal tenders held nothing (and has no hold to reverse).
  if (!tenders.some((t) => t.kind !== 'channel')) return;
  await post(trx, { ref: `release:${payment.id}`, kind: 'release', memo: `payment ${payment.payment_no} ended unpaid; tenders released`, postings: holdPostings(payment.user_id, tenders, -1, payment.ledger_shard), now });
}

/** A payment's part of each child order it pays, with what the capture and the cover check need. */
interface PaymentPart {
  order_id: string;
  amount: number;
  merchant_id: string;
  payable_amount: number;
}

const selectParts = prepared<{ paymentId: string }, PaymentPart>((db, p) =>
  db.selectFrom('payment_orders').select(['order_id', 'amount', 'merchant_id', 'payable_amount']).where('payment_id', '=', p('paymentId')).orderBy('order_id'),
);

async function partsOf(trx: Db, paymentId: string): Promise<PaymentPart[]> {
  return (await selectParts.execute(trx, { paymentId })).rows;
}

/** A payment's parts with their child orders locked through the order module (orders first in the lock order, in id order). */
async function lockParts(trx: Db, paymentId: string): Promise<PaymentPart[]> {
  const parts = await partsOf(trx, paymentId);
  await lockOrders(trx, parts.map((p) => p.order_id));
  return parts;
}

/**
 * capture:<id>: the held tenders and the channel's money become what the merchants are owed.
 * `parts` when the caller has read them in this transaction already.
 */
async function capture(trx: Db, payment: PaymentRow, now: number, parts?: readonly PaymentPart[]): Promise<{ orderId: string; amount: number }[]> {
  const children = parts ?? (await partsOf(trx, payment.id));
  const postings: Posting[] = [];
  const shard = payment.ledger_shard;
  if (Number(payment.internal_amount) > 0) postings.push({ account: { kind: 'payment_clearing', ownerId: PLATFORM, shard }, amount: -Number(payment.internal_amount) });
  const channel = channelOf(payment);
  if (channel && Number(payment.channel_amount) > 0) postings.push({ account: { kind: 'channel_clearing', ownerId: channel, shard }, amount: -Number(payment.channel_amount) });
  for (const c of children) postings.push({ account: { kind: 'merchant_payable', ownerId: c.merchant_id, shard }, amount: Number(c.amount) });
  await post(trx, { ref: `capture:${payment.id}`, kind: 'capture', memo: `payment ${payment.payment_no} paid`, postings, now });
  return children.map((c) => ({ orderId: c.order_id, amount: Number(c.amount) }));
}

async function transition(trx: Db, id: string, event: PaymentEventName, set: ExtraSet): Promise<void> {
  await apply(trx, paymentMachine, 'payments', id, event, set);
}

/** paying|closing -> paid: capture and announce it (payment.succeeded). */
async function markPaid(deps: PaymentDeps, trx: Db, payment: PaymentRow, paid: { tradeNo: string | null; paidAt: number; payerId?: string | null }, now: number, parts?: readonly PaymentPart[]): Promise<void> {
  await transition(trx, payment.id, 'succeed', {
    updated_at: now,
    paid_at: paid.paidAt,
    trade_no: paid.tradeNo,
    next_check_at: null,
    end_reason: null,
    ended_at: null,
    // Who the channel says paid (the referral module's payer signal reads it: payerKeysOfOrder).
    ...(paid.payerId ? { payer_id: paid.payerId.slice(0, 128) } : {}),
  });
  const children = await capture(trx, payment, now, parts);
  const payload: PaymentSucceededPayload = {
    paymentId: payment.id,
    orderId: payment.order_id,
    userId: payment.user_id,
    amount: Number(payment.amount),
    channel: channelOf(payment),
    channelAmount: Number(payment.channel_amount),
    paidAt: paid.paidAt,
    children,
  };
  await emit(trx, EVENTS.paymentSucceeded, payment.id, payload, now);
}

/**
 * Ends an unpaid payment: paying -> failed (the channel declined), or (paying ->) closing ->
 * closed; releases its tenders and announces it (payment.failed).
 */
async function markEnded(deps: PaymentDeps, trx: Db, payment: PaymentRow, outcome: 'failed' | 'closed', reason: string, now: number): Promise<void> {
  let endReason = payment.end_reason ?? reason;
  if (outcome === 'failed' && payment.status === 'paying') {
    endReason = 'failed';
    await transition(trx, payment.id, 'fail', { updated_at: now, end_reason: endReason, ended_at: now, next_check_at: null });
  } else {
    if (payment.status === 'paying') await transition(trx, payment.id, 'close', { updated_at: now, end_reason: endReason });
    await transition(trx, payment.id, 'finishClose', { updated_at: now, end_reason: endReason, ended_at: now, next_check_at: null });
  }
  await release(trx, payment, now);
  const payload: PaymentFailedPayload = {
    paymentId: payment.id,
    orderId: payment.order_id,
    userId: payment.user_id,
    status: outcome === 'failed' && payment.status === 'paying' ? 'failed' : 'closed',
    endReason,
  };
  await emit(trx, EVENTS.paymentFailed, payment.id, payload, now);
}

/**
 * Runs `work` on the payment's current row in a transaction; when a racing writer moved the
 * payment between our read and our guarded update (IllegalTransitionError), runs it once more
 * on the new state.
 */
async function withPayment<T>(deps: PaymentDeps, paymentId: string, work: (trx: Db, payment: PaymentRow) => Promise<T>, justRead?: PaymentRow): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      // A row the caller has just read serves the first attempt: every change `work` makes is a
      // guarded transition, so if the row moved meanwhile that transition fails and the next
      // attempt reads it again (the states it treats as final never change).
      const first = attempt === 0 ? justRead : undefined;
      return await transact(deps.db, async (trx) => work(trx, first ?? (await loadPayment(trx, paymentId))));
    } catch (err) {
      if (err instanceof IllegalTransitionError && attempt < 2) continue;
      throw err;
    }
  }
}

/** The open (paying) payments that cover any of these child orders, newest first. */
const selectOpenPaymentsOf = prepared<Record<string, unknown>, PaymentRow, number>((db, p, count) =>
  db
    .selectFrom('payments')
    .selectAll()
    // Driven from payment_orders (by order id), each payment then found by its key. SQLite's
    // planner would otherwise walk every paying payment through the status index (0.22 ms per
    // checkout with 3,000 payments open, bench:checkout BENCH_SQLSTATS=1); a unary plus on the
    // column is SQLite's way to keep an index out of a plan (PostgreSQL plans from statistics).
    .where('id', 'in', db.selectFrom('payment_orders').select('payment_id').where('order_id', 'in', slots(p, 'id', count)))
    .where(dialectOfDb(db) === 'sqlite' ? sql<string>`+${sql.ref('status')}` : sql.ref<string>('status'), '=', 'paying')
    .orderBy('created_at', 'desc')
    .orderBy('id'),
);

async function openPaymentsOf(trx: Db, orderIds: readonly string[]): Promise<PaymentRow[]> {
  if (orderIds.length === 0) return [];
  return (await selectOpenPaymentsOf.execute(trx, listParams('id', orderIds), orderIds.length)).rows;
}

/** Moves these open payments to closing, in id order (the lock order); answers those it moved. */
async function closePayments(trx: Db, ids: readonly string[], reason: 'cancelled' | 'expired' | 'superseded', now: number): Promise<string[]> {
  const closed: string[] = [];
  for (const id of [...ids].sort()) {
    if (await tryApply(trx, paymentMachine, 'payments', id, 'close', { updated_at: now, end_reason: reason, next_check_at: now })) closed.push(id);
  }
  return closed;
}

/** Moves open payments covering these child orders to closing (order cancelled or closed; superseded). */
export async function closeOpenPaymentsFor(trx: Db, orderIds: readonly string[], reason: 'cancelled' | 'expired' | 'superseded', now: number): Promise<string[]> {
  return closePayments(trx, (await openPaymentsOf(trx, orderIds)).map((r) => r.id), reason, now);
}

/**
 * Whether the child orders this payment would pay are already covered by other PAID payments:
 * what remains of a child is less than this payment's part of it (a superseded or cancelled
 * attempt paid at the channel after its replacement, or a payment whose children were paid
 * meanwhile). Locks the children first, in id order (orders before payments: the one lock
 * order), so two payments of one child cannot both see it unpaid.
 */
async function coveredByOthers(trx: Db, payment: PaymentRow): Promise<{ covered: boolean; parts: PaymentPart[] }> {
  // A child's payable amount and merchant never change, so they are read with the parts; what
  // other payments paid is read only once the children are locked.
  const parts = await lockParts(trx, payment.id);
  if (parts.length === 0) return { covered: false, parts };
  const paid = await paidAllocations(trx, parts.map((p) => p.order_id));
  return { covered: parts.some((p) => Number(p.payable_amount) - (paid.get(p.order_id) ?? 0) < Number(p.amount)), parts };
}


const selectPaidAllocations = prepared<Record<string, unknown>, { order_id: string; paid: number }, number>((db, p, count) =>
  db
    .selectFrom('payment_allocations as a')
    .innerJoin('payments as p', 'p.id', 'a.payment_id')
    .select(['a.order_id', (eb) => eb.fn.sum<number>('a.amount').as('paid')])
    .where('a.order_id', 'in', slots(p, 'id', count))
    .where('p.status', '=', 'paid')
    .groupBy('a.order_id'),
);

/** Fen PAID payments have allocated to each of these child orders. */
export async function paidAllocations(db: Db, orderIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orderIds.length === 0) return out;
  const { rows } = await selectPaidAllocations.execute(db, listParams('id', orderIds), orderIds.length);
  for (const r of rows) out.set(r.order_id, Number(r.paid));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Creating a payment

export interface CreatePaymentInput {
  userId: string;
  orderId: string;
  tenders: TenderChoice;
  channel?: PayChannel;
  scene: PayScene;
  /** Part of a single child order's remaining amount; omitted: everything remaining. */
  amount?: number;
  clientIp?: string;
  /** The signed-in payer (the request's account); omitted: read from the user's account. */
  payer?: { platform: string; openid: string };
}

/**
 * Our trade number at the channel: "P" + epoch ms + 12 random digits (26 alphanumerics; every
 * channel takes 6-32). Twelve digits, not six: with six, two of the payments the lock-order test
 * makes in one millisecond once drew the same number (a unique violation on PostgreSQL).
 */
function newPaymentNo(now: number): string {
  return `P${now}${String(randomInt(0, 1_000_000_000_000)).padStart(12, '0')}`;
}

function requestHashOf(input: CreatePaymentInput, childIds: readonly string[]): string {
  const choice = {
    orderId: input.orderId,
    children: childIds,
    amount: input.amount ?? null,
    balance: input.tenders.balance,
    points: input.tenders.points,
    giftCards: input.tenders.giftCards.map((c) => c.number),
    channel: input.channel ?? null,
    scene: input.scene,
  };
  return createHash('sha256').update(JSON.stringify(choice)).digest('hex');
}

/**
 * Starts paying an order (a parent: every child's remaining amount; a child: its remaining
 * amount, or part of it). A flow of two steps (server/infra/steps.ts), each with its
 * compensation beside it:
 * 1. hold (local): one transaction locks the children (read for update, in id order),
 *    supersedes their open payment, splits the amount across the chosen tenders from the real
 *    balances, writes payment, tenders and allocations, and holds the internal tenders
 *    (hold:<id>). Internal tenders covering it all: captured and paid in the same transaction,
 *    and the flow ends there (no record: the transaction is the record). Compensation: the
 *    payment fails and its tenders are released.
 * 2. prepay (remote): the channel's prepay, with our payment number, and its client parameters
 *    stored with the payment (one guarded statement). When the channel refuses, step 1 is
 *    compensated (CHANNEL_UNAVAILABLE). After a crash: stored parameters show it happened (the
 *    flow is finished); otherwise it is compensated, this step included: the payment goes to
 *    closing and reconciliation closes it at the channel before its tenders are released (or
 *    finds it paid).
 */
export async function createPayment(deps: PaymentDeps, input: CreatePaymentInput, now = Date.now()): Promise<Payment> {
  // Wrong PINs count even though the payment then fails (committed on the plain connection).
  if (input.tenders.giftCards.length > 0) await verifyGiftCards(deps.db, input.tenders.giftCards, now);

  let done: CreateFlowState;
  try {
    done = await runFlow(deps.db, paymentFlows(deps).create, { request: input, clientIp: input.clientIp, payer: input.payer }, now);
  } catch (err) {
    // A prepay whose outcome is unknown: the resume job closes the payment after the lease.
    if (err instanceof FlowInDoubt) throw err.cause;
    if (!(err instanceof FlowCompensated)) throw err;
    await reconcileSuperseded(deps, (err.state as CreateFlowState).superseded ?? [], now);
    const cause = err.cause;
    if (cause instanceof ChannelError) throw new AppError('CHANNEL_UNAVAILABLE', `the ${cause.channel} channel could not open the payment: ${cause.message}`);
    throw cause;
  }
  const row = done.stored ?? done.row;
  if (!row) throw new Error('payment flow ended without a payment');
  if (row.status === 'paid') deps.outbox.kick();
  await reconcileSuperseded(deps, done.superseded ?? [], now);
  if (done.stored && done.tenderViews) return viewOf(done.stored, done.tenderViews);
  return view(deps.db, done.stored ?? (await loadPayment(deps.db, row.id)));
}

/** Superseded attempts: ask their channel now, so their tenders come back soon (the reconciliation job retries). */
async function reconcileSuperseded(deps: PaymentDeps, ids: readonly string[], now: number): Promise<void> {
  for (const id of ids) await reconcileOne(deps, id, now).catch((err: unknown) => deps.log.error({ err, paymentId: id }, 'reconciling a superseded payment failed; the job retries'));
}

/** What the payment flow carries from step to step (recorded as JSON after each step). */
interface CreateFlowState {
  /** The shopper's request: only the first step reads it, and it is never recorded (gift card PINs). */
  request?: CreatePaymentInput;
  clientIp?: string;
  payer?: { platform: string; openid: string };
  row?: PaymentRow;
  /** An open payment with the same choice answered instead of a new one. */
  repeated?: boolean;
  superseded?: string[];
  description?: string;
  /** The new payment's tenders as shown (written in step 1, so not read back). */
  tenderViews?: PaymentTender[];
  clientParams?: ClientParams;
  /** The payment as stored with its client parameters (step 2). */
  stored?: PaymentRow;
}

interface PaymentFlows {
  create: Flow<CreateFlowState>;
}

const flowsOf = new WeakMap<PaymentDeps, PaymentFlows>();

/** The payment module's flows for these deps (the resume job runs them too). */
export function paymentFlows(deps: PaymentDeps): PaymentFlows {
  let flows = flowsOf.get(deps);
  if (!flows) {
    flows = { create: createPaymentFlow(deps) };
    flowsOf.set(deps, flows);
  }
  return flows;
}

/** The flow's names, stable across releases (operations.flow). */
export const PAYMENT_FLOWS = { create: 'payment.create' } as const;

function createPaymentFlow(deps: PaymentDeps): Flow<CreateFlowState> {
  return defineFlow<CreateFlowState>({
    name: PAYMENT_FLOWS.create,
    // A channel's refusal or one of ours: the step had no effect. Anything else is in doubt.
    fails: (err) => err instanceof ChannelError || err instanceof AppError,
    steps: [
      {
        name: 'hold',
        kind: 'local',
        run: async (trx, state, now) => {
          if (!state.request) throw new Error('payment flow without its request');
          const held = await holdPayment(deps, trx, state.request, now);
          return { set: { ...held, request: undefined }, end: held.repeated || held.row.status !== 'paying' };
        },
        // The payment fails and its internal tenders are released, unless it moved on meanwhile
        // (paid by a notification, or closing: reconciliation releases it once the channel says).
        compensate: async (trx, state, now) => {
          if (!state.row) return;
          for (let attempt = 0; attempt < 3; attempt++) {
            const current = await loadPayment(trx, state.row.id);
            if (current.status !== 'paying') return;
            try {
              await markEnded(deps, trx, current, 'failed', 'failed', now);
              return;
            } catch (err) {
              if (!(err instanceof IllegalTransitionError)) throw err;
            }
          }
        },
      },
      {
        name: 'prepay',
        kind: 'remote',
        inDoubt: 'compensate',
        // The channel's prepay, then its client parameters stored with the payment (one guarded
        // statement: a repeat stores nothing). The row as stored comes back with the update (no
        // re-read); only when the parameters were already set is it read again.
        run: async (state, now) => {
          if (!state.row) throw new Error('payment flow without its payment');
          const clientParams = await prepay(deps, state.row, state);
          const [stored] = (await storeClientParams.execute(deps.db, { id: state.row.id, params: JSON.stringify(clientParams), now })).rows;
          return { set: { clientParams, stored: stored ?? (await loadPayment(deps.db, state.row.id)) } };
        },
        // Stored parameters show the prepay happened and its answer was kept.
        happened: async (state) => {
          if (!state.row) return null;
          const current = await loadPayment(deps.db, state.row.id);
          return current.client_params === null ? null : { set: { stored: current } };
        },
        // Otherwise the prepay may have happened: the payment goes to closing and is reconciled
        // now (closed at the channel, then its tenders released; or found paid).
        compensate: async (state, now) => {
          if (!state.row) return;
          const id = state.row.id;
          await transact(deps.db, (trx: Db) => tryApply(trx, paymentMachine, 'payments', id, 'close', { updated_at: now, end_reason: 'failed', next_check_at: now }));
          await reconcileOne(deps, id, now).catch((err: unknown) => deps.log.warn({ err, paymentId: id }, 'abandoned payment not settled yet; the job retries'));
        },
      },
    ],
  });
}

interface Held {
  row: PaymentRow;
  repeated: boolean;
  superseded: string[];
  description: string;
  tenderViews?: PaymentTender[];
}

/** Step 1 of the payment flow: see createPayment. */
async function holdPayment(deps: PaymentDeps, trx: Db, input: CreatePaymentInput, now: number): Promise<Held> {
  const target = await lockPayableOrders(trx, input.userId, input.orderId);
  const pending = target.rows.filter((c) => c.status === 'pending_payment');
  if (pending.length === 0) throw new AppError('ORDER_NOT_PAYABLE', `order ${input.orderId} has nothing left to pay`);
  const paid = await paidAllocations(trx, pending.map((c) => c.id));
  const children = pending
    .map((c) => ({ row: c, remaining: Number(c.payable_amount) - (paid.get(c.id) ?? 0) }))
    .filter((c) => c.remaining > 0);
  if (children.length === 0) throw new AppError('ORDER_NOT_PAYABLE', `order ${input.orderId} has nothing left to pay`);
  const expiresAt = Math.min(...children.map((c) => Number(c.row.expires_at)));
  if (now >= expiresAt) throw new AppError('PAYMENT_EXPIRED', `the payment deadline of order ${input.orderId} has passed`);

  const partOf = (c: (typeof children)[number], amount: number) => ({ orderId: c.row.id, amount, merchantId: c.row.merchant_id, payableAmount: Number(c.row.payable_amount) });
  let parts = children.map((c) => partOf(c, c.remaining));
  if (input.amount !== undefined) {
    if (!target.single || children.length !== 1) throw new AppError('PAYMENT_AMOUNT_INVALID', 'a partial amount is only allowed for a single child order');
    if (input.amount > children[0].remaining) throw new AppError('PAYMENT_AMOUNT_INVALID', `at most ${children[0].remaining} fen remain to be paid`, { remaining: children[0].remaining });
    parts = [partOf(children[0], input.amount)];
  }
  const amount = parts.reduce((s, p) => s + p.amount, 0);
  const childIds = parts.map((p) => p.orderId);
  const requestHash = requestHashOf(input, childIds);
  const description = `商城订单 ${[...new Set(children.map((c) => c.row.merchant_name))].join('、')}`.slice(0, 120);

  // A repeat of the same choice while its payment is open gets that payment; any other open
  // payment of these children is superseded.
  const open = await openPaymentsOf(trx, childIds);
  const repeat = open.find(
    (r) => r.user_id === input.userId && r.order_id === input.orderId && r.request_hash === requestHash && Number(r.amount) === amount && Number(r.expires_at) > now,
  );
  if (repeat) return { row: repeat, repeated: true, superseded: [], description };
  const superseded = await closePayments(trx, open.map((r) => r.id), 'superseded', now);

  // Before the first posting, lock every account the welcome grant, the hold and (internal
  // tenders covering it all) the capture may touch, in the one order post() uses: several
  // posts in one transaction would otherwise take shared accounts in another order than a
  // concurrent payment's single post, and deadlock on PostgreSQL.
  const cardIds = await giftCardIdsByNumber(trx, input.tenders.giftCards.map((c) => c.number));
  // The shard this payment posts to (LEDGER_SHARDS); the welcome grant has accounts of its own.
  const shard = randomInt(0, LEDGER_SHARDS);
  await lockAccounts(trx, [
    ...Object.values(welcomeAccounts(input.userId)),
    { kind: 'payment_clearing', ownerId: PLATFORM, shard },
    { kind: 'points_expense', ownerId: PLATFORM, shard },
    { kind: 'points_issuance', ownerId: PLATFORM, shard },
    { kind: 'user_balance', ownerId: input.userId },
    { kind: 'user_points', ownerId: input.userId },
    ...cardIds.map((id) => ({ kind: 'gift_card' as const, ownerId: id })),
    ...children.map((c) => ({ kind: 'merchant_payable' as const, ownerId: c.row.merchant_id, shard })),
  ], now);
  await ensureWelcome(trx, input.userId, deps.wallet, now);
  const cards = input.tenders.giftCards.length > 0 ? await resolveGiftCards(trx, input.tenders.giftCards, now) : [];
  const [walletBalance, walletPoints] = await balancesOf(trx, [
    { kind: 'user_balance', ownerId: input.userId },
    { kind: 'user_points', ownerId: input.userId },
  ]);
  const split = splitTenders({
    amount,
    rule: deps.wallet.pointsRule,
    wallet: { balance: walletBalance, points: walletPoints },
    use: { balance: input.tenders.balance, points: input.tenders.points, giftCards: cards.map((c) => ({ id: c.id, balance: c.balance })) },
  });
  let adapter: ChannelAdapter | null = null;
  if (split.channel > 0) {
    if (!input.channel) throw new AppError('CHANNEL_REQUIRED', `${split.channel} fen are left for a payment channel`, { channelAmount: split.channel });
    adapter = deps.channels.get(input.channel);
    if (!adapter) throw new AppError('CHANNEL_UNAVAILABLE', `the ${input.channel} channel is not configured on this server`);
  }

  const tenders: (TenderRow & { account_id: string | null })[] = [];
  const add = (kind: TenderKind, amt: number, extra: { points?: number; gift_card_id?: string; account_id?: string } = {}) => {
    if (amt > 0) tenders.push({ seq: tenders.length, kind, amount: amt, points: extra.points ?? 0, gift_card_id: extra.gift_card_id ?? null, account_id: extra.account_id ?? null });
  };
  add('points', split.points.amount, { points: split.points.points, account_id: `user_points:${input.userId}` });
  for (const g of split.giftCards) add('gift_card', g.amount, { gift_card_id: g.id, account_id: `gift_card:${g.id}` });
  add('balance', split.balance, { account_id: `user_balance:${input.userId}` });
  add('channel', split.channel);
  const internalAmount = amount - split.channel;

  const row: PaymentRow = {
    id: newId(PAYMENT_ID_PREFIX, now),
    payment_no: newPaymentNo(now),
    user_id: input.userId,
    order_id: input.orderId,
    channel: adapter ? adapter.channel : '',
    amount,
    status: paymentMachine.initial,
    trade_no: null,
    created_at: now,
    updated_at: now,
    expires_at: expiresAt,
    paid_at: null,
    internal_amount: internalAmount,
    channel_amount: split.channel,
    scene: input.scene,
    end_reason: null,
    client_params: null,
    request_hash: requestHash,
    app_id: adapter ? adapter.appId : null,
    merchant_no: adapter ? adapter.merchantNo : null,
    ended_at: null,
    next_check_at: adapter ? now + FIRST_CHECK_MS : null,
    ledger_shard: shard,
    payer_id: null,
    client_ip: input.clientIp ? input.clientIp.slice(0, 64) : null,
  };
  const allocations = allocateTenders(parts, tenders);
  await insertTogether(trx, [
    { table: 'payments', rows: [row] },
    {
      table: 'payment_orders',
      rows: parts.map((p) => ({ payment_id: row.id, order_id: p.orderId, amount: p.amount, merchant_id: p.merchantId, payable_amount: p.payableAmount })),
    },
    {
      table: 'payment_tenders',
      rows: tenders.map((t) => ({ payment_id: row.id, seq: t.seq, kind: t.kind, amount: t.amount, points: t.points, gift_card_id: t.gift_card_id, account_id: t.account_id, refunded_amount: 0 })),
    },
    {
      table: 'payment_allocations',
      rows: allocations.map((a) => ({ payment_id: row.id, tender_seq: a.tenderSeq, order_id: a.orderId, amount: a.amount, refunded_amount: 0 })),
    },
  ]);
  if (internalAmount > 0) await post(trx, { ref: `hold:${row.id}`, kind: 'hold', memo: `payment ${row.payment_no} created`, postings: holdPostings(input.userId, tenders, 1, shard), now });

  if (!adapter) {
    await markPaid(deps, trx, row, { tradeNo: null, paidAt: now }, now);
    return { row: await loadPayment(trx, row.id), repeated: false, superseded, description };
  }
  const maskedOf = new Map(cards.map((c) => [c.id, c.maskedNumber]));
  const tenderViews = tenders.map((t) => tenderView(t.kind as TenderKind, t.amount, t.points, t.gift_card_id ? (maskedOf.get(t.gift_card_id) ?? null) : null));
  return { row, repeated: false, superseded, description, tenderViews };
}

const storeClientParams = prepared<{ id: string; params: string; now: number }, PaymentRow>((db, p) =>
  db.updateTable('payments').set({ client_params: p('params'), updated_at: p('now') }).where('id', '=', p('id')).where('client_params', 'is', null).returningAll(),
);

/** Step 2 of the payment flow: the channel's prepay for a committed payment (a ChannelError when it refuses). */
async function prepay(deps: PaymentDeps, payment: PaymentRow, extra: { description?: string; clientIp?: string; payer?: { platform: string; openid: string } }): Promise<ClientParams> {
  const channel = channelOf(payment);
  const adapter = channel ? deps.channels.get(channel) : null;
  if (!adapter) throw new Error(`payment ${payment.id} has no configured channel`);
  const scene: PayScene = payment.scene === 'h5' ? 'h5' : 'mini';
  let payerId: string | undefined;
  if (scene === 'mini') {
    const user = extra.payer ?? (await payerOf(deps.db, payment.user_id));
    if (user && user.platform !== 'h5') payerId = user.openid;
  }
  try {
    return await adapter.prepay({
      paymentNo: payment.payment_no,
      amount: Number(payment.channel_amount),
      description: extra.description ?? '',
      expiresAt: Number(payment.expires_at),
      scene,
      payerId,
      clientIp: extra.clientIp,
      returnUrl: scene === 'h5' ? `${deps.config.publicBaseUrl}/#/pages/checkout/result?paymentId=${encodeURIComponent(payment.id)}&orderId=${encodeURIComponent(payment.order_id)}` : undefined,
    });
  } catch (err) {
    if (err instanceof ChannelError) deps.log.warn({ paymentId: payment.id, channel, error: err.message, channelCode: err.channelCode }, 'channel prepay failed; releasing the tenders');
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Cancelling

/** The shopper gives up the cashier: paying -> closing, then an immediate reconcile (query, close, release). */
export async function cancelPayment(deps: PaymentDeps, userId: string, paymentId: string, now = Date.now()): Promise<Payment> {
  const row = await deps.db.selectFrom('payments').selectAll().where('id', '=', paymentId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `payment ${paymentId} not found`);
  if (row.status === 'paid') throw new AppError('PAYMENT_NOT_OPEN', `payment ${paymentId} is already paid`);
  if (row.status === 'paying') {
    await transact(deps.db, (trx: Db) => tryApply(trx, paymentMachine, 'payments', paymentId, 'close', { updated_at: now, end_reason: 'cancelled', next_check_at: now }));
  }
  await reconcileOne(deps, paymentId, now).catch((err: unknown) => deps.log.warn({ err, paymentId }, 'cancelled payment not settled yet; the job retries'));
  return getPayment(deps.db, userId, paymentId);
}

// ---------------------------------------------------------------------------------------------
// What the channel says (notifications and queries)

export type NotifyOutcome = 'applied' | 'duplicate' | 'late' | 'ignored';

export interface ChannelSays {
  status: 'SUCCESS' | 'FAILED' | 'CLOSED';
  tradeNo: string | null;
  amount: number;
  paidAt: number | null;
  /** Who paid, when the channel says (WeChat Pay's payer openid, Alipay's buyer id). */
  payerId?: string | null;
}

/**
 * Applies what the channel says about a payment (a verified notification or a query's answer)
 * at most once. SUCCESS: paying|closing -> paid; for a payment already closed or failed, or
 * whose child orders other paid payments already cover, it is late money (late:<id>, refunded
 * through the channel; an open payment ends closed with its tenders released). FAILED/CLOSED end an open payment
 * (failed/closed, tenders released). A repeat is 'duplicate'.
 */
async function applyChannelState(
  deps: PaymentDeps,
  paymentId: string,
  says: ChannelSays,
  now: number,
  audit?: (trx: Db, outcome: NotifyOutcome) => Promise<void>,
  justRead?: PaymentRow,
): Promise<NotifyOutcome> {
  let lateRefund = false;
  const outcome = await withPayment(deps, paymentId, async (trx, payment): Promise<NotifyOutcome> => {
    const status = toStatus(payment.status);
    let result: NotifyOutcome;
    if (says.status === 'SUCCESS') {
      const cover = status === 'paying' || status === 'closing' ? await coveredByOthers(trx, payment) : null;
      if (cover?.covered) {
        // Its children were paid by other payments: capturing it would make the shopper pay
        // twice. It ends closed (tenders released) and the channel's money goes back as late money:
        // two postings, so every account of both is locked first (the ledger's lock order).
        const released = holdPostings(payment.user_id, await tendersOf(trx, payment.id), -1, payment.ledger_shard);
        await lockAccounts(trx, [...released.map((p) => p.account), ...lateMoneyAccounts(payment)], now);
        await markEnded(deps, trx, payment, 'closed', 'superseded', now);
        await startLatePaymentRefund(trx, refundDepsOf(deps), payment, says.amount, now);
        lateRefund = true;
        result = 'late';
      } else if (status === 'paying' || status === 'closing') {
        await markPaid(deps, trx, payment, { tradeNo: says.tradeNo, paidAt: says.paidAt ?? now, payerId: says.payerId }, now, cover?.parts);
        result = 'applied';
      } else if (status === 'paid') {
        result = 'duplicate';
      } else {
        // Money taken for a payment we had already ended: record it and give it back.
        const already = await journalPosted(trx, `late:${payment.id}`);
        if (already) {
          result = 'duplicate';
        } else {
          await startLatePaymentRefund(trx, refundDepsOf(deps), payment, says.amount, now);
          lateRefund = true;
          result = 'late';
        }
      }
    } else if (status === 'paying' || status === 'closing') {
      await markEnded(deps, trx, payment, says.status === 'FAILED' ? 'failed' : 'closed', 'cancelled', now);
      result = 'applied';
    } else if (status === 'paid') {
      deps.log.error({ paymentId, said: says.status }, 'channel says a paid payment is not paid; nothing changed');
      result = 'ignored';
    } else {
      result = 'duplicate';
    }
    if (audit) await audit(trx, result);
    return result;
  }, justRead);
  if (outcome !== 'duplicate' && outcome !== 'ignored') deps.outbox.kick();
  if (lateRefund) await finishLateRefunds(refundDepsOf(deps), now, paymentId).catch((err: unknown) => deps.log.warn({ err, paymentId }, 'late refund not sent yet; the job retries'));
  return outcome;
}

export interface PaymentNotification {
  paymentNo: string;
  tradeNo: string;
  amount: number;
  status: 'SUCCESS' | 'FAILED' | 'CLOSED';
  paidAt: number | null;
  appId: string;
  merchantNo: string;
  notificationId: string;
  payerId?: string;
}

/**
 * A verified payment notification from `adapter`'s channel: compared with our record (the
 * payment exists, same channel, app id, merchant number and channel amount; otherwise
 * NOTIFY_REJECTED and nothing is written), applied at most once and recorded in
 * payment_notifications.
 */
export async function applyPaymentNotification(deps: PaymentDeps, adapter: ChannelAdapter, n: PaymentNotification, rawBody: string, log: PaymentLog, now = Date.now()): Promise<NotifyOutcome> {
  const [payment] = (await selectPaymentByNo.execute(deps.db, { paymentNo: n.paymentNo })).rows;
  const reject = (why: string): never => {
    log.error({ channel: adapter.channel, paymentNo: n.paymentNo, notificationId: n.notificationId, why }, 'payment notification does not match our record; rejected');
    throw new AppError('NOTIFY_REJECTED', why);
  };
  if (!payment) return reject(`unknown payment ${n.paymentNo}`);
  if (payment.channel !== adapter.channel) return reject(`payment ${n.paymentNo} is not a ${adapter.channel} payment`);
  if (payment.app_id !== n.appId) return reject(`app id ${n.appId} does not match the payment's`);
  if (payment.merchant_no !== n.merchantNo) return reject(`merchant ${n.merchantNo} does not match the payment's`);
  if (n.status === 'SUCCESS' && n.amount !== Number(payment.channel_amount)) return reject(`amount ${n.amount} does not match the payment's ${payment.channel_amount}`);

  return applyChannelState(
    deps,
    payment.id,
    { status: n.status, tradeNo: n.tradeNo, amount: n.amount, paidAt: n.paidAt, payerId: n.payerId ?? null },
    now,
    async (trx, outcome) => {
      await insertRows(trx, 'payment_notifications', [
        { id: newId('ntf', now), channel: adapter.channel, nonce: n.notificationId, payment_no: n.paymentNo, status: n.status, amount: n.amount, body: rawBody, received_at: now, outcome, kind: 'payment' },
      ]);
    },
    payment,
  );
}

// ---------------------------------------------------------------------------------------------
// Reconciliation and expiry (jobs)

function nextCheck(payment: PaymentRow, now: number): number {
  const age = Math.max(0, now - Number(payment.created_at));
  return now + Math.min(MAX_CHECK_MS, Math.max(FIRST_CHECK_MS / 2, Math.floor(age / 4)));
}

async function backOff(deps: PaymentDeps, payment: PaymentRow, now: number): Promise<void> {
  await deps.db.updateTable('payments').set({ next_check_at: nextCheck(payment, now) }).where('id', '=', payment.id).where('status', 'in', ['paying', 'closing']).execute();
}

export type ReconcileOutcome = 'paid' | 'closed' | 'waiting' | 'noop';

function fromTrade(state: TradeState): ChannelSays {
  return { status: 'SUCCESS', tradeNo: state.tradeNo, amount: state.amount, paidAt: state.paidAt, payerId: state.payerId ?? null };
}

/**
 * Asks the channel about one open payment and settles it: paid -> applied as a verified
 * SUCCESS (recovers a dropped notification); unpaid and closing (or past its deadline) ->
 * closed at the channel, then closed here with its tenders released; closed or unknown at the
 * channel -> closed here. Otherwise the next check is pushed back.
 */
export async function reconcileOne(deps: PaymentDeps, paymentId: string, now = Date.now()): Promise<ReconcileOutcome> {
  const payment = await loadPayment(deps.db, paymentId);
  if (payment.status !== 'paying' && payment.status !== 'closing') return 'noop';
  const channel = channelOf(payment);
  const endReason = payment.status === 'closing' ? (payment.end_reason ?? 'cancelled') : now >= Number(payment.expires_at) ? 'expired' : 'failed';
  const closeHere = async (): Promise<ReconcileOutcome> => {
    await withPayment(deps, paymentId, async (trx, current) => {
      if (current.status === 'paying' || current.status === 'closing') await markEnded(deps, trx, { ...current, end_reason: current.end_reason ?? endReason }, 'closed', endReason, now);
    });
    deps.outbox.kick();
    return 'closed';
  };
  const adapter = channel ? deps.channels.get(channel) : null;
  if (!channel || Number(payment.channel_amount) === 0) return closeHere();
  if (!adapter) {
    deps.log.error({ paymentId, channel }, 'open payment of a channel that is not configured; waiting');
    await backOff(deps, payment, now);
    return 'waiting';
  }
  const paidHere = async (state: TradeState): Promise<ReconcileOutcome> => {
    if (state.amount !== Number(payment.channel_amount)) {
      deps.log.error({ paymentId, channelAmount: state.amount, ours: payment.channel_amount }, 'channel reports another amount for a paid trade; left for an operator');
      await backOff(deps, payment, now);
      return 'waiting';
    }
    const outcome = await applyChannelState(deps, paymentId, fromTrade(state), now);
    // Paid at the channel but its children were already paid: closed here, the money refunded.
    return outcome === 'late' ? 'closed' : 'paid';
  };
  try {
    let state = await adapter.query(payment.payment_no);
    if (state.state === 'paid' || state.state === 'refunded') return paidHere(state);
    if (state.state === 'closed') return closeHere();
    // Unpaid: a payment we are closing (or whose deadline passed) is closed at the channel
    // first, so it cannot be paid afterwards. (One whose prepay never finished is closed by the
    // payment flow's compensation: createPayment.)
    if (payment.status === 'paying' && now < Number(payment.expires_at)) {
      await backOff(deps, payment, now);
      return 'waiting';
    }
    try {
      await adapter.close(payment.payment_no);
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      // Paid between our query and the close: ask again.
      state = await adapter.query(payment.payment_no);
      if (state.state === 'paid' || state.state === 'refunded') return paidHere(state);
      throw err;
    }
    return closeHere();
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    deps.log.warn({ paymentId, channel, error: err.message, channelCode: err.channelCode }, 'reconciliation: channel call failed; will retry');
    await backOff(deps, payment, now);
    return 'waiting';
  }
}

/**
 * The reconciliation job: payments closing, or paying for more than a minute, whose next check
 * is due. Each is settled on its own; safe on several nodes (every change is guarded).
 */
export async function reconcilePayments(deps: PaymentDeps, now = Date.now(), batchSize = 50): Promise<number> {
  const due = await deps.db
    .selectFrom('payments')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'closing'), eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)])]),
        eb.and([eb('status', '=', 'paying'), eb('created_at', '<=', now - FIRST_CHECK_MS), eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)])]),
      ]),
    )
    .orderBy('next_check_at')
    .orderBy('id')
    .limit(batchSize)
    .execute();
  let settled = 0;
  for (const { id } of due) {
    try {
      const outcome = await reconcileOne(deps, id, now);
      if (outcome === 'paid' || outcome === 'closed') settled += 1;
    } catch (err) {
      deps.log.error({ err, paymentId: id }, 'reconciliation failed for a payment');
    }
  }
  return settled;
}

/** Paying payments past their deadline -> closing (end_reason expired); reconciliation then asks the channel. */
export async function expirePayments(deps: PaymentDeps, now = Date.now(), batchSize = 200): Promise<number> {
  const due = await deps.db.selectFrom('payments').select('id').where('status', '=', 'paying').where('expires_at', '<=', now).orderBy('id').limit(batchSize).execute();
  let expired = 0;
  for (const { id } of due) {
    const moved = await transact(deps.db, (trx: Db) => tryApply(trx, paymentMachine, 'payments', id, 'close', { updated_at: now, end_reason: 'expired', next_check_at: now }));
    if (moved) expired += 1;
  }
  return expired;
}
