import type { HostLiveSession, LiveBoard, LiveBoardEvent, LiveSession, LiveSessionStatus, LiveTopicEvent } from '@contract/live';
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/**
 * Live rooms on the realtime client (docs/live.md, "Pushes, not polls"; docs/realtime.md): what
 * an event of `live:{sessionId}`, or `live.board` on the host's `liveboard:{sessionId}`, does to
 * the cache, as data (the reducers are pure), the listeners of `useLiveTopic`, and which
 * merchant a followed board belongs to (`followLiveBoard`: the host session's cache key needs it).
 *
 * Events are read by hand, to the shapes of contract/live.ts (`liveTopicEvent`,
 * `liveBoardEvent`; live.test.ts checks they agree): the client takes no zod (decision 0002).
 * Anything else, or malformed, is ignored, so a newer server can add types.
 */

export function liveSessionIdOf(topic: string): string | null {
  return topic.startsWith('live:') && topic.length > 'live:'.length ? topic.slice('live:'.length) : null;
}

const BOARD_PREFIX = 'liveboard:';

/** The host's board of a session (its merchant's owners, operators and live hosts). */
export function liveBoardTopic(sessionId: string): string {
  return `${BOARD_PREFIX}${sessionId}`;
}

export function liveBoardSessionIdOf(topic: string): string | null {
  return topic.startsWith(BOARD_PREFIX) && topic.length > BOARD_PREFIX.length ? topic.slice(BOARD_PREFIX.length) : null;
}

/** The merchant of each board followed (useLiveBoardTopic), with how many follow it. */
const boardMerchants = new Map<string, { merchantId: string; n: number }>();

/**
 * Remembers that the session's board belongs to the merchant while the returned function is not
 * called (the console, before it follows `liveboard:{sessionId}`): `live.board` and the
 * (re)subscription write and refetch `keys.merchant.liveSession(merchantId, sessionId)`.
 */
export function followLiveBoard(merchantId: string, sessionId: string): () => void {
  const entry = boardMerchants.get(sessionId);
  if (entry && entry.merchantId === merchantId) entry.n += 1;
  else boardMerchants.set(sessionId, { merchantId, n: 1 });
  let followed = true;
  return () => {
    if (!followed) return;
    followed = false;
    const e = boardMerchants.get(sessionId);
    if (!e || e.merchantId !== merchantId) return;
    e.n -= 1;
    if (e.n <= 0) {
      boardMerchants.delete(sessionId);
      boardMarks.delete(`${merchantId} ${sessionId}`);
    }
  };
}

/** The merchant of a followed board, or null when no page follows it. */
export function liveBoardMerchantOf(sessionId: string): string | null {
  return boardMerchants.get(sessionId)?.merchantId ?? null;
}

const STATUSES: readonly LiveSessionStatus[] = ['scheduled', 'live', 'paused', 'ended', 'cancelled'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** An event of `live:{sessionId}` as contract/live.ts's liveTopicEvent has it, or null. */
export function parseLiveTopicEvent(type: string, data: unknown): LiveTopicEvent | null {
  if (!isObject(data) || !isId(data.sessionId) || !isTime(data.at)) return null;
  const { sessionId, at } = data;
  switch (type) {
    case 'live.status':
      return STATUSES.includes(data.status as LiveSessionStatus) ? { type, data: { sessionId, status: data.status as LiveSessionStatus, at } } : null;
    case 'live.pinned':
      return data.productId === null || isId(data.productId) ? { type, data: { sessionId, productId: data.productId, at } } : null;
    case 'live.lines': {
      if (!Array.isArray(data.lines)) return null;
      const lines = [];
      for (const l of data.lines as unknown[]) {
        if (!isObject(l) || !isId(l.skuId) || !isCount(l.price) || !isCount(l.quota) || !isCount(l.left)) return null;
        lines.push({ skuId: l.skuId, price: l.price, quota: l.quota, left: l.left });
      }
      return { type, data: { sessionId, lines, at } };
    }
    case 'live.bought':
      if (typeof data.buyer !== 'string' || typeof data.title !== 'string' || !isCount(data.quantity) || data.quantity < 1) return null;
      return { type, data: { sessionId, buyer: data.buyer, title: data.title, quantity: data.quantity, at } };
    case 'live.stats':
      return isCount(data.viewers) && isCount(data.likes) ? { type, data: { sessionId, viewers: data.viewers, likes: data.likes, at } } : null;
    default:
      return null;
  }
}

const BOARD_COUNTS = ['orders', 'paidOrders', 'gmv', 'viewers', 'likes'] as const;
const BOARD_LINE_COUNTS = ['quota', 'sold', 'paid', 'left', 'gmv'] as const;

/** `live.board`'s data as contract/live.ts's liveBoardEvent has it, or null. */
export function parseLiveBoardEvent(data: unknown): LiveBoardEvent | null {
  if (!isObject(data) || !isId(data.sessionId) || !isTime(data.at) || !isObject(data.board)) return null;
  const b = data.board;
  if (!BOARD_COUNTS.every((k) => isCount(b[k])) || !Array.isArray(b.lines)) return null;
  const lines: LiveBoard['lines'] = [];
  for (const l of b.lines as unknown[]) {
    if (!isObject(l) || !isId(l.skuId) || !BOARD_LINE_COUNTS.every((k) => isCount(l[k]))) return null;
    lines.push({ skuId: l.skuId, quota: l.quota as number, sold: l.sold as number, paid: l.paid as number, left: l.left as number, gmv: l.gmv as number });
  }
  const board: LiveBoard = { orders: b.orders as number, paidOrders: b.paidOrders as number, gmv: b.gmv as number, viewers: b.viewers as number, likes: b.likes as number, lines };
  return { sessionId: data.sessionId, board, at: data.at };
}

/** What a live event does to the cache (pure; carried out by applyLiveOp). */
export type LiveOp =
  /** An event of a live room: written into the cached session (latest `at` wins) and told to the page's hook. */
  | { kind: 'liveEvent'; sessionId: string; event: LiveTopicEvent }
  /** The host's board: written into the cached host session (latest `at` wins). */
  | { kind: 'liveBoard'; merchantId: string; event: LiveBoardEvent }
  /** Viewers and likes between two boards (`live.stats` on the board topic): written into the cached host session (latest `at` wins). */
  | { kind: 'liveBoardStats'; merchantId: string; stats: LiveStats };

/** `live.stats`'s data (contract/live.ts, liveTopicEvent). */
export type LiveStats = Extract<LiveTopicEvent, { type: 'live.stats' }>['data'];

/** The ops of an event of `live:{sessionId}`, durable or volatile: one op, or none when unknown. */
export function liveEventOps(sessionId: string, type: string, data: Record<string, unknown>): LiveOp[] {
  const event = parseLiveTopicEvent(type, data);
  return event && event.data.sessionId === sessionId ? [{ kind: 'liveEvent', sessionId, event }] : [];
}

/**
 * The ops of an event of `liveboard:{sessionId}`: `live.board` of that session, and its viewers
 * and likes between boards (`live.stats`), written into the host session of the merchant that
 * follows it; nothing when no page follows the board.
 */
export function liveBoardOps(sessionId: string, type: string, data: Record<string, unknown>): LiveOp[] {
  const merchantId = liveBoardMerchantOf(sessionId);
  if (!merchantId) return [];
  if (type === 'live.board') {
    const event = parseLiveBoardEvent(data);
    return event && event.sessionId === sessionId ? [{ kind: 'liveBoard', merchantId, event }] : [];
  }
  if (type === 'live.stats') {
    const event = parseLiveTopicEvent(type, data);
    return event?.type === 'live.stats' && event.data.sessionId === sessionId ? [{ kind: 'liveBoardStats', merchantId, stats: event.data }] : [];
  }
  return [];
}

/** What a live room's reset (or resubscription) refetches: its session, volatile events missed meanwhile being gone. */
export function liveResetKeys(sessionId: string) {
  return [keys.live.session(sessionId)];
}

/** What a board's reset (or resubscription) refetches: the host session, boards missed meanwhile being gone. */
export function liveBoardResetKeys(sessionId: string) {
  const merchantId = liveBoardMerchantOf(sessionId);
  return merchantId ? [keys.merchant.liveSession(merchantId, sessionId)] : [];
}

/**
 * The `at` of the last applied event, by what it sets: events may arrive out of order (volatile
 * ones from different nodes, a durable replay after a volatile one), and the latest wins.
 */
export type LiveMarks = Record<string, number>;

function newer(marks: LiveMarks, key: string, at: number): boolean {
  const seen = marks[key];
  if (seen !== undefined && seen > at) return false;
  marks[key] = at;
  return true;
}

/**
 * The cached session after an event (`marks` is updated): status, the pinned product, each
 * line's price, quota and stock left, viewers and likes; `live.bought` changes nothing cached.
 * `unknownLines`: the event names SKUs the cached lineup lacks (refetch it).
 */
export function reduceLiveSession(session: LiveSession, event: LiveTopicEvent, marks: LiveMarks): { session: LiveSession; unknownLines: boolean } {
  const { at } = event.data;
  switch (event.type) {
    case 'live.status':
      return { session: newer(marks, 'status', at) && session.status !== event.data.status ? { ...session, status: event.data.status } : session, unknownLines: false };
    case 'live.pinned':
      return { session: newer(marks, 'pinned', at) && session.pinnedProductId !== event.data.productId ? { ...session, pinnedProductId: event.data.productId } : session, unknownLines: false };
    case 'live.stats':
      return { session: newer(marks, 'stats', at) ? { ...session, viewers: event.data.viewers, likes: event.data.likes } : session, unknownLines: false };
    case 'live.lines': {
      const known = new Set(session.lines.map((line) => line.skuId));
      const updates = new Map(event.data.lines.filter((l) => known.has(l.skuId) && newer(marks, `line:${l.skuId}`, at)).map((l) => [l.skuId, l]));
      const unknownLines = event.data.lines.some((l) => !known.has(l.skuId));
      if (updates.size === 0) return { session, unknownLines };
      const lines = session.lines.map((line) => {
        const u = updates.get(line.skuId);
        return u ? { ...line, price: u.price, quota: u.quota, left: u.left } : line;
      });
      return { session: { ...session, lines }, unknownLines };
    }
    default:
      return { session, unknownLines: false };
  }
}

/**
 * The cached host session after a board push (`marks` is updated): the board, and each line's
 * counts; its viewers and likes only when no later `live.stats` set them.
 */
export function reduceHostSession(session: HostLiveSession, event: LiveBoardEvent, marks: LiveMarks): HostLiveSession {
  if (!newer(marks, 'board', event.at)) return session;
  const stats = newer(marks, 'stats', event.at);
  const viewers = stats ? event.board.viewers : session.viewers;
  const likes = stats ? event.board.likes : session.likes;
  const byLine = new Map(event.board.lines.map((l) => [l.skuId, l]));
  return {
    ...session,
    board: { ...event.board, viewers, likes },
    viewers,
    likes,
    lines: session.lines.map((line) => {
      const u = byLine.get(line.skuId);
      return u ? { ...line, quota: u.quota, sold: u.sold, paid: u.paid, left: u.left, gmv: u.gmv } : line;
    }),
  };
}

/** The cached host session after `live.stats` on its board (`marks` is updated): viewers and likes. */
export function reduceHostStats(session: HostLiveSession, stats: LiveStats, marks: LiveMarks): HostLiveSession {
  if (!newer(marks, 'stats', stats.at)) return session;
  if (session.viewers === stats.viewers && session.likes === stats.likes && session.board.viewers === stats.viewers && session.board.likes === stats.likes) return session;
  return { ...session, viewers: stats.viewers, likes: stats.likes, board: { ...session.board, viewers: stats.viewers, likes: stats.likes } };
}

const sessionMarks = new Map<string, LiveMarks>();
const boardMarks = new Map<string, LiveMarks>();
function marksOf(map: Map<string, LiveMarks>, key: string): LiveMarks {
  let m = map.get(key);
  if (!m) map.set(key, (m = {}));
  return m;
}

const listeners = new Map<string, Set<(event: LiveTopicEvent) => void>>();

/** Calls `listener` with every event of the session's room the client gets (useLiveTopic). */
export function onLiveEvent(sessionId: string, listener: (event: LiveTopicEvent) => void): () => void {
  let set = listeners.get(sessionId);
  if (!set) listeners.set(sessionId, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(sessionId);
      sessionMarks.delete(sessionId);
    }
  };
}

export function applyLiveOp(queryClient: QueryClient, op: LiveOp): void {
  if (op.kind === 'liveBoard') {
    const { merchantId, event } = op;
    const marks = marksOf(boardMarks, `${merchantId} ${event.sessionId}`);
    queryClient.setQueryData<HostLiveSession>(keys.merchant.liveSession(merchantId, event.sessionId), (old) => (old ? reduceHostSession(old, event, marks) : old));
    return;
  }
  if (op.kind === 'liveBoardStats') {
    const { merchantId, stats } = op;
    const marks = marksOf(boardMarks, `${merchantId} ${stats.sessionId}`);
    queryClient.setQueryData<HostLiveSession>(keys.merchant.liveSession(merchantId, stats.sessionId), (old) => (old ? reduceHostStats(old, stats, marks) : old));
    return;
  }
  const { sessionId, event } = op;
  const marks = marksOf(sessionMarks, sessionId);
  let refetch = false;
  queryClient.setQueryData<LiveSession>(keys.live.session(sessionId), (old) => {
    if (!old) return old;
    const next = reduceLiveSession(old, event, marks);
    refetch = next.unknownLines;
    return next.session;
  });
  if (refetch) void queryClient.invalidateQueries({ queryKey: keys.live.session(sessionId) });
  for (const l of [...(listeners.get(sessionId) ?? [])]) l(event);
}
