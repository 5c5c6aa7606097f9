import { buildCore, type Core } from '../../compose';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { AppError } from '../../infra/errors';
import type { OutboxEvent } from '../../infra/outbox';
import { inProcessVolatile } from '../../realtime/volatile';
import { testConfig } from '../../test/app';
import { testDb, type TestDb } from '../../test/db';
import { applyOrderEvent, closeExpiredOrders, createOrder, getOrder, transitionOrder } from '../order';
import { cancelOrder, previewCheckout } from '../order/service';
import { makeSku, stockOf, userToken } from '../order/testing';
import { createLiveAdmission } from './flash-admission';
import { endLiveSession, lineOf, makeLiveSession, unitsOf } from './flash-testing';

/**
 * Flash stock through the order module (docs/live.md, "Flash stock", "Late payments"): the
 * price rule, the quota and the per-shopper limit taken by guarded statements in the order's
 * transaction, closure giving units back once, payment, and late money honoured or refunded.
 */
let tdb: TestDb;
let core: Core;
const config = testConfig();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const pickup = { type: 'pickup', contactName: '李四', contactPhone: '13800138000' } as const;
let keys = 0;

beforeAll(async () => {
  tdb = await testDb();
  core = buildCore({ db: tdb.db, config, log: quiet });
});
afterAll(async () => {
  core.stop();
  await core.outbox.stop();
  await tdb.destroy();
});

async function session(opts: { status?: string; limit?: number; quota?: number; price?: number; stock?: number } = {}) {
  const sku = await makeSku(tdb.db, { price: 1000, stock: opts.stock ?? 100, merchantId: 'm_live1' });
  const sessionId = await makeLiveSession(tdb.db, {
    merchantId: 'm_live1',
    status: opts.status ?? 'live',
    perShopperLimit: opts.limit ?? 3,
    lines: [{ skuId: sku.skuId, productId: sku.productId, price: opts.price ?? 600, quota: opts.quota ?? 10 }],
  });
  return { sku, sessionId };
}

function order(userId: string, sessionId: string | undefined, items: { skuId: string; quantity: number }[], payTimeoutSeconds = 900, now?: number) {
  keys += 1;
  return createOrder(tdb.db, { userId, idempotencyKey: `flash-${keys}`, body: { items, fulfilment: pickup, liveSessionId: sessionId }, payTimeoutSeconds, now });
}

async function code(p: Promise<unknown>): Promise<{ code: string; extra?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, extra: err.extra };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the price rule', () => {
  it.each([
    ['live', 600],
    ['paused', 600],
    ['scheduled', 1000],
    ['ended', 1000],
    ['cancelled', 1000],
  ])('a session %s: the lineup SKU costs %i', async (status, unit) => {
    const { sku, sessionId } = await session({ status });
    const { userId } = await userToken(tdb.db, config.tokenSecret);
    const preview = await previewCheckout(tdb.db, userId, { items: [{ skuId: sku.skuId, quantity: 2 }], fulfilment: pickup, liveSessionId: sessionId });
    expect(preview.groups[0].lines[0].unitPrice).toBe(unit);
    expect(preview.canSubmit).toBe(true);
    const placed = await order(userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    const child = placed.children[0];
    expect(child.lines[0].unitPrice).toBe(unit);
    expect(child.amounts.itemsAmount).toBe(unit * 2);
    const selling = status === 'live' || status === 'paused';
    expect(child.liveSessionId).toBe(selling ? sessionId : null);
    expect((await getOrder(tdb.db, userId, child.id)).liveSessionId).toBe(selling ? sessionId : null);
    // A lineup line takes the session's quota, never the SKU's stock again; others take stock.
    expect((await lineOf(tdb.db, sessionId, sku.skuId)).sold).toBe(selling ? 2 : 0);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(selling ? 90 : 88);
  });

  it('a SKU outside the lineup is priced as usual in the same order; without liveSessionId nothing is live', async () => {
    const { sku, sessionId } = await session();
    const other = await makeSku(tdb.db, { price: 2500, merchantId: 'm_live1' });
    const { userId } = await userToken(tdb.db, config.tokenSecret);
    const placed = await order(userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }, { skuId: other.skuId, quantity: 1 }]);
    const prices = Object.fromEntries(placed.children[0].lines.map((l) => [l.skuId, l.unitPrice]));
    expect(prices).toEqual({ [sku.skuId]: 600, [other.skuId]: 2500 });
    expect(await stockOf(tdb.db, other.skuId)).toBe(99);
    const plain = await order(userId, undefined, [{ skuId: sku.skuId, quantity: 1 }]);
    expect(plain.children[0].lines[0].unitPrice).toBe(1000);
    expect(plain.children[0].liveSessionId).toBeNull();
  });

  it('an unknown session is 404 NOT_FOUND, on preview and order', async () => {
    const { sku } = await session();
    const { userId } = await userToken(tdb.db, config.tokenSecret);
    expect((await code(previewCheckout(tdb.db, userId, { items: [{ skuId: sku.skuId, quantity: 1 }], liveSessionId: 'ls_nope' }))).code).toBe('NOT_FOUND');
    expect((await code(order(userId, 'ls_nope', [{ skuId: sku.skuId, quantity: 1 }]))).code).toBe('NOT_FOUND');
    expect(await stockOf(tdb.db, sku.skuId)).toBe(90);
  });

  it('the preview judges a lineup line by what is left of its quota, not by the stock it was carved from', async () => {
    const { sku, sessionId } = await session({ stock: 10, quota: 10 });
    expect(await stockOf(tdb.db, sku.skuId)).toBe(0);
    const { userId } = await userToken(tdb.db, config.tokenSecret);
    const preview = await previewCheckout(tdb.db, userId, { items: [{ skuId: sku.skuId, quantity: 3 }], fulfilment: pickup, liveSessionId: sessionId });
    expect(preview.groups[0].lines[0].issue).toBeNull();
    await order(userId, sessionId, [{ skuId: sku.skuId, quantity: 3 }]);
    const { userId: other } = await userToken(tdb.db, config.tokenSecret);
    await order(other, sessionId, [{ skuId: sku.skuId, quantity: 3 }]);
    const { userId: third } = await userToken(tdb.db, config.tokenSecret);
    await order(third, sessionId, [{ skuId: sku.skuId, quantity: 3 }]);
    const late = await previewCheckout(tdb.db, userId, { items: [{ skuId: sku.skuId, quantity: 2 }], fulfilment: pickup, liveSessionId: sessionId });
    expect(late.groups[0].lines[0].issue).toBe('insufficient_stock');
    expect(late.canSubmit).toBe(false);
  });
});

describe('quota and the per-shopper limit', () => {
  it('LIVE_LIMIT_REACHED with limit and bought; LIVE_SOLD_OUT with skuId; a refusal takes nothing', async () => {
    const { sku, sessionId } = await session({ limit: 3, quota: 5 });
    const a = await userToken(tdb.db, config.tokenSecret);
    await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    const over = await code(order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]));
    expect(over).toEqual({ code: 'LIVE_LIMIT_REACHED', extra: { skuId: sku.skuId, limit: 3, bought: 2 } });
    expect((await code(order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 4 }]))).code).toBe('LIVE_LIMIT_REACHED');
    await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }]);
    const b = await userToken(tdb.db, config.tokenSecret);
    await order(b.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    const c = await userToken(tdb.db, config.tokenSecret);
    expect(await code(order(c.userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }]))).toEqual({ code: 'LIVE_SOLD_OUT', extra: { skuId: sku.skuId } });
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ quota: 5, sold: 5 });
    expect(await unitsOf(tdb.db, sessionId, sku.skuId, a.userId)).toBe(3);
    expect(await unitsOf(tdb.db, sessionId, sku.skuId, c.userId)).toBe(0);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(95);
  });

  it('a line of a session that ended refuses: it is priced as usual and takes stock', async () => {
    const { sku, sessionId } = await session({ quota: 4 });
    const a = await userToken(tdb.db, config.tokenSecret);
    await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }]);
    await endLiveSession(tdb.db, sessionId);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(99);
    const after = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }]);
    expect(after.children[0].lines[0].unitPrice).toBe(1000);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(98);
  });
});

describe('closure and payment', () => {
  it('closing unpaid gives the units back to the line and the shopper, once, and takes no stock back', async () => {
    const { sku, sessionId } = await session({ limit: 2, quota: 4 });
    const a = await userToken(tdb.db, config.tokenSecret);
    const now = Date.now();
    const placed = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }], 1, now);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 2 });
    expect(await closeExpiredOrders(tdb.db, now + 5_000, 100, core.orders.ended)).toBeGreaterThanOrEqual(1);
    expect(await closeExpiredOrders(tdb.db, now + 6_000, 100, core.orders.ended)).toBe(0);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 0, returned: 0 });
    expect(await unitsOf(tdb.db, sessionId, sku.skuId, a.userId)).toBe(0);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(96);
    const row = await tdb.db.selectFrom('live_order_lines').select('state').where('order_id', '=', placed.children[0].id).executeTakeFirstOrThrow();
    expect(row.state).toBe('returned');
    // The shopper may buy again up to the limit.
    await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
  });

  it('a cancelled order gives its units back; one closed after the session ended gives them to stock', async () => {
    const { sku, sessionId } = await session({ quota: 4 });
    const a = await userToken(tdb.db, config.tokenSecret);
    const first = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 1 }]);
    await cancelOrder(tdb.db, a.userId, first.children[0].id, Date.now(), core.orders.ended);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 0 });
    const second = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    await endLiveSession(tdb.db, sessionId);
    expect(await stockOf(tdb.db, sku.skuId)).toBe(98);
    await cancelOrder(tdb.db, a.userId, second.children[0].id, Date.now(), core.orders.ended);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ quota: 4, sold: 0, returned: 4 });
    expect(await stockOf(tdb.db, sku.skuId)).toBe(100);
  });

  it('paid: reserved lines become paid, the board counts units and fen', async () => {
    const { sku, sessionId } = await session({ price: 700 });
    const a = await userToken(tdb.db, config.tokenSecret);
    const placed = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    await transact(tdb.db, (trx) => transitionOrder(trx, placed.children[0].id, 'pay'));
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 2, paid: 2, paidAmount: 1400 });
  });
});

describe('late money', () => {
  const ended = jest.fn(async () => undefined);
  const deps = { ended, log: quiet };
  function paymentSucceeded(orderId: string, amount: number): OutboxEvent {
    return {
      id: `evt-${orderId}`,
      type: EVENTS.paymentSucceeded.name,
      version: 1,
      aggregateId: 'pay_t',
      payload: { paymentId: 'pay_t', paidAt: Date.now(), children: [{ orderId, amount }] },
      createdAt: Date.now(),
    };
  }
  async function closedOrder(quota: number, quantity: number) {
    const { sku, sessionId } = await session({ quota, limit: 5 });
    const a = await userToken(tdb.db, config.tokenSecret);
    const now = Date.now();
    const placed = await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity }], 1, now);
    await closeExpiredOrders(tdb.db, now + 5_000, 100, core.orders.ended);
    return { sku, sessionId, user: a, child: placed.children[0] };
  }
  beforeEach(() => ended.mockClear());

  it('honoured when the payment pays the whole order and the line still has quota: closed -> paid, lines taken again', async () => {
    const { sku, sessionId, user, child } = await closedOrder(4, 2);
    await transact(tdb.db, (trx) => applyOrderEvent(trx, deps, paymentSucceeded(child.id, child.amounts.payableAmount)));
    const after = await getOrder(tdb.db, user.userId, child.id);
    expect(after.status).toBe('paid');
    expect(after.timeline.at(-1)?.note).toContain('恢复订单');
    expect(ended).not.toHaveBeenCalled();
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 2, paid: 2 });
    expect(await unitsOf(tdb.db, sessionId, sku.skuId, user.userId)).toBe(2);
  });

  it('refunded (the ended hook) when the line sold out meanwhile; nothing taken', async () => {
    const { sku, sessionId, user, child } = await closedOrder(2, 2);
    const b = await userToken(tdb.db, config.tokenSecret);
    await order(b.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }]);
    await transact(tdb.db, (trx) => applyOrderEvent(trx, deps, paymentSucceeded(child.id, child.amounts.payableAmount)));
    expect((await getOrder(tdb.db, user.userId, child.id)).status).toBe('closed');
    expect(ended).toHaveBeenCalledTimes(1);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 2, paid: 0 });
    expect(await unitsOf(tdb.db, sessionId, sku.skuId, user.userId)).toBe(0);
  });

  it('refunded when the payment covers only part of the order', async () => {
    const { sku, sessionId, user, child } = await closedOrder(4, 2);
    await transact(tdb.db, (trx) => applyOrderEvent(trx, deps, paymentSucceeded(child.id, child.amounts.payableAmount - 1)));
    expect((await getOrder(tdb.db, user.userId, child.id)).status).toBe('closed');
    expect(ended).toHaveBeenCalledTimes(1);
    expect(await lineOf(tdb.db, sessionId, sku.skuId)).toMatchObject({ sold: 0 });
  });
});

describe('admission control', () => {
  it('sold-out notices from every node fill the set; restocked and resync clear it; entries lapse', () => {
    const bus = inProcessVolatile();
    let now = 1_000;
    const a = createLiveAdmission(bus, { rate: 1000, burst: 1000 }, () => now);
    const b = createLiveAdmission(bus, { rate: 1000, burst: 1000 }, () => now);
    const body = { liveSessionId: 'ls_1', items: [{ skuId: 'sku_1', quantity: 1 }] };
    a.announceSoldOut('ls_1', ['sku_1']);
    expect(() => b.admitOrder(body)).toThrow(expect.objectContaining({ code: 'LIVE_SOLD_OUT' }));
    expect(() => a.admitOrder(body)).toThrow(expect.objectContaining({ code: 'LIVE_SOLD_OUT' }));
    // Only orders whose every line is sold out are refused from memory.
    expect(() => a.admitOrder({ ...body, items: [...body.items, { skuId: 'sku_2', quantity: 1 }] })).not.toThrow();
    expect(() => a.admitOrder({ items: body.items })).not.toThrow();
    b.announceRestocked('ls_1', ['sku_1']);
    expect(() => a.admitOrder(body)).not.toThrow();
    a.announceSoldOut('ls_1', ['sku_1']);
    now += 60_000;
    expect(a.isSoldOut('ls_1', 'sku_1')).toBe(false);
    a.stop();
    b.stop();
  });

  it('a token bucket per session: LIVE_BUSY with retryAfterSeconds beyond the burst, refilled at the rate', () => {
    let now = 0;
    const a = createLiveAdmission(inProcessVolatile(), { rate: 2, burst: 3 }, () => now);
    const body = (s: string) => ({ liveSessionId: s, items: [{ skuId: 'sku_1', quantity: 1 }] });
    for (let i = 0; i < 3; i++) a.admitOrder(body('ls_a'));
    expect(() => a.admitOrder(body('ls_a'))).toThrow(expect.objectContaining({ code: 'LIVE_BUSY', status: 429, extra: { retryAfterSeconds: 1 } }));
    a.admitOrder(body('ls_b'));
    now += 500;
    a.admitOrder(body('ls_a'));
    expect(() => a.admitOrder(body('ls_a'))).toThrow(expect.objectContaining({ code: 'LIVE_BUSY' }));
    a.stop();
  });

  it('a commit that leaves a line with nothing tells the node; a closure that gives units back clears it', async () => {
    const { sku, sessionId } = await session({ quota: 2, limit: 2 });
    const a = await userToken(tdb.db, config.tokenSecret);
    const now = Date.now();
    await order(a.userId, sessionId, [{ skuId: sku.skuId, quantity: 2 }], 1, now);
    expect(core.liveAdmission.isSoldOut(sessionId, sku.skuId)).toBe(true);
    await closeExpiredOrders(tdb.db, now + 5_000, 100, core.orders.ended);
    expect(core.liveAdmission.isSoldOut(sessionId, sku.skuId)).toBe(false);
  });
});

