import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  MAX_LIVE_LINES,
  type CreateLiveSessionBody,
  type HostLiveSessionPage,
  type LiveAction,
  type LiveLineInput,
  type LiveSessionStatus,
  type UpdateLiveLineBody,
  type UpdateLiveSessionBody,
} from '../../../contract/live';
import { dialectOfDb } from '../../db';
import { transact } from '../../db/transaction';
import type { Database } from '../../db/types';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import type { StaffAccess } from '../../infra/http';
import { newId } from '../../infra/ids';
import { apply, IllegalTransitionError } from '../../infra/state-machine';
import type { VolatileChannel } from '../../realtime/volatile';
import { giveBackStock, loadSkus, takeStock, type SkuSnapshot } from '../catalog';
import { recordAudit } from '../merchant';
import { liveRestockedAfterCommit } from './flash';
import { CLOSED, liveSessionMachine, OPEN } from './machine';
import { boardOf, linesOf, merchantSession, orderCounts, toSession, viewersOf } from './reads';
import type { LiveSessionTable } from './tables';

type Db = Kysely<Database>;

/** Timeline entry types (live_events.type); the client names them. */
export type LiveEventType =
  | 'created'
  | 'updated'
  | 'started'
  | 'paused'
  | 'resumed'
  | 'ended'
  | 'cancelled'
  | 'pinned'
  | 'unpinned'
  | 'line_added'
  | 'price_changed'
  | 'quota_changed'
  | 'wechat_linked';

const ACTION_EVENT: Record<LiveAction, LiveEventType> = { start: 'started', pause: 'paused', resume: 'resumed', end: 'ended', cancel: 'cancelled' };

async function addTimeline(trx: Db, sessionId: string, type: LiveEventType, note: string, staffId: string | null, now: number): Promise<void> {
  await trx.insertInto('live_events').values({ id: newId('lev', now), session_id: sessionId, type, note, staff_id: staffId, at: now }).execute();
}

/**
 * Locks the merchant's session for a host's change (every host change takes the session row
 * first: one host change at a time per session, and the lock order session -> lines -> stock),
 * answering it as it is; 404 for none of the merchant's, 409 ILLEGAL_TRANSITION once it ended or
 * was cancelled.
 */
async function lockOpenSession(trx: Db, merchantId: string, sessionId: string, what: string, now: number): Promise<LiveSessionTable> {
  const row = await trx
    .updateTable('live_sessions')
    .set({ updated_at: now })
    .where('id', '=', sessionId)
    .where('merchant_id', '=', merchantId)
    .where('status', 'in', [...OPEN])
    .returningAll()
    .executeTakeFirst();
  if (row) return toSession(row);
  const current = await merchantSession(trx, merchantId, sessionId);
  throw new IllegalTransitionError(liveSessionMachine.name, current.status, what);
}

/**
 * What the lineup may take of a SKU: the merchant's (else LIVE_LINEUP_INVALID: another
 * merchant's SKU is not there for this one), on sale (SKU_UNAVAILABLE), at a session price not
 * above its own (LIVE_PRICE_INVALID, extra maximum).
 */
function checkLine(sku: SkuSnapshot | undefined, merchantId: string, skuId: string, price: number | undefined): SkuSnapshot {
  if (!sku || sku.merchantId !== merchantId) throw new AppError('LIVE_LINEUP_INVALID', `SKU ${skuId} is not one of the merchant's`, { skuId });
  if (!sku.onShelf) throw new AppError('SKU_UNAVAILABLE', `SKU ${skuId} is not on sale`, { skuId });
  if (price !== undefined && price > sku.price) throw new AppError('LIVE_PRICE_INVALID', `the session price of ${skuId} may not be above its own price ${sku.price}`, { skuId, maximum: sku.price });
  return sku;
}

async function freeStock(trx: Db, skuId: string): Promise<number> {
  return (await loadSkus(trx, [skuId])).get(skuId)?.stock ?? 0;
}

/** Carves `n` units out of the SKU's stock (a guarded decrement), or 400 LIVE_QUOTA_INVALID with the quota it could have had. */
async function carve(trx: Db, skuId: string, n: number, quotaBefore: number, now: number): Promise<void> {
  if (n <= 0) return;
  if (await takeStock(trx, skuId, n, now)) return;
  const free = await freeStock(trx, skuId);
  throw new AppError('LIVE_QUOTA_INVALID', `the quota of ${skuId} may be at most ${quotaBefore + free}: the SKU has ${free} free`, { skuId, maximum: quotaBefore + free });
}

export interface CreatedSession {
  sessionId: string;
}

export async function createSession(db: Db, staff: StaffAccess, body: CreateLiveSessionBody, now = Date.now()): Promise<CreatedSession> {
  const seen = new Set<string>();
  for (const l of body.lines) {
    if (seen.has(l.skuId)) throw new AppError('LIVE_LINEUP_INVALID', `SKU ${l.skuId} is in the lineup twice`, { skuId: l.skuId });
    seen.add(l.skuId);
  }
  const sessionId = newId('ls', now);
  await transact(db, async (trx) => {
    const skus = await loadSkus(trx, body.lines.map((l) => l.skuId));
    const checked = body.lines.map((l) => checkLine(skus.get(l.skuId), staff.merchantId, l.skuId, l.price));
    await trx
      .insertInto('live_sessions')
      .values({
        id: sessionId,
        merchant_id: staff.merchantId,
        host_staff_id: staff.staffId,
        title: body.title,
        cover: body.cover ?? checked[0].image,
        starts_at: body.startsAt,
        playback_url: body.playbackUrl,
        status: liveSessionMachine.initial,
        per_shopper_limit: body.perShopperLimit,
        pinned_product_id: null,
        likes: 0,
        peak_viewers: 0,
        wechat_room_id: null,
        wechat_pushed_at: null,
        created_at: now,
        updated_at: now,
        started_at: null,
        ended_at: null,
      })
      .execute();
    await trx
      .insertInto('live_lines')
      .values(
        body.lines.map((l, i) => ({
          session_id: sessionId,
          sku_id: l.skuId,
          product_id: checked[i].productId,
          price: l.price,
          quota: l.quota,
          sold: 0,
          paid: 0,
          paid_amount: 0,
          returned: 0,
          position: i,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    // Stock last, SKUs in id order (docs/architecture.md, "Lock order").
    for (const l of [...body.lines].sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0))) await carve(trx, l.skuId, l.quota, 0, now);
    await addTimeline(trx, sessionId, 'created', body.title, staff.staffId, now);
    await recordAudit(
      trx,
      {
        merchantId: staff.merchantId,
        actorId: staff.userId,
        action: 'live.session_created',
        target: `live_session:${sessionId}`,
        detail: { title: body.title, startsAt: body.startsAt, lines: body.lines.map((l) => ({ skuId: l.skuId, price: l.price, quota: l.quota })) },
      },
      now,
    );
  });
  return { sessionId };
}

export async function updateSession(db: Db, staff: StaffAccess, sessionId: string, body: UpdateLiveSessionBody, now = Date.now()): Promise<void> {
  await transact(db, async (trx) => {
    const before = await lockOpenSession(trx, staff.merchantId, sessionId, 'update', now);
    const set: Partial<Pick<LiveSessionTable, 'title' | 'cover' | 'starts_at' | 'playback_url' | 'per_shopper_limit'>> = {};
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    const change = <K extends keyof typeof set>(column: K, name: string, value: LiveSessionTable[K] | undefined) => {
      if (value === undefined || value === before[column]) return;
      set[column] = value as (typeof set)[K];
      from[name] = before[column];
      to[name] = value;
    };
    change('title', 'title', body.title);
    change('cover', 'cover', body.cover);
    change('starts_at', 'startsAt', body.startsAt);
    change('playback_url', 'playbackUrl', body.playbackUrl);
    change('per_shopper_limit', 'perShopperLimit', body.perShopperLimit);
    if (Object.keys(set).length === 0) return;
    await trx.updateTable('live_sessions').set(set).where('id', '=', sessionId).execute();
    await addTimeline(trx, sessionId, 'updated', Object.keys(to).join(','), staff.staffId, now);
    await recordAudit(trx, { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.session_updated', target: `live_session:${sessionId}`, detail: { from, to } }, now);
  });
}

export interface ActOutcome {
  status: LiveSessionStatus;
  /** Units given back to stock per SKU (end, cancel). */
  returned: { skuId: string; units: number }[];
}

/**
 * A host's action on the lifecycle: one guarded transition (liveSessionMachine). Starting stamps
 * started_at; ending stamps ended_at; ending or cancelling unpins and gives every line's unsold
 * quota back to its SKU's stock, in the same transaction, once: the transition happens once,
 * and each line's `returned` is written by one statement guarded on `returned = 0` (before the
 * session ends nothing writes it), which also makes the quota what is sold, so nothing more can
 * be bought from it.
 */
export async function actSession(db: Db, staff: StaffAccess, sessionId: string, action: LiveAction, now = Date.now()): Promise<ActOutcome> {
  return transact(db, async (trx) => {
    let q = trx.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).where('merchant_id', '=', staff.merchantId);
    if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `live session ${sessionId} not found`);
    const before = toSession(row);
    const to = liveSessionMachine.transitions[action].to;
    const closing = CLOSED.includes(to);
    const extra: Record<string, number | null> = { updated_at: now };
    if (action === 'start') extra.started_at = now;
    if (action === 'end') extra.ended_at = now;
    if (closing) extra.pinned_product_id = null;
    await apply(trx, liveSessionMachine, 'live_sessions', sessionId, action, extra);
    const returned: { skuId: string; units: number }[] = [];
    if (closing) {
      const rows = await trx
        .updateTable('live_lines')
        .set((eb) => ({ returned: eb('quota', '-', eb.ref('sold')), quota: eb.ref('sold'), updated_at: now }))
        .where('session_id', '=', sessionId)
        .where('returned', '=', 0)
        .returning(['sku_id', 'returned'])
        .execute();
      for (const r of rows) if (Number(r.returned) > 0) returned.push({ skuId: r.sku_id, units: Number(r.returned) });
      returned.sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
      for (const r of returned) await giveBackStock(trx, r.skuId, r.units, now);
    }
    const note = returned.length > 0 ? returned.map((r) => `${r.skuId}:${r.units}`).join(',') : '';
    await addTimeline(trx, sessionId, ACTION_EVENT[action], note, staff.staffId, now);
    await emit(trx, EVENTS.liveStatus, sessionId, { sessionId, merchantId: staff.merchantId, status: to, at: now }, now);
    if (closing && before.pinned_product_id !== null) {
      await emit(trx, EVENTS.livePinned, sessionId, { sessionId, merchantId: staff.merchantId, productId: null, at: now }, now);
    }
    await recordAudit(
      trx,
      { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.status_changed', target: `live_session:${sessionId}`, detail: { action, from: before.status, to, ...(closing ? { returned } : {}) } },
      now,
    );
    return { status: to, returned };
  });
}

/** Pins a product of the lineup (it replaces the pinned one), or unpins with null; only while the session is open. */
export async function pinProduct(db: Db, staff: StaffAccess, sessionId: string, productId: string | null, now = Date.now()): Promise<boolean> {
  return transact(db, async (trx) => {
    const before = await lockOpenSession(trx, staff.merchantId, sessionId, 'pin', now);
    if (productId !== null) {
      const inLineup = await trx.selectFrom('live_lines').select('sku_id').where('session_id', '=', sessionId).where('product_id', '=', productId).executeTakeFirst();
      if (!inLineup) throw new AppError('LIVE_LINEUP_INVALID', `product ${productId} is not in the session's lineup`, { productId });
    }
    if (before.pinned_product_id === productId) return false;
    await trx.updateTable('live_sessions').set({ pinned_product_id: productId }).where('id', '=', sessionId).execute();
    await addTimeline(trx, sessionId, productId === null ? 'unpinned' : 'pinned', productId ?? before.pinned_product_id ?? '', staff.staffId, now);
    await emit(trx, EVENTS.livePinned, sessionId, { sessionId, merchantId: staff.merchantId, productId, at: now }, now);
    await recordAudit(trx, { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.pinned', target: `live_session:${sessionId}`, detail: { from: before.pinned_product_id, to: productId } }, now);
    return true;
  });
}

export async function addLine(db: Db, staff: StaffAccess, sessionId: string, input: LiveLineInput, now = Date.now()): Promise<void> {
  await transact(db, async (trx) => {
    await lockOpenSession(trx, staff.merchantId, sessionId, 'add_line', now);
    const sku = checkLine((await loadSkus(trx, [input.skuId])).get(input.skuId), staff.merchantId, input.skuId, input.price);
    const lineup = await trx
      .selectFrom('live_lines')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('position').as('last')])
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    if (Number(lineup.n) >= MAX_LIVE_LINES) throw new AppError('LIVE_LINEUP_INVALID', `a lineup has at most ${MAX_LIVE_LINES} SKUs`, { skuId: input.skuId });
    const inserted = await trx
      .insertInto('live_lines')
      .values({
        session_id: sessionId,
        sku_id: input.skuId,
        product_id: sku.productId,
        price: input.price,
        quota: input.quota,
        sold: 0,
        paid: 0,
        paid_amount: 0,
        returned: 0,
        position: lineup.last === null ? 0 : Number(lineup.last) + 1,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['session_id', 'sku_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new AppError('LIVE_LINEUP_INVALID', `SKU ${input.skuId} is in the lineup already`, { skuId: input.skuId });
    await carve(trx, input.skuId, input.quota, 0, now);
    await addTimeline(trx, sessionId, 'line_added', `${input.skuId} ${input.price} x${input.quota}`, staff.staffId, now);
    await recordAudit(trx, { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.line_added', target: `live_session:${sessionId}`, detail: { skuId: input.skuId, price: input.price, quota: input.quota } }, now);
  });
}

/**
 * A line's session price and/or new total quota. The quota moves by guarded updates only: the
 * line's `quota = :new WHERE quota = :old AND sold <= :new` (the database checks what is sold at
 * that moment; a sale between the read and the write cannot be lost), then the difference taken
 * from stock (`stock >= d`) or given back. The session row is locked first, so no other host
 * change (nor the end, which returns the quota) runs meanwhile.
 */
export async function updateLine(db: Db, staff: StaffAccess, sessionId: string, skuId: string, body: UpdateLiveLineBody, now = Date.now()): Promise<boolean> {
  return transact(db, async (trx) => {
    await lockOpenSession(trx, staff.merchantId, sessionId, 'update_line', now);
    const line = await trx.selectFrom('live_lines').select(['price', 'quota', 'sold']).where('session_id', '=', sessionId).where('sku_id', '=', skuId).executeTakeFirst();
    if (!line) throw new AppError('LIVE_LINEUP_INVALID', `SKU ${skuId} is not in the session's lineup`, { skuId });
    const price = Number(line.price);
    const quota = Number(line.quota);
    if (body.price !== undefined) checkLine((await loadSkus(trx, [skuId])).get(skuId), staff.merchantId, skuId, body.price);
    const newPrice = body.price ?? price;
    const newQuota = body.quota ?? quota;
    if (newPrice === price && newQuota === quota) return false;
    const tooLow = () => new AppError('LIVE_QUOTA_INVALID', `the quota of ${skuId} may not go below what is sold`, { skuId, minimum: Number(line.sold) });
    if (newQuota < Number(line.sold)) throw tooLow();
    const changed = await trx
      .updateTable('live_lines')
      .set({ price: newPrice, quota: newQuota, updated_at: now })
      .where('session_id', '=', sessionId)
      .where('sku_id', '=', skuId)
      .where('quota', '=', quota)
      .where('sold', '<=', newQuota)
      .returning('sold')
      .executeTakeFirst();
    if (!changed) {
      // Only a sale moves the line meanwhile (host changes wait on the session's lock): it sold past the new quota.
      const sold = await trx.selectFrom('live_lines').select('sold').where('session_id', '=', sessionId).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
      throw new AppError('LIVE_QUOTA_INVALID', `the quota of ${skuId} may not go below what is sold`, { skuId, minimum: Number(sold.sold) });
    }
    if (newQuota > quota) {
      await carve(trx, skuId, newQuota - quota, quota, now);
      // A node that refused the line from memory as sold out sells it again at once.
      liveRestockedAfterCommit(trx, sessionId, [skuId]);
    } else if (newQuota < quota) await giveBackStock(trx, skuId, quota - newQuota, now);
    if (newPrice !== price) await addTimeline(trx, sessionId, 'price_changed', `${skuId} ${price}->${newPrice}`, staff.staffId, now);
    if (newQuota !== quota) await addTimeline(trx, sessionId, 'quota_changed', `${skuId} ${quota}->${newQuota}`, staff.staffId, now);
    await recordAudit(
      trx,
      { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.line_changed', target: `live_session:${sessionId}`, detail: { skuId, from: { price, quota }, to: { price: newPrice, quota: newQuota } } },
      now,
    );
    return true;
  });
}

/** [starts_at, id] of the last session on the page (newest start first). */
const hostCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

export async function listHostSessions(
  db: Db,
  volatile: VolatileChannel,
  merchantId: string,
  query: { status?: LiveSessionStatus; cursor?: string; limit: number },
): Promise<HostLiveSessionPage> {
  let q = db.selectFrom('live_sessions').selectAll().where('merchant_id', '=', merchantId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) {
    const [startsAt, id] = hostCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('starts_at', '<', startsAt), eb.and([eb('starts_at', '=', startsAt), eb('id', '<', id)])]));
  }
  const rows = (await q.orderBy('starts_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute()).map(toSession);
  const page = rows.slice(0, query.limit);
  const ids = page.map((s) => s.id);
  const [lines, counts] = await Promise.all([linesOf(db, ids), orderCounts(db, ids)]);
  const last = page[page.length - 1];
  return {
    items: page.map((s) => {
      const viewers = viewersOf(volatile, s);
      return {
        id: s.id,
        title: s.title,
        cover: s.cover,
        startsAt: s.starts_at,
        status: s.status as LiveSessionStatus,
        pinnedProductId: s.pinned_product_id,
        viewers,
        board: boardOf(lines.get(s.id) ?? [], counts.get(s.id), viewers, s.likes),
      };
    }),
    nextCursor: rows.length > query.limit && last ? hostCursor.encode([last.starts_at, last.id]) : null,
  };
}
