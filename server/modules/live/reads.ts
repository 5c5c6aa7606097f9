import { sql, type Kysely } from 'kysely';
import type { HostLiveSession, LiveBoard, LiveLine, LiveSession, LiveSessionStatus } from '../../../contract/live';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { loadSkus, merchantsByIds, type SkuSnapshot } from '../catalog';
import type { VolatileChannel } from '../../realtime/volatile';
import type { LiveLineTable, LiveSessionTable } from './tables';
import type { hostLiveLine } from '../../../contract/live';
import type { z } from 'zod';

type Db = Kysely<Database>;
type HostLine = z.infer<typeof hostLiveLine>;

/** The topic of a session (volatile events and the durable status and pin). */
export const liveTopicOf = (sessionId: string) => `live:${sessionId}`;
/** The host's board of a session (`live.board`; the session's merchant's live staff only). */
export const liveBoardTopicOf = (sessionId: string) => `liveboard:${sessionId}`;

export function toSession(row: LiveSessionTable): LiveSessionTable {
  return {
    ...row,
    starts_at: Number(row.starts_at),
    per_shopper_limit: Number(row.per_shopper_limit),
    likes: Number(row.likes),
    peak_viewers: Number(row.peak_viewers),
    wechat_room_id: row.wechat_room_id === null ? null : Number(row.wechat_room_id),
    wechat_pushed_at: row.wechat_pushed_at === null ? null : Number(row.wechat_pushed_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    started_at: row.started_at === null ? null : Number(row.started_at),
    ended_at: row.ended_at === null ? null : Number(row.ended_at),
  };
}

function toLine(row: LiveLineTable): LiveLineTable {
  return {
    ...row,
    price: Number(row.price),
    quota: Number(row.quota),
    sold: Number(row.sold),
    paid: Number(row.paid),
    paid_amount: Number(row.paid_amount),
    returned: Number(row.returned),
    position: Number(row.position),
  };
}

/** A session of the merchant, or 404 (another merchant's session is not there for its staff). */
export async function merchantSession(db: Db, merchantId: string, sessionId: string): Promise<LiveSessionTable> {
  const row = await db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `live session ${sessionId} not found`);
  return toSession(row);
}

export async function sessionById(db: Db, sessionId: string): Promise<LiveSessionTable | null> {
  const row = await db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  return row ? toSession(row) : null;
}

/**
 * The merchant a session belongs to, or null when there is no such session: who may follow its
 * board (`liveboard:{sessionId}`) is that merchant's staff in the live roles (server/app.ts).
 */
export async function liveSessionMerchant(db: Db, sessionId: string): Promise<string | null> {
  const row = await db.selectFrom('live_sessions').select('merchant_id').where('id', '=', sessionId).executeTakeFirst();
  return row?.merchant_id ?? null;
}

/** The lineups of sessions, by session, in lineup order. */
export async function linesOf(db: Db, sessionIds: readonly string[]): Promise<Map<string, LiveLineTable[]>> {
  const out = new Map<string, LiveLineTable[]>(sessionIds.map((id) => [id, []]));
  if (sessionIds.length === 0) return out;
  const rows = await db.selectFrom('live_lines').selectAll().where('session_id', 'in', [...new Set(sessionIds)]).orderBy('session_id').orderBy('position').orderBy('sku_id').execute();
  for (const r of rows) out.get(r.session_id)?.push(toLine(r));
  return out;
}

/** Orders placed in each session (any state) and of them paid: from what each order took (live_order_lines). */
export async function orderCounts(db: Db, sessionIds: readonly string[]): Promise<Map<string, { orders: number; paidOrders: number }>> {
  const out = new Map<string, { orders: number; paidOrders: number }>();
  if (sessionIds.length === 0) return out;
  const rows = await db
    .selectFrom('live_order_lines')
    .select([
      'session_id',
      sql<number>`count(distinct ${sql.ref('order_id')})`.as('orders'),
      sql<number>`count(distinct case when ${sql.ref('state')} = 'paid' then ${sql.ref('order_id')} end)`.as('paid_orders'),
    ])
    .where('session_id', 'in', [...new Set(sessionIds)])
    .groupBy('session_id')
    .execute();
  for (const r of rows) out.set(r.session_id, { orders: Number(r.orders), paidOrders: Number(r.paid_orders) });
  return out;
}

/** What can still be bought: the order path's guard (`quota - sold - returned`), never below 0. */
const left = (l: LiveLineTable) => Math.max(0, l.quota - l.sold - l.returned);

function viewerLine(l: LiveLineTable, sku: SkuSnapshot | undefined): LiveLine {
  return {
    skuId: l.sku_id,
    productId: l.product_id,
    title: sku?.title ?? '',
    specText: sku?.specText ?? '',
    image: sku?.image ?? '/images/placeholder.svg',
    price: l.price,
    originalPrice: sku?.price ?? l.price,
    quota: l.quota,
    left: left(l),
  };
}

function hostLine(l: LiveLineTable, sku: SkuSnapshot | undefined): HostLine {
  return { ...viewerLine(l, sku), sold: l.sold, paid: l.paid, gmv: l.paid_amount, returned: l.returned };
}

export function boardOf(lines: readonly LiveLineTable[], counts: { orders: number; paidOrders: number } | undefined, viewers: number, likes: number): LiveBoard {
  return {
    orders: counts?.orders ?? 0,
    paidOrders: counts?.paidOrders ?? 0,
    gmv: lines.reduce((n, l) => n + l.paid_amount, 0),
    viewers,
    likes,
    lines: lines.map((l) => ({ skuId: l.sku_id, quota: l.quota, sold: l.sold, paid: l.paid, left: left(l), gmv: l.paid_amount })),
  };
}

/** Viewers of a session right now: sockets subscribed to its topic (volatile's count, ~1 s old). Nobody watches a session off air. */
export function viewersOf(volatile: VolatileChannel, session: { id: string; status: string }): number {
  return session.status === 'live' || session.status === 'paused' ? volatile.subscribers(liveTopicOf(session.id)) : 0;
}

async function merchantName(db: Db, merchantId: string): Promise<string> {
  return (await merchantsByIds(db, [merchantId])).get(merchantId)?.name ?? '';
}

function sessionCore(s: LiveSessionTable, merchantName_: string, viewers: number) {
  return {
    id: s.id,
    merchantId: s.merchant_id,
    merchantName: merchantName_,
    title: s.title,
    cover: s.cover,
    startsAt: s.starts_at,
    status: s.status as LiveSessionStatus,
    playbackUrl: s.playback_url,
    perShopperLimit: s.per_shopper_limit,
    pinnedProductId: s.pinned_product_id,
    viewers,
    likes: s.likes,
    startedAt: s.started_at,
    endedAt: s.ended_at,
    wechatRoomId: s.wechat_room_id,
  };
}

/** The session as its host runs it: lineup with sold, paid and left, the board, the timeline. */
export async function hostSessionView(db: Db, volatile: VolatileChannel, merchantId: string, sessionId: string): Promise<HostLiveSession> {
  const s = await merchantSession(db, merchantId, sessionId);
  const lines = (await linesOf(db, [s.id])).get(s.id) ?? [];
  const [skus, counts, name, events] = await Promise.all([
    loadSkus(db, lines.map((l) => l.sku_id)),
    orderCounts(db, [s.id]),
    merchantName(db, s.merchant_id),
    db.selectFrom('live_events').select(['type', 'note', 'at']).where('session_id', '=', s.id).orderBy('at').orderBy('id').execute(),
  ]);
  const viewers = viewersOf(volatile, s);
  return {
    ...sessionCore(s, name, viewers),
    hostStaffId: s.host_staff_id,
    lines: lines.map((l) => hostLine(l, skus.get(l.sku_id))),
    board: boardOf(lines, counts.get(s.id), viewers, s.likes),
    timeline: events.map((e) => ({ type: e.type, note: e.note, at: Number(e.at) })),
    wechatPushedAt: s.wechat_pushed_at,
  };
}

/** The session as a viewer sees it; `mine` for a signed-in shopper (units bought of each SKU). */
export async function viewerSessionView(db: Db, volatile: VolatileChannel, sessionId: string, userId: string | null): Promise<LiveSession> {
  const s = await sessionById(db, sessionId);
  if (!s) throw new AppError('NOT_FOUND', `live session ${sessionId} not found`);
  const lines = (await linesOf(db, [s.id])).get(s.id) ?? [];
  const [skus, name, purchases] = await Promise.all([
    loadSkus(db, lines.map((l) => l.sku_id)),
    merchantName(db, s.merchant_id),
    userId ? db.selectFrom('live_purchases').select(['sku_id', 'units']).where('session_id', '=', s.id).where('user_id', '=', userId).execute() : Promise.resolve(null),
  ]);
  return {
    ...sessionCore(s, name, viewersOf(volatile, s)),
    lines: lines.map((l) => viewerLine(l, skus.get(l.sku_id))),
    mine: purchases ? Object.fromEntries(purchases.map((p) => [p.sku_id, Number(p.units)])) : null,
  };
}

/** What `live.lines` carries: each line's price, quota and what is left. */
export function lineUpdates(lines: readonly LiveLineTable[]): { skuId: string; price: number; quota: number; left: number }[] {
  return lines.map((l) => ({ skuId: l.sku_id, price: l.price, quota: l.quota, left: left(l) }));
}
