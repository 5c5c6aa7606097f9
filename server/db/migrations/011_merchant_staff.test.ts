import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql, type Migration } from 'kysely';
import { createDb } from '../index';
import { migrations } from './index';

/**
 * 011 is numbered past 010, which another branch owns: it must run on a database that has no
 * 010, and a 010 merged later must still run on a database that already ran 011 (migrations run
 * unordered, decision 0016). The migrator's order is by name; the DDL itself is run on both
 * dialects by every test database.
 */
it('runs without 010, and a 010 that arrives later still runs after it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-mig-'));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, 'shop.db') });
  try {
    const without010 = Object.fromEntries(Object.entries(migrations).filter(([name]) => !name.startsWith('010_')));
    expect(Object.keys(without010)).toContain('011_merchant_staff');
    const first = await new Migrator({ db, provider: { getMigrations: async () => without010 }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(first.error).toBeUndefined();
    expect(first.results?.map((r) => r.migrationName)).toContain('011_merchant_staff');

    const late010: Migration = { up: async (d) => void (await sql`create table late_010 (id text primary key)`.execute(d)) };
    const withLate = { ...without010, '010_from_another_branch': late010 };
    const second = await new Migrator({ db, provider: { getMigrations: async () => withLate }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(second.error).toBeUndefined();
    expect(second.results?.map((r) => [r.migrationName, r.status])).toEqual([['010_from_another_branch', 'Success']]);
    // 011's tables are there and usable.
    await db.insertInto('merchant_staff').values({ id: 'stf_1', merchant_id: 'm_1', user_id: null, phone: '13900000000', role: 'operator', status: 'invited', invited_by: null, created_at: 1, updated_at: 1 }).execute();
    expect(await db.selectFrom('audit_log').select('id').execute()).toEqual([]);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
