import { timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import type { OrderStatus } from '@contract/order';
import {
  CARRIER_NAMES,
  type Carrier,
  type MerchantOrderCounts,
  type MerchantOrderDetail,
  type MerchantOrderPage,
  type MerchantOrderRow,
  type MerchantOrderSummary,
  type MerchantOrderTab,
  type ShipOrderBody,
} from '@contract/workbench';
import { dialectOfDb } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { recordAudit } from '../merchant';
import { ORDER_NUMBER_PATTERN } from './number';
import { getOrderRowsView, transitionOrder } from './service';
import type { OrderTable } from './tables';

type Db = Kysely<Database>;
type OrderRow = Selectable<OrderTable>;

/**
 * The order module's part of the merchant's workbench (docs/merchant.md): the merchant's child
 * orders by tab with search and counts, an order's detail, shipping (one parcel or several),
 * pickup verification by code, and the merchant's remark. Every change is recorded in the
 * merchant's audit log in its transaction.
 */

/** What each tab shows: statuses, and the fulfilment type where the tab splits paid orders. */
const TABS: Record<MerchantOrderTab, { statuses: readonly OrderStatus[] | null; type?: 'delivery' | 'pickup' }> = {
  all: { statuses: null },
  to_ship: { statuses: ['paid'], type: 'delivery' },
  to_pickup: { statuses: ['paid'], type: 'pickup' },
  shipped: { statuses: ['shipped'] },
  completed: { statuses: ['completed'] },
  closed: { statuses: ['cancelled', 'closed'] },
};

const PHONE = /^1[3-9]\d{9}$/;

/** [created_at, id] of the last order on the page. */
const orderCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

function likePattern(keyword: string): string {
  return `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The workbench's row of an order: its lines' summary is kept on the order (migration 015). */
function rowOf(r: OrderRow): MerchantOrderRow {
  return {
    id: r.id,
    orderNo: r.order_no,
    status: r.status as OrderStatus,
    fulfilmentType: r.fulfilment_type === 'pickup' ? 'pickup' : 'delivery',
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    title: r.first_title,
    image: r.first_image || '/images/placeholder.svg',
    lineCount: Number(r.line_count),
    itemCount: Number(r.item_count),
    payableAmount: Number(r.payable_amount),
    createdAt: Number(r.created_at),
    paidAt: r.paid_at === null ? null : Number(r.paid_at),
    merchantRemark: r.merchant_remark,
  };
}

/** Orders per tab of one merchant: one grouped read on the (merchant_id, status, fulfilment_type) index. */
export async function merchantOrderCounts(db: Db, merchantId: string): Promise<MerchantOrderCounts> {
  const rows = await db
    .selectFrom('orders')
    .select(['status', 'fulfilment_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .groupBy(['status', 'fulfilment_type'])
    .execute();
  const counts: MerchantOrderCounts = { all: 0, to_ship: 0, to_pickup: 0, shipped: 0, completed: 0, closed: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    counts.all += n;
    for (const [tab, spec] of Object.entries(TABS) as [MerchantOrderTab, (typeof TABS)[MerchantOrderTab]][]) {
      if (tab === 'all' || !spec.statuses?.includes(r.status as OrderStatus)) continue;
      if (spec.type && spec.type !== r.fulfilment_type) continue;
      counts[tab] += n;
    }
  }
  return counts;
}

/**
 * The merchant's child orders, newest first, one tab at a time: searched by an order number
 * (the child's, or its parent's: every child of that checkout that is this merchant's), the
 * buyer's phone (exact), or words of a product title; cursor pagination; with the counts per tab.
 */
export async function listMerchantOrders(db: Db, merchantId: string, query: { tab: MerchantOrderTab; q?: string; cursor?: string; limit: number }): Promise<MerchantOrderPage> {
  let q = db.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId);
  const tab = TABS[query.tab];
  if (tab.statuses) q = q.where('status', 'in', [...tab.statuses]);
  if (tab.type) q = q.where('fulfilment_type', '=', tab.type);
  const keyword = query.q?.trim() ?? '';
  if (keyword) {
    if (ORDER_NUMBER_PATTERN.test(keyword)) {
      const parent = await db.selectFrom('parent_orders').select('id').where('order_no', '=', keyword).executeTakeFirst();
      q = q.where((eb) => (parent ? eb.or([eb('order_no', '=', keyword), eb('parent_id', '=', parent.id)]) : eb('order_no', '=', keyword)));
    } else if (PHONE.test(keyword)) {
      q = q.where('contact_phone', '=', keyword);
    } else {
      const pattern = likePattern(keyword);
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('order_lines as l')
            .select(sql<number>`1`.as('one'))
            .whereRef('l.order_id', '=', 'orders.id')
            .where(sql`lower(${sql.ref('l.title')})`, 'like', sql`${pattern} escape '\\'`),
        ),
      );
    }
  }
  if (query.cursor) {
    const [createdAt, id] = orderCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => rowOf(r)),
    nextCursor: rows.length > query.limit && last ? orderCursor.encode([Number(last.created_at), last.id]) : null,
    counts: await merchantOrderCounts(db, merchantId),
  };
}

/**
 * The workbench's rows of `orderIds` that are this merchant's, newest paid first, at most
 * `limit` (the dashboard's push of new paid orders; one indexed read, no lines).
 */
export async function newOrderRows(db: Db, merchantId: string, orderIds: readonly string[], limit: number): Promise<MerchantOrderSummary[]> {
  if (orderIds.length === 0) return [];
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', 'in', [...orderIds])
    .where('merchant_id', '=', merchantId)
    .orderBy('paid_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const { merchantRemark: _remark, ...summary } = rowOf(r);
    return summary;
  });
}

/** An order of this merchant as its staff see it; another merchant's (or no) order is NOT_FOUND. */
export async function getMerchantOrder(db: Db, merchantId: string, orderId: string): Promise<MerchantOrderDetail> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', orderId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  const [order] = await getOrderRowsView(db, [row]);
  const shipments = await db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  return {
    ...rowOf(row),
    parentId: row.parent_id,
    lines: order.lines,
    amounts: order.amounts,
    shipTo: row.ship_to,
    buyerRemark: row.remark,
    payments: { paidAmount: Number(row.paid_amount), refundedAmount: Number(row.refunded_amount), paidAt: row.paid_at === null ? null : Number(row.paid_at) },
    shipments: shipments.map((s) => ({
      id: s.id,
      carrier: s.carrier as Carrier,
      carrierName: CARRIER_NAMES[s.carrier as Carrier] ?? s.carrier,
      trackingNo: s.tracking_no,
      lineNos: s.line_nos === null ? null : (JSON.parse(s.line_nos) as number[]),
      createdAt: Number(s.created_at),
    })),
    shippedAt: row.shipped_at === null ? null : Number(row.shipped_at),
    pickedUpAt: row.picked_up_at === null ? null : Number(row.picked_up_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    timeline: order.timeline,
  };
}

/**
 * Inside a workbench change's transaction: the order, locked on PostgreSQL (orders come first in
 * the lock order; SQLite runs one writer at a time), when it is the merchant's (`merchantId`
 * null: any merchant's, for the sandbox's merchant console).
 */
async function lockMerchantOrder(trx: Db, merchantId: string | null, orderId: string): Promise<OrderRow> {
  let q = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
  if (merchantId !== null) q = q.where('merchant_id', '=', merchantId);
  const row = await (dialectOfDb(trx) === 'postgres' ? q.forNoKeyUpdate() : q).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  return row;
}

export interface ShipInput {
  orderId: string;
  /** The merchant the staff member acts for; null: the sandbox's merchant console (any merchant). */
  merchantId: string | null;
  /** Who ships: the staff member's account, null for the system. */
  actorId: string | null;
  parcels: ShipOrderBody['parcels'];
  now?: number;
}

/** Parcels that name lines must name the order's lines; when every parcel names its lines, every line is in one. */
function checkParcelLines(parcels: ShipOrderBody['parcels'], lineCount: number): void {
  const covered = new Set<number>();
  for (const [i, parcel] of parcels.entries()) {
    if (!parcel.lineNos) continue;
    if (new Set(parcel.lineNos).size !== parcel.lineNos.length) throw new AppError('SHIPMENT_LINES_INVALID', `parcel ${i} names a line twice`);
    for (const n of parcel.lineNos) {
      if (n >= lineCount) throw new AppError('SHIPMENT_LINES_INVALID', `the order has no line ${n} (it has ${lineCount})`);
      covered.add(n);
    }
  }
  if (parcels.every((p) => p.lineNos) && covered.size !== lineCount) {
    throw new AppError('SHIPMENT_LINES_INVALID', `the parcels hold ${covered.size} of the order's ${lineCount} lines`);
  }
}

/**
 * Ships a paid delivery order in one parcel or several, once: paid -> shipped, the parcels
 * stored, the action audited, all in one transaction. A shipped (or completed) order answers
 * ORDER_ALREADY_SHIPPED and changes nothing; a pickup, unpaid or ended order ORDER_NOT_SHIPPABLE.
 * The workbench's route and the sandbox's merchant console both ship through here.
 */
export async function shipOrder(db: Db, input: ShipInput): Promise<MerchantOrderDetail> {
  const now = input.now ?? Date.now();
  const merchantId = await transact(db, async (trx) => {
    const row = await lockMerchantOrder(trx, input.merchantId, input.orderId);
    if (row.fulfilment_type === 'pickup') throw new AppError('ORDER_NOT_SHIPPABLE', `order ${row.id} is a pickup order: verify its pickup code instead`);
    if (row.status === 'shipped' || row.status === 'completed') throw new AppError('ORDER_ALREADY_SHIPPED', `order ${row.id} was shipped already`, { status: row.status });
    if (row.status !== 'paid') throw new AppError('ORDER_NOT_SHIPPABLE', `order ${row.id} is ${row.status}`, { status: row.status });
    const lineCount = Number(
      (await trx.selectFrom('order_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('order_id', '=', row.id).executeTakeFirstOrThrow()).n,
    );
    checkParcelLines(input.parcels, lineCount);
    await transitionOrder(trx, row.id, 'ship', now);
    await trx
      .insertInto('shipments')
      .values(
        input.parcels.map((p, seq) => ({
          id: newId('shp', now),
          order_id: row.id,
          merchant_id: row.merchant_id,
          seq,
          carrier: p.carrier,
          tracking_no: p.trackingNo,
          line_nos: p.lineNos ? JSON.stringify(p.lineNos) : null,
          created_by: input.actorId,
          created_at: now,
        })),
      )
      .execute();
    await recordAudit(
      trx,
      {
        merchantId: row.merchant_id,
        actorId: input.actorId,
        action: 'order.shipped',
        target: `order:${row.id}`,
        detail: { orderNo: row.order_no, from: row.status, to: 'shipped', parcels: input.parcels.map((p) => ({ carrier: p.carrier, trackingNo: p.trackingNo, lineNos: p.lineNos ?? null })) },
      },
      now,
    );
    return row.merchant_id;
  });
  return getMerchantOrder(db, merchantId, input.orderId);
}

/** Wrong pickup codes allowed per order within the window; then the order's code is locked until the window ends. */
export const PICKUP_MAX_FAILURES = 5;
export const PICKUP_WINDOW_MS = 15 * 60_000;

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifyPickupInput {
  merchantId: string;
  orderId: string;
  actorId: string;
  code: string;
  now?: number;
}

/**
 * Verifies a pickup order's code: right, the order completes (paid -> completed) and the action
 * is audited; wrong, the failure is counted (committed) and PICKUP_CODE_INVALID answered; after
 * PICKUP_MAX_FAILURES wrong codes within PICKUP_WINDOW_MS, PICKUP_CODE_LOCKED (429, with
 * retryAfterSeconds) until the window ends, right code or not. Not a paid pickup order:
 * ORDER_NOT_PICKUP_READY.
 */
export async function verifyPickup(db: Db, input: VerifyPickupInput): Promise<MerchantOrderDetail> {
  const now = input.now ?? Date.now();
  const outcome = await transact(db, async (trx) => {
    const row = await lockMerchantOrder(trx, input.merchantId, input.orderId);
    if (row.fulfilment_type !== 'pickup' || row.status !== 'paid' || !row.pickup_code) {
      throw new AppError('ORDER_NOT_PICKUP_READY', `order ${row.id} is a ${row.fulfilment_type} order, ${row.status}`, { status: row.status });
    }
    const windowStart = row.pickup_failed_at === null ? null : Number(row.pickup_failed_at);
    const inWindow = windowStart !== null && now - windowStart < PICKUP_WINDOW_MS;
    const failures = inWindow ? Number(row.pickup_failures) : 0;
    if (failures >= PICKUP_MAX_FAILURES) {
      return { kind: 'locked' as const, retryAfterSeconds: Math.max(1, Math.ceil(((windowStart ?? now) + PICKUP_WINDOW_MS - now) / 1000)) };
    }
    if (!sameCode(input.code, row.pickup_code)) {
      await trx
        .updateTable('orders')
        .set({ pickup_failures: failures + 1, pickup_failed_at: inWindow ? windowStart : now })
        .where('id', '=', row.id)
        .execute();
      return { kind: 'wrong' as const, remaining: PICKUP_MAX_FAILURES - failures - 1 };
    }
    await transitionOrder(trx, row.id, 'pickup', now);
    await trx.updateTable('orders').set({ pickup_failures: 0, pickup_failed_at: null }).where('id', '=', row.id).execute();
    await recordAudit(trx, { merchantId: row.merchant_id, actorId: input.actorId, action: 'order.picked_up', target: `order:${row.id}`, detail: { orderNo: row.order_no, from: 'paid', to: 'completed' } }, now);
    return { kind: 'done' as const };
  });
  if (outcome.kind === 'locked') {
    throw new AppError('PICKUP_CODE_LOCKED', 'Too many wrong pickup codes for this order; try again later', { retryAfterSeconds: outcome.retryAfterSeconds });
  }
  if (outcome.kind === 'wrong') throw new AppError('PICKUP_CODE_INVALID', 'That is not this order\'s pickup code', { attemptsLeft: outcome.remaining });
  return getMerchantOrder(db, input.merchantId, input.orderId);
}

/** Sets (or, with an empty text, clears) the merchant's remark on an order, audited with before and after. */
export async function remarkOrder(db: Db, input: { merchantId: string; orderId: string; actorId: string; remark: string; now?: number }): Promise<MerchantOrderDetail> {
  const now = input.now ?? Date.now();
  const remark = input.remark.length > 0 ? input.remark : null;
  await transact(db, async (trx) => {
    const row = await lockMerchantOrder(trx, input.merchantId, input.orderId);
    if (row.merchant_remark === remark) return;
    await trx.updateTable('orders').set({ merchant_remark: remark, updated_at: now }).where('id', '=', row.id).execute();
    await recordAudit(trx, { merchantId: row.merchant_id, actorId: input.actorId, action: 'order.remarked', target: `order:${row.id}`, detail: { orderNo: row.order_no, from: row.merchant_remark, to: remark } }, now);
  });
  return getMerchantOrder(db, input.merchantId, input.orderId);
}

/**
 * The order module's part of a merchant's dashboard: orders paid in [from, to) and the fen they
 * were paid, and the paid orders waiting to ship or to be picked up. Two indexed reads
 * ((merchant_id, paid_at), (merchant_id, status, fulfilment_type, ...)).
 */
export async function orderFigures(db: Db, merchantId: string, from: number, to: number): Promise<{ paidOrders: number; gmv: number; toShip: number; toPickup: number }> {
  const [paid, waiting] = await Promise.all([
    db
      .selectFrom('orders')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('paid_amount'), sql<number>`0`).as('fen')])
      .where('merchant_id', '=', merchantId)
      .where('paid_at', '>=', from)
      .where('paid_at', '<', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('orders')
      .select(['fulfilment_type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('merchant_id', '=', merchantId)
      .where('status', '=', 'paid')
      .groupBy('fulfilment_type')
      .execute(),
  ]);
  const waitingOf = (type: string) => Number(waiting.find((w) => w.fulfilment_type === type)?.n ?? 0);
  return { paidOrders: Number(paid.n), gmv: Number(paid.fen), toShip: waitingOf('delivery'), toPickup: waitingOf('pickup') };
}

/** The merchant of a child order, or null (the dashboard's consumer: whose figures a refund changes). */
export async function merchantOfOrder(db: Db, orderId: string): Promise<string | null> {
  const row = await db.selectFrom('orders').select('merchant_id').where('id', '=', orderId).executeTakeFirst();
  return row?.merchant_id ?? null;
}
