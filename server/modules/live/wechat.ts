import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { AppError } from '../../infra/errors';
import type { StaffAccess } from '../../infra/http';
import { newId } from '../../infra/ids';
import { IllegalTransitionError } from '../../infra/state-machine';
import { loadSkus } from '../catalog';
import { recordAudit } from '../merchant';
import { liveSessionMachine, OPEN } from './machine';
import { linesOf, merchantSession } from './reads';

type Db = Kysely<Database>;

/** One lineup SKU as WeChat's live room goods take it (the client converts fen to yuan and names). */
export interface WechatLiveGood {
  skuId: string;
  productId: string;
  title: string;
  image: string;
  /** The session price, fen. */
  price: number;
  /** The SKU's own price, fen. */
  originalPrice: number;
  /** Our page the goods card opens (no leading slash), carrying the session so the checkout prices it. */
  path: string;
}

/**
 * WeChat's live-player-plugin goods APIs (`goods/add`, `room/addgoods`, `goods/push`), as the
 * live module needs them: the real client and the sandbox's stand-in implement it, and the app
 * gives it to the module (null when WeChat is not configured).
 */
export interface WechatLiveGoods {
  pushLineup(roomId: number, goods: WechatLiveGood[]): Promise<void>;
}

export interface WechatLinkLog {
  warn(obj: object, msg: string): void;
}

/** The product page a goods card opens, with the session whose price the checkout applies. */
export function liveGoodsPath(productId: string, sessionId: string): string {
  return `pages/product/index?id=${encodeURIComponent(productId)}&liveSessionId=${encodeURIComponent(sessionId)}`;
}

/**
 * Links the session to a WeChat room and pushes its lineup there. The link is stored first (its
 * own transaction, audited), then the lineup is pushed (a remote call, outside any transaction),
 * then `wechat_pushed_at` is stamped. A failed push leaves the room linked and answers 502
 * LIVE_WECHAT_FAILED; linking again (the same room) pushes again.
 */
export async function linkWechatRoom(db: Db, wechat: WechatLiveGoods | null, log: WechatLinkLog, staff: StaffAccess, sessionId: string, roomId: number, now = Date.now()): Promise<void> {
  if (!wechat) throw new AppError('LIVE_WECHAT_UNAVAILABLE', 'WeChat live rooms are not configured on this server');
  const goods = await transact(db, async (trx) => {
    const row = await trx
      .updateTable('live_sessions')
      .set({ wechat_room_id: roomId, updated_at: now })
      .where('id', '=', sessionId)
      .where('merchant_id', '=', staff.merchantId)
      .where('status', 'in', [...OPEN])
      .returning(['id'])
      .executeTakeFirst();
    if (!row) {
      const current = await merchantSession(trx, staff.merchantId, sessionId);
      throw new IllegalTransitionError(liveSessionMachine.name, current.status, 'link_wechat_room');
    }
    const lines = (await linesOf(trx, [sessionId])).get(sessionId) ?? [];
    const skus = await loadSkus(trx, lines.map((l) => l.sku_id));
    const out: WechatLiveGood[] = lines.map((l) => {
      const sku = skus.get(l.sku_id);
      return {
        skuId: l.sku_id,
        productId: l.product_id,
        title: sku ? [sku.title, sku.specText].filter(Boolean).join(' ') : l.sku_id,
        image: sku?.image ?? '',
        price: l.price,
        originalPrice: sku?.price ?? l.price,
        path: liveGoodsPath(l.product_id, sessionId),
      };
    });
    await trx.insertInto('live_events').values({ id: newId('lev', now), session_id: sessionId, type: 'wechat_linked', note: String(roomId), staff_id: staff.staffId, at: now }).execute();
    await recordAudit(trx, { merchantId: staff.merchantId, actorId: staff.userId, action: 'live.wechat_linked', target: `live_session:${sessionId}`, detail: { roomId, goods: out.length } }, now);
    return out;
  });
  try {
    await wechat.pushLineup(roomId, goods);
  } catch (err) {
    log.warn({ err, sessionId, roomId }, 'pushing the lineup to the WeChat live room failed');
    throw new AppError('LIVE_WECHAT_FAILED', 'WeChat did not take the lineup; link the room again to push it again', { roomId });
  }
  // Only for the room just pushed to (another link meanwhile pushes and stamps its own).
  await db.updateTable('live_sessions').set({ wechat_pushed_at: Date.now() }).where('id', '=', sessionId).where('wechat_room_id', '=', roomId).execute();
}
