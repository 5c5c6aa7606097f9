import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';
import { makeSku, type FixtureSku } from '../order/testing';
import type { WechatLiveGood, WechatLiveGoods } from './wechat';

/**
 * Test fixtures for the live module: sessions written straight into the test database (their
 * quota carved from the SKU's stock as the routes do). Only tests import this file.
 */
export interface FixtureSession {
  sessionId: string;
  merchantId: string;
  skus: FixtureSku[];
}

export async function makeLiveSession(
  db: Kysely<Database>,
  opts: { merchantId?: string; status?: string; startsAt?: number; lines?: { price?: number; quota?: number; stock?: number }[]; pinned?: boolean } = {},
): Promise<FixtureSession> {
  const merchantId = opts.merchantId ?? 'm_t1';
  const now = Date.now();
  const sessionId = newId('ls', now);
  const skus: FixtureSku[] = [];
  for (const l of opts.lines ?? [{}]) {
    const stock = l.stock ?? 100;
    const quota = l.quota ?? 10;
    const sku = await makeSku(db, { merchantId, price: 1000, stock: stock - quota });
    skus.push(sku);
  }
  const onAir = opts.status === 'live' || opts.status === 'paused';
  await db
    .insertInto('live_sessions')
    .values({
      id: sessionId,
      merchant_id: merchantId,
      host_staff_id: null,
      title: '测试直播',
      cover: '/images/live.svg',
      starts_at: opts.startsAt ?? now + 3_600_000,
      playback_url: 'https://live.example.com/s.m3u8',
      status: opts.status ?? 'scheduled',
      per_shopper_limit: 2,
      pinned_product_id: opts.pinned ? skus[0].productId : null,
      likes: 0,
      peak_viewers: 0,
      wechat_room_id: null,
      wechat_pushed_at: null,
      created_at: now,
      updated_at: now,
      started_at: onAir || opts.status === 'ended' ? now : null,
      ended_at: opts.status === 'ended' ? now : null,
    })
    .execute();
  const lines = opts.lines ?? [{}];
  await db
    .insertInto('live_lines')
    .values(
      skus.map((sku, i) => ({
        session_id: sessionId,
        sku_id: sku.skuId,
        product_id: sku.productId,
        price: lines[i].price ?? 800,
        quota: lines[i].quota ?? 10,
        sold: 0,
        paid: 0,
        paid_amount: 0,
        returned: 0,
        position: i,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  return { sessionId, merchantId, skus };
}

/** A WeChat live goods client that records what it was asked (and fails while `failing`). */
export function recordingWechat(): WechatLiveGoods & { pushes: { roomId: number; goods: WechatLiveGood[] }[]; failing: boolean } {
  const out = {
    pushes: [] as { roomId: number; goods: WechatLiveGood[] }[],
    failing: false,
    async pushLineup(roomId: number, goods: WechatLiveGood[]) {
      if (out.failing) throw new Error('wechat: errcode 300001');
      out.pushes.push({ roomId, goods });
    },
  };
  return out;
}
