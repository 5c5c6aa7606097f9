import { sql, type Kysely } from 'kysely';

/**
 * The merchant's workbench (docs/merchant.md, decision 0025).
 *
 * On `orders` (the order module's): the fulfilment type as its own column (the workbench's tabs
 * split paid orders into to-ship and to-pick-up), the buyer's contact name and phone (search by
 * phone; the delivery address's or the pickup contact's), the pickup code issued when a pickup
 * order is paid with its wrong-attempt counter (rate limit), when it was picked up, and the
 * merchant's own remark. Orders made before get their type and contact from the fulfilment and
 * address snapshot they kept.
 *
 * `shipments` (order's): one row per parcel of a shipped order, with its carrier, tracking
 * number and, when the parcels split the order, the lines it holds.
 *
 * `dashboard_marks` (the dashboard module's): merchants whose figures changed and are due to be
 * pushed (one row per merchant: the push is debounced).
 *
 * Numbered 013: 012 is another branch's; migrations run unordered (decision 0016), so this one
 * touches only its own columns and tables and runs whether or not 012 ran before it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('fulfilment_type', 'text', (c) => c.notNull().defaultTo('delivery')).execute();
  await db.schema.alterTable('orders').addColumn('contact_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('orders').addColumn('contact_phone', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('orders').addColumn('pickup_code', 'text').execute();
  await db.schema.alterTable('orders').addColumn('pickup_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('orders').addColumn('pickup_failed_at', 'bigint').execute();
  await db.schema.alterTable('orders').addColumn('picked_up_at', 'bigint').execute();
  await db.schema.alterTable('orders').addColumn('merchant_remark', 'text').execute();

  const { rows } = await sql<{ id: string; fulfilment: string; ship_to: string }>`select id, fulfilment, ship_to from orders`.execute(db);
  for (const row of rows) {
    let type = 'delivery';
    let name = '';
    let phone = '';
    try {
      const f = JSON.parse(row.fulfilment) as { type?: string; contactName?: string; contactPhone?: string };
      if (f.type === 'pickup') {
        type = 'pickup';
        name = f.contactName ?? '';
        phone = f.contactPhone ?? '';
      } else {
        // The delivery snapshot starts with "<name> <phone> <address>".
        const [first, second] = row.ship_to.split(' ');
        name = first ?? '';
        phone = /^1\d{10}$/.test(second ?? '') ? second : '';
      }
    } catch {
      // An unreadable snapshot keeps the defaults.
    }
    await sql`update orders set fulfilment_type = ${type}, contact_name = ${name}, contact_phone = ${phone} where id = ${row.id}`.execute(db);
  }

  // The workbench's tabs and counts, the list of all orders, search by phone, today's figures.
  await db.schema.createIndex('orders_merchant_status_idx').on('orders').columns(['merchant_id', 'status', 'fulfilment_type', 'created_at']).execute();
  await db.schema.createIndex('orders_merchant_created_idx').on('orders').columns(['merchant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('orders_merchant_phone_idx').on('orders').columns(['merchant_id', 'contact_phone']).execute();
  await db.schema.createIndex('orders_merchant_paid_idx').on('orders').columns(['merchant_id', 'paid_at']).execute();

  await db.schema
    .createTable('shipments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('tracking_no', 'text', (c) => c.notNull())
    /** JSON array of the order's line numbers in this parcel; null: the whole order. */
    .addColumn('line_nos', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shipments_order_seq_uq').unique().on('shipments').columns(['order_id', 'seq']).execute();

  await db.schema
    .createTable('dashboard_marks')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_marks_due_idx').on('dashboard_marks').column('due_at').execute();

  // Today's refunds per merchant (the payment module's refunds, by when they succeeded).
  await db.schema.createIndex('refunds_succeeded_idx').on('refunds').columns(['status', 'succeeded_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refunds_succeeded_idx').ifExists().execute();
  await db.schema.dropTable('dashboard_marks').ifExists().execute();
  await db.schema.dropTable('shipments').ifExists().execute();
  for (const index of ['orders_merchant_status_idx', 'orders_merchant_created_idx', 'orders_merchant_phone_idx', 'orders_merchant_paid_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  for (const column of ['merchant_remark', 'picked_up_at', 'pickup_failed_at', 'pickup_failures', 'pickup_code', 'contact_phone', 'contact_name', 'fulfilment_type']) {
    await db.schema.alterTable('orders').dropColumn(column).execute();
  }
}
