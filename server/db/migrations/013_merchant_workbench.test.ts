import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { createDb } from '../index';
import { migrations } from './index';

/**
 * 013 runs whether or not another branch's 012 ran (migrations run unordered, decision 0016),
 * and fills the orders made before it with their fulfilment type and buyer contact from the
 * snapshots they kept.
 */
it('runs without 012 and fills older orders with their type and contact', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-mig-'));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, 'shop.db') });
  try {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '012'));
    const first = await new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(first.error).toBeUndefined();
    const order = (id: string, fulfilment: object, shipTo: string) =>
      sql`insert into orders (id, parent_id, user_id, merchant_id, merchant_name, status, items_amount, shipping_amount, discount_amount, payable_amount, fulfilment, ship_to, remark, created_at, updated_at, expires_at, order_no)
          values (${id}, 'po_1', 'u_1', 'm_1', '店', 'paid', 100, 0, 0, 100, ${JSON.stringify(fulfilment)}, ${shipTo}, null, 1, 1, 1, ${`2026010100000000${id.slice(-3)}`})`.execute(db);
    await sql`pragma foreign_keys = off`.execute(db);
    await order('o_001', { type: 'delivery', addressId: 'adr_1' }, '李四 13811112222 上海市上海市浦东新区世纪大道 1 号');
    await order('o_002', { type: 'pickup', contactName: '赵六', contactPhone: '13933334444' }, '一店（上海）');
    const without012 = Object.fromEntries(Object.entries(migrations).filter(([name]) => !name.startsWith('012_') && name < '015'));
    const second = await new Migrator({ db, provider: { getMigrations: async () => without012 }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(second.error).toBeUndefined();
    expect(second.results?.map((r) => r.migrationName)).toContain('013_merchant_workbench');
    const rows = await db.selectFrom('orders').select(['id', 'fulfilment_type', 'contact_name', 'contact_phone', 'pickup_code', 'merchant_remark']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'o_001', fulfilment_type: 'delivery', contact_name: '李四', contact_phone: '13811112222', pickup_code: null, merchant_remark: null },
      { id: 'o_002', fulfilment_type: 'pickup', contact_name: '赵六', contact_phone: '13933334444', pickup_code: null, merchant_remark: null },
    ]);
    expect(await db.selectFrom('shipments').select('id').execute()).toEqual([]);
    expect((await sql`select merchant_id from dashboard_marks`.execute(db)).rows).toEqual([]);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
