import { randomInt } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Payment, PaymentStatus, PayChannel } from '@contract/payment';
import { payChannel, paymentStatus } from '@contract/payment';
import { sumFen } from '@contract/money';
import type { PaymentTable } from '../../db/tables-order';
import type { Database } from '../../db/types';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { IllegalTransitionError, apply, tryApply } from '../../platform/state-machine';
import { ownedOrderRows, tryTransitionOrder } from '../order/service';
import type { SandboxNotification } from './channel';
import { paymentMachine } from './machine';

type Db = Kysely<Database>;
type PaymentRow = Selectable<PaymentTable>;

export const PAYMENT_ID_PREFIX = 'pay';

export interface PaymentLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

function toStatus(value: string): PaymentStatus {
  const parsed = paymentStatus.safeParse(value);
  if (!parsed.success) throw new Error(`unknown payment status in the database: ${value}`);
  return parsed.data;
}

export function cashierUrl(publicBaseUrl: string, paymentNo: string): string {
  return `${publicBaseUrl}/sandbox/pay/${encodeURIComponent(paymentNo)}`;
}

function view(row: PaymentRow, publicBaseUrl: string): Payment {
  return {
    id: row.id,
    orderId: row.order_id,
    channel: payChannel.parse(row.channel),
    amount: row.amount,
    status: toStatus(row.status),
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
    clientParams: { cashierUrl: cashierUrl(publicBaseUrl, row.payment_no), paymentNo: row.payment_no },
  };
}

/** Our trade number at the channel: "SBX" + epoch ms + 6 random digits. */
function newPaymentNo(now: number): string {
  return `SBX${now}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** The child orders an order id stands for: every child of a parent order, or the child itself. */
async function targetChildren(db: Db, userId: string, orderId: string) {
  const parent = await db.selectFrom('parent_orders').select('id').where('id', '=', orderId).where('user_id', '=', userId).executeTakeFirst();
  if (parent) return db.selectFrom('orders').selectAll().where('parent_id', '=', parent.id).where('user_id', '=', userId).orderBy('id').execute();
  const rows = await ownedOrderRows(db, userId, [orderId]);
  if (rows.length === 0) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  return rows;
}

export interface CreatePaymentInput {
  userId: string;
  orderId: string;
  channel: PayChannel;
  publicBaseUrl: string;
  now?: number;
}

/**
 * Starts paying an order (parent: its still-unpaid children; child: itself). An open payment
 * for the same order and amount is returned instead of a second one; other open payments
 * that cover any of these children are closed, so a child is never paid twice.
 */
export async function createPayment(db: Db, input: CreatePaymentInput): Promise<Payment> {
  const now = input.now ?? Date.now();
  const row = await db.transaction().execute(async (trx) => {
    const children = await targetChildren(trx, input.userId, input.orderId);
    const unpaid = children.filter((c) => c.status === 'pending_payment');
    if (unpaid.length === 0) throw new AppError('ORDER_NOT_PAYABLE', `order ${input.orderId} has nothing left to pay`);
    const expiresAt = Math.min(...unpaid.map((c) => c.expires_at));
    if (now >= expiresAt) throw new AppError('PAYMENT_EXPIRED', `the payment deadline of order ${input.orderId} has passed`);
    const amount = sumFen(unpaid.map((c) => c.payable_amount));
    const ids = unpaid.map((c) => c.id);

    // Lock the children one by one in id order (orders first, then payments: the lock order
    // used everywhere) and make sure none left pending_payment since we read them.
    for (const id of ids) {
      const touched = await trx.updateTable('orders').set({ updated_at: now }).where('id', '=', id).where('status', '=', 'pending_payment').executeTakeFirst();
      if (Number(touched.numUpdatedRows) !== 1) throw new AppError('ORDER_NOT_PAYABLE', `order ${input.orderId} changed; try again`);
    }

    const open = await trx
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', input.orderId)
      .where('user_id', '=', input.userId)
      .where('status', '=', 'paying')
      .where('channel', '=', input.channel)
      .where('amount', '=', amount)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (open) {
      const covered = await trx.selectFrom('payment_orders').select('order_id').where('payment_id', '=', open.id).orderBy('order_id').execute();
      if (covered.map((c) => c.order_id).join(',') === ids.join(',')) return open;
    }

    await closeOpenPaymentsFor(trx, ids, now);
    const payment: PaymentRow = {
      id: newId(PAYMENT_ID_PREFIX, now),
      payment_no: newPaymentNo(now),
      user_id: input.userId,
      order_id: input.orderId,
      channel: input.channel,
      amount,
      status: paymentMachine.initial,
      trade_no: null,
      created_at: now,
      updated_at: now,
      expires_at: expiresAt,
      paid_at: null,
    };
    await trx.insertInto('payments').values(payment).execute();
    await trx
      .insertInto('payment_orders')
      .values(unpaid.map((c) => ({ payment_id: payment.id, order_id: c.id, amount: c.payable_amount })))
      .execute();
    return payment;
  });
  return view(row, input.publicBaseUrl);
}

export async function getPayment(db: Db, userId: string, paymentId: string, publicBaseUrl: string): Promise<Payment> {
  const row = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `payment ${paymentId} not found`);
  return view(row, publicBaseUrl);
}

/** What the sandbox cashier shows: the payment by its trade number, with merchant names. */
export async function paymentForCashier(db: Db, paymentNo: string): Promise<{ payment: PaymentRow; merchants: string[] } | null> {
  const payment = await db.selectFrom('payments').selectAll().where('payment_no', '=', paymentNo).executeTakeFirst();
  if (!payment) return null;
  const merchants = await db
    .selectFrom('payment_orders')
    .innerJoin('orders', 'orders.id', 'payment_orders.order_id')
    .select('orders.merchant_name')
    .where('payment_orders.payment_id', '=', payment.id)
    .orderBy('orders.id')
    .execute();
  return { payment, merchants: merchants.map((m) => m.merchant_name) };
}

/** Closes every open payment that covers one of these child orders (inside the caller's transaction). */
export async function closeOpenPaymentsFor(trx: Db, orderIds: readonly string[], now: number): Promise<number> {
  if (orderIds.length === 0) return 0;
  const open = await trx
    .selectFrom('payments')
    .innerJoin('payment_orders', 'payment_orders.payment_id', 'payments.id')
    .select('payments.id')
    .distinct()
    .where('payment_orders.order_id', 'in', [...orderIds])
    .where('payments.status', '=', 'paying')
    .orderBy('payments.id')
    .execute();
  let closed = 0;
  for (const { id } of open) {
    if (await tryApply(trx, paymentMachine, 'payments', id, 'close', { updated_at: now })) closed += 1;
  }
  return closed;
}

export type NotifyOutcome = 'applied' | 'duplicate' | 'late';

/**
 * Applies a verified channel notification in one transaction. SUCCESS: every covered child
 * pending_payment -> paid, then the payment paying -> paid, each at most once (guarded). A
 * repeat answers 'duplicate'; a notification for a payment that was closed meanwhile
 * (order cancelled or expired) changes nothing and answers 'late'. A different amount or an
 * unknown payment is rejected (400) and nothing changes.
 */
export async function applyNotification(db: Db, n: SandboxNotification, rawBody: string, log: PaymentLog, now = Date.now()): Promise<NotifyOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const payment = await trx.selectFrom('payments').selectAll().where('payment_no', '=', n.paymentNo).executeTakeFirst();
        if (!payment) throw new AppError('NOTIFY_REJECTED', `unknown payment ${n.paymentNo}`);
        if (payment.amount !== n.amount) throw new AppError('NOTIFY_REJECTED', `amount ${n.amount} does not match the payment's ${payment.amount}`);
        const outcome = await applyTo(trx, payment, n, log, now);
        await trx
          .insertInto('payment_notifications')
          .values({
            id: newId('ntf', now),
            channel: payment.channel,
            nonce: n.nonce,
            payment_no: n.paymentNo,
            status: n.status,
            amount: n.amount,
            body: rawBody,
            received_at: now,
            outcome,
          })
          .execute();
        return outcome;
      });
    } catch (err) {
      // The payment left 'paying' while we applied (a racing close): run again, which now
      // sees the final state and answers 'late' or 'duplicate'.
      if (err instanceof IllegalTransitionError && attempt === 0) continue;
      throw err;
    }
  }
}

async function applyTo(trx: Db, payment: PaymentRow, n: SandboxNotification, log: PaymentLog, now: number): Promise<NotifyOutcome> {
  const status = toStatus(payment.status);
  const wanted: PaymentStatus = n.status === 'SUCCESS' ? 'paid' : n.status === 'FAILED' ? 'failed' : 'closed';
  if (status !== 'paying') {
    if (status === wanted) return 'duplicate';
    if (n.status === 'SUCCESS') {
      // Money taken for a payment we had already closed: nothing changes here; the refund
      // flow (next issue) picks these up from payment_notifications (outcome 'late').
      log.warn({ paymentNo: n.paymentNo, status }, 'payment notification for a payment that is no longer open');
    }
    return 'late';
  }
  if (n.status !== 'SUCCESS') {
    await apply(trx, paymentMachine, 'payments', payment.id, n.status === 'FAILED' ? 'fail' : 'close', { updated_at: now });
    return 'applied';
  }
  const paidAt = n.paidAt ?? now;
  const covered = await trx.selectFrom('payment_orders').select('order_id').where('payment_id', '=', payment.id).orderBy('order_id').execute();
  const notPaid: string[] = [];
  for (const { order_id: orderId } of covered) {
    if (!(await tryTransitionOrder(trx, orderId, 'pay', paidAt))) notPaid.push(orderId);
  }
  // Guarded: throws IllegalTransitionError (rolling everything back) if a close won the race.
  await apply(trx, paymentMachine, 'payments', payment.id, 'succeed', { updated_at: now, paid_at: paidAt, trade_no: n.tradeNo });
  if (notPaid.length > 0) {
    // Cannot happen while every exit from pending_payment closes the order's open payments;
    // logged loudly because the money would need a refund.
    log.error({ paymentNo: n.paymentNo, orderIds: notPaid }, 'paid payment covers orders that are no longer pending payment');
  }
  return 'applied';
}
