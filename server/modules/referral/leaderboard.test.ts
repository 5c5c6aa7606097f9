import type { Kysely, KyselyPlugin } from 'kysely';
import { LEADERBOARD_SIZE } from '@contract/referral-commission';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { LeaderboardCache, leaderboard, monthStartInShanghai, rankPromoters } from './leaderboard';
import { bindChain, merchantWithRules, pay, placeOrder, refund, uniq } from './testing';

/**
 * The leaderboard on a database of its own (the ranking reads every promoter's commissions):
 * real orders placed, paid and refunded through the module's steps, ranked by month in
 * Asia/Shanghai and of all time.
 */
let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const HOUR = 3600_000;
// 2026-02-01 00:00 in Shanghai is 2026-01-31 16:00 UTC.
const FEB = Date.UTC(2026, 0, 31, 16);
const NOW = FEB + 10 * 24 * HOUR;
const TEN_PERCENT = { enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 7 };

async function promoter(nickname: string): Promise<string> {
  const id = uniq('u_promoter');
  await db.insertInto('users').values({ id, platform: 'h5', openid: id, unionid: null, phone: null, nickname, avatar: null, created_at: 1, updated_at: 1, status_changed_at: null }).execute();
  return id;
}

/** A buyer under `chain` buys one line of `price` at `placedAt`, paid an hour later; the order id. */
async function sale(merchantId: string, chain: string[], price: number, placedAt: number): Promise<string> {
  const buyer = uniq('u_buyer');
  await bindChain(db, buyer, chain);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price, quantity: 2 }], at: placedAt });
  await pay(db, orderId, placedAt + HOUR);
  return orderId;
}

function counted(): { db: Kysely<Database>; count: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), count: () => n };
}

it('the month starts at midnight in Shanghai', () => {
  expect(monthStartInShanghai(FEB)).toBe(FEB);
  expect(monthStartInShanghai(FEB - 1)).toBe(Date.UTC(2025, 11, 31, 16));
  expect(monthStartInShanghai(Date.UTC(2026, 1, 28, 15, 59))).toBe(FEB);
  expect(monthStartInShanghai(Date.UTC(2026, 1, 28, 16))).toBe(Date.UTC(2026, 1, 28, 16));
});

describe('ranking', () => {
  let zhang: string;
  let li: string;
  let wang: string;
  let zhao: string;
  let merchantId: string;
  let otherMerchant: string;

  beforeAll(async () => {
    merchantId = await merchantWithRules(db, TEN_PERCENT, FEB - 60 * 24 * HOUR);
    otherMerchant = await merchantWithRules(db, { ...TEN_PERCENT, amounts: [2000, 0] }, FEB - 60 * 24 * HOUR);
    zhang = await promoter('张三丰');
    li = await promoter('李四');
    wang = await promoter('王小二');
    zhao = await promoter('赵六');
    // January (paid before the month): 李四 earned 10 % of 2 × 50000 = 10000; his promoter 张三丰 5 % = 5000.
    await sale(merchantId, [li, zhang], 50_000, FEB - 5 * 24 * HOUR);
    // February: 张三丰 10 % of 2 × 3000 = 600 with one merchant, 20 % of 2 × 1000 = 400 with the other.
    await sale(merchantId, [zhang], 3_000, FEB + 24 * HOUR);
    await sale(otherMerchant, [zhang], 1_000, FEB + 2 * 24 * HOUR);
    // 王小二: 10 % of 2 × 5000 = 1000, then one of the two units refunded: 500 left.
    const refunded = await sale(merchantId, [wang], 5_000, FEB + 3 * 24 * HOUR);
    await refund(db, refunded, { lines: [{ lineNo: 0, quantity: 1, amount: 5_000 }] }, FEB + 4 * 24 * HOUR);
    // 赵六: 10 % of 2 × 2500 = 500 (the same as 王小二), placed in January and paid an hour into February (Shanghai).
    await sale(merchantId, [zhao], 2_500, FEB - HOUR / 2);
    // A sale refunded in full ranks nobody.
    const gone = await sale(merchantId, [await promoter('钱七')], 4_000, FEB + 5 * 24 * HOUR);
    await refund(db, gone, { lines: [{ lineNo: 0, quantity: 2, amount: 8_000 }] }, FEB + 6 * 24 * HOUR);
  });

  it('this month: commissions of orders paid since the 1st (Shanghai) less what refunds reversed; equal amounts share a rank', async () => {
    const board = await leaderboard(db, new LeaderboardCache(), wang, 'month', NOW);
    expect(board.period).toBe('month');
    expect(board.from).toBe(FEB);
    expect(board.items).toEqual([
      { rank: 1, nickname: '张**丰', amount: 1000, isMe: false },
      { rank: 2, nickname: expect.stringMatching(/^(王\*\*二|赵\*)$/), amount: 500, isMe: expect.any(Boolean) },
      { rank: 2, nickname: expect.stringMatching(/^(王\*\*二|赵\*)$/), amount: 500, isMe: expect.any(Boolean) },
    ]);
    expect(board.items.filter((i) => i.isMe).map((i) => i.nickname)).toEqual(['王**二']);
    expect(board.me).toEqual({ rank: 2, amount: 500 });
    expect(board.computedAt).toBe(NOW);
  });

  it('all time: every paid order; a shopper with nothing earned has no rank', async () => {
    const board = await leaderboard(db, new LeaderboardCache(), uniq('u_nobody'), 'all', NOW);
    expect(board.from).toBeNull();
    expect(board.items.map((i) => [i.rank, i.nickname, i.amount])).toEqual([
      [1, '李*', 10_000],
      [2, '张**丰', 6_000],
      [3, expect.any(String), 500],
      [3, expect.any(String), 500],
    ]);
    expect(board.me).toEqual({ rank: null, amount: 0 });
    expect((await leaderboard(db, new LeaderboardCache(), li, 'month', NOW)).me).toEqual({ rank: null, amount: 0 });
  });

  it('is computed at most once a minute per period: one aggregate and one read of the names, shared by concurrent callers', async () => {
    const c = counted();
    const cache = new LeaderboardCache();
    const boards = await Promise.all([zhang, li, wang].map((u) => leaderboard(c.db, cache, u, 'month', NOW)));
    expect(c.count()).toBe(2);
    expect(boards.map((b) => b.me.rank)).toEqual([1, null, 2]);
    await leaderboard(c.db, cache, zhao, 'month', NOW + 59_000);
    expect(c.count()).toBe(2);
    await leaderboard(c.db, cache, zhao, 'all', NOW + 59_000);
    expect(c.count()).toBe(4);

    // A new sale shows once the minute is over.
    await sale(merchantId, [li], 10_000, NOW);
    expect((await leaderboard(c.db, cache, li, 'month', NOW + 59_000)).me.rank).toBeNull();
    const later = await leaderboard(c.db, cache, li, 'month', NOW + 61_000);
    expect(later.me).toEqual({ rank: 1, amount: 2_000 });
    expect(c.count()).toBe(6);
    // A new month starts a new ranking at once.
    const march = Date.UTC(2026, 1, 28, 16);
    const next = await leaderboard(c.db, cache, li, 'month', march + 1_000);
    expect(next).toMatchObject({ from: march, items: [], me: { rank: null, amount: 0 } });
  });

  it('keeps no failure: the next caller computes again', async () => {
    const cache = new LeaderboardCache();
    const broken = db.withPlugin({
      transformQuery: () => {
        throw new Error('database down');
      },
      transformResult: async (args) => args.result,
    });
    await expect(leaderboard(broken, cache, zhang, 'all', NOW)).rejects.toThrow('database down');
    expect((await leaderboard(db, cache, zhang, 'all', NOW)).me.rank).toBeGreaterThan(0);
  });
});

it(`lists the top ${LEADERBOARD_SIZE}; the caller further down still learns his rank`, async () => {
  const march = Date.UTC(2026, 1, 28, 16);
  const merchantId = await merchantWithRules(db, TEN_PERCENT, march);
  const many: string[] = [];
  // 52 promoters earning 10 % of 2 × (1000 + 100 i): 200 + 20 i each.
  for (let i = 0; i < LEADERBOARD_SIZE + 2; i++) {
    const p = await promoter(`推广员${i}`);
    many.push(p);
    await sale(merchantId, [p], 1_000 + 100 * i, march + 5 * 24 * HOUR);
  }
  const board = await leaderboard(db, new LeaderboardCache(), many[0], 'month', march + 6 * 24 * HOUR);
  expect(board.items).toHaveLength(LEADERBOARD_SIZE);
  expect(board.items[0]).toEqual({ rank: 1, nickname: '推**1', amount: 200 + 20 * (LEADERBOARD_SIZE + 1), isMe: false });
  expect(board.items[LEADERBOARD_SIZE - 1]).toMatchObject({ rank: LEADERBOARD_SIZE, amount: 240 });
  expect(board.items.some((i) => i.isMe)).toBe(false);
  expect(board.me).toEqual({ rank: LEADERBOARD_SIZE + 2, amount: 200 });
  expect((await rankPromoters(db, march)).map((r) => r.promoterId)).toEqual([...many].reverse());
});
