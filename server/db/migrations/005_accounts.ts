import type { Kysely } from 'kysely';

/**
 * Account state for authentication: `status` (active | disabled) and `token_version`, which
 * every session token carries; a token whose version is not the account's current one is
 * refused (server/modules/identity/accounts.ts). Existing accounts start active at version 0,
 * the version of tokens issued before this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
  await db.schema.alterTable('users').addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('status_changed_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('status_changed_at').execute();
  await db.schema.alterTable('users').dropColumn('token_version').execute();
  await db.schema.alterTable('users').dropColumn('status').execute();
}
