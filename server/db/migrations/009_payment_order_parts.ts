import { sql, type Kysely } from 'kysely';

/**
 * A payment's part of a child order keeps what the capture and the cover check need of that
 * order (its merchant and payable amount, which never change once the order exists), so the
 * payment module reads its own table instead of joining the order module's (server/modules,
 * "a module's SQL names only the tables it owns"). Existing rows are filled from the orders.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_orders').addColumn('merchant_id', 'text').execute();
  await db.schema.alterTable('payment_orders').addColumn('payable_amount', 'bigint').execute();
  await sql`update payment_orders set
      merchant_id = (select o.merchant_id from orders o where o.id = payment_orders.order_id),
      payable_amount = (select o.payable_amount from orders o where o.id = payment_orders.order_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_orders').dropColumn('payable_amount').execute();
  await db.schema.alterTable('payment_orders').dropColumn('merchant_id').execute();
}
