import { randomInt } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import type { Address } from '@contract/address';
import type { CheckoutPreview, CreateOrderBody, Fulfilment, Order, PreviewFulfilment, OrderPage, OrderStatus, OrderTab, ParentOrder } from '@contract/order';
import { fulfilment as fulfilmentSchema, orderStatus } from '@contract/order';
import { isUniqueViolation } from '../../db';
import { insertTogether, prepared } from '../../db/prepared';
import type { OrderEventTable, OrderLineTable, OrderTable, ParentOrderTable } from './tables';
import type { Database } from '../../db/types';
import { MAX_LINE_QUANTITY } from '@contract/common';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError, validationError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { apply, tryApply, type ExtraSet, type TransitionHooks } from '../../infra/state-machine';
import { getAddressForUser, getDefaultAddress } from '../address';
import { removeOrderedLines } from '../cart';
import { loadSkus, releaseStock, reserveStock, type StockLine } from '../catalog';
import { liveAfterCommit, livePricing, payLiveOrder, retakeLiveOrder, returnLiveOrder, takeLiveLines } from '../live';
import { isOrderNumberCollision, ORDER_NUMBER_PATTERN, orderNumber } from './number';
import { ORDER_CREATED_NOTE, ORDER_EVENT_NOTES, orderMachine, type OrderEventName } from './machine';
import { FREE_SHIPPING_THRESHOLD, priceCheckout, sumAmounts, type LiveLinePrice, type PickupStore, type PricedCheckout } from './pricing';
import { transact } from '../../db/transaction';
import { EVENTS, type EventDef, type OrderChangedPayload } from '../../events/catalog';
import { emit, emitMany } from '../../events/emit';

type Db = Kysely<Database>;
type OrderRow = Selectable<OrderTable>;
type ParentRow = Selectable<ParentOrderTable>;
type LineRow = Selectable<OrderLineTable>;
type EventRow = Selectable<OrderEventTable>;

export const ORDER_ID_PREFIX = 'o';
export const PARENT_ID_PREFIX = 'po';

// ---------------------------------------------------------------------------------------------
// Checkout

function addressText(a: Address): string {
  return `${a.name} ${a.phone} ${a.province}${a.city}${a.district}${a.detail}`;
}

/** The pickup store's snapshot; the contact stays in the order's fulfilment (shown on its own line). */
function pickupText(store: PickupStore): string {
  return `${store.name}（${store.address}，营业时间 ${store.hours}）`;
}

async function addressFor(db: Db, userId: string, addressId: string): Promise<Address> {
  const address = await getAddressForUser(db, userId, addressId);
  if (!address) throw new AppError('NOT_FOUND', `address ${addressId} not found`, { addressId });
  return address;
}

function groupsView(priced: PricedCheckout): CheckoutPreview['groups'] {
  return priced.groups.map((g) => ({
    merchantId: g.merchantId,
    merchantName: g.merchantName,
    lines: g.lines.map(({ sku: _sku, live: _live, ...line }) => line),
    amounts: g.amounts,
    pickupStore: g.pickupStore,
  }));
}

/** A SKU listed several times adds up; the total per SKU stays within the per-line limit. */
function assertLineQuantities(items: readonly { skuId: string; quantity: number }[]): void {
  const totals = new Map<string, number>();
  for (const { skuId, quantity } of items) totals.set(skuId, (totals.get(skuId) ?? 0) + quantity);
  const over = [...totals].filter(([, q]) => q > MAX_LINE_QUANTITY).map(([skuId]) => skuId);
  if (over.length > 0) {
    throw validationError(over.map((skuId) => ({ path: 'body.items', message: `at most ${MAX_LINE_QUANTITY} pieces of ${skuId}` })));
  }
}

/** Pickup needs a contact before an order can be placed; delivery needs its address (checked above). */
function fulfilmentComplete(f: PreviewFulfilment | null): boolean {
  if (!f) return false;
  return f.type === 'delivery' || Boolean(f.contactName && f.contactPhone);
}

/**
 * The session lines of a checkout from a live session (docs/live.md, "The price is the
 * server's"): the live module's lines of the requested SKUs while the session is live or
 * paused (none otherwise). An unknown session is 404 NOT_FOUND: the client names a session it
 * showed the shopper, and an id nobody has is a mistake to surface, not to price away.
 * `left` is what the preview judges a line by; an order leaves the judgement to the guarded
 * update of the line (LIVE_SOLD_OUT), so it passes `unchecked`.
 */
async function liveLinesFor(db: Db, sessionId: string | undefined, skuIds: readonly string[], left: 'snapshot' | 'unchecked'): Promise<{ sessionId: string; perShopperLimit: number; lines: Map<string, LiveLinePrice> } | null> {
  if (sessionId === undefined) return null;
  const pricing = await livePricing(db, sessionId, skuIds);
  if (!pricing) throw new AppError('NOT_FOUND', `live session ${sessionId} not found`, { liveSessionId: sessionId });
  const lines = new Map<string, LiveLinePrice>();
  for (const [skuId, line] of pricing.lines) lines.set(skuId, { price: line.price, left: left === 'snapshot' ? line.left : Number.MAX_SAFE_INTEGER });
  return { sessionId: pricing.sessionId, perShopperLimit: pricing.perShopperLimit, lines };
}

/**
 * Prices a checkout. Without a fulfilment the default address is used (delivery) when the
 * shopper has one; canSubmit is false while a line is blocked or no fulfilment is chosen.
 */
export async function previewCheckout(db: Db, userId: string, body: { items: { skuId: string; quantity: number }[]; fulfilment?: PreviewFulfilment; liveSessionId?: string }): Promise<CheckoutPreview> {
  assertLineQuantities(body.items);
  let fulfilment: PreviewFulfilment | null = body.fulfilment ?? null;
  let address: Address | null = null;
  if (fulfilment?.type === 'delivery') {
    address = await addressFor(db, userId, fulfilment.addressId);
  } else if (!fulfilment) {
    address = await getDefaultAddress(db, userId);
    if (address) fulfilment = { type: 'delivery', addressId: address.id };
  }
  const skuIds = body.items.map((i) => i.skuId);
  const [skus, live] = await Promise.all([loadSkus(db, skuIds), liveLinesFor(db, body.liveSessionId, skuIds, 'snapshot')]);
  const priced = priceCheckout(body.items, skus, fulfilment?.type ?? 'delivery', live?.lines);
  return {
    groups: groupsView(priced),
    amounts: priced.amounts,
    fulfilment,
    address,
    canSubmit: fulfilmentComplete(fulfilment) && priced.blocked.length === 0 && priced.groups.length > 0,
    freeShippingThreshold: FREE_SHIPPING_THRESHOLD,
  };
}

export interface CreateOrderInput {
  userId: string;
  idempotencyKey: string;
  body: Omit<CreateOrderBody, 'fromCart'> & { fromCart?: boolean };
  payTimeoutSeconds: number;
  now?: number;
}

const selectParentByKey = prepared<{ userId: string; key: string }, { id: string }>((db, p) =>
  db.selectFrom('parent_orders').select('id').where('user_id', '=', p('userId')).where('idempotency_key', '=', p('key')),
);

async function parentIdByKey(db: Db, userId: string, key: string): Promise<string | null> {
  const { rows } = await selectParentByKey.execute(db, { userId, key });
  return rows[0]?.id ?? null;
}

/**
 * Creates a parent order with one child per merchant in ONE transaction: price, refuse
 * blocked lines, reserve stock (conditional update in the catalog), write orders, lines and
 * timeline, and remove the ordered lines from the cart when asked. The (user, key) pair is
 * unique on the parent order, so two racing duplicates can never create two orders: the
 * loser answers with the winner's order.
 */
export async function createOrder(db: Db, input: CreateOrderInput): Promise<ParentOrder> {
  const { userId, idempotencyKey, body } = input;
  assertLineQuantities(body.items);
  const fulfilment = fulfilmentSchema.parse(body.fulfilment);
  const now = input.now ?? Date.now();
  const expiresAt = now + input.payTimeoutSeconds * 1000;
  const parentId = newId(PARENT_ID_PREFIX, now);

  for (let attempt = 1; ; attempt++) {
    try {
      const address = fulfilment.type === 'delivery' ? await addressFor(db, userId, fulfilment.addressId) : null;
      return await writeOrder(db, input, { parentId, fulfilment, address, now, expiresAt });
    } catch (err) {
      // Two orders drew the same number (rare): the transaction rolled back; draw new ones.
      if (isUniqueViolation(err) && isOrderNumberCollision(err) && attempt < ORDER_NUMBER_ATTEMPTS) continue;
      // A repeat of a key that already placed an order (its request's idempotency record gone,
      // or two racing) answers that order, whatever changed since: it fails on the parent's
      // unique key before any stock is taken, or on what changed (stock sold out, the address
      // deleted). Looked up only then: no read ahead for what is almost never there.
      if (isUniqueViolation(err) || err instanceof AppError) {
        const winner = await parentIdByKey(db, userId, idempotencyKey);
        if (winner) return getParentOrder(db, userId, winner);
      }
      throw err;
    }
  }
}

const ORDER_NUMBER_ATTEMPTS = 3;

interface OrderPlan {
  parentId: string;
  fulfilment: Fulfilment;
  address: Address | null;
  now: number;
  expiresAt: number;
}

/** The one transaction of createOrder, with fresh order numbers on each call. */
async function writeOrder(db: Db, input: CreateOrderInput, plan: OrderPlan): Promise<ParentOrder> {
  const { userId, idempotencyKey, body } = input;
  const { parentId, fulfilment, address, now, expiresAt } = plan;
  // Everything written is also kept here, so the answer needs no second read.
  return await transact(db, async (trx) => {
    const skuIds = body.items.map((i) => i.skuId);
    const skus = await loadSkus(trx, skuIds);
    const live = await liveLinesFor(trx, body.liveSessionId, skuIds, 'unchecked');
    const priced = priceCheckout(body.items, skus, fulfilment.type, live?.lines);
    const firstBlocked = priced.blocked[0];
    if (firstBlocked) {
      const stockIssue = firstBlocked.issue === 'out_of_stock' || firstBlocked.issue === 'insufficient_stock';
      throw new AppError(stockIssue ? 'OUT_OF_STOCK' : 'SKU_UNAVAILABLE', `SKU ${firstBlocked.skuId}: ${firstBlocked.issue}`, {
        skuId: firstBlocked.skuId,
        issue: firstBlocked.issue,
      });
    }
    const parent: ParentRow = {
      id: parentId,
      user_id: userId,
      idempotency_key: idempotencyKey,
      items_amount: priced.amounts.itemsAmount,
      shipping_amount: priced.amounts.shippingAmount,
      discount_amount: priced.amounts.discountAmount,
      payable_amount: priced.amounts.payableAmount,
      created_at: now,
      expires_at: expiresAt,
      order_no: orderNumber(now),
    };

    const items = priced.groups
      .flatMap((g) => g.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, live: l.live })))
      .sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
    const children: OrderRow[] = [];
    // What each child takes from the session (only the session merchant's child has lineup lines).
    const liveTakes: { orderId: string; lines: { skuId: string; quantity: number; unitPrice: number; title: string }[] }[] = [];
    const lines: LineRow[] = [];
    const events: EventRow[] = [];
    for (const [index, group] of priced.groups.entries()) {
      // Ids sort by their time part: one millisecond apart keeps the children in checkout order.
      const orderId = newId(ORDER_ID_PREFIX, now + index);
      const liveLines = group.lines.filter((l) => l.live).map((l) => ({ skuId: l.skuId, quantity: l.quantity, unitPrice: l.unitPrice, title: l.title }));
      if (liveLines.length > 0) liveTakes.push({ orderId, lines: liveLines });
      children.push({
        id: orderId,
        parent_id: parentId,
        user_id: userId,
        merchant_id: group.merchantId,
        merchant_name: group.merchantName,
        status: orderMachine.initial,
        items_amount: group.amounts.itemsAmount,
        shipping_amount: group.amounts.shippingAmount,
        discount_amount: group.amounts.discountAmount,
        payable_amount: group.amounts.payableAmount,
        fulfilment: JSON.stringify(fulfilment),
        ship_to: address ? addressText(address) : fulfilment.type === 'pickup' ? pickupText(group.pickupStore) : '',
        remark: body.remark && body.remark.length > 0 ? body.remark : null,
        order_no: orderNumber(now),
        fulfilment_type: fulfilment.type,
        contact_name: fulfilment.type === 'pickup' ? fulfilment.contactName : (address?.name ?? ''),
        contact_phone: fulfilment.type === 'pickup' ? fulfilment.contactPhone : (address?.phone ?? ''),
        // Drawn now, in the order's own insert: shown only once the order is paid.
        pickup_code: fulfilment.type === 'pickup' ? newPickupCode() : null,
        pickup_failures: 0,
        pickup_failed_at: null,
        // The session it was placed from, on the child that took lines of its lineup.
        live_session_id: live && liveLines.length > 0 ? live.sessionId : null,
        picked_up_at: null,
        merchant_remark: null,
        created_at: now,
        updated_at: now,
        expires_at: expiresAt,
        paid_at: null,
        shipped_at: null,
        completed_at: null,
        ended_at: null,
        paid_amount: 0,
        refunded_amount: 0,
        first_title: group.lines[0]?.title ?? '',
        first_image: group.lines[0]?.image ?? '',
        line_count: group.lines.length,
        item_count: group.lines.reduce((n, l) => n + l.quantity, 0),
      });
      group.lines.forEach((l, i) =>
        lines.push({
          order_id: orderId,
          line_no: i,
          sku_id: l.skuId,
          product_id: l.productId,
          title: l.title,
          spec_text: l.specText,
          image: l.image,
          unit_price: l.unitPrice,
          quantity: l.quantity,
          line_amount: l.lineAmount,
        }),
      );
      events.push({ order_id: orderId, seq: 0, status: orderMachine.initial, note: ORDER_CREATED_NOTE, at: now });
    }
    // One statement on PostgreSQL. A racing duplicate blocks on (or fails) the parent's
    // unique key here, before any stock is taken.
    await insertTogether(trx, [
      { table: 'parent_orders', rows: [parent] },
      { table: 'orders', rows: children },
      { table: 'order_lines', rows: lines },
      { table: 'order_events', rows: events },
    ]);
    await emitMany(
      trx,
      EVENTS.orderCreated,
      children.map((c) => ({
        aggregateId: c.id,
        payload: { orderId: c.id, parentId, userId: c.user_id, merchantId: c.merchant_id, status: 'pending_payment' as const, at: now },
      })),
      now,
    );
    if (body.fromCart) await removeOrderedLines(trx, userId, items.map((i) => i.skuId));
    // The session's lines (live module: the shopper's rows, then the lines' quotas), then stock
    // last (the lock order, docs/architecture.md): the hottest rows are held for the shortest
    // time, and sorted so concurrent orders lock rows in one order. A lineup line takes only
    // its quota: its units were carved out of the SKU's stock when the line was added.
    for (const take of liveTakes) {
      if (!live) break;
      await takeLiveLines(trx, { sessionId: live.sessionId, orderId: take.orderId, userId, perShopperLimit: live.perShopperLimit, lines: take.lines, now });
    }
    await reserveStock(trx, items.filter((i) => !i.live).map(({ skuId, quantity }) => ({ skuId, quantity })));
    return parentView(parent, toOrders(children, lines, events));
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

function toStatus(value: string): OrderStatus {
  const parsed = orderStatus.safeParse(value);
  if (!parsed.success) throw new Error(`unknown order status in the database: ${value}`);
  return parsed.data;
}

async function hydrate(db: Db, rows: readonly OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, events] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('line_no').execute(),
    db.selectFrom('order_events').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('seq').execute(),
  ]);
  return toOrders(rows, lines, events);
}

/** The contract's view of order rows (lines and timeline read in two statements). */
export function getOrderRowsView(db: Db, rows: readonly OrderRow[]): Promise<Order[]> {
  return hydrate(db, rows);
}

/** Maps rows to the contract's orders; lines and events in their display order. */
function toOrders(rows: readonly OrderRow[], lines: readonly LineRow[], events: readonly EventRow[]): Order[] {
  return rows.map((r) => ({
    id: r.id,
    orderNo: r.order_no,
    parentId: r.parent_id,
    merchantId: r.merchant_id,
    merchantName: r.merchant_name,
    status: toStatus(r.status),
    lines: lines
      .filter((l) => l.order_id === r.id)
      .map((l) => ({
        skuId: l.sku_id,
        productId: l.product_id,
        title: l.title,
        specText: l.spec_text,
        image: l.image,
        unitPrice: l.unit_price,
        quantity: l.quantity,
        lineAmount: l.line_amount,
      })),
    amounts: {
      itemsAmount: r.items_amount,
      shippingAmount: r.shipping_amount,
      discountAmount: r.discount_amount,
      payableAmount: r.payable_amount,
    },
    fulfilment: fulfilmentSchema.parse(JSON.parse(r.fulfilment)),
    shipTo: r.ship_to,
    remark: r.remark,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    paidAt: r.paid_at,
    paidAmount: Number(r.paid_amount),
    refundedAmount: Number(r.refunded_amount),
    timeline: events.filter((e) => e.order_id === r.id).map((e) => ({ status: toStatus(e.status), at: e.at, note: e.note })),
    pickupCode: r.fulfilment_type === 'pickup' && r.status === 'paid' ? r.pickup_code : null,
    liveSessionId: r.live_session_id ?? null,
  }));
}

/**
 * The parent's status, derived from its children: the least advanced live child decides
 * (pending_payment < paid < shipped < completed); when every child ended, cancelled if any
 * was cancelled by the shopper, else closed.
 */
export function parentStatus(children: readonly OrderStatus[]): OrderStatus {
  const live: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed'];
  for (const status of live) if (children.includes(status)) return status;
  return children.includes('cancelled') ? 'cancelled' : 'closed';
}

function parentView(parent: ParentRow, children: Order[]): ParentOrder {
  return {
    id: parent.id,
    orderNo: parent.order_no,
    status: parentStatus(children.map((c) => c.status)),
    amounts: sumAmounts(children.map((c) => c.amounts)),
    createdAt: parent.created_at,
    expiresAt: parent.expires_at,
    children,
  };
}

export async function getParentOrder(db: Db, userId: string, parentId: string): Promise<ParentOrder> {
  const parent = await db.selectFrom('parent_orders').selectAll().where('id', '=', parentId).where('user_id', '=', userId).executeTakeFirst();
  if (!parent) throw new AppError('NOT_FOUND', `order ${parentId} not found`);
  const rows = await db.selectFrom('orders').selectAll().where('parent_id', '=', parentId).orderBy('id').execute();
  return parentView(parent, await hydrate(db, rows));
}

/**
 * The child orders an order number names, for a merchant's search: the child with that
 * number, or every child of the parent with that number; none for anything else.
 */
export async function findOrdersByNumber(db: Db, orderNo: string): Promise<Order[]> {
  const no = orderNo.trim();
  if (!ORDER_NUMBER_PATTERN.test(no)) return [];
  let rows = await db.selectFrom('orders').selectAll().where('order_no', '=', no).execute();
  if (rows.length === 0) {
    const parent = await db.selectFrom('parent_orders').select('id').where('order_no', '=', no).executeTakeFirst();
    if (parent) rows = await db.selectFrom('orders').selectAll().where('parent_id', '=', parent.id).orderBy('id').execute();
  }
  return hydrate(db, rows);
}

export async function getOrder(db: Db, userId: string, orderId: string): Promise<Order> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', orderId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
  const [order] = await hydrate(db, [row]);
  return order;
}

/** Orders the shopper may read: the owner's only; anyone else's id answers 404. */
export async function ownedOrderRows(db: Db, userId: string, orderIds: readonly string[]): Promise<OrderRow[]> {
  if (orderIds.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('user_id', '=', userId).where('id', 'in', [...orderIds]).orderBy('id').execute();
}

export const TAB_STATUSES: Record<OrderTab, readonly OrderStatus[] | null> = {
  all: null,
  pending_payment: ['pending_payment'],
  paid: ['paid'],
  shipped: ['shipped'],
  completed: ['completed'],
  cancelled: ['cancelled', 'closed'],
};

/** [created_at, id] of the last order on the page. */
const orderCursor = cursorCodec(z.tuple([cursorKey, cursorId]), 'The cursor is not valid');

/** The shopper's child orders, newest first, one tab at a time, with cursor pagination. */
export async function listOrders(db: Db, userId: string, query: { status: OrderTab; cursor?: string; limit: number }): Promise<OrderPage> {
  let q = db.selectFrom('orders').selectAll().where('user_id', '=', userId);
  const statuses = TAB_STATUSES[query.status];
  if (statuses) q = q.where('status', 'in', [...statuses]);
  if (query.cursor) {
    const [createdAt, id] = orderCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await hydrate(db, page),
    nextCursor: rows.length > query.limit && last ? orderCursor.encode([Number(last.created_at), last.id]) : null,
  };
}

export async function getOrderCounts(db: Db, userId: string): Promise<{ pending_payment: number; paid: number; shipped: number }> {
  const rows = await db
    .selectFrom('orders')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', userId)
    .where('status', 'in', ['pending_payment', 'paid', 'shipped'])
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending_payment: count('pending_payment'), paid: count('paid'), shipped: count('shipped') };
}

// ---------------------------------------------------------------------------------------------
// Transitions

/**
 * What else happens when a child order ends unpaid (cancelled or closed), inside the same
 * transaction, before its stock is released: the app passes the payment module's part (close
 * the order's open payments, refund what was already paid). Order imports no module that
 * reacts to it.
 */
export type OrderEndedHook = (trx: Db, orderId: string, reason: 'cancelled' | 'expired', now: number) => Promise<void>;

/**
 * Side effects of order transitions, inside the transition's transaction: every transition
 * appends to the timeline and writes its event; cancel and close run `onEnded` (the payment
 * module closes the order's open payments and refunds what was paid) and release the stock.
 * Lock order everywhere: order rows, then payment rows, then accounts, stock last.
 */
function orderHooks(now: number, onEnded?: OrderEndedHook): TransitionHooks<Database, OrderStatus, OrderEventName> {
  const endOrder = (reason: 'cancelled' | 'expired') => async ({ trx, id, row }: { trx: Db; id: string; row: Record<string, unknown> }) => {
    if (onEnded) await onEnded(trx, id, reason, now);
    const lines = await trx.selectFrom('order_lines').select(['sku_id', 'quantity']).where('order_id', '=', id).orderBy('sku_id').execute();
    let toStock: StockLine[] = lines.map((l) => ({ skuId: l.sku_id, quantity: l.quantity }));
    if (row.live_session_id) {
      // Lines taken from a live session go back to its quota (and the shopper's row), once;
      // to the SKU's stock only when the session has ended meanwhile (docs/live.md).
      const back = await returnLiveOrder(trx, id, now);
      const live = new Set(back.liveSkuIds);
      toStock = [...toStock.filter((l) => !live.has(l.skuId)), ...back.toStock];
    }
    // Stock last (the lock order, docs/architecture.md).
    await releaseStock(trx, toStock);
  };
  const payLive = async ({ trx, id, row }: { trx: Db; id: string; row: Record<string, unknown> }) => {
    if (row.live_session_id) await payLiveOrder(trx, id, now);
  };
  return {
    pay: [payLive],
    cancel: [endOrder('cancelled')],
    close: [endOrder('expired')],
    any: [
      async ({ trx, id, event, to, row }) => {
        await appendTimeline(trx, id, to, ORDER_EVENT_NOTES[event], now);
        const payload = { orderId: id, parentId: String(row.parent_id), userId: String(row.user_id), merchantId: String(row.merchant_id), status: to, at: now };
        await emit(trx, ORDER_EVENT_DEFS[event], id, payload, now);
      },
    ],
  };
}

/** Appends one entry to a child order's timeline. */
export async function appendTimeline(trx: Db, orderId: string, status: OrderStatus, note: string, now: number): Promise<void> {
  await insertNextEvent.execute(trx, { orderId, status, note, now });
}

/** One statement: the next seq of the order's timeline is read by the insert itself. */
const insertNextEvent = prepared<{ orderId: string; status: string; note: string; now: number }>((db, p) =>
  db
    .insertInto('order_events')
    .columns(['order_id', 'seq', 'status', 'note', 'at'])
    .expression((eb) =>
      eb
        .selectFrom('order_events')
        .select([
          eb.val<string>(p('orderId')).as('order_id'),
          sql<number>`coalesce(max(${sql.ref('seq')}) + 1, 0)`.as('seq'),
          eb.val<string>(p('status')).as('status'),
          eb.val<string>(p('note')).as('note'),
          // A bare parameter in a select list is text to PostgreSQL; `at` is a bigint.
          sql<number>`cast(${p('now')} as bigint)`.as('at'),
        ])
        .where('order_id', '=', p('orderId')),
    ),
);

const STAMP: Partial<Record<OrderEventName, string>> = {
  pay: 'paid_at',
  payLate: 'paid_at',
  ship: 'shipped_at',
  pickup: 'completed_at',
  confirm: 'completed_at',
  cancel: 'ended_at',
  close: 'ended_at',
};

function setFor(event: OrderEventName, now: number): ExtraSet {
  const set: ExtraSet = { updated_at: now };
  const stamp = STAMP[event];
  if (stamp) set[stamp] = now;
  if (event === 'pickup') set.picked_up_at = now;
  if (event === 'payLate') set.ended_at = null;
  return set;
}

/** The event each transition writes (server/events/catalog.ts). */
const ORDER_EVENT_DEFS: Record<OrderEventName, EventDef<string, OrderChangedPayload>> = {
  pay: EVENTS.orderPaid,
  payLate: EVENTS.orderPaid,
  ship: EVENTS.orderShipped,
  pickup: EVENTS.orderCompleted,
  confirm: EVENTS.orderCompleted,
  cancel: EVENTS.orderCancelled,
  close: EVENTS.orderClosed,
};
/** What the transition's update hands back for its event. */
const TRANSITION_RETURNING = ['parent_id', 'user_id', 'merchant_id', 'live_session_id'] as const;

/** Six random digits (a CSPRNG): the pickup code. */
export function newPickupCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Applies an order event inside `trx` (guarded; IllegalTransitionError when not allowed). */
export async function transitionOrder(trx: Db, orderId: string, event: OrderEventName, now = Date.now(), onEnded?: OrderEndedHook): Promise<OrderStatus> {
  return apply(trx, orderMachine, 'orders', orderId, event, setFor(event, now), orderHooks(now, onEnded), TRANSITION_RETURNING);
}

/** Like transitionOrder, but false when the order is no longer in a state that allows it. */
export async function tryTransitionOrder(trx: Db, orderId: string, event: OrderEventName, now = Date.now(), onEnded?: OrderEndedHook): Promise<boolean> {
  return tryApply(trx, orderMachine, 'orders', orderId, event, setFor(event, now), orderHooks(now, onEnded), TRANSITION_RETURNING);
}

async function ownedTransition(db: Db, userId: string, orderId: string, event: OrderEventName, now: number, onEnded?: OrderEndedHook): Promise<Order> {
  await transact(db, async (trx) => {
    const owned = await trx.selectFrom('orders').select('id').where('id', '=', orderId).where('user_id', '=', userId).executeTakeFirst();
    if (!owned) throw new AppError('NOT_FOUND', `order ${orderId} not found`);
    await transitionOrder(trx, orderId, event, now, onEnded);
  });
  return getOrder(db, userId, orderId);
}

export function cancelOrder(db: Db, userId: string, orderId: string, now = Date.now(), onEnded?: OrderEndedHook): Promise<Order> {
  return ownedTransition(db, userId, orderId, 'cancel', now, onEnded);
}

export function confirmReceipt(db: Db, userId: string, orderId: string, now = Date.now()): Promise<Order> {
  return ownedTransition(db, userId, orderId, 'confirm', now);
}

/**
 * Late money for an order placed from a live session that closed by expiry (docs/live.md,
 * "Late payments"; decision 0035), inside the payment consumer's transaction, which has
 * already locked the order's row: the order goes closed -> paid (payLate) when everything it
 * gave back can be taken again, by the same guarded statements as a new order (the session's
 * lines within the shopper's limit and the quota, the other lines' stock), all or nothing under
 * a savepoint. Answers false, with nothing changed, when something cannot be taken: the caller
 * then refunds the money as before. The caller decides that the money covers the order.
 */
export async function honourLateMoney(trx: Db, orderId: string, now: number): Promise<boolean> {
  await sql`savepoint late_money`.execute(trx);
  let retake;
  try {
    // The order's row first (already locked by the caller), then live rows, stock last.
    await transitionOrder(trx, orderId, 'payLate', now);
    retake = await retakeLiveOrder(trx, orderId, now);
    const live = new Set(retake.skuIds);
    const lines = await trx.selectFrom('order_lines').select(['sku_id', 'quantity']).where('order_id', '=', orderId).orderBy('sku_id').execute();
    await reserveStock(trx, lines.filter((l) => !live.has(l.sku_id)).map((l) => ({ skuId: l.sku_id, quantity: l.quantity })));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await sql`rollback to savepoint late_money`.execute(trx);
    await sql`release savepoint late_money`.execute(trx);
    return false;
  }
  await sql`release savepoint late_money`.execute(trx);
  if (retake.sessionId) liveAfterCommit(trx, retake.sessionId, retake.soldOut);
  return true;
}

/**
 * Closes pending orders whose payment deadline passed, `batchSize` at a time, each in its
 * own transaction with a guarded transition (a payment confirmed in between wins, and the
 * close then simply does not apply). Returns the number closed.
 */
export async function closeExpiredOrders(db: Db, now = Date.now(), batchSize = 100, onEnded?: OrderEndedHook): Promise<number> {
  let closed = 0;
  let after = '';
  for (;;) {
    const batch = await db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'pending_payment')
      .where('expires_at', '<=', now)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    for (const { id } of batch) {
      const applied = await transact(db, (trx) => tryTransitionOrder(trx, id, 'close', now, onEnded));
      if (applied) closed += 1;
    }
    if (batch.length < batchSize) return closed;
    after = batch[batch.length - 1].id;
  }
}
