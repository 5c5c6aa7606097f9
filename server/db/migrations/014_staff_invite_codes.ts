import type { Kysely } from 'kysely';

/**
 * Staff invite codes (docs/merchant.md, "Staff invites"; decision 0023).
 *
 * On `merchant_staff` (the merchant module's): an invite's one-time code, kept only as its
 * SHA-256 (`code_hash`, unique: a code names one invite), and when it stops working
 * (`code_expires_at`). Both are cleared when the invite is taken, by its code or by its phone's
 * first login; withdrawing the invite deletes the row. Invites made before have no code (their
 * phone still binds them).
 *
 * `staff_invite_attempts` (merchant's): wrong invite codes per account in the current window,
 * the rate limit on guessing codes (one row per account that ever typed a wrong one).
 *
 * Numbered 014 after 013; it touches only the merchant module's table and a new one, so it runs
 * whether or not a migration of another branch numbered near it ran first (decision 0016).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('merchant_staff').addColumn('code_hash', 'text').execute();
  await db.schema.alterTable('merchant_staff').addColumn('code_expires_at', 'bigint').execute();
  // The one read a code makes; several nulls are allowed (members, invites without a code).
  await db.schema.createIndex('merchant_staff_code_hash_uq').unique().on('merchant_staff').column('code_hash').execute();

  await db.schema
    .createTable('staff_invite_attempts')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staff_invite_attempts').ifExists().execute();
  await db.schema.dropIndex('merchant_staff_code_hash_uq').ifExists().execute();
  await db.schema.alterTable('merchant_staff').dropColumn('code_expires_at').execute();
  await db.schema.alterTable('merchant_staff').dropColumn('code_hash').execute();
}
