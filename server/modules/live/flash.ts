import { sql, type Kysely } from 'kysely';
import { prepared } from '../../db/prepared';
import { afterCommit } from '../../db/transaction';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { admissionOf } from './flash-admission';
import { liveBought, liveLinesChanged } from './pushes';

type Db = Kysely<Database>;

/**
 * Flash stock (docs/live.md, "Flash stock", "Late payments"): what an order takes from a live
 * session, inside the order's own transaction, and gives back when it ends unpaid. The order
 * module calls these through the live module's surface (order -> live; live imports no order).
 *
 * Every change is a guarded statement, the same SQL on SQLite and PostgreSQL, with no read
 * before the write it guards:
 * - the per-shopper row: `insert ... on conflict (session_id, sku_id, user_id) do update set
 *   units = units + n where units + n <= limit` (0 rows: LIVE_LIMIT_REACHED);
 * - the line: `update live_lines set sold = sold + n where ... and quota - sold - returned >= n`
 *   (0 rows: LIVE_SOLD_OUT). `returned` is 0 while the session runs; the session's end moves
 *   what was left into it, so a line of an ended session refuses every later take;
 * - `live_order_lines` (reserved -> paid | returned): what one order took, so closure and
 *   payment act on it exactly once (a guarded update of its state).
 *
 * Lock order inside a transaction (docs/architecture.md, "Lock order"): after the order,
 * payment and ledger rows, and before the SKU's stock: the session row (only closures lock it,
 * to see whether it ended), then the shopper's `live_purchases` rows, then the `live_lines`
 * rows (SKU id order), then `skus`. The line is the hottest row of a flash sale: taken last
 * among the live rows, it is held for the shortest time.
 */

/** Sessions whose lineup sells at the session price. */
export const SELLING_STATUSES = ['live', 'paused'] as const;

/** A lineup line as the checkout prices it. */
export interface LivePriceLine {
  skuId: string;
  /** The session price, fen. */
  price: number;
  /** quota − sold: what can still be bought (a snapshot, for the preview; the guarded update decides). */
  left: number;
}

/** What the checkout needs of a session: null when no session has this id. */
export interface LivePricing {
  sessionId: string;
  merchantId: string;
  status: string;
  perShopperLimit: number;
  /** The requested SKUs that are in the lineup, while the session is live or paused; empty otherwise. */
  lines: Map<string, LivePriceLine>;
}

/**
 * The session's lines of the requested SKUs (one statement): while the session is `live` or
 * `paused`, each requested SKU of its lineup sells at the session price; otherwise none does.
 */
export async function livePricing(db: Db, sessionId: string, skuIds: readonly string[]): Promise<LivePricing | null> {
  const ids = [...new Set(skuIds)];
  const rows = await db
    .selectFrom('live_sessions as s')
    .leftJoin('live_lines as l', (join) => join.onRef('l.session_id', '=', 's.id').on('l.sku_id', 'in', ids.length > 0 ? ids : ['']))
    .select(['s.id', 's.merchant_id', 's.status', 's.per_shopper_limit', 'l.sku_id', 'l.price', 'l.quota', 'l.sold', 'l.returned'])
    .where('s.id', '=', sessionId)
    .execute();
  const first = rows[0];
  if (!first) return null;
  const selling = (SELLING_STATUSES as readonly string[]).includes(first.status);
  const lines = new Map<string, LivePriceLine>();
  if (selling) {
    for (const r of rows) {
      if (r.sku_id === null || r.price === null) continue;
      lines.set(r.sku_id, { skuId: r.sku_id, price: Number(r.price), left: Math.max(0, Number(r.quota) - Number(r.sold) - Number(r.returned)) });
    }
  }
  return { sessionId: first.id, merchantId: first.merchant_id, status: first.status, perShopperLimit: Number(first.per_shopper_limit), lines };
}

export interface LiveTakeLine {
  skuId: string;
  quantity: number;
  unitPrice: number;
  /** The product's title, for the room's "just bought" notice. */
  title?: string;
}

export interface LiveTake {
  sessionId: string;
  orderId: string;
  userId: string;
  perShopperLimit: number;
  lines: readonly LiveTakeLine[];
  now: number;
}

const insertOrderLines = prepared<Record<string, unknown>, never, number>((db, p, n) =>
  db.insertInto('live_order_lines').values(
    Array.from({ length: n }, (_, i) => ({
      order_id: p('orderId'),
      sku_id: p(`sku${i}`),
      session_id: p('sessionId'),
      user_id: p('userId'),
      quantity: p(`q${i}`),
      unit_price: p(`price${i}`),
      state: p('state'),
      created_at: p('now'),
      updated_at: p('now'),
    })),
  ),
);

/** The per-shopper limit, enforced by the row: 0 rows when the shopper would go over it. */
const addPurchase = prepared<{ sessionId: string; skuId: string; userId: string; n: number; limit: number }, { units: number }>((db, p) =>
  db
    .insertInto('live_purchases')
    .values({ session_id: p('sessionId'), sku_id: p('skuId'), user_id: p('userId'), units: p('n') })
    .onConflict((oc) =>
      oc
        .columns(['session_id', 'sku_id', 'user_id'])
        .doUpdateSet({ units: sql<number>`live_purchases.units + excluded.units` })
        .where(sql<number>`live_purchases.units + excluded.units`, '<=', p('limit')),
    )
    .returning('units'),
);

/** The quota, enforced by the row: 0 rows when the line has fewer than n left. */
const takeLine = prepared<{ sessionId: string; skuId: string; n: number; now: number }, { left: number }>((db, p) =>
  db
    .updateTable('live_lines')
    .set({ sold: sql<number>`sold + ${p('n')}`, updated_at: p('now') })
    .where('session_id', '=', p('sessionId'))
    .where('sku_id', '=', p('skuId'))
    .where(sql<number>`quota - sold - returned`, '>=', p('n'))
    .returning(sql<number>`quota - sold - returned`.as('left')),
);

const unitsHeld = prepared<{ sessionId: string; skuId: string; userId: string }, { units: number }>((db, p) =>
  db.selectFrom('live_purchases').select('units').where('session_id', '=', p('sessionId')).where('sku_id', '=', p('skuId')).where('user_id', '=', p('userId')),
);

function bySku<T extends { skuId: string }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
}

/** The refusal when the shopper's row would go over the limit (a read only on this rare path, for the message). */
async function limitReached(trx: Db, take: { sessionId: string; userId: string; perShopperLimit: number }, skuId: string): Promise<never> {
  const [held] = (await unitsHeld.execute(trx, { sessionId: take.sessionId, skuId, userId: take.userId })).rows;
  const bought = held ? Number(held.units) : 0;
  throw new AppError('LIVE_LIMIT_REACHED', `at most ${take.perShopperLimit} of ${skuId} per shopper in session ${take.sessionId}`, {
    skuId,
    limit: take.perShopperLimit,
    bought,
  });
}

/** Takes units for the shopper and the lines, in the lock order (purchases, then lines, SKU id order). Answers the SKUs left with nothing. */
async function takeUnits(trx: Db, take: Omit<LiveTake, 'orderId' | 'lines'> & { lines: readonly { skuId: string; quantity: number }[] }): Promise<string[]> {
  const lines = bySku(take.lines);
  for (const line of lines) {
    if (line.quantity > take.perShopperLimit) await limitReached(trx, take, line.skuId);
    const { rows } = await addPurchase.execute(trx, { sessionId: take.sessionId, skuId: line.skuId, userId: take.userId, n: line.quantity, limit: take.perShopperLimit });
    if (rows.length === 0) await limitReached(trx, take, line.skuId);
  }
  const soldOut: string[] = [];
  for (const line of lines) {
    const { rows } = await takeLine.execute(trx, { sessionId: take.sessionId, skuId: line.skuId, n: line.quantity, now: take.now });
    const [taken] = rows;
    if (!taken) {
      // Not one unit left, as committed: this node may refuse the line from memory for a while
      // (its own set only; the commit that sold the last unit told every node).
      if (line.quantity === 1) admissionOf(trx)?.noteSoldOut(take.sessionId, line.skuId);
      throw new AppError('LIVE_SOLD_OUT', `session ${take.sessionId} has not ${line.quantity} of ${line.skuId} left`, { skuId: line.skuId });
    }
    if (Number(taken.left) === 0) soldOut.push(line.skuId);
  }
  return soldOut;
}

/**
 * Inside the order's transaction: records what the order takes from the session
 * (live_order_lines, reserved), then takes it within the shopper's limit and the lines' quotas.
 * These units were carved out of the SKU's stock when the line was added: they take no stock
 * again. Throws LIVE_LIMIT_REACHED or LIVE_SOLD_OUT (the transaction then rolls back whole).
 * After the commit, the node's admission control hears of the lines it left sold out.
 */
export async function takeLiveLines(trx: Db, take: LiveTake): Promise<void> {
  if (take.lines.length === 0) return;
  const params: Record<string, unknown> = { orderId: take.orderId, sessionId: take.sessionId, userId: take.userId, state: 'reserved', now: take.now };
  take.lines.forEach((l, i) => {
    params[`sku${i}`] = l.skuId;
    params[`q${i}`] = l.quantity;
    params[`price${i}`] = l.unitPrice;
  });
  await insertOrderLines.execute(trx, params, take.lines.length);
  const soldOut = await takeUnits(trx, take);
  announceAfterCommit(trx, take.sessionId, { soldOut, buyer: take.userId, bought: take.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, title: l.title ?? '' })) });
}

// ---------------------------------------------------------------------------------------------
// Closure and payment

interface OrderLiveLine {
  session_id: string;
  sku_id: string;
  user_id: string;
  quantity: number;
  unit_price: number;
}

const moveOrderLines = prepared<{ orderId: string; from: string; to: string; now: number }, OrderLiveLine>((db, p) =>
  db
    .updateTable('live_order_lines')
    .set({ state: p('to'), updated_at: p('now') })
    .where('order_id', '=', p('orderId'))
    .where('state', '=', p('from'))
    .returning(['session_id', 'sku_id', 'user_id', 'quantity', 'unit_price']),
);

/** Reads the session's status under its row lock (an update that changes nothing: the same SQL on both databases). */
const lockSession = prepared<{ sessionId: string }, { status: string }>((db, p) =>
  db.updateTable('live_sessions').set({ updated_at: sql<number>`updated_at` }).where('id', '=', p('sessionId')).returning('status'),
);

const givePurchaseBack = prepared<{ sessionId: string; skuId: string; userId: string; n: number }>((db, p) =>
  db
    .updateTable('live_purchases')
    .set({ units: sql<number>`units - ${p('n')}` })
    .where('session_id', '=', p('sessionId'))
    .where('sku_id', '=', p('skuId'))
    .where('user_id', '=', p('userId'))
    .where('units', '>=', p('n')),
);

/** sold − n; when the session has ended the units go on to the SKU's stock and count as returned. */
const giveLineBack = prepared<{ sessionId: string; skuId: string; n: number; toStock: number; now: number }>((db, p) =>
  db
    .updateTable('live_lines')
    .set({ sold: sql<number>`sold - ${p('n')}`, returned: sql<number>`returned + ${p('toStock')}`, updated_at: p('now') })
    .where('session_id', '=', p('sessionId'))
    .where('sku_id', '=', p('skuId'))
    .where('sold', '>=', p('n')),
);

const addPaidToLine = prepared<{ sessionId: string; skuId: string; n: number; amount: number; now: number }>((db, p) =>
  db
    .updateTable('live_lines')
    .set({ paid: sql<number>`paid + ${p('n')}`, paid_amount: sql<number>`paid_amount + ${p('amount')}`, updated_at: p('now') })
    .where('session_id', '=', p('sessionId'))
    .where('sku_id', '=', p('skuId')),
);

/** What an order ending unpaid gave back: its live SKUs, and the units that go on to the SKU's stock (the session had ended). */
export interface LiveReturn {
  /** Every SKU the order had taken from the session (their stock was never taken by the order). */
  liveSkuIds: string[];
  /** Units the caller gives to the SKU's stock: the session ended meanwhile, so its quota is no more. */
  toStock: { skuId: string; quantity: number }[];
}

/**
 * An order placed from a session ended unpaid (closed by expiry, cancelled), inside that
 * transaction: its reserved lines become returned (a guarded update: once per order, whoever
 * calls), and give their units back to the shopper's row and to the line's `sold`. A session
 * that ended meanwhile has given its quota back to stock: then the units go to the SKU's stock
 * (the caller releases `toStock`) and count in the line's `returned`.
 */
export async function returnLiveOrder(trx: Db, orderId: string, now: number): Promise<LiveReturn> {
  const { rows } = await moveOrderLines.execute(trx, { orderId, from: 'reserved', to: 'returned', now });
  if (rows.length === 0) return { liveSkuIds: await liveSkusOf(trx, orderId), toStock: [] };
  const lines = bySku(rows.map((r) => ({ ...r, skuId: r.sku_id })));
  const sessionId = lines[0].session_id;
  const [session] = (await lockSession.execute(trx, { sessionId })).rows;
  const ended = !session || session.status === 'ended' || session.status === 'cancelled';
  for (const l of lines) await givePurchaseBack.execute(trx, { sessionId, skuId: l.sku_id, userId: l.user_id, n: Number(l.quantity) });
  for (const l of lines) await giveLineBack.execute(trx, { sessionId, skuId: l.sku_id, n: Number(l.quantity), toStock: ended ? Number(l.quantity) : 0, now });
  if (!ended) announceAfterCommit(trx, sessionId, { restocked: lines.map((l) => l.sku_id) });
  return {
    liveSkuIds: lines.map((l) => l.sku_id),
    toStock: ended ? lines.map((l) => ({ skuId: l.sku_id, quantity: Number(l.quantity) })) : [],
  };
}

const selectLiveSkus = prepared<{ orderId: string }, { sku_id: string }>((db, p) => db.selectFrom('live_order_lines').select('sku_id').where('order_id', '=', p('orderId')));

/** The SKUs an order took from a session, whatever their state. */
export async function liveSkusOf(trx: Db, orderId: string): Promise<string[]> {
  return (await selectLiveSkus.execute(trx, { orderId })).rows.map((r) => r.sku_id);
}

/**
 * The order was paid, inside the transition's transaction: its reserved lines become paid (once)
 * and the board's figures (paid units, paid fen) grow.
 */
export async function payLiveOrder(trx: Db, orderId: string, now: number): Promise<void> {
  const { rows } = await moveOrderLines.execute(trx, { orderId, from: 'reserved', to: 'paid', now });
  for (const l of bySku(rows.map((r) => ({ ...r, skuId: r.sku_id })))) {
    const n = Number(l.quantity);
    await addPaidToLine.execute(trx, { sessionId: l.session_id, skuId: l.sku_id, n, amount: n * Number(l.unit_price), now });
  }
  if (rows.length > 0) announceAfterCommit(trx, rows[0].session_id, { paid: true });
}

const sessionLimit = prepared<{ sessionId: string }, { per_shopper_limit: number }>((db, p) =>
  db.selectFrom('live_sessions').select('per_shopper_limit').where('id', '=', p('sessionId')),
);

/** What a late payment's retake took: the order's live SKUs, and those it left sold out (for liveAfterCommit once the caller's work stands). */
export interface LiveRetake {
  sessionId: string | null;
  skuIds: string[];
  soldOut: string[];
}

/**
 * Late money for a closed order (docs/live.md, "Late payments"), inside the payment's
 * consumer transaction: takes its returned lines again, by the same guarded statements as an
 * order (the shopper's limit, the line's quota), and marks them paid. Throws LIVE_SOLD_OUT or
 * LIVE_LIMIT_REACHED when they cannot be taken; the caller runs it under a savepoint and
 * refunds instead. The order's other lines take their stock from the caller, which announces
 * the lines left sold out (liveAfterCommit) once everything it does has succeeded.
 */
export async function retakeLiveOrder(trx: Db, orderId: string, now: number): Promise<LiveRetake> {
  const rows = await trx
    .selectFrom('live_order_lines')
    .select(['session_id', 'sku_id', 'user_id', 'quantity', 'unit_price'])
    .where('order_id', '=', orderId)
    .where('state', '=', 'returned')
    .orderBy('sku_id')
    .execute();
  const first = rows[0];
  if (!first) return { sessionId: null, skuIds: [], soldOut: [] };
  const [session] = (await sessionLimit.execute(trx, { sessionId: first.session_id })).rows;
  const limit = session ? Number(session.per_shopper_limit) : 0;
  const soldOut = await takeUnits(trx, {
    sessionId: first.session_id,
    userId: first.user_id,
    perShopperLimit: limit,
    now,
    lines: rows.map((r) => ({ skuId: r.sku_id, quantity: Number(r.quantity) })),
  });
  await moveOrderLines.execute(trx, { orderId, from: 'returned', to: 'reserved', now });
  await payLiveOrder(trx, orderId, now);
  return { sessionId: first.session_id, skuIds: rows.map((r) => r.sku_id), soldOut };
}

/** After the commit of `trx`: tells every node's admission control of the lines left sold out. */
export function liveAfterCommit(trx: Db, sessionId: string, soldOut: readonly string[]): void {
  announceAfterCommit(trx, sessionId, { soldOut });
}

/** After the commit of `trx`: every node's admission control hears that these lines have units again (a host raised their quota). */
export function liveRestockedAfterCommit(trx: Db, sessionId: string, skuIds: readonly string[]): void {
  announceAfterCommit(trx, sessionId, { restocked: skuIds });
}

// ---------------------------------------------------------------------------------------------
// After the commit

interface Announcement {
  soldOut?: readonly string[];
  restocked?: readonly string[];
  /** The buyer of `bought` (a user id; viewers see the masked nickname). */
  buyer?: string;
  bought?: readonly { skuId: string; quantity: number; title: string }[];
  paid?: boolean;
}

/**
 * What follows the commit of a change to a session's lines: the node's admission control
 * broadcasts sold-out and restocked lines to every node (flash-admission.ts). This is also the
 * one place for the live module's pushes once they exist: `liveLinesChanged(sessionId)` (stock
 * left, the board) and `liveBought(...)` ("just bought"), which the rest of the live module
 * provides; they are not on main yet (see docs/live.md, "Flash stock").
 */
function announceAfterCommit(trx: Db, sessionId: string, what: Announcement): void {
  const admission = admissionOf(trx);
  afterCommit(trx, () => {
    if (admission && what.soldOut && what.soldOut.length > 0) admission.announceSoldOut(sessionId, what.soldOut);
    if (admission && what.restocked && what.restocked.length > 0) admission.announceRestocked(sessionId, what.restocked);
    // Stock left and the host's board (coalesced by the pushes), and the room's notice.
    liveLinesChanged(sessionId);
    for (const line of what.buyer ? (what.bought ?? []) : []) liveBought(sessionId, { buyerId: what.buyer!, title: line.title, quantity: line.quantity });
  });
}

