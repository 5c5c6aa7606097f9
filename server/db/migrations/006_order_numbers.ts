import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/** The order number of the day this migration was written (a migration keeps its own copy): YYYYMMDD in China time + 11 random digits. */
function orderNumber(now: number): string {
  let random = '';
  for (let i = 0; i < 11; i++) random += String(randomInt(10));
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '') + random;
}

/**
 * Human-readable order numbers (server/modules/order/number.ts) on parent and child orders,
 * unique, so a merchant can look an order up by the number a shopper reads out. Orders made
 * before get a number from their creation date. Touches only these two tables' new column and
 * index, so it applies whatever migration 005 does (the migrator allows a late 005 to run after
 * it on a database that already has it; server/db/index.ts).
 */
const TABLES = ['parent_orders', 'orders'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.alterTable(table).addColumn('order_no', 'text').execute();
    const { rows } = await sql<{ id: string; created_at: number | string }>`select id, created_at from ${sql.table(table)}`.execute(db);
    const taken = new Set<string>();
    for (const row of rows) {
      let no = orderNumber(Number(row.created_at));
      while (taken.has(no)) no = orderNumber(Number(row.created_at));
      taken.add(no);
      await sql`update ${sql.table(table)} set order_no = ${no} where id = ${row.id}`.execute(db);
    }
    await db.schema.createIndex(`${table}_order_no_uq`).on(table).column('order_no').unique().execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.dropIndex(`${table}_order_no_uq`).execute();
    await db.schema.alterTable(table).dropColumn('order_no').execute();
  }
}
