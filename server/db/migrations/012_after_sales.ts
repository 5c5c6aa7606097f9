import type { Kysely } from 'kysely';

/**
 * The after-sale module's tables (docs/aftersale.md, decision 0024), and the link from a refund
 * to what caused it.
 *
 * `after_sales`: one row per request, its status run by the after-sale machine
 * (server/modules/aftersale/machine.ts); `deadline_at` is the merchant's deadline while
 * requested and the shopper's while awaiting_return (the jobs read it).
 * `after_sale_lines`: the order lines and quantities a request covers, with each line's part of
 * the amount; a line's units held by open or refunded requests are never asked for twice.
 * `uploads`: the shoppers' images (the files live under DATA_DIR/uploads).
 * `refunds.source_ref`: the after-sale request a refund of source `after_sale` belongs to.
 *
 * Numbered 012 and standing alone (decision 0016): it runs whether or not 010 and 011 did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('after_sales')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    /** JSON array of upload ids. */
    .addColumn('photos', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('shipping_amount', 'bigint', (c) => c.notNull())
    /** JSON of the contract's returnAddress. */
    .addColumn('return_address', 'text')
    .addColumn('return_carrier', 'text')
    .addColumn('return_tracking_no', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('refund_id', 'text')
    .addColumn('deadline_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('refunded_at', 'bigint')
    .execute();
  await db.schema.createIndex('after_sales_user_idx').on('after_sales').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('after_sales_merchant_idx').on('after_sales').columns(['merchant_id', 'status', 'created_at', 'id']).execute();
  await db.schema.createIndex('after_sales_order_idx').on('after_sales').column('order_id').execute();
  await db.schema.createIndex('after_sales_due_idx').on('after_sales').columns(['status', 'deadline_at']).execute();
  await db.schema.createIndex('after_sales_refund_idx').on('after_sales').column('refund_id').execute();

  await db.schema
    .createTable('after_sale_lines')
    .addColumn('after_sale_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    /** A snapshot of the order line, for the lists. */
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('spec_text', 'text', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('after_sale_lines_pk', ['after_sale_id', 'line_no'])
    .execute();
  await db.schema.createIndex('after_sale_lines_order_idx').on('after_sale_lines').columns(['order_id', 'line_no']).execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('refunds').addColumn('source_ref', 'text').execute();
  await db.schema.createIndex('refunds_source_ref_idx').on('refunds').columns(['source', 'source_ref']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refunds_source_ref_idx').ifExists().execute();
  await db.schema.alterTable('refunds').dropColumn('source_ref').execute();
  await db.schema.dropTable('uploads').ifExists().execute();
  await db.schema.dropTable('after_sale_lines').ifExists().execute();
  await db.schema.dropTable('after_sales').ifExists().execute();
}
