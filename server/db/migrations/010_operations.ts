import { sql, type Kysely } from 'kysely';

/**
 * The step runner's operation log (server/infra/steps.ts): one row per multi-step flow that
 * got past its first transaction, with the first step not yet recorded, the flow's state and a
 * lease. The partial index keeps the resume job's scan to the operations still open.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create index operations_open on operations (next_attempt_at) where status in ('running', 'compensating')`.execute(db);
  await sql`create index operations_finished on operations (updated_at) where status in ('done', 'compensated')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('operations').execute();
}
