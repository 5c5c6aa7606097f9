import { sql, type Kysely } from 'kysely';

/**
 * Live-stream ordering (docs/live.md):
 *
 * - `live_sessions` (the live module's): one per session: its merchant and host, what viewers
 *   see (title, cover, start, stream), the lifecycle status, the per-shopper limit, the pinned
 *   product, likes, the linked WeChat room.
 * - `live_lines`: one per (session, SKU): the session price, the quota carved out of the SKU's
 *   stock, `sold` (reserved or paid), `paid` and `paid_amount` (the board), `returned` (given
 *   back to stock when the session ended). CHECK sold <= quota: the database's own last guard.
 * - `live_purchases`: units of one SKU one shopper holds in the session (reserved or paid); the
 *   per-shopper limit is a guarded upsert of this row, so the database enforces it.
 * - `live_order_lines`: what each order took from a session (reserved -> paid, or returned when
 *   the order closed unpaid): closure and late payments act on it once per order.
 * - `live_events`: the session's timeline (started, paused, pinned, price changed, ...).
 * - `orders.live_session_id` (the order module's): the session an order was placed from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('host_staff_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('cover', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('playback_url', 'text', (c) => c.notNull())
    // scheduled | live | paused | ended | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('per_shopper_limit', 'integer', (c) => c.notNull())
    .addColumn('pinned_product_id', 'text')
    .addColumn('likes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('peak_viewers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wechat_room_id', 'bigint')
    .addColumn('wechat_pushed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .execute();
  // The viewers' list (on air, then upcoming) and the host's list.
  await db.schema.createIndex('live_sessions_status_idx').on('live_sessions').columns(['status', 'starts_at', 'id']).execute();
  await db.schema.createIndex('live_sessions_merchant_idx').on('live_sessions').columns(['merchant_id', 'starts_at', 'id']).execute();

  await db.schema
    .createTable('live_lines')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('quota', 'integer', (c) => c.notNull())
    .addColumn('sold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('returned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_lines_pk', ['session_id', 'sku_id'])
    .addCheckConstraint('live_lines_sold_check', sql`sold >= 0 AND sold <= quota AND paid >= 0 AND paid <= sold`)
    .execute();

  await db.schema
    .createTable('live_purchases')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_purchases_pk', ['session_id', 'sku_id', 'user_id'])
    .addCheckConstraint('live_purchases_units_check', sql`units >= 0`)
    .execute();

  await db.schema
    .createTable('live_order_lines')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'integer', (c) => c.notNull())
    // reserved | paid | returned
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_order_lines_pk', ['order_id', 'sku_id'])
    .execute();
  await db.schema.createIndex('live_order_lines_session_idx').on('live_order_lines').columns(['session_id', 'state']).execute();

  await db.schema
    .createTable('live_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_events_session_idx').on('live_events').columns(['session_id', 'at', 'id']).execute();

  await db.schema.alterTable('orders').addColumn('live_session_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('live_session_id').execute();
  await db.schema.dropTable('live_events').ifExists().execute();
  await db.schema.dropTable('live_order_lines').ifExists().execute();
  await db.schema.dropTable('live_purchases').ifExists().execute();
  await db.schema.dropTable('live_lines').ifExists().execute();
  await db.schema.dropTable('live_sessions').ifExists().execute();
}
