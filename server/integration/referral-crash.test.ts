import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDb, type TestDb } from '../test/db';
import { checkLedger } from '../checks/ledger';
import { freePort } from '../test/net';
import { issueToken } from '../infra/tokens';
import { setRules } from '../modules/referral/rules';
import { bindChain } from '../modules/referral/testing';
import { ApiProcess } from './support/crash-api';
import { GaveUp, RetryingClient, newClientStats, seededRandom, sleep } from './support/crash-shopper';

/**
 * Referral commissions under SIGKILL: the API process is killed at random (seeded) moments
 * while referred shoppers place, pay (stored balance) and partly or wholly refund orders (through
 * after-sales: 仅退款 of one unit or of everything, approved at once for an unshipped order), and
 * restarted each time. The referral consumer and the unfreeze job run in that process. Then the
 * API runs until the outbox is drained, and the database must show: a clean ledger check
 * (commission accounts included), every paid order's commissions earned, and every succeeded
 * refund of a commissioned order reversed exactly once per commission.
 *
 * Runs on SQLite, and on PostgreSQL with TEST_DB=postgres. CRASH_SEED picks another run.
 */
const SEED = Number(process.env.CRASH_SEED ?? 20261207);
const SHOPPERS = 16;
const ORDERS_EACH = 5;
const TOKEN_SECRET = 'referral-crash-test-secret-0123456789abcdef';

jest.setTimeout(180_000);

let tdb: TestDb;
let api: ApiProcess;
let logDir: string;
let passed = false;

beforeAll(async () => {
  tdb = await testDb();
  logDir = mkdtempSync(path.join(os.tmpdir(), 'shop-referral-crash-'));
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SANDBOX: 'on',
    SEED_DEMO: 'on',
    STATIC_DIR: path.join(logDir, 'no-static'),
    DATA_DIR: tdb.sqlitePath ? path.dirname(tdb.sqlitePath) : path.join(logDir, 'data'),
    TOKEN_SECRET,
    JOB_INTERVAL_SCALE: '0.2',
    WELCOME_BALANCE_FEN: '10000000',
    WELCOME_POINTS: '0',
  };
  if (tdb.databaseUrl && tdb.schema) env.DATABASE_URL = `${tdb.databaseUrl}?options=${encodeURIComponent(`-c search_path=${tdb.schema}`)}`;
  api = new ApiProcess({ port: await freePort(), env, logFile: path.join(logDir, 'api.log') });
  await api.start();
});

afterAll(async () => {
  await api?.stop();
  await tdb?.destroy();
  if (logDir && passed && !process.env.CRASH_KEEP_LOG) rmSync(logDir, { recursive: true, force: true });
});

async function user(id: string): Promise<string> {
  const now = Date.now();
  await tdb.db.insertInto('users').values({ id, platform: 'h5', openid: id, unionid: null, phone: null, nickname: id, avatar: null, created_at: now, updated_at: now, status_changed_at: null }).execute();
  return issueToken(TOKEN_SECRET, id, 3600).token;
}

it('SIGKILL during a burst of referred paid and refunded orders: commissions earned and reversed once, the ledger balances', async () => {
  const db = tdb.db;
  const now = Date.now();
  for (const m of await db.selectFrom('merchants').select('id').execute()) {
    await setRules(db, m.id, 'u_seed', { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 0 }, now - 60_000);
  }
  const skus = (
    await db
      .selectFrom('skus')
      .innerJoin('products', 'products.id', 'skus.product_id')
      .select(['skus.id'])
      .where('products.on_shelf', '=', 1)
      .where('skus.stock', '>=', 40)
      .where('skus.price', '>=', 100)
      .where('skus.price', '<=', 40_000)
      .orderBy('skus.id')
      .limit(30)
      .execute()
  ).map((s) => s.id);
  expect(skus.length).toBeGreaterThanOrEqual(5);
  const tops = [`u_rc_top_${process.pid}_0`, `u_rc_top_${process.pid}_1`];
  const mids = Array.from({ length: 4 }, (_, i) => `u_rc_mid_${process.pid}_${i}`);
  for (const id of [...tops, ...mids]) await user(id);
  const shoppers: { id: string; token: string }[] = [];
  for (let i = 0; i < SHOPPERS; i++) {
    const id = `u_rc_buyer_${process.pid}_${i}`;
    shoppers.push({ id, token: await user(id) });
    await bindChain(db, id, [mids[i % mids.length], tops[i % tops.length]]);
  }

  const stats = newClientStats();
  let keys = 0;
  const key = () => `rc-${process.pid}-${SEED}-${++keys}`;
  const refundsAsked = { count: 0, refused: {} as Record<string, number> };
  const runs = shoppers.map(async (s, i) => {
    const random = seededRandom(SEED + i);
    const client = new RetryingClient(api.baseUrl, stats, 20_000);
    await sleep(i * 40);
    for (let k = 0; k < ORDERS_EACH; k++) {
      try {
        await shop(client, s, random);
      } catch (err) {
        // A request cut off by a kill whose key stays in progress: the shopper moves on (what it did is checked below).
        if (!(err instanceof GaveUp)) throw err;
      }
    }
  });
  async function shop(client: RetryingClient, s: { token: string }, random: () => number): Promise<void> {
    {
      const items = Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({ skuId: skus[Math.floor(random() * skus.length)], quantity: 1 + Math.floor(random() * 3) }));
      const unique = [...new Map(items.map((it) => [it.skuId, it])).values()];
      const placed = await client.send('POST', '/api/orders', { token: s.token, key: key(), body: { items: unique, fulfilment: { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } } });
      if (placed.status !== 201) return;
      const parent = placed.body as { id: string; children: { id: string; lines: { quantity: number }[] }[] };
      const paid = await client.send('POST', '/api/payments', { token: s.token, key: key(), body: { orderId: parent.id, tenders: { balance: true, points: false } } });
      if (paid.status !== 201) return;
      const child = parent.children[Math.floor(random() * parent.children.length)];
      const refunds = random() < 0.6 ? 1 + Math.floor(random() * 2) : 0;
      for (let r = 0; r < refunds; r++) {
        // Refunds go through after-sales (仅退款): an unshipped order's request is approved at once
        // and refunded by the after-sale flow. Whole (every unit left) or one unit of one line.
        const whole = random() < 0.3;
        const lineNo = Math.floor(random() * child.lines.length);
        const body = whole
          ? { orderId: child.id, kind: 'refund_only', reason: 'no_longer_needed' }
          : { orderId: child.id, kind: 'refund_only', reason: 'ordered_by_mistake', lines: [{ lineNo, quantity: 1 }] };
        const refundKey = key();
        // The order is paid once the order consumer has applied the payment: until then the request is refused.
        for (let attempt = 0; attempt < 100; attempt++) {
          const res = await client.send('POST', '/api/after-sales', { token: s.token, key: refundKey, body });
          if (res.status === 201) {
            refundsAsked.count += 1;
            break;
          }
          if (res.code !== 'AFTER_SALE_ORDER_NOT_PAID') {
            refundsAsked.refused[res.code ?? String(res.status)] = (refundsAsked.refused[res.code ?? String(res.status)] ?? 0) + 1;
            break;
          }
          await sleep(100);
        }
      }
    }
  }
  const shoppersDone = Promise.all(runs);
  const killRandom = seededRandom(SEED ^ 0x2545f491);
  let finished = false;
  void shoppersDone.finally(() => {
    finished = true;
  });
  while (!finished && api.kills < 6) {
    await sleep(800 + Math.floor(killRandom() * 1500));
    if (finished) break;
    await api.kill();
    await sleep(Math.floor(killRandom() * 300));
    await api.start();
  }
  await shoppersDone;

  // Let the API run until the outbox is drained.
  const pending = async () => (await db.selectFrom('outbox_deliveries').select('event_id').where('status', '=', 'pending').execute()).length;
  const began = Date.now();
  while (Date.now() - began < 60_000 && (await pending()) > 0) await sleep(300);

  const problems: string[] = [];
  if ((await pending()) > 0) problems.push(`${await pending()} outbox deliveries still pending`);
  const dead = await db.selectFrom('outbox_deliveries').select(['event_id', 'sink', 'last_error']).where('status', '=', 'dead').execute();
  for (const d of dead) problems.push(`dead delivery ${d.event_id} to ${d.sink}: ${d.last_error}`);
  const report = await checkLedger(db);
  for (const d of report.discrepancies) problems.push(`[${d.check}] ${d.message}`);

  const commissions = await db.selectFrom('referral_commissions').select(['id', 'order_id', 'status', 'amount', 'reversed_amount']).execute();
  const paidOrders = new Set(
    (await db.selectFrom('orders').select(['id']).where('paid_at', 'is not', null).execute()).map((o) => o.id),
  );
  for (const c of commissions) if (paidOrders.has(c.order_id) && c.status === 'placed') problems.push(`commission ${c.id} of paid order ${c.order_id} was never earned`);
  const commissioned = new Set(commissions.map((c) => c.order_id));
  const refunds = await db.selectFrom('refunds').select(['id', 'order_id']).where('status', '=', 'succeeded').execute();
  const reversals = await db.selectFrom('referral_commission_reversals').select(['refund_id', 'commission_id']).execute();
  // Each (refund, commission) reversed once, only commissions of the refund's own order, and every
  // refund of a commissioned order reversed some (its lines' commissions, at every level; a refund
  // of one line leaves the other lines' commissions alone). The amounts: the ledger check above.
  const orderOfCommission = new Map(commissions.map((c) => [c.id, c.order_id]));
  const orderOfRefund = new Map(refunds.map((r) => [r.id, r.order_id]));
  const perRefund = new Map<string, number>();
  const pairs = new Set<string>();
  for (const r of reversals) {
    perRefund.set(r.refund_id, (perRefund.get(r.refund_id) ?? 0) + 1);
    const pair = `${r.refund_id}/${r.commission_id}`;
    if (pairs.has(pair)) problems.push(`refund ${r.refund_id} reversed commission ${r.commission_id} twice`);
    pairs.add(pair);
    const refundOrder = orderOfRefund.get(r.refund_id);
    if (refundOrder && orderOfCommission.get(r.commission_id) !== refundOrder) problems.push(`refund ${r.refund_id} of order ${refundOrder} reversed commission ${r.commission_id} of another order`);
  }
  let reversedRefunds = 0;
  for (const r of refunds) {
    if (!commissioned.has(r.order_id)) continue;
    if ((perRefund.get(r.id) ?? 0) === 0) problems.push(`refund ${r.id} of commissioned order ${r.order_id} reversed nothing`);
    else reversedRefunds += 1;
  }
  const earnedTotal = commissions.reduce((a, c) => a + Number(c.amount), 0);
  const reversedTotal = commissions.reduce((a, c) => a + Number(c.reversed_amount), 0);
  const summary = [
    `seed ${SEED}, kills ${api.kills}, requests ${stats.requests} (${stats.retries} retried, ${stats.gaveUp} given up)`,
    `orders paid ${paidOrders.size}, commissions ${commissions.length}, earned ${earnedTotal}, reversed ${reversedTotal}, refunds asked ${refundsAsked.count} (refused: ${JSON.stringify(refundsAsked.refused)}), succeeded ${refunds.length} (${reversedRefunds} of commissioned orders, each reversed once)`,
    `API log: ${logDir}`,
  ].join('\n');
  writeFileSync(path.join(logDir, 'summary.txt'), `${summary}\n${problems.join('\n')}\n`);
  expect({ summary, problems: problems.slice(0, 40) }).toEqual({ summary, problems: [] });
  expect({ summary, kills: api.kills >= 2, earned: earnedTotal > 0, refunds: reversedRefunds >= 10 }).toEqual({ summary, kills: true, earned: true, refunds: true });
  passed = true;
});
