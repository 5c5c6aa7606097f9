import type { Kysely, Selectable } from 'kysely';
import type { OrderStatus } from '@contract/order';
import { dialectOfDb } from '../../db';
import { listParams, prepared, slots } from '../../db/prepared';
import type { OrderTable } from './tables';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { spreadByWeight } from '@contract/money';

type Db = Kysely<Database>;
export type OrderRow = Selectable<OrderTable>;

/**
 * What the payment module asks of orders: the payable child orders (locked), an order's owner
 * and state for a refund, the refunded amount. Only this module's SQL names its tables.
 */

/** The states a child order ends in unpaid. */
export const ORDER_ENDED_STATUSES = ['cancelled', 'closed'] as const satisfies readonly OrderStatus[];

/**
 * Child orders read to be paid: on PostgreSQL locked in id order as they are read (orders come
 * first in the lock order), so what is read is what stays until commit; FOR NO KEY UPDATE, the
 * lock an update takes, which still lets rows that refer to the order be inserted. SQLite runs
 * one writer at a time: a read in the transaction is already stable.
 */
const lockedOnPostgres = <Q extends { forNoKeyUpdate(): Q }>(db: Db, query: Q): Q => (dialectOfDb(db) === 'postgres' ? query.forNoKeyUpdate() : query);

const lockChildrenOfParent = prepared<{ parentId: string; userId: string }, OrderRow>((db, p) =>
  lockedOnPostgres(db, db.selectFrom('orders').selectAll().where('parent_id', '=', p('parentId')).where('user_id', '=', p('userId')).orderBy('id')),
);
const lockOwnChild = prepared<{ id: string; userId: string }, OrderRow>((db, p) =>
  lockedOnPostgres(db, db.selectFrom('orders').selectAll().where('id', '=', p('id')).where('user_id', '=', p('userId'))),
);

/** The child orders an order id stands for (a parent's children, or the child itself), the owner's only, locked. NOT_FOUND otherwise. */
export async function lockPayableOrders(trx: Db, userId: string, orderId: string): Promise<{ single: boolean; rows: OrderRow[] }> {
  // A parent's children carry its owner: one read finds them (a parent id is never a child's).
  const children = (await lockChildrenOfParent.execute(trx, { parentId: orderId, userId })).rows;
  if (children.length > 0) return { single: false, rows: children };
  const rows = (await lockOwnChild.execute(trx, { id: orderId, userId })).rows;
  if (rows.length === 0) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  return { single: true, rows };
}

const lockOrderRows = prepared<Record<string, unknown>, { id: string }, number>((db, p, count) =>
  db.selectFrom('orders').select('id').where('id', 'in', slots(p, 'id', count)).orderBy('id').forNoKeyUpdate(),
);

/**
 * Locks child orders in id order (PostgreSQL: FOR NO KEY UPDATE, the lock an update takes; SQLite
 * runs one writer at a time, so there is nothing to take): what a payment reads about them then
 * stays until commit. Orders come first in the lock order.
 */
export async function lockOrders(trx: Db, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0 || dialectOfDb(trx) !== 'postgres') return;
  const ids = [...new Set(orderIds)].sort();
  await lockOrderRows.execute(trx, listParams('id', ids), ids.length);
}

/** The owner's child orders an order id stands for (a parent's children or the child itself), ids only; NOT_FOUND when none. */
export async function ownChildOrderIds(db: Db, userId: string, orderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('parent_id', '=', orderId), eb('id', '=', orderId)]))
    .execute();
  if (rows.length === 0) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  return rows.map((r) => r.id);
}

/** A child order's id, owner, merchant and status, or null (`userId`: the owner's only). */
export async function orderForRefund(db: Db, orderId: string, userId?: string): Promise<{ id: string; userId: string; merchantId: string; status: OrderStatus } | null> {
  let q = db.selectFrom('orders').select(['id', 'user_id', 'merchant_id', 'status']).where('id', '=', orderId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  const row = await q.executeTakeFirst();
  return row ? { id: row.id, userId: row.user_id, merchantId: row.merchant_id, status: row.status as OrderStatus } : null;
}

/**
 * Locks a child order for a refund while it is in one of `statuses` (orders before payments and
 * refunds: the lock order used everywhere), so two refunds of one order are computed one after
 * the other. False when it is no longer in those states.
 */
export async function lockOrderForRefund(trx: Db, orderId: string, statuses: readonly OrderStatus[], now: number): Promise<boolean> {
  const locked = await trx.updateTable('orders').set({ updated_at: now }).where('id', '=', orderId).where('status', 'in', [...statuses]).executeTakeFirst();
  return Number(locked.numUpdatedRows) === 1;
}

/** The child order a payment of `orderId` (a child, or a parent) is recorded under: itself, or the parent's first child. */
export async function payableChildOf(trx: Db, orderId: string): Promise<string | null> {
  const direct = await trx.selectFrom('orders').select('id').where('id', '=', orderId).executeTakeFirst();
  if (direct) return direct.id;
  const child = await trx.selectFrom('orders').select('id').where('parent_id', '=', orderId).orderBy('id').executeTakeFirst();
  return child?.id ?? null;
}

/** One line of a child order as after-sales see it: what it is, how many, and what the shopper paid for it. */
export interface PaidOrderLine {
  lineNo: number;
  skuId: string;
  title: string;
  specText: string;
  image: string;
  quantity: number;
  lineAmount: number;
  /** The line's amount less its share of the order's discount (largest remainder, by line amount). */
  paidAmount: number;
}

export interface OrderForAfterSale {
  id: string;
  orderNo: string;
  userId: string;
  merchantId: string;
  status: OrderStatus;
  /** Whether it ever shipped (a completed order did). */
  shipped: boolean;
  shippingAmount: number;
  payableAmount: number;
  lines: PaidOrderLine[];
}

/**
 * A child order with its lines and what was paid for each (`userId`: the owner's only), for the
 * after-sale module; null when there is no such order.
 */
export async function orderForAfterSale(db: Db, orderId: string, userId?: string): Promise<OrderForAfterSale | null> {
  let q = db
    .selectFrom('orders')
    .select(['id', 'order_no', 'user_id', 'merchant_id', 'status', 'shipped_at', 'shipping_amount', 'discount_amount', 'payable_amount'])
    .where('id', '=', orderId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
  const discounts = spreadByWeight(Number(row.discount_amount), lines.map((l) => Number(l.line_amount)));
  const status = row.status as OrderStatus;
  return {
    id: row.id,
    orderNo: row.order_no,
    userId: row.user_id,
    merchantId: row.merchant_id,
    status,
    shipped: row.shipped_at !== null || status === 'shipped' || status === 'completed',
    shippingAmount: Number(row.shipping_amount),
    payableAmount: Number(row.payable_amount),
    lines: lines.map((l, i) => ({
      lineNo: Number(l.line_no),
      skuId: l.sku_id,
      title: l.title,
      specText: l.spec_text,
      image: l.image,
      quantity: Number(l.quantity),
      lineAmount: Number(l.line_amount),
      paidAmount: Number(l.line_amount) - discounts[i],
    })),
  };
}
