import type { Kysely } from 'kysely';

/**
 * The merchant module's tables (decision 0023).
 *
 * `merchant_staff`: who works for a merchant and as what. A row is a member (an account,
 * `user_id`) or an invite waiting for its phone's first login (`user_id` null, status
 * `invited`); the invite keeps its id when it is taken. An account is staff of a merchant at
 * most once, and a phone number is invited to a merchant at most once. Every merchant request
 * reads the caller's row by (merchant_id, user_id); removing a member deletes the row, so their
 * next request is refused.
 *
 * `audit_log`: every merchant action, written in the transaction of the change (recordAudit),
 * read by the owner newest first.
 *
 * Numbered 011: 010 is another branch's; migrations run unordered (decision 0016), so this one
 * stands alone and runs whether or not 010 ran before it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('merchant_staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('phone', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The membership every merchant request reads (several nulls are allowed: invites).
  await db.schema.createIndex('merchant_staff_member_uq').unique().on('merchant_staff').columns(['merchant_id', 'user_id']).execute();
  await db.schema.createIndex('merchant_staff_phone_uq').unique().on('merchant_staff').columns(['merchant_id', 'phone']).execute();
  // A person's workplaces; the invites a phone's login takes.
  await db.schema.createIndex('merchant_staff_user_idx').on('merchant_staff').column('user_id').execute();
  await db.schema.createIndex('merchant_staff_phone_idx').on('merchant_staff').column('phone').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    /** JSON text: what the action changed. */
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  // The owner's list: one merchant's entries, newest first, by (at, id).
  await db.schema.createIndex('audit_log_merchant_at_idx').on('audit_log').columns(['merchant_id', 'at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').ifExists().execute();
  await db.schema.dropTable('merchant_staff').ifExists().execute();
}
