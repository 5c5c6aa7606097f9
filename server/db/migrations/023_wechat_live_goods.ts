import type { Kysely } from 'kysely';

/**
 * The WeChat live goods book (docs/live.md, "Distribution"): for each (session, SKU) pushed to a
 * WeChat live-player-plugin room, the goods WeChat created for it (`goodsId`, and the `auditId`
 * WeChat says must be kept), the url and price it was given, its audit status as last read and
 * the room it was imported into. A second push of the lineup updates the goods' price
 * (goods/update) instead of adding it again (goods/add is 500 a day).
 *
 * Written by server/wechatlive (the WeChat client), which the live module drives; the live
 * module may take the table over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wechat_live_goods')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('goods_id', 'bigint', (c) => c.notNull())
    .addColumn('audit_id', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // 1 一口价 | 3 折扣价 (price = original, price2 = the session's)
    .addColumn('price_type', 'integer', (c) => c.notNull())
    // Fen, as sent (WeChat takes yuan).
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('price2', 'integer', (c) => c.notNull())
    // 0 未审核 | 1 审核中 | 2 审核通过 | 3 审核驳回, as last read
    .addColumn('audit_status', 'integer', (c) => c.notNull())
    // The room it was imported into (room/addgoods), null until then.
    .addColumn('room_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('wechat_live_goods_pk', ['session_id', 'sku_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('wechat_live_goods').ifExists().execute();
}
