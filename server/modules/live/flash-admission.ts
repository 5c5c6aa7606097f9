import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import type { VolatileChannel } from '../../realtime/volatile';

/**
 * Admission control before the database (docs/live.md, "Admission control"), per API node, for
 * orders placed from a live session (a body with `liveSessionId`; other orders pass untouched):
 *
 * - a sold-out set per (session, SKU), filled only by what the database has already said: after
 *   the commit of an order that left a line with nothing, this node broadcasts `live.sold_out`
 *   on the volatile channel, and after a closure or quota change that gave units back,
 *   `live.restocked`; every node (this one included) keeps its set from these notices, and
 *   forgets it all on `onResync` (the bus lost messages). An order whose every line is in the
 *   set is refused (409 LIVE_SOLD_OUT) from memory. Notices may cross on the bus (a restock
 *   heard before the sale that preceded it), so an entry also lapses after SOLD_OUT_TTL_MS: a
 *   stale entry refuses for at most that long, and the next order then asks the database;
 * - a token bucket per session: `rate` orders a second with bursts of `burst`; an order beyond it
 *   is refused at once (429 LIVE_BUSY with Retry-After) instead of queueing on the line's row.
 *
 * The app runs `admitOrder` before anything touches the database (server/infra/http.ts,
 * `AppDeps.admit`), for requests whose session token verifies (a signature check, no read), so
 * requests without a valid token take no tokens from the shoppers' bucket.
 */
export const LIVE_SOLD_OUT_SUBJECT = 'live.sold_out';
export const LIVE_RESTOCKED_SUBJECT = 'live.restocked';
export const SOLD_OUT_TTL_MS = 2_000;

export interface LiveAdmissionSettings {
  /** Orders a second per session on this node (LIVE_ADMISSION_RATE). */
  rate: number;
  /** Orders a session's bucket holds at most (LIVE_ADMISSION_BURST). */
  burst: number;
}

interface Notice {
  sessionId: string;
  skuIds: string[];
}

function noticeOf(data: unknown): Notice | null {
  if (!data || typeof data !== 'object') return null;
  const { sessionId, skuIds } = data as { sessionId?: unknown; skuIds?: unknown };
  if (typeof sessionId !== 'string' || !Array.isArray(skuIds) || !skuIds.every((s) => typeof s === 'string')) return null;
  return { sessionId, skuIds: skuIds as string[] };
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 10_000;

export interface LiveAdmission {
  /** Throws LIVE_SOLD_OUT (every line sold out, from memory) or LIVE_BUSY (the session's bucket is empty); anything else passes. */
  admitOrder(body: unknown): void;
  /** After a commit left these lines with nothing: tell every node. */
  announceSoldOut(sessionId: string, skuIds: readonly string[]): void;
  /** After a commit gave units back to these lines: tell every node. */
  announceRestocked(sessionId: string, skuIds: readonly string[]): void;
  isSoldOut(sessionId: string, skuId: string): boolean;
  /** The database refused a line's last unit on this node: this node's set only, no broadcast. */
  noteSoldOut(sessionId: string, skuId: string): void;
  stop(): void;
}

export function createLiveAdmission(volatile: VolatileChannel, settings: LiveAdmissionSettings, clock: () => number = Date.now): LiveAdmission {
  /** session -> SKU -> until when it counts as sold out. */
  const soldOut = new Map<string, Map<string, number>>();
  const buckets = new Map<string, Bucket>();

  const markSoldOut = (sessionId: string, skuIds: readonly string[]) => {
    let skus = soldOut.get(sessionId);
    if (!skus) soldOut.set(sessionId, (skus = new Map()));
    const until = clock() + SOLD_OUT_TTL_MS;
    for (const skuId of skuIds) skus.set(skuId, until);
  };
  const offs = [
    volatile.onBroadcast(LIVE_SOLD_OUT_SUBJECT, (data) => {
      const notice = noticeOf(data);
      if (notice) markSoldOut(notice.sessionId, notice.skuIds);
    }),
    volatile.onBroadcast(LIVE_RESTOCKED_SUBJECT, (data) => {
      const notice = noticeOf(data);
      const skus = notice ? soldOut.get(notice.sessionId) : undefined;
      if (!notice || !skus) return;
      for (const skuId of notice.skuIds) skus.delete(skuId);
      if (skus.size === 0) soldOut.delete(notice.sessionId);
    }),
    volatile.onResync(() => soldOut.clear()),
  ];

  const isSoldOut = (sessionId: string, skuId: string): boolean => {
    const skus = soldOut.get(sessionId);
    const until = skus?.get(skuId);
    if (until === undefined) return false;
    if (until > clock()) return true;
    skus?.delete(skuId);
    return false;
  };

  const take = (sessionId: string): void => {
    const now = clock();
    let bucket = buckets.get(sessionId);
    if (!bucket) {
      if (buckets.size >= MAX_BUCKETS) {
        // Idle sessions' buckets are full again: forgetting them changes nothing.
        for (const [id, b] of buckets) if (b.tokens + ((now - b.at) * settings.rate) / 1000 >= settings.burst) buckets.delete(id);
      }
      bucket = { tokens: settings.burst, at: now };
      buckets.set(sessionId, bucket);
    }
    bucket.tokens = Math.min(settings.burst, bucket.tokens + ((now - bucket.at) * settings.rate) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / settings.rate));
    throw new AppError('LIVE_BUSY', `session ${sessionId} takes ${settings.rate} orders a second on this node`, { retryAfterSeconds });
  };

  return {
    admitOrder(body) {
      if (!body || typeof body !== 'object') return;
      const { liveSessionId, items } = body as { liveSessionId?: unknown; items?: unknown };
      if (typeof liveSessionId !== 'string') return;
      if (Array.isArray(items) && items.length > 0) {
        const skuIds = items.map((i) => (i && typeof i === 'object' ? (i as { skuId?: unknown }).skuId : undefined));
        if (skuIds.every((s): s is string => typeof s === 'string' && isSoldOut(liveSessionId, s))) {
          throw new AppError('LIVE_SOLD_OUT', `session ${liveSessionId} has sold out of ${skuIds.join(', ')}`, { skuId: skuIds[0] });
        }
      }
      take(liveSessionId);
    },
    announceSoldOut(sessionId, skuIds) {
      if (skuIds.length > 0) volatile.broadcast(LIVE_SOLD_OUT_SUBJECT, { sessionId, skuIds: [...skuIds] });
    },
    announceRestocked(sessionId, skuIds) {
      if (skuIds.length > 0) volatile.broadcast(LIVE_RESTOCKED_SUBJECT, { sessionId, skuIds: [...skuIds] });
    },
    isSoldOut,
    noteSoldOut(sessionId, skuId) {
      markSoldOut(sessionId, [skuId]);
    },
    stop() {
      for (const off of offs) off();
    },
  };
}

/**
 * The admission control of the node a database handle belongs to (the app binds it once, as the
 * outbox is bound): flash.ts finds it from any transaction to announce after the commit.
 */
const admissions = new WeakMap<object, LiveAdmission>();
const keyOf = (db: Kysely<Database>): object => db.getExecutor().adapter;

export function bindLiveAdmission(db: Kysely<Database>, admission: LiveAdmission): () => void {
  const key = keyOf(db);
  admissions.set(key, admission);
  return () => {
    if (admissions.get(key) === admission) admissions.delete(key);
  };
}

export function admissionOf(db: Kysely<Database>): LiveAdmission | undefined {
  return admissions.get(keyOf(db));
}
