import type { Kysely } from 'kysely';

/**
 * Events carry the version of their payload (server/events/catalog.ts); events written before
 * this migration are version 1.
 *
 * Realtime (docs/realtime.md): `realtime_topics` holds each topic's current version (one row per
 * topic, bumped by one per message), `realtime_messages` what was sent on it, so a client that
 * was away is replayed what it missed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox_events').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema
    .createTable('realtime_topics')
    .addColumn('topic', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('realtime_messages')
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    /** JSON text: the message's data. */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('realtime_messages_pk', ['topic', 'version'])
    .execute();
  // Pruning reads by age.
  await db.schema.createIndex('realtime_messages_created_idx').on('realtime_messages').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('realtime_messages').ifExists().execute();
  await db.schema.dropTable('realtime_topics').ifExists().execute();
  await db.schema.alterTable('outbox_events').dropColumn('version').execute();
}
