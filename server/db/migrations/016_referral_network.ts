import type { Kysely } from 'kysely';

/**
 * The referral network (docs/referral.md): `referral_bindings`, one row per shopper who was
 * referred, naming the promoter (the referral module's).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('referral_bindings')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('link_id', 'text')
    .addColumn('bound_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  // The team by level: who a promoter referred.
  await db.schema.createIndex('referral_bindings_promoter_idx').on('referral_bindings').columns(['promoter_id', 'bound_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('referral_bindings').ifExists().execute();
}
