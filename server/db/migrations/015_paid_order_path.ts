import { sql, type Kysely } from 'kysely';

/**
 * The paid order's path without extra round trips (docs/benchmarks.md, "Checkout after the
 * merchant's side"; decision 0027).
 *
 * On `orders` (the order module's): what the workbench's row shows of an order's lines, kept on
 * the order when it is placed (its lines never change): the first line's title and image, the
 * number of lines and of items. The pay transition hands them back with its update, so the
 * order.paid event carries the workbench's row without reading the lines. Orders made before
 * are filled from their lines.
 *
 * `dashboard_changes` (the dashboard module's) replaces `dashboard_marks`: one row per event
 * that changed a merchant's figures, written in the event's own transaction. An insert of a new
 * key never waits for another transaction (a per-merchant mark upserted there would: every
 * concurrent payment of the merchant would queue behind the first, and take part in the lock
 * order); the push job takes a merchant's rows and pushes once: the figures, and the rows of the
 * orders paid since the last push (a paid order's row reaches the merchant's topic from the push,
 * not from the payment's transaction, where the topic's row would serialise the merchant's payments).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('first_title', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('orders').addColumn('first_image', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('orders').addColumn('line_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('orders').addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update orders set
      first_title = coalesce((select l.title from order_lines l where l.order_id = orders.id order by l.line_no limit 1), ''),
      first_image = coalesce((select l.image from order_lines l where l.order_id = orders.id order by l.line_no limit 1), ''),
      line_count = (select count(*) from order_lines l where l.order_id = orders.id),
      item_count = coalesce((select sum(l.quantity) from order_lines l where l.order_id = orders.id), 0)
  `.execute(db);

  await db.schema
    .createTable('dashboard_changes')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    // order.paid's order: the push sends the workbench's rows of the new paid orders.
    .addColumn('order_id', 'text')
    .execute();
  await db.schema.createIndex('dashboard_changes_merchant_idx').on('dashboard_changes').columns(['merchant_id', 'at']).execute();
  // Marks still waiting become changes (their merchant is pushed at the next run).
  await sql`insert into dashboard_changes (event_id, merchant_id, at) select 'mark_' || merchant_id, merchant_id, due_at - 2000 from dashboard_marks`.execute(db);
  await db.schema.dropTable('dashboard_marks').execute();
  // The dashboard consumer's deliveries are no longer relayed (no sink has that name now).
  await sql`delete from outbox_deliveries where sink = 'dashboard'`.execute(db);
  await sql`delete from consumed_events where consumer = 'dashboard'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dashboard_marks')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_marks_due_idx').on('dashboard_marks').column('due_at').execute();
  await db.schema.dropTable('dashboard_changes').ifExists().execute();
  for (const column of ['item_count', 'line_count', 'first_image', 'first_title']) {
    await db.schema.alterTable('orders').dropColumn(column).execute();
  }
}
