import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { inProcessVolatile, type VolatileEvent } from '../../realtime/volatile';
import { testDb, type TestDb } from '../../test/db';
import { createLivePushes, liveBought, liveLinesChanged, type LivePushes } from './pushes';
import { makeLiveSession } from './testing';

/**
 * The volatile pushes through the in-process channel with a recording hub: lines and board
 * coalesced per session, stats only for sessions on air with subscribers, bought at once, and
 * the order path's entry points.
 */
let tdb: TestDb;
let db: Kysely<Database>;
const delivered: VolatileEvent[] = [];
const counts = new Map<string, number>();
const volatile = inProcessVolatile();
volatile.attach({
  deliver: (e) => delivered.push(e),
  count: (topic) => counts.get(topic) ?? 0,
  liveCounts: () => new Map([...counts].filter(([, n]) => n > 0)),
  localTopics: (prefix) => [...counts].filter(([t, n]) => n > 0 && t.startsWith(prefix)).map(([t]) => t),
});
let pushes: LivePushes;
const log = { error: jest.fn() };

beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
  pushes = createLivePushes(db, volatile, log, { linesMs: 100, statsMs: 60_000 });
});
afterAll(async () => {
  pushes.stop();
  await tdb.destroy();
});
beforeEach(() => {
  delivered.length = 0;
  counts.clear();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('coalesces line changes: one live.lines and one live.board per session per window, the lines read at push time', async () => {
  const s = await makeLiveSession(db, { merchantId: 'm_p1', status: 'live', lines: [{ price: 800, quota: 10 }] });
  for (let i = 0; i < 5; i++) pushes.linesChanged(s.sessionId);
  await db.updateTable('live_lines').set({ sold: 4, paid: 2, paid_amount: 1600 }).where('session_id', '=', s.sessionId).execute();
  await pushes.flush();
  expect(delivered.map((e) => [e.topic, e.type])).toEqual([
    [`live:${s.sessionId}`, 'live.lines'],
    [`liveboard:${s.sessionId}`, 'live.board'],
  ]);
  expect(delivered[0].data).toEqual({ sessionId: s.sessionId, lines: [{ skuId: s.skus[0].skuId, price: 800, quota: 10, left: 6 }], at: expect.any(Number) });
  expect(delivered[1].data).toEqual({
    sessionId: s.sessionId,
    board: { orders: 0, paidOrders: 0, gmv: 1600, viewers: 0, likes: 0, lines: [{ skuId: s.skus[0].skuId, quota: 10, sold: 4, paid: 2, left: 6, gmv: 1600 }] },
    at: expect.any(Number),
  });
  // The next change within the window waits for its end; changes meanwhile join it.
  delivered.length = 0;
  const started = Date.now();
  liveLinesChanged(s.sessionId);
  liveLinesChanged(s.sessionId);
  while (delivered.length < 2 && Date.now() - started < 2_000) await wait(10);
  expect(delivered.map((e) => e.type)).toEqual(['live.lines', 'live.board']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(80);
});

it("pushes stats (to the room and to the host's board) only for sessions on air watched on this node, to this node's subscribers", async () => {
  const on = await makeLiveSession(db, { merchantId: 'm_p1', status: 'live' });
  // A session on air that nobody here watches gets nothing.
  await makeLiveSession(db, { merchantId: 'm_p1', status: 'live' });
  const ended = await makeLiveSession(db, { merchantId: 'm_p1', status: 'ended' });
  await db.updateTable('live_sessions').set({ likes: 12 }).where('id', '=', on.sessionId).execute();
  counts.set(`live:${on.sessionId}`, 3);
  counts.set(`live:${ended.sessionId}`, 1);
  await pushes.tickStats();
  const stats = { sessionId: on.sessionId, viewers: 3, likes: 12, at: expect.any(Number) };
  expect(delivered).toEqual([
    { topic: `live:${on.sessionId}`, type: 'live.stats', data: stats },
    { topic: `liveboard:${on.sessionId}`, type: 'live.stats', data: stats },
  ]);
  delivered.length = 0;
  await pushes.tickStats();
  expect(delivered.map((e) => e.topic)).toEqual([`live:${on.sessionId}`, `liveboard:${on.sessionId}`]);
  // The viewers left this node: the board hears the 0 once (next test), then nothing from here.
  counts.delete(`live:${on.sessionId}`);
  await pushes.tickStats();
  delivered.length = 0;
  await pushes.tickStats();
  expect(delivered).toEqual([]);
});

it('tells the host\'s board once that the last viewer left, then stays quiet', async () => {
  const s = await makeLiveSession(db, { merchantId: 'm_p1', status: 'live' });
  counts.set(`live:${s.sessionId}`, 2);
  await pushes.tickStats();
  expect(delivered.map((e) => [e.topic, (e.data as { viewers: number }).viewers])).toEqual([
    [`live:${s.sessionId}`, 2],
    [`liveboard:${s.sessionId}`, 2],
  ]);
  delivered.length = 0;
  counts.delete(`live:${s.sessionId}`);
  await pushes.tickStats();
  expect(delivered.filter((e) => e.topic === `liveboard:${s.sessionId}`).map((e) => (e.data as { viewers: number }).viewers)).toEqual([0]);
  delivered.length = 0;
  await pushes.tickStats();
  expect(delivered).toEqual([]);
  pushes.offAir(s.sessionId);
});

it("publishes live.bought through the exported entry point, with the buyer's masked nickname", async () => {
  const now = Date.now();
  await db.insertInto('users').values({ id: 'u_bought', platform: 'h5', openid: 'u_bought', unionid: null, phone: null, nickname: '张三丰', avatar: null, created_at: now, updated_at: now, status_changed_at: null }).execute();
  liveBought('ls_x', { buyerId: 'u_bought', title: '春季新款', quantity: 2 });
  await pushes.flush();
  expect(delivered).toEqual([{ topic: 'live:ls_x', type: 'live.bought', data: { sessionId: 'ls_x', buyer: '张**丰', title: '春季新款', quantity: 2, at: expect.any(Number) } }]);
  expect(log.error).not.toHaveBeenCalled();
});
