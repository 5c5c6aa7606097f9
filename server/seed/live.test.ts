import type { LiveSession } from '@contract/live';
import { testApp, type TestApp } from '../test/app';
import { seedDemoLive } from './live';
import { DEMO_STREAM_PATH } from './stream';
import { seedDemoStaff } from './staff';

/** The demo shop's live sessions: one on air with a pinned product, one tomorrow; once. */
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

it('puts the first demo merchant on air with a pinned product and schedules tomorrow, carving the quotas once', async () => {
  const { ownerId } = await seedDemoStaff(t.db);
  const stockBefore = new Map((await t.db.selectFrom('skus').select(['id', 'stock']).execute()).map((s) => [s.id, Number(s.stock)]));
  const now = Date.now();
  expect(await seedDemoLive(t.db, ownerId!, now)).toEqual({ created: 2 });
  expect(await seedDemoLive(t.db, ownerId!, now)).toEqual({ created: 0 });

  const list = await t.get<{ items: { id: string; status: string; startsAt: number }[] }>('/api/live/sessions');
  expect(list.body.items.map((s) => s.status)).toEqual(['live', 'scheduled']);
  expect(list.body.items[1].startsAt).toBeGreaterThan(now);
  const onAir = (await t.get<LiveSession>(`/api/live/sessions/${list.body.items[0].id}`)).body;
  expect(onAir.playbackUrl).toBe(DEMO_STREAM_PATH);
  expect(onAir.lines).toHaveLength(3);
  expect(onAir.pinnedProductId).toBe(onAir.lines[0].productId);
  for (const line of onAir.lines) {
    expect(line.price).toBeLessThan(line.originalPrice);
    expect(line.left).toBe(20);
    const after = await t.db.selectFrom('skus').select('stock').where('id', '=', line.skuId).executeTakeFirstOrThrow();
    expect(Number(after.stock)).toBe(stockBefore.get(line.skuId)! - 20);
  }
});
