import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/types';

/**
 * Test fixtures for flash stock: a live session and its lineup written straight into the live
 * tables (the session routes are the rest of the live module's), each line's quota carved out
 * of its SKU's stock as adding a line does. Only tests import this file.
 */
export interface FixtureLine {
  skuId: string;
  productId: string;
  price: number;
  quota: number;
}

let counter = 0;

export async function makeLiveSession(
  db: Kysely<Database>,
  opts: { merchantId: string; status?: string; perShopperLimit?: number; lines: FixtureLine[] },
): Promise<string> {
  counter += 1;
  const id = `ls_t${process.pid}x${counter}x${Date.now().toString(36)}`;
  const now = Date.now();
  await db
    .insertInto('live_sessions')
    .values({
      id,
      merchant_id: opts.merchantId,
      host_staff_id: null,
      title: '测试直播',
      cover: '/images/cover.svg',
      starts_at: now,
      playback_url: '/live/demo.m3u8',
      status: opts.status ?? 'live',
      per_shopper_limit: opts.perShopperLimit ?? 5,
      pinned_product_id: null,
      likes: 0,
      peak_viewers: 0,
      wechat_room_id: null,
      wechat_pushed_at: null,
      created_at: now,
      updated_at: now,
      started_at: now,
      ended_at: null,
    })
    .execute();
  for (const [position, line] of opts.lines.entries()) {
    await db
      .insertInto('live_lines')
      .values({ session_id: id, sku_id: line.skuId, product_id: line.productId, price: line.price, quota: line.quota, sold: 0, paid: 0, paid_amount: 0, returned: 0, position, created_at: now, updated_at: now })
      .execute();
    const carved = await db.updateTable('skus').set({ stock: sql<number>`stock - ${line.quota}` }).where('id', '=', line.skuId).where('stock', '>=', line.quota).executeTakeFirst();
    if (Number(carved.numUpdatedRows) !== 1) throw new Error(`SKU ${line.skuId} has less stock than the quota ${line.quota}`);
  }
  return id;
}

/** What the session's ending does to a line, as far as flash stock cares: what is left goes back to stock. */
export async function endLiveSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.updateTable('live_sessions').set({ status: 'ended', ended_at: Date.now() }).where('id', '=', sessionId).execute();
  const lines = await db.selectFrom('live_lines').selectAll().where('session_id', '=', sessionId).execute();
  for (const l of lines) {
    const left = Number(l.quota) - Number(l.sold) - Number(l.returned);
    await db.updateTable('live_lines').set({ returned: sql<number>`returned + ${left}` }).where('session_id', '=', sessionId).where('sku_id', '=', l.sku_id).execute();
    await db.updateTable('skus').set({ stock: sql<number>`stock + ${left}` }).where('id', '=', l.sku_id).execute();
  }
}

export async function setLiveStatus(db: Kysely<Database>, sessionId: string, status: string): Promise<void> {
  await db.updateTable('live_sessions').set({ status }).where('id', '=', sessionId).execute();
}

export async function lineOf(db: Kysely<Database>, sessionId: string, skuId: string) {
  const r = await db.selectFrom('live_lines').selectAll().where('session_id', '=', sessionId).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
  return { quota: Number(r.quota), sold: Number(r.sold), paid: Number(r.paid), paidAmount: Number(r.paid_amount), returned: Number(r.returned) };
}

export async function unitsOf(db: Kysely<Database>, sessionId: string, skuId: string, userId: string): Promise<number> {
  const r = await db.selectFrom('live_purchases').select('units').where('session_id', '=', sessionId).where('sku_id', '=', skuId).where('user_id', '=', userId).executeTakeFirst();
  return r ? Number(r.units) : 0;
}
