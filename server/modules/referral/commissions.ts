import { sql, type Kysely, type Selectable } from 'kysely';
import { dialectOfDb } from '../../db';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';
import { apply, tryApply } from '../../infra/state-machine';
import { orderForCommission, type OrderForCommission } from '../order';
import { balancesOf, lockAccounts, post, shardFor, type AccountRef, type Posting } from '../wallet';
import { ancestorsOf } from './bindings';
import { DAY_MS, earnedOn, remainingAfter, spreadAmountRefund, type CommissionMode, type CommissionTerms, type LineRefund } from './amounts';
import { commissionMachine, type CommissionStatus } from './machine';
import { ruleInForce, termsForLines } from './rules';
import type { ReferralCommissionTable } from './tables';

type Db = Kysely<Database>;
export type CommissionRow = Selectable<ReferralCommissionTable>;

/**
 * Commissions (docs/referral.md, "Commissions"; decision 0029). Each change is one database
 * transaction that moves the commissions' states and posts their money to the ledger
 * (docs/ledger.md, "Commission recipes"), idempotent by a unique ref. Lock order: the order's
 * commission rows (id order), then the ledger accounts, all at once (lockAccounts).
 */

const TABLE = 'referral_commissions';

export const promoterAccounts = (promoterId: string) => ({
  pending: { kind: 'commission_pending', ownerId: promoterId } as AccountRef,
  frozen: { kind: 'commission_frozen', ownerId: promoterId } as AccountRef,
  available: { kind: 'commission_available', ownerId: promoterId } as AccountRef,
  withdrawn: { kind: 'commission_withdrawn', ownerId: promoterId } as AccountRef,
  clawback: { kind: 'commission_clawback', ownerId: promoterId } as AccountRef,
  in_transit: { kind: 'commission_in_transit', ownerId: promoterId } as AccountRef,
});
export const expenseAccount = (merchantId: string, shard: number): AccountRef => ({ kind: 'commission_expense', ownerId: merchantId, shard });

const n = (v: unknown) => Number(v ?? 0);
const termsOf = (c: CommissionRow): CommissionTerms => ({ mode: c.mode === 'fixed' ? 'fixed' : 'rate', ruleAmount: n(c.rule_amount), quantity: n(c.quantity) });
/** What of a commission is still the promoter's. */
const netOf = (c: CommissionRow) => n(c.amount) - n(c.reversed_amount);
/** What an available (or withdrawn) commission put into available, net of the reversals taken from it there. */
const availablePartOf = (c: CommissionRow) => n(c.amount) - n(c.reversed_amount) - n(c.netted_amount) + n(c.clawed_amount);
/** What of it is in available now: that, less what withdrawals took (in transit or paid out). */
export const inAvailableOf = (c: CommissionRow) => availablePartOf(c) - n(c.withdrawn_amount);

// ---------------------------------------------------------------------------------------------
// The snapshot

/**
 * When the order is placed: per line and level, the promoter (ancestorsOf the buyer, as many
 * levels as the merchant's rule in force at the order's creation) and the terms of that rule.
 * Nothing when the merchant's rule is off or the buyer has no promoter. Idempotent: an order
 * snapshotted before is left alone. Every line of the order gets its rows (a level's amount may
 * be 0), so refunds of any line are tracked. Answers the order (null: no such order).
 */
export async function snapshotOrder(trx: Db, orderId: string, now = Date.now()): Promise<OrderForCommission | null> {
  const order = await orderForCommission(trx, orderId);
  if (!order) return null;
  const existing = await trx.selectFrom(TABLE).select('id').where('order_id', '=', orderId).limit(1).executeTakeFirst();
  if (existing) return order;
  const rule = await ruleInForce(trx, order.merchantId, order.createdAt);
  if (!rule.enabled || order.lines.length === 0) return order;
  const chain = await ancestorsOf(trx, order.userId, rule.levels, order.createdAt);
  if (chain.length === 0) return order;
  const terms = await termsForLines(trx, rule, order.lines);
  const shard = shardFor(orderId);
  const rows = order.lines.flatMap((line, i) =>
    chain.map((promoterId, level) => ({
      id: newId('com', now),
      order_id: orderId,
      order_no: order.orderNo,
      line_no: line.lineNo,
      level: level + 1,
      promoter_id: promoterId,
      buyer_id: order.userId,
      merchant_id: order.merchantId,
      product_id: line.productId,
      sku_id: line.skuId,
      title: line.title,
      quantity: line.quantity,
      rule_version: rule.version,
      mode: terms[i].mode,
      rule_amount: terms[i].amounts[level] ?? 0,
      freeze_days: rule.freezeDays,
      status: commissionMachine.initial,
      ledger_shard: shard,
      created_at: order.createdAt,
      updated_at: now,
    })),
  );
  await trx
    .insertInto(TABLE)
    .values(rows)
    .onConflict((oc) => oc.columns(['order_id', 'line_no', 'level']).doNothing())
    .execute();
  return order;
}

// ---------------------------------------------------------------------------------------------
// Locks

/** The order's commissions, locked in id order (PostgreSQL; SQLite runs one writer at a time). */
export async function lockOrderCommissions(trx: Db, orderId: string): Promise<CommissionRow[]> {
  let q = trx.selectFrom(TABLE).selectAll().where('order_id', '=', orderId).orderBy('id');
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  return q.execute();
}

/** Every account the order's commissions may post to, locked at once (the transaction may then post several times). */
async function lockOrderAccounts(trx: Db, rows: readonly CommissionRow[], now: number): Promise<void> {
  const refs: AccountRef[] = [];
  for (const promoterId of new Set(rows.map((r) => r.promoter_id))) {
    const a = promoterAccounts(promoterId);
    refs.push(a.pending, a.frozen, a.available, a.withdrawn, a.clawback);
  }
  for (const r of rows) refs.push(expenseAccount(r.merchant_id, n(r.ledger_shard)));
  await lockAccounts(trx, refs, now);
}

// ---------------------------------------------------------------------------------------------
// The lifecycle

/**
 * Posts a step's journal; a ref already posted means the states and the ledger disagree (each
 * step's rows move once, by a guarded transition, in the journal's own transaction): it throws,
 * and the transaction rolls back rather than move states without money.
 */
async function postStep(trx: Db, journal: Parameters<typeof post>[1]): Promise<void> {
  if ((await post(trx, journal)) === 'duplicate') throw new Error(`journal ${journal.ref} was posted before, but its commissions had not moved`);
}

/** A batch's ref: the order, and the first commission it moves (each commission moves once per step). */
const batchRef = (step: string, orderId: string, rows: readonly CommissionRow[]) => `${step}:${orderId}:${[...rows.map((r) => r.id)].sort()[0]}`;

async function transition(trx: Db, c: CommissionRow, event: (typeof commissionMachine.events)[number], set: Record<string, string | number | null>): Promise<CommissionRow> {
  const to = await apply(trx, commissionMachine, TABLE, c.id, event, set);
  return { ...c, ...set, status: to } as CommissionRow;
}

/**
 * The order was paid: every placed commission earns its amount on its line's paid share (the
 * base: docs/referral.md, "The commission base"). Journal commission-earn:<orderId>:<first commission id>: the
 * merchant's expense −x, the promoter's pending +x.
 */
async function earn(trx: Db, order: OrderForCommission, rows: CommissionRow[], now: number): Promise<CommissionRow[]> {
  const paidAt = order.paidAt ?? now;
  const baseOf = new Map(order.lines.map((l) => [l.lineNo, l.paidAmount]));
  const postings: Posting[] = [];
  const out: CommissionRow[] = [];
  const moved = rows.filter((c) => c.status === 'placed');
  for (const c of rows) {
    if (c.status !== 'placed') {
      out.push(c);
      continue;
    }
    const base = baseOf.get(n(c.line_no)) ?? 0;
    const amount = earnedOn(termsOf(c), base);
    out.push(await transition(trx, c, 'pay', { base, amount, paid_at: paidAt, updated_at: now }));
    postings.push({ account: expenseAccount(c.merchant_id, n(c.ledger_shard)), amount: -amount }, { account: promoterAccounts(c.promoter_id).pending, amount });
  }
  if (moved.length > 0) await postStep(trx, { ref: batchRef('commission-earn', order.id, moved), kind: 'commission-earn', memo: `commissions earned on order ${order.orderNo}`, postings, now });
  return out;
}

/**
 * The order completed: pending commissions freeze until completed + the freeze days of their
 * snapshot. Journal commission-freeze:<orderId>:<first commission id>: pending −net, frozen +net.
 */
async function freeze(trx: Db, order: OrderForCommission, rows: CommissionRow[], completedAt: number, now: number): Promise<CommissionRow[]> {
  const postings: Posting[] = [];
  const out: CommissionRow[] = [];
  const moved = rows.filter((c) => c.status === 'pending');
  for (const c of rows) {
    if (c.status !== 'pending') {
      out.push(c);
      continue;
    }
    out.push(await transition(trx, c, 'complete', { completed_at: completedAt, available_at: completedAt + n(c.freeze_days) * DAY_MS, updated_at: now }));
    const accounts = promoterAccounts(c.promoter_id);
    postings.push({ account: accounts.pending, amount: -netOf(c) }, { account: accounts.frozen, amount: netOf(c) });
  }
  if (moved.length > 0) await postStep(trx, { ref: batchRef('commission-freeze', order.id, moved), kind: 'commission-freeze', memo: `commissions frozen on order ${order.orderNo}`, postings, now });
  return out;
}

/** Snapshot (if the order's creation was not seen yet), lock, and earn when the order was paid. */
async function prepared(trx: Db, orderId: string, now: number): Promise<{ order: OrderForCommission; rows: CommissionRow[] } | null> {
  const order = await snapshotOrder(trx, orderId, now);
  if (!order) return null;
  const locked = await lockOrderCommissions(trx, orderId);
  if (locked.length === 0) return null;
  await lockOrderAccounts(trx, locked, now);
  const rows = order.paidAt !== null ? await earn(trx, order, locked, now) : locked;
  return { order, rows };
}

/** order.paid. */
export async function commissionsOnPaid(trx: Db, orderId: string, now = Date.now()): Promise<void> {
  await prepared(trx, orderId, now);
}

/** order.completed (earning first if order.paid was not consumed yet). */
export async function commissionsOnCompleted(trx: Db, orderId: string, completedAt: number, now = Date.now()): Promise<void> {
  const ready = await prepared(trx, orderId, now);
  if (!ready) return;
  await freeze(trx, ready.order, ready.rows, ready.order.completedAt ?? completedAt, now);
}

/** order.cancelled / order.closed: commissions never earned are void (nothing moved). */
export async function commissionsOnEnded(trx: Db, orderId: string, now = Date.now()): Promise<void> {
  const rows = await lockOrderCommissions(trx, orderId);
  for (const c of rows) if (c.status === 'placed') await transition(trx, c, 'void', { updated_at: now });
}

export interface RefundInput {
  refundId: string;
  orderId: string;
  /** The refund's amount (goods and shipping). */
  amount: number;
  /** The lines it gave back (an after-sale request's), or null for a refund of an amount. */
  lines: readonly LineRefund[] | null;
}

/**
 * A refund of the order succeeded: each earned commission of a refunded line is reversed in
 * proportion to the line's refunded quantity and amount at its snapshotted terms, at every
 * level, from whatever state it is in, never beyond what it earned (remainingAfter). Each
 * (commission, refund) is reversed once (referral_commission_reversals). Journal
 * commission-reversal:<refundId>: the expense +r, and by state: pending/frozen: that account −r;
 * available: available −r (what is left of it there; the rest, which paid a clawback down, is
 * owed again: clawback −); withdrawn: clawback −r (the promoter owes it; later earnings net it).
 */
export async function commissionsOnRefund(trx: Db, input: RefundInput, now = Date.now()): Promise<void> {
  if (await refundApplied(trx, input.refundId)) return;
  const ready = await prepared(trx, input.orderId, now);
  if (!ready) return;
  const earned = ready.rows.filter((c) => c.status !== 'placed' && c.status !== 'void');
  if (earned.length === 0) return;
  // Per line: the base left (every level of a line shares its base and refunds).
  const byLine = new Map<number, CommissionRow>();
  for (const c of earned) if (!byLine.has(n(c.line_no))) byLine.set(n(c.line_no), c);
  const lineRefunds =
    input.lines ??
    spreadAmountRefund(
      input.amount,
      ready.order.lines.map((l) => {
        const c = byLine.get(l.lineNo);
        return { lineNo: l.lineNo, baseLeft: c ? n(c.base) - n(c.refunded_base) : 0 };
      }),
    );
  const refundOf = new Map<number, LineRefund>();
  for (const r of lineRefunds) {
    const prev = refundOf.get(r.lineNo);
    refundOf.set(r.lineNo, { lineNo: r.lineNo, quantity: (prev?.quantity ?? 0) + r.quantity, amount: (prev?.amount ?? 0) + r.amount });
  }

  const postings: Posting[] = [];
  for (const c of earned) {
    const r = refundOf.get(n(c.line_no));
    if (!r || (r.amount <= 0 && r.quantity <= 0)) continue;
    const refundedBase = Math.min(n(c.base), n(c.refunded_base) + Math.max(0, r.amount));
    const refundedQuantity = Math.min(n(c.quantity), n(c.refunded_quantity) + Math.max(0, r.quantity));
    const target = n(c.amount) - remainingAfter(termsOf(c), { base: n(c.base), earned: n(c.amount), refundedBase, refundedQuantity });
    const delta = Math.max(0, target - n(c.reversed_amount));
    const status = c.status as CommissionStatus;
    let clawed = 0;
    const accounts = promoterAccounts(c.promoter_id);
    if (delta > 0) {
      if (status === 'pending') postings.push({ account: accounts.pending, amount: -delta });
      else if (status === 'frozen') postings.push({ account: accounts.frozen, amount: -delta });
      else if (status === 'available' || status === 'withdrawn') {
        // What withdrawals took (in transit or paid out) is gone: beyond what is left in
        // available, the promoter owes it.
        const fromAvailable = Math.min(delta, Math.max(0, inAvailableOf(c)));
        clawed = delta - fromAvailable;
        postings.push({ account: accounts.available, amount: -fromAvailable });
      } else clawed = delta; // reversed: nothing is left, delta is 0 there
      if (clawed > 0) postings.push({ account: accounts.clawback, amount: -clawed });
      postings.push({ account: expenseAccount(c.merchant_id, n(c.ledger_shard)), amount: delta });
    }
    const recorded = await trx
      .insertInto('referral_commission_reversals')
      .values({ commission_id: c.id, refund_id: input.refundId, merchant_id: c.merchant_id, promoter_id: c.promoter_id, amount: delta, clawed, refunded_base: refundedBase - n(c.refunded_base), refunded_quantity: refundedQuantity - n(c.refunded_quantity), from_status: status, at: now })
      .onConflict((oc) => oc.columns(['commission_id', 'refund_id']).doNothing())
      .executeTakeFirst();
    if (Number(recorded.numInsertedOrUpdatedRows ?? 0) !== 1) throw new Error(`commission ${c.id} was already reversed for refund ${input.refundId}`);
    const set = { reversed_amount: n(c.reversed_amount) + delta, clawed_amount: n(c.clawed_amount) + clawed, refunded_base: refundedBase, refunded_quantity: refundedQuantity, updated_at: now };
    const nothingLeft = n(c.reversed_amount) + delta === n(c.amount) && (n(c.amount) > 0 || refundedBase === n(c.base));
    if (nothingLeft && status !== 'reversed') await transition(trx, c, 'reverse', set);
    else await trx.updateTable(TABLE).set(set).where('id', '=', c.id).where('status', '=', status).execute();
  }
  if (postings.length > 0) await postStep(trx, { ref: `commission-reversal:${input.refundId}`, kind: 'commission-reversal', memo: `commissions reversed by refund ${input.refundId} of order ${ready.order.orderNo}`, postings, now });
}

/** Whether a refund was already applied to the order's commissions (a redelivery is a no-op). */
export async function refundApplied(db: Db, refundId: string): Promise<boolean> {
  return (await db.selectFrom('referral_commission_reversals').select('commission_id').where('refund_id', '=', refundId).limit(1).executeTakeFirst()) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Unfreezing (the job)

/** Frozen commissions whose window closed, oldest first. */
export async function dueCommissions(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom(TABLE).select('id').where('status', '=', 'frozen').where('available_at', '<=', now).orderBy('available_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * One frozen commission becomes available (inside the caller's transaction): a guarded
 * transition (on several nodes at once only one applies it; the others answer false), then
 * journal commission-unfreeze:<id>: frozen −net, available +(net − m), clawback +m, where m is
 * what the promoter owes, up to net (his earnings pay his clawbacks down first).
 */
export async function unfreezeCommission(trx: Db, id: string, now = Date.now()): Promise<boolean> {
  let q = trx.selectFrom(TABLE).selectAll().where('id', '=', id).where('status', '=', 'frozen').where('available_at', '<=', now);
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate().skipLocked();
  const c = await q.executeTakeFirst();
  if (!c) return false;
  if (!(await tryApply(trx, commissionMachine, TABLE, id, 'unfreeze', { updated_at: now }))) return false;
  const accounts = promoterAccounts(c.promoter_id);
  await lockAccounts(trx, [accounts.frozen, accounts.available, accounts.clawback], now);
  const [clawback] = await balancesOf(trx, [accounts.clawback]);
  const net = netOf(c);
  const netted = Math.min(net, Math.max(0, -clawback));
  if (netted > 0) await trx.updateTable(TABLE).set({ netted_amount: netted }).where('id', '=', id).execute();
  await postStep(trx, {
    ref: `commission-unfreeze:${id}`,
    kind: 'commission-unfreeze',
    memo: `commission ${id} available`,
    postings: [
      { account: accounts.frozen, amount: -net },
      { account: accounts.available, amount: net - netted },
      { account: accounts.clawback, amount: netted },
    ],
    now,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Withdrawing (withdrawals.ts calls these inside its transactions)

export interface WithdrawalPart {
  commissionId: string;
  amount: number;
}

/** Thrown by takeCommissions when the promoter's available commissions do not cover the amount. */
export class NotEnoughAvailable extends Error {
  constructor(readonly available: number) {
    super(`only ${available} fen available`);
  }
}

/** The promoter's commissions with money in available, locked in id order (PostgreSQL). */
async function lockAvailableCommissions(trx: Db, promoterId: string): Promise<CommissionRow[]> {
  let q = trx
    .selectFrom(TABLE)
    .selectAll()
    .where('promoter_id', '=', promoterId)
    // reversed: money a failed withdrawal gave back after the commission was reversed (docs/referral.md, "Withdrawals").
    .where('status', 'in', ['available', 'reversed'])
    .where(sql<boolean>`amount - reversed_amount - netted_amount + clawed_amount - withdrawn_amount > 0`)
    .orderBy('id');
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  return q.execute();
}

/**
 * Takes `amount` from the promoter's available commissions for a withdrawal, oldest available
 * first (a commission may be taken in part), inside the withdrawal's transaction: each grows its
 * withdrawn_amount, one that has nothing left in available becomes withdrawn, and the parts are
 * recorded (referral_withdrawal_parts) so that giving the withdrawal back is exact. The caller
 * posts the journal (available −amount, in transit +amount). Throws NotEnoughAvailable.
 */
export async function takeCommissions(trx: Db, input: { promoterId: string; amount: number; withdrawalId: string }, now: number): Promise<WithdrawalPart[]> {
  const rows = await lockAvailableCommissions(trx, input.promoterId);
  const available = rows.reduce((sum, c) => sum + inAvailableOf(c), 0);
  if (available < input.amount) throw new NotEnoughAvailable(available);
  const fifo = [...rows].sort((a, b) => n(a.available_at) - n(b.available_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const parts: WithdrawalPart[] = [];
  let left = input.amount;
  for (const c of fifo) {
    if (left === 0) break;
    const take = Math.min(left, inAvailableOf(c));
    left -= take;
    const set = { withdrawn_amount: n(c.withdrawn_amount) + take, withdrawal_ref: input.withdrawalId, updated_at: now };
    if (c.status === 'available' && take === inAvailableOf(c)) await transition(trx, c, 'withdraw', { ...set, withdrawn_at: now });
    else await trx.updateTable(TABLE).set(set).where('id', '=', c.id).where('status', '=', c.status).execute();
    parts.push({ commissionId: c.id, amount: take });
  }
  await trx
    .insertInto('referral_withdrawal_parts')
    .values(parts.map((p) => ({ withdrawal_id: input.withdrawalId, commission_id: p.commissionId, amount: p.amount })))
    .execute();
  return parts;
}

/**
 * Gives a rejected or failed withdrawal's parts back to their commissions, inside its
 * transaction: each commission's withdrawn_amount shrinks by its part; of the parts, up to what
 * the promoter owes (`owed()`, minus his clawback receivable, asked after the commission rows are locked) pays that down first (netted on the
 * commission, as the unfreeze does), the rest is available again (a withdrawn commission with
 * money in available becomes available). Answers what was netted; the caller posts the journal
 * (in transit −amount, available +(amount − netted), clawback +netted).
 */
export async function giveBackCommissions(trx: Db, input: { withdrawalId: string; owed: () => Promise<number> }, now: number): Promise<number> {
  const parts = await trx.selectFrom('referral_withdrawal_parts').selectAll().where('withdrawal_id', '=', input.withdrawalId).orderBy('commission_id').execute();
  if (parts.length === 0) return 0;
  let q = trx
    .selectFrom(TABLE)
    .selectAll()
    .where(
      'id',
      'in',
      parts.map((p) => p.commission_id),
    )
    .orderBy('id');
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  const byId = new Map((await q.execute()).map((c) => [c.id, c]));
  // Asked once the commissions are locked: the caller locks its accounts there (the lock order).
  let owed = Math.max(0, await input.owed());
  let netted = 0;
  for (const p of parts) {
    const c = byId.get(p.commission_id);
    if (!c) throw new Error(`withdrawal ${input.withdrawalId}: commission ${p.commission_id} is gone`);
    const back = n(p.amount);
    const m = Math.min(back, owed);
    owed -= m;
    netted += m;
    const set = { withdrawn_amount: n(c.withdrawn_amount) - back, netted_amount: n(c.netted_amount) + m, updated_at: now };
    const after = { ...c, ...set } as CommissionRow;
    if (c.status === 'withdrawn' && inAvailableOf(after) > 0) await transition(trx, c, 'restore', set);
    else await trx.updateTable(TABLE).set(set).where('id', '=', c.id).where('status', '=', c.status).execute();
    if (m > 0) await trx.updateTable('referral_withdrawal_parts').set({ netted: m }).where('withdrawal_id', '=', input.withdrawalId).where('commission_id', '=', p.commission_id).execute();
  }
  return netted;
}

export type { CommissionMode };
