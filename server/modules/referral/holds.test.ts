import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { DAY_MS } from './amounts';
import { recordDevice, type FraudSettings } from './fraud';
import { decideHold, listHolds } from './holds';
import { unfreezeDueCommissions } from './jobs';
import { earningsOf } from './reads';
import { account, afterSaleOf, bindChain, commissionsOf, complete, holdsOf, ledgerProblems, merchantWithRules, paidBy, pay, placeOrder, refund, uniq, withdrawAll, type FixtureShipTo } from './testing';

/**
 * Fraud controls (docs/referral.md, "Fraud controls"; decision 0031) on the database: each
 * signal holds the promoter's commissions on the order at earn time and nothing else; a held
 * commission never becomes available; release and reject, idempotent and safe against a
 * refund's reversal and the unfreeze job running at the same moment; settlement waits for an
 * open after-sale. The risk check through WeChat's stand-in: holds-routes.test.ts.
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

const T0 = Date.UTC(2026, 0, 5, 2);
const RULES = { enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 3 };
/** Velocity at most 3 an hour; no risk check here (it needs WeChat: holds-routes.test.ts). */
const SETTINGS: FraudSettings = { velocityMax: 3, velocityWindowMs: 3_600_000, riskMinRank: null };
const ADDRESS: FixtureShipTo = { name: '王五', phone: '13912345678', address: '上海市上海市浦东新区世纪大道 100 号' };

interface Net {
  merchantId: string;
  buyer: string;
  chain: string[];
}

/** A merchant with rules (from a month before T0) and a buyer under `levels` fresh promoters (bound long before). */
async function network(levels = 2): Promise<Net> {
  const merchantId = await merchantWithRules(db, RULES, T0 - 30 * DAY_MS);
  const buyer = uniq('u_buyer');
  const chain = Array.from({ length: levels }, () => uniq('u_promoter'));
  await bindChain(db, buyer, chain);
  return { merchantId, buyer, chain };
}

/** An order of 10000 (level 1 earns 1000, level 2 500), placed and paid at `at`. */
async function paidOrder(net: Net, at = T0, opts: { shipTo?: FixtureShipTo; before?: (orderId: string) => Promise<void>; settings?: FraudSettings } = {}): Promise<string> {
  const orderId = await placeOrder(db, { buyer: net.buyer, merchantId: net.merchantId, lines: [{ price: 10000, quantity: 1 }], at, shipTo: opts.shipTo });
  await opts.before?.(orderId);
  await pay(db, orderId, at + 1, opts.settings ?? SETTINGS);
  return orderId;
}

const heldOf = async (orderId: string) => (await commissionsOf(db, orderId)).map((c) => ({ level: Number(c.level), status: c.status, held: Number(c.held) }));
const reasonsOf = async (orderId: string) => (await holdsOf(db, orderId)).map((h) => ({ level: Number(h.level), state: h.state, reasons: JSON.parse(h.reasons) as unknown }));
const staffOf = (merchantId: string) => ({ merchantId, userId: uniq('u_staff') });

describe('signals at earn time', () => {
  it('nothing suspicious: nothing is held, and the commission settles once its window passed', async () => {
    const net = await network();
    await recordDevice(db, net.buyer, uniq('dev_b'), T0);
    await recordDevice(db, net.chain[0], uniq('dev_p'), T0);
    const orderId = await paidOrder(net, T0, { shipTo: ADDRESS });
    expect(await holdsOf(db, orderId)).toEqual([]);
    expect(await heldOf(orderId)).toEqual([
      { level: 1, status: 'pending', held: 0 },
      { level: 2, status: 'pending', held: 0 },
    ]);
    await complete(db, orderId, T0 + 10, SETTINGS);
    expect(await unfreezeDueCommissions(db, T0 + 10 + 3 * DAY_MS)).toBe(2);
    expect(await earningsOf(db, net.chain[0])).toMatchObject({ available: 1000 });
  });

  it('same device, used at sign-in or on a visit: the promoter who shares it is held, the level above is not', async () => {
    const net = await network();
    const dev = uniq('dev_shared');
    await recordDevice(db, net.buyer, dev, T0);
    await recordDevice(db, net.chain[0], dev, T0);
    const orderId = await paidOrder(net);
    expect(await reasonsOf(orderId)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_device' }] }]);
    expect(await heldOf(orderId)).toEqual([
      { level: 1, status: 'pending', held: 1 },
      { level: 2, status: 'pending', held: 0 },
    ]);
    // Held, its bookkeeping goes on: earned into pending.
    expect(await earningsOf(db, net.chain[0])).toMatchObject({ pending: 1000 });

    // A device known only from the buyer's signed-in visit (referral_visits' own row for the account).
    const other = await network();
    const visitDevice = uniq('dev_visit');
    await recordDevice(db, other.chain[1], visitDevice, T0);
    await db
      .insertInto('referral_visits')
      .values({ visitor: `u:${other.buyer}`, first_link_id: 'l', first_promoter_id: other.chain[0], first_at: T0, last_link_id: 'l', last_promoter_id: other.chain[0], last_at: T0, last_platform: 'h5', last_scene: null, device_id: visitDevice, user_id: other.buyer })
      .execute();
    const second = await paidOrder(other);
    expect(await reasonsOf(second)).toEqual([{ level: 2, state: 'open', reasons: [{ code: 'same_device' }] }]);
  });

  it('same payer: the order was paid by the promoter’s own channel account, or by a payer that paid for the promoter', async () => {
    // The promoter is a WeChat mini-program account; the buyer's order was paid at WeChat Pay by his openid.
    const net = await network(1);
    const openid = uniq('o_wx');
    await db.updateTable('users').set({ platform: 'weapp', openid }).where('id', '=', net.chain[0]).execute();
    const promoter = await account(db, { platform: 'weapp', openid });
    await bindChain(db, net.buyer, []);
    await db.updateTable('referral_bindings').set({ promoter_id: promoter }).where('user_id', '=', net.buyer).execute();
    const first = await paidOrder(net, T0, { before: (orderId) => paidBy(db, { userId: net.buyer, orderId, channel: 'wechatpay', payerId: openid }, T0).then(() => undefined) });
    expect(await reasonsOf(first)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_payer', channel: 'wechatpay' }] }]);

    // An Alipay buyer id that paid one of the promoter's own orders pays the buyer's.
    const other = await network(1);
    await paidBy(db, { userId: other.chain[0], channel: 'alipay', payerId: '2088000000000001' }, T0 - DAY_MS);
    const second = await paidOrder(other, T0, { before: (orderId) => paidBy(db, { userId: other.buyer, orderId, channel: 'alipay', payerId: '2088000000000001' }, T0).then(() => undefined) });
    expect(await reasonsOf(second)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_payer', channel: 'alipay' }] }]);

    // The same string at another channel is another payer; a payer that paid only for the buyer is his own.
    const third = await network(1);
    await paidBy(db, { userId: third.chain[0], channel: 'wechatpay', payerId: '2088000000000002' }, T0 - DAY_MS);
    const fine = await paidOrder(third, T0, { before: (orderId) => paidBy(db, { userId: third.buyer, orderId, channel: 'alipay', payerId: '2088000000000002' }, T0).then(() => undefined) });
    expect(await holdsOf(db, fine)).toEqual([]);
  });

  it('same address: the order ships to the recipient phone and address in the promoter’s book or on his own orders (spacing, width and +86 aside)', async () => {
    const net = await network(1);
    await db
      .insertInto('addresses')
      .values({ id: uniq('adr'), user_id: net.chain[0], name: '另一个名字', phone: '13912345678', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道100号', is_default: 1, created_at: T0, updated_at: T0 })
      .execute();
    const orderId = await paidOrder(net, T0, { shipTo: { name: '王五', phone: '+86 139-1234-5678', address: '上海市 上海市 浦东新区 世纪大道１００号' } });
    expect(await reasonsOf(orderId)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_address' }] }]);

    // The promoter's own earlier delivery order to the same place.
    const other = await network(1);
    await placeOrder(db, { buyer: other.chain[0], merchantId: other.merchantId, lines: [{ price: 100, quantity: 1 }], at: T0 - DAY_MS, shipTo: ADDRESS });
    const second = await paidOrder(other, T0, { shipTo: ADDRESS });
    expect(await reasonsOf(second)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_address' }] }]);

    // Same street, another phone: not the same address; a pickup order has none.
    const third = await network(1);
    await placeOrder(db, { buyer: third.chain[0], merchantId: third.merchantId, lines: [{ price: 100, quantity: 1 }], at: T0 - DAY_MS, shipTo: { ...ADDRESS, phone: '13900000000' } });
    expect(await holdsOf(db, await paidOrder(third, T0, { shipTo: ADDRESS }))).toEqual([]);
    expect(await holdsOf(db, await paidOrder(third, T0 + 1))).toEqual([]);
  });

  it('velocity: more new bindings than REFERRAL_VELOCITY_MAX within the window, around the payment or the buyer’s own binding; off holds nothing', async () => {
    const net = await network(1);
    const promoter = net.chain[0];
    // The buyer arrived in a burst of four within an hour (max 3), a day before paying.
    await db.updateTable('referral_bindings').set({ bound_at: T0 - DAY_MS }).where('user_id', '=', net.buyer).execute();
    for (let i = 0; i < 3; i++) await db.insertInto('referral_bindings').values({ user_id: uniq('u_fake'), promoter_id: promoter, link_id: null, bound_at: T0 - DAY_MS - (i + 1) * 60_000, expires_at: null }).execute();
    const orderId = await paidOrder(net);
    expect(await reasonsOf(orderId)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'velocity', bindings: 4, max: 3, windowMinutes: 60 }] }]);

    // Three in the hour is within the limit; off, any number is.
    const calm = await network(1);
    await db.updateTable('referral_bindings').set({ bound_at: T0 - 10 * 60_000 }).where('user_id', '=', calm.buyer).execute();
    for (let i = 0; i < 2; i++) await db.insertInto('referral_bindings').values({ user_id: uniq('u_new'), promoter_id: calm.chain[0], link_id: null, bound_at: T0 - i * 60_000, expires_at: null }).execute();
    expect(await holdsOf(db, await paidOrder(calm))).toEqual([]);
    for (let i = 0; i < 5; i++) await db.insertInto('referral_bindings').values({ user_id: uniq('u_new'), promoter_id: calm.chain[0], link_id: null, bound_at: T0 - i * 60_000, expires_at: null }).execute();
    expect(await holdsOf(db, await paidOrder(calm, T0 + 2, { settings: { ...SETTINGS, velocityMax: null } }))).toEqual([]);
    expect(await reasonsOf(await paidOrder(calm, T0 + 3))).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'velocity', bindings: 8, max: 3, windowMinutes: 60 }] }]);
  });

  it('several signals are one hold with every reason; a promoter whose commissions earned nothing is not held', async () => {
    const net = await network(1);
    const dev = uniq('dev');
    await recordDevice(db, net.buyer, dev, T0);
    await recordDevice(db, net.chain[0], dev, T0);
    await placeOrder(db, { buyer: net.chain[0], merchantId: net.merchantId, lines: [{ price: 100, quantity: 1 }], at: T0 - DAY_MS, shipTo: ADDRESS });
    const orderId = await paidOrder(net, T0, { shipTo: ADDRESS });
    expect(await reasonsOf(orderId)).toEqual([{ level: 1, state: 'open', reasons: [{ code: 'same_device' }, { code: 'same_address' }] }]);

    const free = await merchantWithRules(db, { ...RULES, levels: 1, amounts: [0] }, T0 - DAY_MS);
    const nothing = await placeOrder(db, { buyer: net.buyer, merchantId: free, lines: [{ price: 10000, quantity: 1 }], at: T0 });
    await pay(db, nothing, T0 + 1, SETTINGS);
    expect(await holdsOf(db, nothing)).toEqual([]);
  });
});

describe('held commissions and decisions', () => {
  /** A paid order whose level-1 commission a shared device held; the hold's id. */
  async function heldOrder(): Promise<Net & { orderId: string; holdId: string }> {
    const net = await network();
    const dev = uniq('dev');
    await recordDevice(db, net.buyer, dev, T0);
    await recordDevice(db, net.chain[0], dev, T0);
    const orderId = await paidOrder(net);
    const [hold] = await holdsOf(db, orderId);
    return { ...net, orderId, holdId: hold.id };
  }

  it('a held commission freezes as usual but never becomes available; released, it settles once its window passed', async () => {
    const h = await heldOrder();
    await complete(db, h.orderId, T0 + 10, SETTINGS);
    expect(await heldOf(h.orderId)).toEqual([
      { level: 1, status: 'frozen', held: 1 },
      { level: 2, status: 'frozen', held: 0 },
    ]);
    const due = T0 + 10 + 3 * DAY_MS;
    expect(await unfreezeDueCommissions(db, due + 30 * DAY_MS)).toBe(1);
    expect(await heldOf(h.orderId)).toEqual([
      { level: 1, status: 'frozen', held: 1 },
      { level: 2, status: 'available', held: 0 },
    ]);
    expect(await earningsOf(db, h.chain[0])).toMatchObject({ frozen: 1000, available: 0 });
    // Nothing of it can be withdrawn.
    expect(await withdrawAll(db, h.chain[0], due + 30 * DAY_MS)).toBe(0);

    // Released before its window: it waits for the window.
    const early = await heldOrder();
    await complete(db, early.orderId, T0 + 10, SETTINGS);
    const released = await decideHold(db, staffOf(early.merchantId), early.holdId, { kind: 'release' }, T0 + 20);
    expect(released).toMatchObject({ state: 'released', amount: 1000, earned: 1000, reasons: [{ code: 'same_device' }], decidedAt: T0 + 20 });
    expect(await unfreezeDueCommissions(db, due - 1)).toBe(0);
    expect(await unfreezeDueCommissions(db, due)).toBeGreaterThanOrEqual(2);
    expect(await earningsOf(db, early.chain[0])).toMatchObject({ frozen: 0, available: 1000 });

    // Released after its window: the next run settles it.
    await decideHold(db, staffOf(h.merchantId), h.holdId, { kind: 'release' }, due + 31 * DAY_MS);
    expect(await unfreezeDueCommissions(db, due + 31 * DAY_MS)).toBe(1);
    expect(await earningsOf(db, h.chain[0])).toMatchObject({ frozen: 0, available: 1000 });
    expect(await withdrawAll(db, h.chain[0], due + 32 * DAY_MS)).toBe(1000);
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('rejected: what is left is reversed with ledger postings, recorded once; a later refund reverses nothing more', async () => {
    const h = await heldOrder();
    await refund(db, h.orderId, { amount: 2500 }, T0 + 5, SETTINGS);
    expect(await earningsOf(db, h.chain[0])).toMatchObject({ pending: 750 });
    const rejected = await decideHold(db, staffOf(h.merchantId), h.holdId, { kind: 'reject', reason: '同一设备刷单' }, T0 + 6);
    expect(rejected).toMatchObject({ state: 'rejected', earned: 1000, amount: 0, note: '同一设备刷单' });
    const [level1, level2] = await commissionsOf(db, h.orderId);
    expect(level1).toMatchObject({ status: 'reversed', reversed_amount: 1000 });
    // The level above was not held: untouched beyond the refund.
    expect(level2).toMatchObject({ status: 'pending', reversed_amount: 125 });
    expect(await earningsOf(db, h.chain[0])).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
    const reversals = await db.selectFrom('referral_commission_reversals').select(['refund_id', 'amount']).where('commission_id', '=', level1.id).orderBy('at').execute();
    expect(reversals.map((r) => [r.refund_id.split(':')[0], Number(r.amount)])).toEqual([
      [expect.stringMatching(/^rf_/), 250],
      ['reject', 750],
    ]);
    const audit = await db.selectFrom('audit_log').select(['action', 'target', 'detail']).where('target', '=', `referral_hold:${h.holdId}`).execute();
    expect(audit.map((a) => [a.action, JSON.parse(a.detail)])).toEqual([['referral.hold_rejected', { orderNo: expect.any(String), level: 1, reasons: ['same_device'], reversed: 750, reason: '同一设备刷单' }]]);
    await refund(db, h.orderId, { amount: 7500 }, T0 + 7, SETTINGS);
    expect((await commissionsOf(db, h.orderId))[0]).toMatchObject({ status: 'reversed', reversed_amount: 1000 });
    await complete(db, h.orderId, T0 + 8, SETTINGS);
    expect(await unfreezeDueCommissions(db, T0 + 100 * DAY_MS)).toBe(0);
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('the same decision again answers the hold as it is; the other decision is 409; another merchant’s hold is 404; the queue pages by state', async () => {
    const h = await heldOrder();
    const staff = staffOf(h.merchantId);
    const first = await decideHold(db, staff, h.holdId, { kind: 'release' }, T0 + 10);
    expect(await decideHold(db, staff, h.holdId, { kind: 'release' }, T0 + 20)).toEqual(first);
    await expect(decideHold(db, staff, h.holdId, { kind: 'reject', reason: null }, T0 + 30)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await expect(decideHold(db, staffOf(uniq('m_other')), (await heldOrder()).holdId, { kind: 'release' }, T0)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.selectFrom('audit_log').select('action').where('target', '=', `referral_hold:${h.holdId}`).execute()).toEqual([{ action: 'referral.hold_released' }]);

    // One merchant's queue: three open, one decided, by pages of two, newest first.
    const merchantId = await merchantWithRules(db, RULES, T0 - DAY_MS);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const buyer = uniq('u_buyer');
      const promoter = uniq('u_promoter');
      await bindChain(db, buyer, [promoter]);
      const dev = uniq('dev');
      await recordDevice(db, buyer, dev, T0);
      await recordDevice(db, promoter, dev, T0);
      await db.insertInto('users').values({ id: buyer, platform: 'h5', openid: uniq('p'), unionid: null, phone: '13912345678', nickname: '张三丰', avatar: null, created_at: T0, updated_at: T0 }).execute();
      const orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 5000, quantity: 1 }], at: T0 + i });
      await pay(db, orderId, T0 + i, SETTINGS);
      ids.push((await holdsOf(db, orderId))[0].id);
    }
    await decideHold(db, staffOf(merchantId), ids[1], { kind: 'reject', reason: null }, T0 + 100);
    const page1 = await listHolds(db, merchantId, { state: 'open', limit: 2 });
    expect(page1.items.map((i) => i.id)).toEqual([ids[3], ids[2]]);
    expect(page1.items[0]).toMatchObject({ state: 'open', level: 1, earned: 500, amount: 500, titles: ['商品0'], buyer: { nickname: '张**丰', phone: '139****5678' }, reasons: [{ code: 'same_device' }] });
    const page2 = await listHolds(db, merchantId, { state: 'open', limit: 2, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((i) => i.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    expect((await listHolds(db, merchantId, { state: 'decided', limit: 10 })).items.map((i) => [i.id, i.state])).toEqual([[ids[1], 'rejected']]);
    await expect(listHolds(db, merchantId, { state: 'open', limit: 2, cursor: 'bogus' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('an open after-sale keeps a settled-due commission back until the request is over; the next run settles it', async () => {
    const net = await network();
    const orderId = await paidOrder(net);
    await complete(db, orderId, T0 + 10, SETTINGS);
    const request = await afterSaleOf(db, orderId, 'requested', T0 + 20);
    const due = T0 + 10 + 3 * DAY_MS;
    expect(await unfreezeDueCommissions(db, due)).toBe(0);
    for (const open of ['awaiting_return', 'returning', 'refunding', 'refund_failed']) {
      await db.updateTable('after_sales').set({ status: open }).where('id', '=', request).execute();
      expect(await unfreezeDueCommissions(db, due)).toBe(0);
    }
    expect((await heldOf(orderId)).map((c) => c.status)).toEqual(['frozen', 'frozen']);
    // The merchant rejected it: over.
    await db.updateTable('after_sales').set({ status: 'rejected' }).where('id', '=', request).execute();
    expect(await unfreezeDueCommissions(db, due)).toBe(2);
    expect(await earningsOf(db, net.chain[0])).toMatchObject({ frozen: 0, available: 1000 });
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('a page of commissions kept back does not stop the job from settling those after it', async () => {
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      const net = await network(1);
      const orderId = await paidOrder(net, T0 - 5 * DAY_MS);
      await complete(db, orderId, T0 - 5 * DAY_MS, SETTINGS);
      await afterSaleOf(db, orderId, 'requested', T0);
      kept.push(orderId);
    }
    const net = await network(1);
    const later = await paidOrder(net, T0 - 4 * DAY_MS);
    await complete(db, later, T0 - 4 * DAY_MS, SETTINGS);
    expect(await unfreezeDueCommissions(db, T0, 2)).toBeGreaterThanOrEqual(1);
    expect((await commissionsOf(db, later))[0].status).toBe('available');
    for (const orderId of kept) expect((await commissionsOf(db, orderId))[0].status).toBe('frozen');
  });

  it('the ledger check finds a held commission that was made available', async () => {
    const h = await heldOrder();
    await db.updateTable('referral_commissions').set({ status: 'available' }).where('hold_id', '=', h.holdId).execute();
    expect((await ledgerProblems(db)).some((p) => p.includes('is held but was made available'))).toBe(true);
    await db.updateTable('referral_commissions').set({ status: 'pending' }).where('hold_id', '=', h.holdId).execute();
    expect(await ledgerProblems(db)).toEqual([]);
  });
});

describe('races', () => {
  /** A held order completed at T0, due at T0 + 3 days. */
  async function heldDue(): Promise<{ merchantId: string; orderId: string; holdId: string; promoter: string }> {
    const net = await network(1);
    const dev = uniq('dev');
    await recordDevice(db, net.buyer, dev, T0);
    await recordDevice(db, net.chain[0], dev, T0);
    const orderId = await paidOrder(net, T0 - DAY_MS);
    await complete(db, orderId, T0, SETTINGS);
    return { merchantId: net.merchantId, orderId, holdId: (await holdsOf(db, orderId))[0].id, promoter: net.chain[0] };
  }

  it('release and a refund of the order at the same moment: both apply, once, in either order', async () => {
    for (let i = 0; i < 6; i++) {
      const h = await heldDue();
      await Promise.all([
        decideHold(db, staffOf(h.merchantId), h.holdId, { kind: 'release' }, T0 + 1),
        refund(db, h.orderId, { amount: 4000 }, T0 + 1, SETTINGS),
      ]);
      const [c] = await commissionsOf(db, h.orderId);
      expect(c).toMatchObject({ status: 'frozen', held: 0, reversed_amount: 400 });
      expect(await unfreezeDueCommissions(db, T0 + 3 * DAY_MS)).toBeGreaterThanOrEqual(1);
      expect(await earningsOf(db, h.promoter)).toMatchObject({ frozen: 0, available: 600 });
    }
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('reject and a refund at the same moment: never more reversed than earned, and the ledger agrees', async () => {
    for (let i = 0; i < 6; i++) {
      const h = await heldDue();
      await Promise.all([decideHold(db, staffOf(h.merchantId), h.holdId, { kind: 'reject', reason: null }, T0 + 1), refund(db, h.orderId, { amount: 4000 }, T0 + 1, SETTINGS)]);
      const [c] = await commissionsOf(db, h.orderId);
      expect(c).toMatchObject({ status: 'reversed', reversed_amount: 1000 });
      expect(await earningsOf(db, h.promoter)).toEqual({ pending: 0, frozen: 0, available: 0, withdrawing: 0, withdrawn: 0, owed: 0 });
    }
    expect(await ledgerProblems(db)).toEqual([]);
  });

  it('release racing the unfreeze job, and two decisions racing each other: one outcome each', async () => {
    for (let i = 0; i < 6; i++) {
      const h = await heldDue();
      const due = T0 + 3 * DAY_MS;
      await Promise.all([decideHold(db, staffOf(h.merchantId), h.holdId, { kind: 'release' }, due), unfreezeDueCommissions(db, due), unfreezeDueCommissions(db, due)]);
      // Whether the job saw it released or not, one more run settles it once.
      await unfreezeDueCommissions(db, due);
      expect(await earningsOf(db, h.promoter)).toMatchObject({ frozen: 0, available: 1000 });

      const g = await heldDue();
      const outcomes = await Promise.allSettled([
        decideHold(db, staffOf(g.merchantId), g.holdId, { kind: 'release' }, T0 + 1),
        decideHold(db, staffOf(g.merchantId), g.holdId, { kind: 'reject', reason: null }, T0 + 1),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected');
      expect(lost && lost.status === 'rejected' ? (lost.reason as { code?: string }).code : null).toBe('ILLEGAL_TRANSITION');
      const [hold] = await holdsOf(db, g.orderId);
      const [c] = await commissionsOf(db, g.orderId);
      expect(hold.state === 'released' ? c.status === 'frozen' && Number(c.held) === 0 : hold.state === 'rejected' && c.status === 'reversed').toBe(true);
    }
    expect(await ledgerProblems(db)).toEqual([]);
  });
});
