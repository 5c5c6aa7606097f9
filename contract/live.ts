import { z } from 'zod';
import { cursorPage, fen, id, imagePath, pageQuery, text, timestamp } from './common';
import type { StaffRole } from './merchant';

/**
 * Live-stream ordering (docs/live.md): a merchant's host runs a session with a lineup of SKUs at
 * session prices and quotas carved out of stock; viewers watch, see the pinned product and buy
 * it through the normal checkout with `liveSessionId`.
 */

/** scheduled -> live <-> paused -> ended; scheduled -> cancelled (the table is the server's). */
export const liveSessionStatus = z.enum(['scheduled', 'live', 'paused', 'ended', 'cancelled']);
export type LiveSessionStatus = z.infer<typeof liveSessionStatus>;

/** What the host asks of the lifecycle (resume: paused -> live). */
export const liveAction = z.enum(['start', 'pause', 'resume', 'end', 'cancel']);
export type LiveAction = z.infer<typeof liveAction>;

/** Largest quota of one line, and units in one session's lineup. */
export const MAX_LIVE_QUOTA = 100_000;
export const MAX_LIVE_LINES = 50;
/** Likes one request may carry (the client batches a burst of taps). */
export const MAX_LIKES_PER_REQUEST = 50;

/** http(s) URL of the stream's playback (HLS .m3u8, FLV) from any live CDN, or a path the API serves (the demo stream). */
export const playbackUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^(https?:\/\/[^\s]+|\/[^\s]*)$/, 'must be an http(s) URL or a path');

/** A cover the host sends: a path the API serves (an image of the catalog or an upload), plain ASCII. */
export const coverPath = z
  .string()
  .trim()
  .max(300)
  .regex(/^\/[A-Za-z0-9._~\/-]+$/, 'must be a path the API serves');

/** One SKU of the lineup as a viewer sees it. */
export const liveLine = z.object({
  skuId: id,
  productId: id,
  title: z.string(),
  specText: z.string(),
  image: imagePath,
  /** The session price (what the checkout charges while the session is live or paused). */
  price: fen,
  /** The SKU's own price, shown struck through. */
  originalPrice: fen,
  quota: z.number().int().min(0),
  /** quota − sold (reserved or paid): what can still be bought. */
  left: z.number().int().min(0),
});
export type LiveLine = z.infer<typeof liveLine>;

export const liveSession = z.object({
  id,
  merchantId: id,
  merchantName: z.string(),
  title: z.string(),
  cover: imagePath,
  startsAt: timestamp,
  status: liveSessionStatus,
  playbackUrl: z.string(),
  /** Units of one SKU one shopper may buy in this session. */
  perShopperLimit: z.number().int().min(1),
  /** The product being presented (讲解中), or none. */
  pinnedProductId: id.nullable(),
  lines: z.array(liveLine),
  viewers: z.number().int().min(0),
  likes: z.number().int().min(0),
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  /** Signed-in viewers: units of each SKU already bought (reserved or paid) in this session, by SKU id; null for guests. */
  mine: z.record(z.string(), z.number().int().min(0)).nullable(),
  /** The WeChat live-player-plugin room the session is linked to, if any. */
  wechatRoomId: z.number().int().nullable(),
});
export type LiveSession = z.infer<typeof liveSession>;

/** A session in a list (the shop's live entry): no lineup. */
export const liveSessionSummary = liveSession.pick({
  id: true, merchantId: true, merchantName: true, title: true, cover: true, startsAt: true, status: true, pinnedProductId: true, viewers: true,
});
export type LiveSessionSummary = z.infer<typeof liveSessionSummary>;

export const liveSessionParams = z.strictObject({ sessionId: id });
export const liveSessionListQuery = z.strictObject({ ...pageQuery });
export const liveSessionPage = cursorPage(liveSessionSummary);
export type LiveSessionPage = z.infer<typeof liveSessionPage>;

export const liveLikesBody = z.strictObject({ count: z.number().int().min(1).max(MAX_LIKES_PER_REQUEST) });
export const liveLikes = z.object({ likes: z.number().int().min(0) });

// ---------------------------------------------------------------------------------------------
// The host's side (workbench)

export const liveLineInput = z.strictObject({
  skuId: id,
  /** Session price: not above the SKU's own price (LIVE_PRICE_INVALID). */
  price: fen,
  /** Carved out of the SKU's stock (LIVE_QUOTA_INVALID when above its free stock). */
  quota: z.number().int().min(1).max(MAX_LIVE_QUOTA),
});
export type LiveLineInput = z.infer<typeof liveLineInput>;

export const createLiveSessionBody = z.strictObject({
  title: text({ max: 40 }),
  /** Omitted: the first line's product image. */
  cover: coverPath.optional(),
  startsAt: timestamp,
  playbackUrl,
  perShopperLimit: z.number().int().min(1).max(99),
  lines: z.array(liveLineInput).min(1).max(MAX_LIVE_LINES),
});
export type CreateLiveSessionBody = z.infer<typeof createLiveSessionBody>;

/** Every member optional and without a default: what is omitted stays as it is. */
export const updateLiveSessionBody = z.strictObject({
  title: text({ max: 40 }).optional(),
  cover: coverPath.optional(),
  startsAt: timestamp.optional(),
  playbackUrl: playbackUrl.optional(),
  perShopperLimit: z.number().int().min(1).max(99).optional(),
});
export type UpdateLiveSessionBody = z.infer<typeof updateLiveSessionBody>;

export const liveActionBody = z.strictObject({ action: liveAction });
/** productId null unpins. */
export const livePinBody = z.strictObject({ productId: id.nullable() });
export const hostLiveSessionParams = z.strictObject({ merchantId: id, sessionId: id });
export const hostLiveLineParams = z.strictObject({ merchantId: id, sessionId: id, skuId: id });
/** quota: the line's new total quota (not below what is sold, not above sold + the SKU's free stock). */
export const updateLiveLineBody = z.strictObject({
  price: fen.optional(),
  quota: z.number().int().min(0).max(MAX_LIVE_QUOTA).optional(),
});
export type UpdateLiveLineBody = z.infer<typeof updateLiveLineBody>;
export const linkWechatRoomBody = z.strictObject({ roomId: z.number().int().min(1) });

/** A lineup SKU as the host sees it: what is sold, paid and left. */
export const hostLiveLine = liveLine.extend({
  /** Units reserved or paid. */
  sold: z.number().int().min(0),
  /** Units paid. */
  paid: z.number().int().min(0),
  /** Fen paid for this line. */
  gmv: fen,
  /** Units given back to the SKU's stock when the session ended. */
  returned: z.number().int().min(0),
});

/** The live sales board. */
export const liveBoard = z.object({
  /** Orders placed in the session (any state), and of them paid. */
  orders: z.number().int().min(0),
  paidOrders: z.number().int().min(0),
  /** Fen paid in the session. */
  gmv: fen,
  viewers: z.number().int().min(0),
  likes: z.number().int().min(0),
  lines: z.array(hostLiveLine.pick({ skuId: true, quota: true, sold: true, paid: true, left: true, gmv: true })),
});
export type LiveBoard = z.infer<typeof liveBoard>;

export const liveTimelineEntry = z.object({ type: z.string(), note: z.string(), at: timestamp });

export const hostLiveSession = liveSession.omit({ mine: true, lines: true }).extend({
  hostStaffId: id.nullable(),
  lines: z.array(hostLiveLine),
  board: liveBoard,
  timeline: z.array(liveTimelineEntry),
  /** WeChat: when the lineup was last pushed to the linked room. */
  wechatPushedAt: timestamp.nullable(),
});
export type HostLiveSession = z.infer<typeof hostLiveSession>;

export const hostLiveSessionListQuery = z.strictObject({ status: liveSessionStatus.optional(), ...pageQuery });
export const hostLiveSessionPage = cursorPage(hostLiveSession.pick({
  id: true, title: true, cover: true, startsAt: true, status: true, pinnedProductId: true, viewers: true, board: true,
}));
export type HostLiveSessionPage = z.infer<typeof hostLiveSessionPage>;

// ---------------------------------------------------------------------------------------------
// Realtime: the `live:{sessionId}` topic (anyone, guests included) and the host's `liveboard:{sessionId}`

export const liveLineUpdate = liveLine.pick({ skuId: true, price: true, quota: true, left: true });

/**
 * Events of `live:{sessionId}`. status and pinned are the session's own (kept and versioned);
 * lines (price, quota and stock left, coalesced, at most a few a second), bought and stats are
 * volatile (latest wins by `at`; a client that missed some refetches the session).
 */
export const liveTopicEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('live.status'), data: z.object({ sessionId: id, status: liveSessionStatus, at: timestamp }) }),
  z.object({ type: z.literal('live.pinned'), data: z.object({ sessionId: id, productId: id.nullable(), at: timestamp }) }),
  z.object({ type: z.literal('live.lines'), data: z.object({ sessionId: id, lines: z.array(liveLineUpdate), at: timestamp }) }),
  z.object({ type: z.literal('live.bought'), data: z.object({ sessionId: id, buyer: z.string(), title: z.string(), quantity: z.number().int().min(1), at: timestamp }) }),
  z.object({ type: z.literal('live.stats'), data: z.object({ sessionId: id, viewers: z.number().int().min(0), likes: z.number().int().min(0), at: timestamp }) }),
]);
export type LiveTopicEvent = z.infer<typeof liveTopicEvent>;

/**
 * Who may follow a session's board (`liveboard:{sessionId}`): the session's merchant's active
 * staff in the roles of the host's live routes (contract/routes.ts, LIVE_STAFF). Not the
 * merchant's topic, which carries every order and is for owners and operators only.
 */
export const LIVE_BOARD_TOPIC_ROLES = ['owner', 'operator', 'live_host'] as const satisfies readonly StaffRole[];

/**
 * `live.board` on `liveboard:{sessionId}`: the session's board, coalesced (volatile). The same
 * topic also carries the room's `live.stats` (liveTopicEvent's data: viewers and likes between
 * boards, latest `at` wins).
 */
export const liveBoardEvent = z.object({ sessionId: id, board: liveBoard, at: timestamp });
export type LiveBoardEvent = z.infer<typeof liveBoardEvent>;
