import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { loadSkus } from '../modules/catalog';
import { actSession, createSession, pinProduct } from '../modules/live';
import { authorizeStaff } from '../modules/merchant';
import { buildDemoShop } from './data';
import { DEMO_STREAM_PATH } from './stream';


export interface LiveSeedResult {
  /** Sessions created now: one on air (its first product pinned), one scheduled for tomorrow. */
  created: number;
}

/**
 * The demo shop's live sessions, so the live pages have something to show out of the box: the
 * first demo merchant goes on air with three of its products at 80 % of their price (20 units
 * each, carved out of their stock, two per shopper) and the first one pinned, and schedules a
 * second session for tomorrow 20:00 (China time) with the next three. Created through the live
 * module as its owner would (the demo owner, `ownerId`); skipped when any session exists.
 */
export async function seedDemoLive(db: Kysely<Database>, ownerId: string, now = Date.now()): Promise<LiveSeedResult> {
  const existing = await db.selectFrom('live_sessions').select('id').limit(1).executeTakeFirst();
  if (existing) return { created: 0 };
  const merchantId = buildDemoShop().merchants[0]?.id;
  if (!merchantId) return { created: 0 };
  const staff = await authorizeStaff(db, ownerId, merchantId, ['owner']);
  const products = await db
    .selectFrom('products')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('on_shelf', '=', 1)
    .orderBy('position')
    .limit(12)
    .execute();
  // The first SKU of each product with stock enough for the quota.
  const lines: { productId: string; skuId: string; price: number; quota: number }[] = [];
  for (const p of products) {
    const sku = await db.selectFrom('skus').select('id').where('product_id', '=', p.id).where('stock', '>=', 40).orderBy('id').executeTakeFirst();
    if (!sku) continue;
    const snapshot = (await loadSkus(db, [sku.id])).get(sku.id);
    if (!snapshot) continue;
    lines.push({ productId: p.id, skuId: sku.id, price: Math.max(1, Math.round((snapshot.price * 0.8) / 100) * 100 - 10), quota: 20 });
    if (lines.length === 6) break;
  }
  if (lines.length < 2) return { created: 0 };
  const onAir = lines.slice(0, 3);
  const later = lines.slice(3);
  const live = await createSession(db, staff, {
    title: '新品首发直播 · 直播间专享价',
    startsAt: now,
    playbackUrl: DEMO_STREAM_PATH,
    perShopperLimit: 2,
    lines: onAir.map(({ skuId, price, quota }) => ({ skuId, price, quota })),
  }, now);
  await actSession(db, staff, live.sessionId, 'start', now);
  await pinProduct(db, staff, live.sessionId, onAir[0].productId, now);
  let created = 1;
  if (later.length > 0) {
    // Tomorrow 20:00 in China (UTC+8).
    const day = 86_400_000;
    const tomorrow = Math.floor((now + 8 * 3_600_000) / day) * day + day + 12 * 3_600_000;
    await createSession(db, staff, {
      title: '周末福利专场',
      startsAt: tomorrow,
      playbackUrl: DEMO_STREAM_PATH,
      perShopperLimit: 2,
      lines: later.map(({ skuId, price, quota }) => ({ skuId, price, quota })),
    }, now);
    created += 1;
  }
  return { created };
}
