import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { createDb } from '../index';
import { migrations } from './index';

/**
 * 019 marks the uploads the requests made before it used as attached (at their request's time),
 * so the pruning job never takes a photo a request shows; the others stay loose.
 */
it('marks the uploads earlier requests named as attached, and leaves the others loose', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-mig-'));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, 'shop.db') });
  try {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== '019_upload_attachments'));
    const first = await new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(first.error).toBeUndefined();
    for (const id of ['img_a', 'img_b', 'img_c']) {
      await sql`insert into uploads (id, user_id, file, content_type, size, created_at) values (${id}, 'u_1', ${`${id}.png`}, 'image/png', 10, 100)`.execute(db);
    }
    const request = (id: string, photos: string, createdAt: number) =>
      sql`insert into after_sales (id, user_id, order_id, order_no, merchant_id, kind, status, reason, photos, amount, shipping_amount, created_at, updated_at)
          values (${id}, 'u_1', 'o_1', '2026010100000000001', 'm_1', 'refund_only', 'requested', 'other', ${photos}, 100, 0, ${createdAt}, ${createdAt})`.execute(db);
    await request('as_1', JSON.stringify([{ id: 'img_a', url: '/uploads/img_a.png' }]), 500);
    await request('as_2', JSON.stringify([{ id: 'img_a', url: '/uploads/img_a.png' }, { id: 'img_b', url: '/uploads/img_b.png' }]), 700);
    await request('as_3', 'not json', 800);
    const second = await new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true }).migrateToLatest();
    expect(second.error).toBeUndefined();
    expect(second.results?.map((r) => r.migrationName)).toContain('019_upload_attachments');
    const rows = await db.selectFrom('uploads').select(['id', 'attached_at', 'pruning_at']).orderBy('id').execute();
    expect(rows.map((r) => ({ ...r, attached_at: r.attached_at === null ? null : Number(r.attached_at) }))).toEqual([
      { id: 'img_a', attached_at: 500, pruning_at: null },
      { id: 'img_b', attached_at: 700, pruning_at: null },
      { id: 'img_c', attached_at: null, pruning_at: null },
    ]);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
