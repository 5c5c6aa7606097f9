import type { Kysely } from 'kysely';

/**
 * Which of the sharded ledger accounts (server/modules/wallet/ledger.ts, LEDGER_SHARDS) a
 * payment posts to. Payments created before it keep shard 0, the accounts they were held on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('ledger_shard', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('ledger_shard').execute();
}
