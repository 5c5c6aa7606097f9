import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { transact } from '../../db/transaction';
import { balanceOf } from '../wallet';
import { unfreezeDueCommissions } from './jobs';
import { commissionReport, earningsOf, listCommissions } from './reads';
import { commissionsOnCompleted, commissionsOnEnded, commissionsOnRefund, snapshotOrder } from './commissions';
import { DAY_MS } from './amounts';
import { setRules } from './rules';
import { applyReferralEvent } from './consumer';
import { makeMerchant } from '../merchant/testing';
import { makeSku } from '../order/testing';
import { bindChain, commissionsOf, complete, ledgerProblems, merchantWithRules, pay, placeOrder, refund, uniq, withdrawAll } from './testing';

let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const T0 = Date.UTC(2026, 0, 5, 2);
const TEN_FIVE = { enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 7 };

/** A buyer under a chain of fresh promoters (level 1 first). */
async function network(levels: number): Promise<{ buyer: string; chain: string[] }> {
  const buyer = uniq('u_buyer');
  const chain = Array.from({ length: levels }, () => uniq('u_promoter'));
  await bindChain(db, buyer, chain);
  return { buyer, chain };
}

const amounts = async (orderId: string) => (await commissionsOf(db, orderId)).map((c) => ({ line: Number(c.line_no), level: Number(c.level), amount: Number(c.amount), reversed: Number(c.reversed_amount), status: c.status }));

it('earns per line and level on the line’s paid share (discount spread by line amount, shipping excluded), quantity counted once', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const { buyer, chain } = await network(3);
  // 2 × 3000 and 1 × 1000, a 700 discount (600 and 100 of it by line amount), 800 shipping.
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 3000, quantity: 2 }, { price: 1000, quantity: 1 }], discount: 700, shipping: 800, at: T0 });
  expect(await amounts(orderId)).toEqual([
    { line: 0, level: 1, amount: 0, reversed: 0, status: 'placed' },
    { line: 0, level: 2, amount: 0, reversed: 0, status: 'placed' },
    { line: 1, level: 1, amount: 0, reversed: 0, status: 'placed' },
    { line: 1, level: 2, amount: 0, reversed: 0, status: 'placed' },
  ]);
  await pay(db, orderId, T0 + 1000);
  expect((await amounts(orderId)).map((c) => c.amount)).toEqual([540, 270, 90, 45]);
  expect((await commissionsOf(db, orderId)).map((c) => Number(c.base))).toEqual([5400, 5400, 900, 900]);
  expect(await earningsOf(db, chain[0])).toEqual({ pending: 630, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await earningsOf(db, chain[1])).toEqual({ pending: 315, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  // Only two levels configured: the third promoter earns nothing.
  expect(await earningsOf(db, chain[2])).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await balanceOf(db, { kind: 'commission_expense', ownerId: merchantId })).toBe(-945);
  // A repeated payment event moves nothing more.
  await pay(db, orderId, T0 + 2000);
  expect(await earningsOf(db, chain[0])).toMatchObject({ pending: 630 });
  expect(await ledgerProblems(db)).toEqual([]);
});

it('reverses a partial refund of one line in proportion to its units at every level, never the whole line, and the rest when the line is refunded in full', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const { buyer, chain } = await network(2);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 3000, quantity: 2 }, { price: 1000, quantity: 1 }], discount: 700, at: T0 });
  await pay(db, orderId, T0 + 1);
  // One of the two units of line 0 (an after-sale refunds 2700 of its 5400).
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 2700 }] }, T0 + 2);
  expect(await amounts(orderId)).toEqual([
    { line: 0, level: 1, amount: 540, reversed: 270, status: 'pending' },
    { line: 0, level: 2, amount: 270, reversed: 135, status: 'pending' },
    { line: 1, level: 1, amount: 90, reversed: 0, status: 'pending' },
    { line: 1, level: 2, amount: 45, reversed: 0, status: 'pending' },
  ]);
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 2700 }] }, T0 + 3);
  expect((await amounts(orderId)).slice(0, 2)).toEqual([
    { line: 0, level: 1, amount: 540, reversed: 540, status: 'reversed' },
    { line: 0, level: 2, amount: 270, reversed: 270, status: 'reversed' },
  ]);
  expect(await earningsOf(db, chain[0])).toMatchObject({ pending: 90 });
  expect(await earningsOf(db, chain[1])).toMatchObject({ pending: 45 });
  // A refund redelivered reverses nothing twice; more refunds than the line never reverse more than earned.
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 2700 }] }, T0 + 4);
  expect((await amounts(orderId))[0].reversed).toBe(540);
  expect(await balanceOf(db, { kind: 'commission_expense', ownerId: merchantId })).toBe(-135);
  expect(await ledgerProblems(db)).toEqual([]);
});

it('freezes at completion for the freeze days, then the job makes it available once (several runs at once)', async () => {
  const merchantId = await merchantWithRules(db, { ...TEN_FIVE, freezeDays: 3 }, T0 - 1000);
  const { buyer, chain } = await network(2);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 10000, quantity: 1 }], at: T0 });
  await pay(db, orderId, T0 + 1);
  const done = T0 + DAY_MS;
  await complete(db, orderId, done);
  expect(await earningsOf(db, chain[0])).toEqual({ pending: 0, frozen: 1000, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await unfreezeDueCommissions(db, done + 3 * DAY_MS - 1)).toBe(0);
  const runs = await Promise.all([unfreezeDueCommissions(db, done + 3 * DAY_MS), unfreezeDueCommissions(db, done + 3 * DAY_MS)]);
  expect(runs[0] + runs[1]).toBe(2);
  expect(await earningsOf(db, chain[0])).toEqual({ pending: 0, frozen: 0, available: 1000, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await earningsOf(db, chain[1])).toMatchObject({ available: 500 });
  // Refund after settlement: half of it comes back out of available.
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 5000 }] }, done + 4 * DAY_MS);
  expect(await earningsOf(db, chain[0])).toMatchObject({ available: 500 });
  expect(await earningsOf(db, chain[1])).toMatchObject({ available: 250 });
  expect(await ledgerProblems(db)).toEqual([]);
});

it('a refund after the withdrawal books a clawback, which the promoter’s next earnings pay down before they become available', async () => {
  const merchantId = await merchantWithRules(db, { ...TEN_FIVE, levels: 1, amounts: [1000], freezeDays: 0 }, T0 - 1000);
  const { buyer, chain } = await network(1);
  const [a] = chain;
  const first = await placeOrder(db, { buyer, merchantId, lines: [{ price: 5400, quantity: 1 }], at: T0 });
  await pay(db, first, T0 + 1);
  await complete(db, first, T0 + 2);
  await unfreezeDueCommissions(db, T0 + 3);
  expect(await withdrawAll(db, a, T0 + 4)).toBe(540);
  expect(await earningsOf(db, a)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 540, owed: 0 });
  // The whole order is refunded after the money left: the promoter owes 540, nothing goes negative.
  await refund(db, first, { amount: 5400 }, T0 + 5);
  expect(await earningsOf(db, a)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 540, owed: 540 });
  expect((await commissionsOf(db, first))[0]).toMatchObject({ status: 'reversed', reversed_amount: 540, clawed_amount: 540 });
  expect(await ledgerProblems(db)).toEqual([]);
  // The next commission (300) pays the debt down; the one after (500) is netted by the rest (240).
  const second = await placeOrder(db, { buyer, merchantId, lines: [{ price: 3000, quantity: 1 }], at: T0 + 10 });
  await pay(db, second, T0 + 11);
  await complete(db, second, T0 + 12);
  expect(await earningsOf(db, a)).toMatchObject({ frozen: 300, owed: 540 });
  await unfreezeDueCommissions(db, T0 + 13);
  expect(await earningsOf(db, a)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 540, owed: 240 });
  const third = await placeOrder(db, { buyer, merchantId, lines: [{ price: 5000, quantity: 1 }], at: T0 + 20 });
  await pay(db, third, T0 + 21);
  await complete(db, third, T0 + 22);
  await unfreezeDueCommissions(db, T0 + 23);
  expect(await earningsOf(db, a)).toEqual({ pending: 0, frozen: 0, available: 260, withdrawing: 0, withdrawn: 540, owed: 0 });
  // A refund of a commission that paid the debt down: what it left in available goes, the rest is owed again.
  await refund(db, second, { amount: 3000 }, T0 + 30);
  expect(await earningsOf(db, a)).toEqual({ pending: 0, frozen: 0, available: 260, withdrawing: 0, withdrawn: 540, owed: 300 });
  expect(await ledgerProblems(db)).toEqual([]);
});

it('three levels; per-SKU fixed amounts beat per-product rates, which beat the merchant’s; a fixed amount is per unit and at most the line’s base', async () => {
  const merchantId = uniq('m');
  await makeMerchant(db, merchantId);
  const special = await makeSku(db, { merchantId });
  const otherSku = `${special.skuId}b`;
  await db.insertInto('skus').values({ id: otherSku, product_id: special.productId, spec_values: '[]', price: 1500, original_price: null, stock: 10, sales: 0, created_at: T0, updated_at: T0 }).execute();
  const cheap = await makeSku(db, { merchantId });
  await setRules(
    db,
    merchantId,
    'u_owner',
    {
      enabled: true,
      levels: 3,
      mode: 'rate',
      amounts: [1000, 500, 200],
      freezeDays: 7,
      overrides: [
        { target: 'sku', targetId: special.skuId, mode: 'fixed', amounts: [300, 100, 50] },
        { target: 'product', targetId: special.productId, mode: 'rate', amounts: [2000, 0, 0] },
        { target: 'sku', targetId: cheap.skuId, mode: 'fixed', amounts: [400, 0, 0] },
      ],
    },
    T0 - 1000,
  );
  const { buyer, chain } = await network(3);
  const orderId = await placeOrder(db, {
    buyer,
    merchantId,
    lines: [
      { price: 2000, quantity: 3, skuId: special.skuId, productId: special.productId },
      { price: 1500, quantity: 2, skuId: otherSku, productId: special.productId },
      { price: 1000, quantity: 1 },
      { price: 300, quantity: 2, skuId: cheap.skuId, productId: cheap.productId },
    ],
    at: T0,
  });
  await pay(db, orderId, T0 + 1);
  const byLine = (await amounts(orderId)).reduce<Record<number, number[]>>((acc, c) => ({ ...acc, [c.line]: [...(acc[c.line] ?? []), c.amount] }), {});
  expect(byLine).toEqual({ 0: [900, 300, 150], 1: [600, 0, 0], 2: [100, 50, 20], 3: [600, 0, 0] });
  expect((await earningsOf(db, chain[2])).pending).toBe(170);
  // A refund of 1 of the 3 fixed-amount units takes back one unit's amount at every level.
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 2000 }] }, T0 + 2);
  expect((await amounts(orderId)).filter((c) => c.line === 0).map((c) => c.reversed)).toEqual([300, 100, 50]);
  expect(await ledgerProblems(db)).toEqual([]);
});

it('snapshots the rule in force when the order was placed: later versions never change it; rules off or no promoter: nothing', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0);
  const { buyer } = await network(2);
  await setRules(db, merchantId, 'u_owner', { ...TEN_FIVE, amounts: [3000, 2000] }, T0 + 20);
  // Placed at T0 + 10 (version 1 in force), snapshotted after version 2 came.
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 10000, quantity: 1 }], at: T0 + 10 });
  await pay(db, orderId, T0 + 30);
  expect((await amounts(orderId)).map((c) => c.amount)).toEqual([1000, 500]);
  const later = await placeOrder(db, { buyer, merchantId, lines: [{ price: 10000, quantity: 1 }], at: T0 + 40 });
  await pay(db, later, T0 + 41);
  expect((await amounts(later)).map((c) => c.amount)).toEqual([3000, 2000]);

  await setRules(db, merchantId, 'u_owner', { ...TEN_FIVE, enabled: false }, T0 + 50);
  const off = await placeOrder(db, { buyer, merchantId, lines: [{ price: 10000, quantity: 1 }], at: T0 + 60 });
  expect(await commissionsOf(db, off)).toEqual([]);
  const merchant2 = await merchantWithRules(db, TEN_FIVE, T0);
  const loner = await placeOrder(db, { buyer: uniq('u_alone'), merchantId: merchant2, lines: [{ price: 10000, quantity: 1 }], at: T0 + 60 });
  expect(await commissionsOf(db, loner)).toEqual([]);
});

it('events out of order: a completion or a refund that arrives first does the earlier steps itself', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const { buyer, chain } = await network(2);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 4000, quantity: 2 }], at: T0 });
  // Remove the snapshot: as if order.created had not been consumed yet.
  await db.deleteFrom('referral_commissions').where('order_id', '=', orderId).execute();
  await db.updateTable('orders').set({ status: 'completed', paid_at: T0 + 1, completed_at: T0 + 2 }).where('id', '=', orderId).execute();
  await transact(db, (trx) => commissionsOnRefund(trx, { refundId: uniq('rf'), orderId, amount: 4000, lines: [{ lineNo: 0, quantity: 1, amount: 4000 }] }, T0 + 3));
  expect(await earningsOf(db, chain[0])).toMatchObject({ pending: 400 });
  await transact(db, (trx) => commissionsOnCompleted(trx, orderId, T0 + 2, T0 + 4));
  expect(await earningsOf(db, chain[0])).toMatchObject({ pending: 0, frozen: 400 });
  // order.created arriving last changes nothing.
  await transact(db, (trx) => snapshotOrder(trx, orderId, T0 + 5));
  expect(await commissionsOf(db, orderId)).toHaveLength(2);
  expect(await ledgerProblems(db)).toEqual([]);
});

it('a whole refund by amount (shipping included) reverses every level in full from any state', async () => {
  const merchantId = await merchantWithRules(db, { ...TEN_FIVE, levels: 3, amounts: [1000, 500, 250], freezeDays: 0 }, T0 - 1000);
  const { buyer, chain } = await network(3);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 1999, quantity: 3 }, { price: 501, quantity: 1 }], discount: 333, shipping: 600, at: T0 });
  await pay(db, orderId, T0 + 1);
  // Part of it refunded by amount (spread over the lines), then the rest.
  await refund(db, orderId, { amount: 1234 }, T0 + 2);
  const mid = await amounts(orderId);
  expect(mid.every((c) => c.reversed > 0 && c.reversed < c.amount)).toBe(true);
  await refund(db, orderId, { amount: 1999 * 3 + 501 - 333 + 600 - 1234 }, T0 + 3);
  expect((await amounts(orderId)).every((c) => c.reversed === c.amount && c.status === 'reversed')).toBe(true);
  for (const p of chain) expect(await earningsOf(db, p)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await balanceOf(db, { kind: 'commission_expense', ownerId: merchantId })).toBe(0);
  expect(await ledgerProblems(db)).toEqual([]);
});

it('an order that ends unpaid leaves its snapshot void, with nothing moved', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const { buyer, chain } = await network(2);
  const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 5000, quantity: 1 }], at: T0 });
  await db.updateTable('orders').set({ status: 'cancelled', ended_at: T0 + 1 }).where('id', '=', orderId).execute();
  await transact(db, (trx) => commissionsOnEnded(trx, orderId, T0 + 1));
  expect((await amounts(orderId)).map((c) => c.status)).toEqual(['void', 'void']);
  expect(await earningsOf(db, chain[0])).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
  expect(await ledgerProblems(db)).toEqual([]);
});

it('concurrent rule changes each get their own version; overrides must name the merchant’s own goods', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0);
  const versions = await Promise.all([1, 2, 3].map((i) => setRules(db, merchantId, 'u_owner', { ...TEN_FIVE, amounts: [1000 + i, 500] }, T0 + 100)));
  expect(versions.map((v) => v.version).sort()).toEqual([2, 3, 4]);
  const other = await makeSku(db, { merchantId: uniq('m_other') });
  await expect(setRules(db, merchantId, 'u_owner', { ...TEN_FIVE, overrides: [{ target: 'sku', targetId: other.skuId, mode: 'rate', amounts: [1, 1] }] }, T0 + 200)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(await db.selectFrom('referral_rules').select('version').where('merchant_id', '=', merchantId).execute()).toHaveLength(4);
});

it('lists a promoter’s commissions newest first by pages, by state; the merchant’s report by day', async () => {
  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const { buyer, chain } = await network(1);
  const orders: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = await placeOrder(db, { buyer, merchantId, lines: [{ price: 1000 * (i + 1), quantity: 1 }], at: T0 + i * DAY_MS });
    await pay(db, id, T0 + i * DAY_MS + 1);
    orders.push(id);
  }
  await refund(db, orders[0], { amount: 500 }, T0 + 5 * DAY_MS);
  const first = await listCommissions(db, chain[0], { limit: 2 });
  expect(first.items.map((c) => [c.orderId, c.amount, c.reversedAmount, c.state])).toEqual([
    [orders[2], 300, 0, 'pending'],
    [orders[1], 200, 0, 'pending'],
  ]);
  expect(first.nextCursor).not.toBeNull();
  const second = await listCommissions(db, chain[0], { limit: 2, cursor: first.nextCursor ?? undefined });
  expect(second.items.map((c) => [c.orderId, c.amount, c.reversedAmount])).toEqual([[orders[0], 100, 50]]);
  expect(second.nextCursor).toBeNull();
  expect((await listCommissions(db, chain[0], { limit: 10, state: 'frozen' })).items).toEqual([]);

  const report = await commissionReport(db, merchantId, { groupBy: 'day' });
  // One level (the buyer has one promoter): 10 % of each order; 10:00 in Shanghai each day.
  expect(report.total).toEqual({ paid: 600, reversed: 50, commissions: 3 });
  expect(report.days.map((d) => [d.day, d.paid, d.reversed])).toEqual([
    ['2026-01-05', 100, 0],
    ['2026-01-06', 200, 0],
    ['2026-01-07', 300, 0],
    ['2026-01-10', 0, 50],
  ]);
  const firstDay = await commissionReport(db, merchantId, { groupBy: 'total', from: T0, to: T0 + DAY_MS });
  expect(firstDay).toEqual({ merchantId, total: { paid: 100, reversed: 0, commissions: 1 }, days: [] });
});

it('the consumer: an order of a merchant that never turned commissions on gets none; one with rules is snapshotted and earned', async () => {
  const { buyer, chain } = await network(1);
  const event = (type: string, orderId: string, merchantId: string, status: string) => ({ id: uniq('evt'), type, version: 1, aggregateId: orderId, createdAt: T0, payload: { orderId, parentId: 'po_x', userId: buyer, merchantId, status, at: T0 } });
  const plain = uniq('m_plain');
  await makeMerchant(db, plain);
  const off = await placeOrder(db, { buyer, merchantId: plain, lines: [{ price: 1000, quantity: 1 }], at: T0 });
  await db.updateTable('orders').set({ status: 'paid', paid_at: T0 + 1 }).where('id', '=', off).execute();
  await transact(db, (trx) => applyReferralEvent(trx, event('order.paid', off, plain, 'paid'), T0 + 2));
  expect(await commissionsOf(db, off)).toEqual([]);

  const merchantId = await merchantWithRules(db, TEN_FIVE, T0 - 1000);
  const on = await placeOrder(db, { buyer, merchantId, lines: [{ price: 1000, quantity: 1 }], at: T0 });
  await db.deleteFrom('referral_commissions').where('order_id', '=', on).execute();
  await db.updateTable('orders').set({ status: 'paid', paid_at: T0 + 1 }).where('id', '=', on).execute();
  await transact(db, (trx) => applyReferralEvent(trx, event('order.paid', on, merchantId, 'paid'), T0 + 2));
  expect((await amounts(on)).map((c) => [c.level, c.amount, c.status])).toEqual([[1, 100, 'pending']]);
  expect(await earningsOf(db, chain[0])).toMatchObject({ pending: 100 });
});
