import type { Kysely } from 'kysely';
import type { Database } from '../db/types';

/**
 * What was pushed to WeChat for one (session, SKU): the goods WeChat made of it, the url and
 * price it carries, its audit status as last read and the room it was imported into. WeChat
 * asks developers to keep the goods id and the audit id ("如果丢失，则无法调用其他相关接口").
 */
export interface WechatGoodsEntry {
  sessionId: string;
  skuId: string;
  goodsId: number;
  auditId: number;
  url: string;
  priceType: 1 | 3;
  /** Fen. */
  price: number;
  price2: number;
  auditStatus: number;
  roomId: number | null;
}

/** Where the client keeps its entries; the live module may own it later (any store with these two calls). */
export interface WechatGoodsBook {
  get(sessionId: string, skuId: string): Promise<WechatGoodsEntry | null>;
  /** Inserts or replaces the entry of (sessionId, skuId). */
  put(entry: WechatGoodsEntry, now: number): Promise<void>;
}

/** The book on its table (wechat_live_goods, migration 023): one row per (session, SKU), written after each call that changed it. */
export function sqlWechatGoodsBook(db: Kysely<Database>): WechatGoodsBook {
  return {
    async get(sessionId, skuId) {
      const row = await db.selectFrom('wechat_live_goods').selectAll().where('session_id', '=', sessionId).where('sku_id', '=', skuId).executeTakeFirst();
      if (!row) return null;
      return {
        sessionId: row.session_id,
        skuId: row.sku_id,
        goodsId: Number(row.goods_id),
        auditId: Number(row.audit_id),
        url: row.url,
        priceType: Number(row.price_type) === 3 ? 3 : 1,
        price: Number(row.price),
        price2: Number(row.price2),
        auditStatus: Number(row.audit_status),
        roomId: row.room_id === null ? null : Number(row.room_id),
      };
    },
    async put(e, now) {
      const values = {
        goods_id: e.goodsId,
        audit_id: e.auditId,
        url: e.url,
        price_type: e.priceType,
        price: e.price,
        price2: e.price2,
        audit_status: e.auditStatus,
        room_id: e.roomId,
        updated_at: now,
      };
      await db
        .insertInto('wechat_live_goods')
        .values({ session_id: e.sessionId, sku_id: e.skuId, ...values, created_at: now })
        .onConflict((oc) => oc.columns(['session_id', 'sku_id']).doUpdateSet(values))
        .execute();
    },
  };
}
