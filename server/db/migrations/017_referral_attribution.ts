import { sql, type Kysely } from 'kysely';

/**
 * Referral attribution (docs/referral.md, "Attribution and binding"; decision 0028), the
 * referral module's: share links (`referral_links`, named by the token's link id), the first
 * and last touch per visitor (`referral_visits`), promoter applications
 * (`referral_applications`, one open per shopper).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('referral_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('campaign', 'text')
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  // A promoter's links for a target: reuse of a link still valid.
  await db.schema.createIndex('referral_links_promoter_idx').on('referral_links').columns(['promoter_id', 'target', 'expires_at']).execute();

  await db.schema
    .createTable('referral_visits')
    // `d:<device id>` or `u:<user id>`: a signed-in visit updates both.
    .addColumn('visitor', 'text', (c) => c.primaryKey())
    .addColumn('first_link_id', 'text', (c) => c.notNull())
    .addColumn('first_promoter_id', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_link_id', 'text', (c) => c.notNull())
    .addColumn('last_promoter_id', 'text', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('last_platform', 'text', (c) => c.notNull())
    .addColumn('last_scene', 'integer')
    .addColumn('device_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('referral_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema.createIndex('referral_applications_user_idx').on('referral_applications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('referral_applications_status_idx').on('referral_applications').columns(['status', 'created_at']).execute();
  // One open application per shopper, whatever races.
  await db.schema
    .createIndex('referral_applications_one_open')
    .on('referral_applications')
    .column('user_id')
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('referral_applications').ifExists().execute();
  await db.schema.dropTable('referral_visits').ifExists().execute();
  await db.schema.dropTable('referral_links').ifExists().execute();
}
