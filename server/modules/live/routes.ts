import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { defineHandlers } from '../../infra/http';
import { WindowLimiter } from '../../infra/rate-limit';
import type { VolatileChannel } from '../../realtime/volatile';
import { CLOSED } from './machine';
import { createLivePushes, type LivePushes, type LivePushLog } from './pushes';
import { hostSessionView, viewerSessionView } from './reads';
import { actSession, addLine, createSession, listHostSessions, pinProduct, updateLine, updateSession } from './sessions';
import { addLikes, listViewerSessions } from './viewer';
import { linkWechatRoom, type WechatLiveGoods, type WechatLinkLog } from './wechat';

/** Like requests one viewer (account, or address for a guest) may send a minute; each carries up to MAX_LIKES_PER_REQUEST taps. */
export const LIKE_REQUESTS_PER_MINUTE = 60;

export interface LiveDeps {
  db: Kysely<Database>;
  /** Volatile pushes (lines, stats, board, "just bought"): the realtime channel's. */
  volatile: VolatileChannel;
  /** WeChat's live room goods; null when WeChat is not configured (linking a room answers 503). */
  wechat: WechatLiveGoods | null;
  log: LivePushLog & WechatLinkLog;
  /** Push intervals (tests). */
  pushes?: { linesMs?: number; statsMs?: number };
}

/**
 * The live routes (docs/live.md). Staff routes act on `ctx.staff`'s merchant only: another
 * merchant's session is 404. Every change is one transaction with its timeline entry, audit
 * entry and (status, pin) events; the volatile pushes follow the commit.
 */
export function liveHandlers(deps: LiveDeps, pushes: LivePushes) {
  const { volatile } = deps;
  const likesPerViewer = new WindowLimiter(LIKE_REQUESTS_PER_MINUTE, 60_000);
  const hostView = (merchantId: string, sessionId: string) => hostSessionView(deps.db, volatile, merchantId, sessionId);
  return defineHandlers({
    listLiveSessions: async ({ db, query }) => listViewerSessions(db, volatile, query),
    getLiveSession: async ({ db, user, params }) => viewerSessionView(db, volatile, params.sessionId, user?.id ?? null),
    likeLiveSession: async ({ db, user, ip, params, body }) => {
      const key = user ? `u:${user.id}` : `ip:${ip}`;
      if (!likesPerViewer.hit(key)) {
        throw new AppError('RATE_LIMITED', `At most ${LIKE_REQUESTS_PER_MINUTE} like requests a minute`, { retryAfterSeconds: likesPerViewer.retryAfterSeconds(key) });
      }
      return addLikes(db, params.sessionId, body.count);
    },
    listHostLiveSessions: async ({ db, staff, query }) => listHostSessions(db, volatile, staff.merchantId, query),
    createLiveSession: async ({ db, staff, body }) => {
      const { sessionId } = await createSession(db, staff, body);
      return hostView(staff.merchantId, sessionId);
    },
    getHostLiveSession: async ({ staff, params }) => hostView(staff.merchantId, params.sessionId),
    updateLiveSession: async ({ db, staff, params, body }) => {
      await updateSession(db, staff, params.sessionId, body);
      return hostView(staff.merchantId, params.sessionId);
    },
    actLiveSession: async ({ db, staff, params, body }) => {
      const outcome = await actSession(db, staff, params.sessionId, body.action);
      if (CLOSED.includes(outcome.status)) {
        pushes.offAir(params.sessionId);
        pushes.linesChanged(params.sessionId);
      }
      return hostView(staff.merchantId, params.sessionId);
    },
    pinLiveProduct: async ({ db, staff, params, body }) => {
      await pinProduct(db, staff, params.sessionId, body.productId);
      return hostView(staff.merchantId, params.sessionId);
    },
    addLiveLine: async ({ db, staff, params, body }) => {
      await addLine(db, staff, params.sessionId, body);
      pushes.linesChanged(params.sessionId);
      return hostView(staff.merchantId, params.sessionId);
    },
    updateLiveLine: async ({ db, staff, params, body }) => {
      if (await updateLine(db, staff, params.sessionId, params.skuId, body)) pushes.linesChanged(params.sessionId);
      return hostView(staff.merchantId, params.sessionId);
    },
    linkLiveWechatRoom: async ({ db, staff, params, body }) => {
      await linkWechatRoom(db, deps.wechat, deps.log, staff, params.sessionId, body.roomId);
      return hostView(staff.merchantId, params.sessionId);
    },
  });
}

/** The module as the app mounts it: its handlers, and its push timers stopped when the app closes. */
export function liveModule(deps: LiveDeps) {
  const pushes = createLivePushes(deps.db, deps.volatile, deps.log, deps.pushes);
  return {
    handlers: liveHandlers(deps, pushes),
    pushes,
    registerExtra: (app: FastifyInstance) => {
      app.addHook('onClose', async () => pushes.stop());
    },
  };
}
