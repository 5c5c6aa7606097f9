import type { Kysely } from 'kysely';
import { buildCore, type Core } from '../../compose';
import { createDb } from '../../db';
import { transact, transientRetries } from '../../db/transaction';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { inProcessVolatile } from '../../realtime/volatile';
import { testConfig } from '../../test/app';
import { testDb, type TestDb } from '../../test/db';
import { closeExpiredOrders, createOrder, transitionOrder } from '../order';
import { makeSku, stockOf, userToken } from '../order/testing';
import { lineOf, makeLiveSession } from './flash-testing';

/**
 * A flash sale under load (docs/live.md, "Proofs it must carry"): 500 buyers for 50 units, on
 * PostgreSQL across two API nodes (each its own pool, order path and admission control, one
 * volatile channel between them), on SQLite one process with every request at once. Some buyers
 * ask beyond the per-shopper limit, some orders close unpaid. Never oversold (sold <= quota;
 * what is paid is exactly the paid orders' lines), never undersold (once closures give units
 * back, quota - sold is exactly what they gave back, and a second wave sells every one of them),
 * and on PostgreSQL no transaction needs the deadlock retry.
 *
 * Each node runs what the createOrder route runs: the admission control, then the order.
 */
const postgres = process.env.TEST_DB === 'postgres';
const config = testConfig({ LIVE_ADMISSION_RATE: '100000', LIVE_ADMISSION_BURST: '100000' });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const pickup = { type: 'pickup', contactName: '赵六', contactPhone: '13900139000' } as const;

interface Node {
  db: Kysely<Database>;
  core: Core;
}

let tdb: TestDb;
let second: Kysely<Database> | null = null;
let nodes: Node[];

beforeAll(async () => {
  tdb = await testDb({ poolSize: 10 });
  const volatile = inProcessVolatile();
  const dbs = [tdb.db];
  if (postgres) {
    second = createDb({ dialect: 'postgres', databaseUrl: tdb.databaseUrl, sqlitePath: '' }, { pgSchema: tdb.schema ?? undefined, poolSize: 10 });
    dbs.push(second);
  }
  nodes = dbs.map((db) => ({ db, core: buildCore({ db, config, log: quiet, volatile }) }));
});
afterAll(async () => {
  for (const n of nodes) {
    n.core.stop();
    await n.core.outbox.stop();
  }
  await second?.destroy();
  await tdb.destroy();
});

type Outcome = { ok: true; orderId: string; quantity: number; userId: string; expired: boolean } | { ok: false; code: string; fromMemory: boolean };

let keys = 0;
async function buy(node: Node, sessionId: string, skuId: string, userId: string, quantity: number, expired: boolean): Promise<Outcome> {
  keys += 1;
  const body = { items: [{ skuId, quantity }], fulfilment: pickup, liveSessionId: sessionId };
  try {
    node.core.liveAdmission.admitOrder(body);
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, fromMemory: true };
    throw err;
  }
  try {
    // Orders that will close unpaid were placed long enough ago that their deadline has passed.
    const now = expired ? Date.now() - 60_000 : undefined;
    const placed = await createOrder(node.db, { userId, idempotencyKey: `fc-${keys}`, body, payTimeoutSeconds: expired ? 1 : 900, now });
    return { ok: true, orderId: placed.children[0].id, quantity, userId, expired };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, fromMemory: false };
    throw err;
  }
}

async function liveFigures(db: Kysely<Database>, sessionId: string) {
  const lines = await db.selectFrom('live_order_lines').select(['state', 'quantity', 'order_id']).where('session_id', '=', sessionId).execute();
  const sum = (state: string) => lines.filter((l) => l.state === state).reduce((n, l) => n + Number(l.quantity), 0);
  const purchases = await db.selectFrom('live_purchases').select(['user_id', 'units']).where('session_id', '=', sessionId).execute();
  return { reserved: sum('reserved'), paid: sum('paid'), returned: sum('returned'), held: purchases.reduce((n, p) => n + Number(p.units), 0), maxHeld: Math.max(0, ...purchases.map((p) => Number(p.units))) };
}

it('500 buyers, 50 units, limit 2: never oversold, and every unit closures give back is sold again', async () => {
  const QUOTA = 50;
  const LIMIT = 2;
  const sku = await makeSku(tdb.db, { price: 9900, stock: 80, merchantId: 'm_flash' });
  const sessionId = await makeLiveSession(tdb.db, { merchantId: 'm_flash', perShopperLimit: LIMIT, lines: [{ skuId: sku.skuId, productId: sku.productId, price: 1990, quota: QUOTA }] });
  const shoppers = await Promise.all(Array.from({ length: 500 }, () => userToken(tdb.db, config.tokenSecret)));

  // Wave 1, all at once: 400 buy one unit; 50 send two orders of 2 at once (one may pass the
  // limit, never both); 50 ask 3 (always over the limit). A quarter of the orders will close unpaid.
  const requests: Promise<Outcome>[] = [];
  shoppers.forEach(({ userId }, i) => {
    const node = nodes[i % nodes.length];
    const expired = i % 4 === 0;
    if (i < 400) requests.push(buy(node, sessionId, sku.skuId, userId, 1, expired));
    else if (i < 450) {
      requests.push(buy(node, sessionId, sku.skuId, userId, 2, expired));
      requests.push(buy(nodes[(i + 1) % nodes.length], sessionId, sku.skuId, userId, 2, expired));
    } else requests.push(buy(node, sessionId, sku.skuId, userId, 3, expired));
  });
  const wave1 = await Promise.all(requests);
  const placed = wave1.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
  const refused = wave1.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  expect(refused.every((o) => o.code === 'LIVE_SOLD_OUT' || o.code === 'LIVE_LIMIT_REACHED')).toBe(true);
  expect(refused.filter((o) => o.code === 'LIVE_LIMIT_REACHED').length).toBeGreaterThanOrEqual(50);
  expect(placed.reduce((n, o) => n + o.quantity, 0)).toBe(QUOTA);
  let line = await lineOf(tdb.db, sessionId, sku.skuId);
  expect(line.sold).toBe(QUOTA);
  let figures = await liveFigures(tdb.db, sessionId);
  expect(figures).toMatchObject({ reserved: QUOTA, held: QUOTA });
  expect(figures.maxHeld).toBeLessThanOrEqual(LIMIT);
  // The line's stock was carved out once; the orders took none of it again.
  expect(await stockOf(tdb.db, sku.skuId)).toBe(80 - QUOTA);
  // Every node heard that the line sold out: the next order is refused from memory.
  for (const node of nodes) expect(node.core.liveAdmission.isSoldOut(sessionId, sku.skuId)).toBe(true);
  const { userId: late } = await userToken(tdb.db, config.tokenSecret);
  expect(await buy(nodes[nodes.length - 1], sessionId, sku.skuId, late, 1, false)).toEqual({ ok: false, code: 'LIVE_SOLD_OUT', fromMemory: true });

  // Payments for the orders that do not expire; the expired close (the close job), at once.
  const toPay = placed.filter((o) => !o.expired);
  const toClose = placed.filter((o) => o.expired);
  await Promise.all([
    ...toPay.map((o, i) => transact(nodes[i % nodes.length].db, (trx) => transitionOrder(trx, o.orderId, 'pay'))),
    ...nodes.map((n) => closeExpiredOrders(n.db, Date.now(), 100, n.core.orders.ended)),
  ]);
  const paidUnits = toPay.reduce((n, o) => n + o.quantity, 0);
  const returnedUnits = toClose.reduce((n, o) => n + o.quantity, 0);
  expect(returnedUnits).toBeGreaterThan(0);
  line = await lineOf(tdb.db, sessionId, sku.skuId);
  // Nobody bought since: exactly the units closures gave back are free.
  expect(line).toMatchObject({ quota: QUOTA, sold: QUOTA - returnedUnits, paid: paidUnits, paidAmount: paidUnits * 1990 });
  figures = await liveFigures(tdb.db, sessionId);
  expect(figures).toMatchObject({ reserved: 0, paid: paidUnits, returned: returnedUnits, held: paidUnits });
  for (const node of nodes) expect(node.core.liveAdmission.isSoldOut(sessionId, sku.skuId)).toBe(false);

  // Wave 2: fresh buyers, three for every unit given back, all at once: every unit sells again.
  const fresh = await Promise.all(Array.from({ length: returnedUnits * 3 }, () => userToken(tdb.db, config.tokenSecret)));
  const wave2 = await Promise.all(fresh.map(({ userId }, i) => buy(nodes[i % nodes.length], sessionId, sku.skuId, userId, 1, false)));
  expect(wave2.filter((o) => o.ok)).toHaveLength(returnedUnits);
  expect(wave2.every((o) => o.ok || o.code === 'LIVE_SOLD_OUT')).toBe(true);
  line = await lineOf(tdb.db, sessionId, sku.skuId);
  expect(line.sold).toBe(QUOTA);
  figures = await liveFigures(tdb.db, sessionId);
  expect(figures).toMatchObject({ reserved: returnedUnits, paid: paidUnits, held: QUOTA });
  expect(await stockOf(tdb.db, sku.skuId)).toBe(80 - QUOTA);

  // The paid units are exactly the paid orders' lines.
  const paidLines = await tdb.db
    .selectFrom('order_lines')
    .select(['order_id', 'quantity'])
    .where('order_id', 'in', toPay.map((o) => o.orderId))
    .execute();
  expect(paidLines.reduce((n, l) => n + Number(l.quantity), 0)).toBe(line.paid);
  // The lock order holds: no transaction was run again after a deadlock.
  for (const node of nodes) expect(transientRetries(node.db)).toEqual({});
}, 150_000);
