import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import {
  AFTER_SALE_STATUSES,
  afterSaleKind,
  afterSaleReason,
  afterSaleStatus,
  type AfterSale,
  type AfterSaleKind,
  type AfterSalePage,
  type AfterSaleStatus,
  type CreateAfterSaleBody,
  type MerchantAfterSalePage,
  type ReturnAddress,
} from '@contract/aftersale';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { EVENTS, type EventDef, type AfterSaleChangedPayload } from '../../events/catalog';
import { emit } from '../../events/emit';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { apply, type ExtraSet } from '../../infra/state-machine';
import { lockOrderForRefund, orderForAfterSale, type OrderForAfterSale } from '../order';
import { refundableAmount, type RefundDeps } from '../payment';
import type { AfterSaleLineTable, AfterSaleTable } from './tables';
import { afterSaleMachine, type AfterSaleEvent } from './machine';
import type { UploadStore } from './uploads';

type Db = Kysely<Database>;
export type AfterSaleRow = Selectable<AfterSaleTable>;
type LineRow = Selectable<AfterSaleLineTable>;

export const AFTER_SALE_ID_PREFIX = 'as';

export interface AfterSaleLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the module is given by the app (server/compose.ts). */
export interface AfterSaleDeps {
  db: Db;
  /** The payment module's refund core: refunds are booked and sent through its surface. */
  refunds: RefundDeps;
  config: { autoApproveUnshipped: boolean; merchantHours: number; returnDays: number };
  log: AfterSaleLog;
  /** The shoppers' uploads: their folder and how long one no request took is kept. */
  uploads: UploadStore;
}

/** Child order states in which a shopper may ask (the payment module's refundable states). */
export const AFTER_SALE_ORDER_STATUSES = ['paid', 'shipped', 'completed'] as const;

/** States whose units of a line are taken: asked for and not ended without a refund. */
export const HOLDING_STATUSES = ['requested', 'awaiting_return', 'returning', 'refunding', 'refunded', 'refund_failed'] as const satisfies readonly AfterSaleStatus[];

const HOUR_MS = 3_600_000;

export const merchantDeadline = (deps: Pick<AfterSaleDeps, 'config'>, from: number) => from + Math.round(deps.config.merchantHours * HOUR_MS);
export const returnDeadline = (deps: Pick<AfterSaleDeps, 'config'>, from: number) => from + Math.round(deps.config.returnDays * 24 * HOUR_MS);

// ---------------------------------------------------------------------------------------------
// Reading

const photoList = z.array(z.object({ id: z.string(), url: z.string() }));

function parseJson<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  return schema.parse(JSON.parse(text));
}

const returnAddressStored = z.object({ name: z.string(), phone: z.string(), address: z.string() });

export function afterSaleView(row: AfterSaleRow, lines: readonly LineRow[]): AfterSale {
  return {
    id: row.id,
    orderId: row.order_id,
    orderNo: row.order_no,
    merchantId: row.merchant_id,
    userId: row.user_id,
    kind: afterSaleKind.parse(row.kind),
    status: afterSaleStatus.parse(row.status),
    reason: afterSaleReason.parse(row.reason),
    description: row.description,
    photos: photoList.parse(JSON.parse(row.photos)) as AfterSale['photos'],
    lines: lines.map((l) => ({ lineNo: Number(l.line_no), skuId: l.sku_id, title: l.title, specText: l.spec_text, image: l.image, quantity: Number(l.quantity), amount: Number(l.amount) })),
    amount: Number(row.amount),
    shippingAmount: Number(row.shipping_amount),
    returnAddress: parseJson(returnAddressStored, row.return_address),
    returnCarrier: row.return_carrier,
    returnTrackingNo: row.return_tracking_no,
    rejectReason: row.reject_reason,
    approvedBy: row.approved_by === null ? null : z.enum(['merchant', 'auto_unshipped', 'auto_deadline']).parse(row.approved_by),
    refundId: row.refund_id,
    deadlineAt: row.deadline_at === null ? null : Number(row.deadline_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    refundedAt: row.refunded_at === null ? null : Number(row.refunded_at),
  };
}

async function viewsOf(db: Db, rows: readonly AfterSaleRow[]): Promise<AfterSale[]> {
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('after_sale_lines')
    .selectAll()
    .where('after_sale_id', 'in', rows.map((r) => r.id))
    .orderBy('after_sale_id')
    .orderBy('line_no')
    .execute();
  return rows.map((r) =>
    afterSaleView(
      r,
      lines.filter((l) => l.after_sale_id === r.id),
    ),
  );
}

/** Whose request: the shopper's own, or one of the merchant's (anything else is NOT_FOUND). */
export type Owner = { userId: string } | { merchantId: string };

async function findRow(db: Db, id: string, owner: Owner): Promise<AfterSaleRow> {
  let q = db.selectFrom('after_sales').selectAll().where('id', '=', id);
  q = 'userId' in owner ? q.where('user_id', '=', owner.userId) : q.where('merchant_id', '=', owner.merchantId);
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `after-sale ${id} not found`);
  return row;
}

export async function getAfterSale(db: Db, id: string, owner: Owner): Promise<AfterSale> {
  const [view] = await viewsOf(db, [await findRow(db, id, owner)]);
  return view;
}

/** [created_at, id] of the last item on the page. */
const listCursor = cursorCodec(z.tuple([cursorKey, cursorId]), 'The cursor is not valid');

async function page(db: Db, base: (db: Db) => ReturnType<typeof selectAfterSales>, query: { cursor?: string; limit: number }): Promise<AfterSalePage> {
  let q = base(db);
  if (query.cursor) {
    const [at, id] = listCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items: await viewsOf(db, items), nextCursor: rows.length > query.limit && last ? listCursor.encode([Number(last.created_at), last.id]) : null };
}

const selectAfterSales = (db: Db) => db.selectFrom('after_sales').selectAll();

/** The shopper's requests, newest first. */
export function listMyAfterSales(db: Db, userId: string, query: { cursor?: string; limit: number }): Promise<AfterSalePage> {
  return page(db, (d) => selectAfterSales(d).where('user_id', '=', userId), query);
}

/** The merchant's requests (one status, or all), newest first, with the count per status for the tabs. */
export async function listMerchantAfterSales(db: Db, merchantId: string, query: { status?: AfterSaleStatus; cursor?: string; limit: number }): Promise<MerchantAfterSalePage> {
  const status = query.status;
  const result = await page(db, (d) => (status ? selectAfterSales(d).where('merchant_id', '=', merchantId).where('status', '=', status) : selectAfterSales(d).where('merchant_id', '=', merchantId)), query);
  const rows = await db
    .selectFrom('after_sales')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(AFTER_SALE_STATUSES.map((s) => [s, 0])) as Record<AfterSaleStatus, number>;
  for (const r of rows) {
    const s = afterSaleStatus.safeParse(r.status);
    if (s.success) counts[s.data] = Number(r.n);
  }
  return { ...result, counts };
}

// ---------------------------------------------------------------------------------------------
// Writing

export function payloadOf(row: AfterSaleRow, status: AfterSaleStatus, at: number): AfterSaleChangedPayload {
  return { afterSaleId: row.id, orderId: row.order_id, userId: row.user_id, merchantId: row.merchant_id, kind: row.kind as AfterSaleKind, status, amount: Number(row.amount), at };
}

/** Applies `event` to the request (guarded) with `set`, and writes `def` in the same transaction. */
export async function transition(trx: Db, row: AfterSaleRow, event: AfterSaleEvent, set: ExtraSet, def: EventDef<string, AfterSaleChangedPayload>, now: number): Promise<AfterSaleStatus> {
  const to = await apply(trx, afterSaleMachine, 'after_sales', row.id, event, { ...set, updated_at: now });
  await emit(trx, def, row.id, payloadOf(row, to, now), now);
  return to;
}

interface HeldLine {
  quantity: number;
  amount: number;
}

/** Per order line: the units and amounts held by requests that are not ended without a refund; and whether one holds the shipping fee. */
async function heldOf(trx: Db, orderId: string): Promise<{ lines: Map<number, HeldLine>; shippingHeld: boolean }> {
  const rows = await trx
    .selectFrom('after_sale_lines as l')
    .innerJoin('after_sales as a', 'a.id', 'l.after_sale_id')
    .select(['l.line_no', (eb) => eb.fn.sum<number>('l.quantity').as('quantity'), (eb) => eb.fn.sum<number>('l.amount').as('amount')])
    .where('l.order_id', '=', orderId)
    .where('a.status', 'in', [...HOLDING_STATUSES])
    .groupBy('l.line_no')
    .execute();
  const shipping = await trx
    .selectFrom('after_sales')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', 'in', [...HOLDING_STATUSES])
    .where('shipping_amount', '>', 0)
    .executeTakeFirst();
  return { lines: new Map(rows.map((r) => [Number(r.line_no), { quantity: Number(r.quantity), amount: Number(r.amount) }])), shippingHeld: Boolean(shipping) };
}

export interface LineClaim {
  lineNo: number;
  quantity: number;
  amount: number;
}

/**
 * What a request of `wanted` units per line refunds (pure). A line's share of what the shopper
 * paid for it is in proportion to the units, rounded down; the request that takes a line's last
 * units gets exactly what is left of it, so the parts of a line add up to what was paid for it,
 * never more. The shipping fee goes back only when an order that has not shipped is asked for in
 * full (nothing of it was delivered).
 */
export function claimLines(
  order: Pick<OrderForAfterSale, 'lines' | 'shipped' | 'shippingAmount'>,
  held: { lines: ReadonlyMap<number, HeldLine>; shippingHeld: boolean },
  wanted: ReadonlyMap<number, number> | null,
): { lines: LineClaim[]; shippingAmount: number } {
  const lines: LineClaim[] = [];
  for (const line of order.lines) {
    const before = held.lines.get(line.lineNo) ?? { quantity: 0, amount: 0 };
    const left = line.quantity - before.quantity;
    const quantity = wanted ? (wanted.get(line.lineNo) ?? 0) : Math.max(0, left);
    if (quantity === 0) continue;
    if (quantity > left) throw new AppError('AFTER_SALE_QUANTITY_EXCEEDED', `line ${line.lineNo}: ${Math.max(0, left)} unit(s) left to ask for`, { lineNo: line.lineNo, available: Math.max(0, left) });
    const amount = quantity === left ? line.paidAmount - before.amount : Math.floor((line.paidAmount * quantity) / line.quantity);
    lines.push({ lineNo: line.lineNo, quantity, amount: Math.max(0, amount) });
  }
  if (wanted) {
    for (const lineNo of wanted.keys()) {
      if (!order.lines.some((l) => l.lineNo === lineNo)) throw new AppError('AFTER_SALE_QUANTITY_EXCEEDED', `the order has no line ${lineNo}`, { lineNo, available: 0 });
    }
  }
  const everything = order.lines.every((l) => (held.lines.get(l.lineNo)?.quantity ?? 0) + (lines.find((c) => c.lineNo === l.lineNo)?.quantity ?? 0) >= l.quantity);
  const shippingAmount = !order.shipped && everything && !held.shippingHeld ? order.shippingAmount : 0;
  return { lines, shippingAmount };
}

export interface CreateAfterSaleInput {
  userId: string;
  body: Omit<CreateAfterSaleBody, 'photos'> & { photos: string[] };
}

/** Checks the photo ids are the shopper's uploads (and not being pruned); answers them with their URLs. */
async function photosOf(db: Db, userId: string, ids: readonly string[]): Promise<{ id: string; url: string }[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.selectFrom('uploads').select(['id', 'file']).where('user_id', '=', userId).where('id', 'in', unique).where('pruning_at', 'is', null).execute();
  const byId = new Map(rows.map((r) => [r.id, r.file]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new AppError('AFTER_SALE_PHOTO_INVALID', `not your upload(s): ${missing.join(', ')}`);
  return unique.map((id) => ({ id, url: `/uploads/${byId.get(id) ?? ''}` }));
}

/**
 * Inside the request's transaction: marks its photos attached, so the pruning job never takes
 * them; a guarded update (only an upload the job has not claimed), so of this and the job's
 * claim exactly one wins. An upload claimed or deleted meanwhile refuses the request.
 */
async function attachPhotos(trx: Db, userId: string, photos: readonly { id: string }[], now: number): Promise<void> {
  if (photos.length === 0) return;
  const ids = photos.map((p) => p.id);
  const res = await trx
    .updateTable('uploads')
    .set({ attached_at: sql<number>`coalesce(attached_at, ${now})` })
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .where('pruning_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== ids.length) throw new AppError('AFTER_SALE_PHOTO_INVALID', 'a photo was deleted (uploads nobody used are pruned); upload it again');
}

/**
 * The shopper asks. One transaction with the order locked (orders first, the lock order), so two
 * requests at once never take the same units. Answers the request's row.
 */
async function insertRequest(deps: AfterSaleDeps, input: CreateAfterSaleInput, now: number): Promise<{ row: AfterSaleRow; order: OrderForAfterSale }> {
  const { db } = deps;
  const { body, userId } = input;
  const order = await orderForAfterSale(db, body.orderId, userId);
  if (!order) throw new AppError('NOT_FOUND', `order ${body.orderId} not found`);
  if (!(AFTER_SALE_ORDER_STATUSES as readonly string[]).includes(order.status)) throw new AppError('AFTER_SALE_ORDER_NOT_PAID', `order ${order.id} is ${order.status}`);
  if (body.kind === 'return_refund' && !order.shipped) throw new AppError('AFTER_SALE_KIND_NOT_ALLOWED', `order ${order.id} has not shipped: ask for a refund only`);
  const photos = await photosOf(db, userId, body.photos);
  let wanted: Map<number, number> | null = null;
  if (body.lines) {
    wanted = new Map();
    for (const l of body.lines) wanted.set(l.lineNo, (wanted.get(l.lineNo) ?? 0) + l.quantity);
  }
  const row = await transact(db, async (trx) => {
    if (!(await lockOrderForRefund(trx, order.id, AFTER_SALE_ORDER_STATUSES, now))) throw new AppError('AFTER_SALE_ORDER_NOT_PAID', `order ${order.id} changed`);
    const refundable = await refundableAmount(deps.refunds, trx, order.id);
    const held = await heldOf(trx, order.id);
    if (refundable === 0) throw new AppError('AFTER_SALE_NOTHING_TO_REFUND', `order ${order.id} has nothing left to refund`);
    const claim = claimLines(order, held, wanted);
    if (claim.lines.length === 0) throw new AppError('AFTER_SALE_NOTHING_TO_REFUND', `every unit of order ${order.id} is asked for already`);
    const amount = claim.lines.reduce((s, l) => s + l.amount, 0) + claim.shippingAmount;
    const id = newId(AFTER_SALE_ID_PREFIX, now);
    await trx
      .insertInto('after_sales')
      .values({
        id,
        user_id: userId,
        order_id: order.id,
        order_no: order.orderNo,
        merchant_id: order.merchantId,
        kind: body.kind,
        status: afterSaleMachine.initial,
        reason: body.reason,
        description: body.description ?? null,
        photos: JSON.stringify(photos),
        amount,
        shipping_amount: claim.shippingAmount,
        return_address: null,
        return_carrier: null,
        return_tracking_no: null,
        reject_reason: null,
        approved_by: null,
        refund_id: null,
        deadline_at: merchantDeadline(deps, now),
        created_at: now,
        updated_at: now,
        refunded_at: null,
      })
      .execute();
    await trx
      .insertInto('after_sale_lines')
      .values(
        claim.lines.map((c) => {
          const line = order.lines.find((l) => l.lineNo === c.lineNo);
          if (!line) throw new Error(`line ${c.lineNo} vanished`);
          return { after_sale_id: id, order_id: order.id, line_no: c.lineNo, sku_id: line.skuId, title: line.title, spec_text: line.specText, image: line.image, quantity: c.quantity, amount: c.amount };
        }),
      )
      .execute();
    await attachPhotos(trx, userId, photos, now);
    const inserted = await trx.selectFrom('after_sales').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await emit(trx, EVENTS.afterSaleRequested, id, payloadOf(inserted, 'requested', now), now);
    return inserted;
  });
  return { row, order };
}

export { insertRequest };

/** The shopper withdraws a request the merchant has not decided, or a return not sent yet. */
export async function cancelAfterSale(db: Db, userId: string, id: string, now = Date.now()): Promise<AfterSale> {
  await transact(db, async (trx) => {
    const row = await findRow(trx, id, { userId });
    await transition(trx, row, 'cancel', { deadline_at: null }, EVENTS.afterSaleCancelled, now);
  });
  return getAfterSale(db, id, { userId });
}

/** The shopper sent the goods back: carrier and tracking number. */
export async function shipReturn(db: Db, userId: string, id: string, shipment: { carrier: string; trackingNo: string }, now = Date.now()): Promise<AfterSale> {
  await transact(db, async (trx) => {
    const row = await findRow(trx, id, { userId });
    await transition(trx, row, 'shipReturn', { deadline_at: null, return_carrier: shipment.carrier, return_tracking_no: shipment.trackingNo }, EVENTS.afterSaleReturnShipped, now);
  });
  return getAfterSale(db, id, { userId });
}

export { findRow, viewsOf };

/** The address last given for a return by this merchant (the automatic approval of a return uses it). */
export async function lastReturnAddress(db: Db, merchantId: string): Promise<ReturnAddress | null> {
  const row = await db
    .selectFrom('after_sales')
    .select('return_address')
    .where('merchant_id', '=', merchantId)
    .where('return_address', 'is not', null)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? parseJson(returnAddressStored, row.return_address) : null;
}
