import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * A ledger account's id is its key: `<kind>:<owner>` (server/modules/wallet/ledger.ts,
 * accountIdOf), so the unique constraint on (kind, owner_id) only repeats the primary key. On
 * PostgreSQL it also broke the one statement that creates or locks a transaction's accounts in
 * order (INSERT ... ON CONFLICT (id) DO UPDATE): a racing creator of the same account could
 * fail on this second unique index instead of waiting on the first. It becomes a plain index
 * (balances are still read by kind and owner). SQLite runs one writer at a time and cannot drop
 * a table constraint in place: it keeps it.
 */
function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema.alterTable('ledger_accounts').dropConstraint('ledger_accounts_kind_owner_uq').execute();
  await db.schema.createIndex('ledger_accounts_kind_owner_idx').on('ledger_accounts').columns(['kind', 'owner_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema.dropIndex('ledger_accounts_kind_owner_idx').execute();
  await db.schema.alterTable('ledger_accounts').addUniqueConstraint('ledger_accounts_kind_owner_uq', ['kind', 'owner_id']).execute();
}
