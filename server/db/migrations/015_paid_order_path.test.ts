import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { createDb } from '../index';
import { migrations } from './index';

/**
 * 015 fills the orders made before it with their lines' summary, and turns the dashboard's
 * waiting marks into changes (their merchants are pushed at the next run), dropping the old
 * consumer's deliveries.
 */
it("fills older orders with their lines' summary and keeps waiting dashboard marks", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-mig-'));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, 'shop.db') });
  try {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '015'));
    const first = await new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(first.error).toBeUndefined();
    await sql`pragma foreign_keys = off`.execute(db);
    const order = (id: string) =>
      sql`insert into orders (id, parent_id, user_id, merchant_id, merchant_name, status, items_amount, shipping_amount, discount_amount, payable_amount, fulfilment, ship_to, remark, created_at, updated_at, expires_at, order_no)
          values (${id}, 'po_1', 'u_1', 'm_1', '店', 'paid', 100, 0, 0, 100, '{}', '', null, 1, 1, 1, ${`2026010100000000${id.slice(-3)}`})`.execute(db);
    const line = (orderId: string, no: number, title: string, quantity: number) =>
      sql`insert into order_lines (order_id, line_no, sku_id, product_id, title, spec_text, image, unit_price, quantity, line_amount)
          values (${orderId}, ${no}, 'sku_1', 'p_1', ${title}, '', ${`/img/${title}.png`}, 100, ${quantity}, ${100 * quantity})`.execute(db);
    await order('o_001');
    await line('o_001', 1, '第二件', 3);
    await line('o_001', 0, '第一件', 2);
    await order('o_002');
    await sql`insert into dashboard_marks (merchant_id, due_at) values ('m_1', 5000)`.execute(db);
    await sql`insert into outbox_events (id, type, version, aggregate_id, payload, created_at) values ('evt_1', 'order.paid', 1, 'o_001', '{}', 1)`.execute(db);
    await sql`insert into outbox_deliveries (event_id, sink, status, attempts, next_attempt_at) values ('evt_1', 'dashboard', 'pending', 0, 1), ('evt_1', 'order', 'pending', 0, 1)`.execute(db);

    const second = await new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(second.error).toBeUndefined();
    expect(second.results?.map((r) => r.migrationName)).toContain('015_paid_order_path');
    const rows = await db.selectFrom('orders').select(['id', 'first_title', 'first_image', 'line_count', 'item_count']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'o_001', first_title: '第一件', first_image: '/img/第一件.png', line_count: 2, item_count: 5 },
      { id: 'o_002', first_title: '', first_image: '', line_count: 0, item_count: 0 },
    ]);
    expect(await db.selectFrom('dashboard_changes').select(['merchant_id', 'at']).execute()).toEqual([{ merchant_id: 'm_1', at: 3000 }]);
    expect(await db.selectFrom('outbox_deliveries').select('sink').execute()).toEqual([{ sink: 'order' }]);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
