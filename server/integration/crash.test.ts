import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { testDb, type TestDb } from '../test/db';
import { checkLedger } from '../checks/ledger';
import { balanceOf } from '../modules/wallet/ledger';
import { freePort } from '../test/net';
import { ApiProcess } from './support/crash-api';
import { startChannelStandIns as startChannelSandbox, type Channel, type ChannelStandInsServer as ChannelSandboxServer } from './support/crash-standins';
import { Cashier, RetryingClient, newClientStats, runShopper, seededRandom, sleep, type ShopperPlan } from './support/crash-shopper';

/**
 * The crash test: the API process is killed with SIGKILL at random (seeded) moments while
 * shoppers make 200 combined payments (balance, points, sometimes a demo gift card, and a
 * channel: WeChat Pay, Alipay or Douyin through the channel sandbox, which runs in this process
 * as the real channels outlive our API), and restarted each time. Then the API runs until no
 * payment is open, and the database must show: every payment paid, or ended with its internal
 * tenders released, never both; no ledger step twice and every shopper's balance and points
 * explained by their paid payments and refunds; every trade the channels took money for is a
 * paid payment or late money refunded at the channel; a clean ledger check; paid orders.
 *
 * Runs on SQLite, and on a fresh PostgreSQL schema with TEST_DB=postgres. CRASH_SEED picks
 * another run of choices and kill moments.
 */
const SEED = Number(process.env.CRASH_SEED ?? 20240611);
const PAYMENTS = 200;
const SHOPPERS = 40;
const WELCOME_BALANCE = 20_000;
const WELCOME_POINTS = 5_000;
const PAY_TIMEOUT_SECONDS = 20;
const CHANNELS: readonly Channel[] = ['wechatpay', 'alipay', 'douyin'];
const DEMO_CARDS = [
  { number: '8888000000000200', pin: '200200' },
  { number: '8888000000001000', pin: '100000' },
  { number: '8888000000000050', pin: '123456' },
];

jest.setTimeout(240_000);

let tdb: TestDb;
let sandbox: ChannelSandboxServer;
let api: ApiProcess;
let logDir: string;
let passed = false;

beforeAll(async () => {
  tdb = await testDb();
  sandbox = await startChannelSandbox(0.01);
  logDir = mkdtempSync(path.join(os.tmpdir(), 'shop-crash-'));
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SANDBOX: 'on',
    SEED_DEMO: 'on',
    STATIC_DIR: path.join(logDir, 'no-static'),
    DATA_DIR: tdb.sqlitePath ? path.dirname(tdb.sqlitePath) : path.join(logDir, 'data'),
    WECHATPAY_API_BASE: `${sandbox.baseUrl}/sandbox/wechatpay`,
    ALIPAY_GATEWAY: `${sandbox.baseUrl}/sandbox/alipay/gateway.do`,
    DOUYIN_API_BASE: `${sandbox.baseUrl}/sandbox/douyin`,
    ORDER_PAY_TIMEOUT_SECONDS: String(PAY_TIMEOUT_SECONDS),
    JOB_INTERVAL_SCALE: '0.2',
    WELCOME_BALANCE_FEN: String(WELCOME_BALANCE),
    WELCOME_POINTS: String(WELCOME_POINTS),
  };
  // The API's createDb takes a schema only through options: the connection string carries it.
  if (tdb.databaseUrl && tdb.schema) env.DATABASE_URL = `${tdb.databaseUrl}?options=${encodeURIComponent(`-c search_path=${tdb.schema}`)}`;
  api = new ApiProcess({ port, env, logFile: path.join(logDir, 'api.log') });
  await api.start();
});

afterAll(async () => {
  await api?.stop();
  await sandbox?.close();
  await tdb?.destroy();
  // The API's log stays for a failed run (its path is in the summary).
  if (logDir && passed && !process.env.CRASH_KEEP_LOG) rmSync(logDir, { recursive: true, force: true });
});

const count = (rows: { status: string }[], status: string) => rows.filter((r) => r.status === status).length;

it('SIGKILL at random moments during 200 combined payments: every payment paid or fully released, nothing debited twice, the ledger balances', async () => {
  const db = tdb.db;
  const began = Date.now();

  // Goods with enough stock for everyone (stock is reserved by orders and released when they close).
  const skus = (
    await db
      .selectFrom('skus')
      .innerJoin('products', 'products.id', 'skus.product_id')
      .select(['skus.id', 'skus.price'])
      .where('products.on_shelf', '=', 1)
      .where('skus.stock', '>=', 40)
      .where('skus.price', '>=', 500)
      .where('skus.price', '<=', 40_000)
      .orderBy('skus.id')
      .limit(40)
      .execute()
  ).map((s) => ({ id: s.id, price: Number(s.price) }));
  expect(skus.length).toBeGreaterThanOrEqual(10);

  // The shoppers and the killer run together.
  const stats = newClientStats();
  const plan: ShopperPlan = { tickets: { left: PAYMENTS }, skus, giftCards: DEMO_CARDS, channels: CHANNELS, records: [], pace: 1 };
  const cashier = new Cashier(sandbox.baseUrl);
  let shoppersDone = false;
  let shoppersMs = 0;
  const shoppers = Promise.all(
    Array.from({ length: SHOPPERS }, async (_, i) => {
      await sleep(i * 50);
      await runShopper(i, new RetryingClient(api.baseUrl, stats), cashier, plan, seededRandom(SEED + i + 1));
    }),
  ).finally(() => {
    shoppersDone = true;
    shoppersMs = Date.now() - began;
  });

  const killRandom = seededRandom(SEED ^ 0x5bd1e995);
  const targetKills = 5 + Math.floor(killRandom() * 6);
  let stopKilling = false;
  const killer = (async () => {
    while (api.kills < targetKills && !stopKilling) {
      // Up for 1.5-4.5 s (shoppers mid-request, jobs mid-run), then SIGKILL and a restart.
      await sleep(1500 + Math.floor(killRandom() * 3000));
      await api.kill();
      await sleep(Math.floor(killRandom() * 500));
      await api.start();
    }
  })();
  // Awaited below; a failed restart must not surface as an unhandled rejection meanwhile.
  killer.catch(() => undefined);
  try {
    await shoppers;
  } catch (err) {
    // A shopper that failed unexpectedly ends the run; the killer stops too (and leaves the API up).
    stopKilling = true;
    await killer;
    throw err;
  }
  await killer;
  const loadMs = Date.now() - began;
  expect(shoppersDone).toBe(true);

  // Let the API run until nothing is open: expiry, reconciliation, the outbox, late refunds.
  const settleBegan = Date.now();
  const open = async () => {
    const payments = await db.selectFrom('payments').select('id').where('status', 'in', ['paying', 'closing']).execute();
    const deliveries = await db.selectFrom('outbox_deliveries').select('event_id').where('status', '=', 'pending').execute();
    const refunds = await db.selectFrom('refunds').select('id').where('status', '=', 'processing').execute();
    const orders = await db.selectFrom('orders').select('id').where('status', '=', 'pending_payment').execute();
    return { payments: payments.length, deliveries: deliveries.length, refunds: refunds.length, pendingOrders: orders.length };
  };
  let left = await open();
  while (Date.now() - settleBegan < 75_000 && (left.payments > 0 || left.deliveries > 0 || left.refunds > 0 || left.pendingOrders > 0)) {
    await sleep(500);
    left = await open();
  }
  const settleMs = Date.now() - settleBegan;

  // ---- what the database says -------------------------------------------------------------
  const problems: string[] = [];
  const payments = await db.selectFrom('payments').selectAll().orderBy('created_at').execute();
  const journal = await db.selectFrom('journal_transactions').select(['ref']).execute();
  const refCount = new Map<string, number>();
  for (const j of journal) refCount.set(j.ref, (refCount.get(j.ref) ?? 0) + 1);
  for (const [ref, n] of refCount) if (n > 1) problems.push(`journal ref ${ref} posted ${n} times`);
  const has = (ref: string) => refCount.has(ref);

  if (left.payments > 0) problems.push(`${left.payments} payments still paying/closing after ${Math.round(settleMs / 1000)} s`);
  if (left.deliveries > 0) problems.push(`${left.deliveries} outbox deliveries still pending`);
  if (left.refunds > 0) problems.push(`${left.refunds} refunds still processing`);

  // 1. Paid, or ended with the internal tenders released; never both.
  for (const p of payments) {
    const internal = Number(p.internal_amount) > 0;
    if (internal && !has(`hold:${p.id}`)) problems.push(`payment ${p.id} (${p.status}) holds internal tenders without hold:${p.id}`);
    if (has(`capture:${p.id}`) && has(`release:${p.id}`)) problems.push(`payment ${p.id} (${p.status}) is both captured and released`);
    if (p.status === 'paid') {
      if (!has(`capture:${p.id}`)) problems.push(`paid payment ${p.id} has no capture`);
    } else if (p.status === 'closed' || p.status === 'failed') {
      if (has(`capture:${p.id}`)) problems.push(`${p.status} payment ${p.id} was captured`);
      if (internal && !has(`release:${p.id}`)) problems.push(`${p.status} payment ${p.id} never released its internal tenders`);
    } else {
      problems.push(`payment ${p.id} is still ${p.status}`);
    }
  }

  // 2. Each shopper's balance and points, and each gift card, as their paid payments and refunds explain them.
  const tenders = await db
    .selectFrom('payment_tenders as t')
    .innerJoin('payments as p', 'p.id', 't.payment_id')
    .select(['p.user_id', 't.kind', 't.amount', 't.points', 't.gift_card_id'])
    .where('p.status', '=', 'paid')
    .execute();
  const refundParts = await db
    .selectFrom('refund_parts as rp')
    .innerJoin('refunds as r', 'r.id', 'rp.refund_id')
    .innerJoin('payment_tenders as t', (j) => j.onRef('t.payment_id', '=', 'rp.payment_id').onRef('t.seq', '=', 'rp.tender_seq'))
    .select(['r.user_id', 'rp.kind', 'rp.amount', 'rp.points', 't.gift_card_id'])
    .where('r.status', '=', 'succeeded')
    .execute();
  const userIds = [...new Set(payments.map((p) => p.user_id))];
  for (const userId of userIds) {
    const spentBalance = tenders.filter((t) => t.user_id === userId && t.kind === 'balance').reduce((s, t) => s + Number(t.amount), 0);
    const spentPoints = tenders.filter((t) => t.user_id === userId && t.kind === 'points').reduce((s, t) => s + Number(t.points), 0);
    const backBalance = refundParts.filter((r) => r.user_id === userId && r.kind === 'balance').reduce((s, r) => s + Number(r.amount), 0);
    const backPoints = refundParts.filter((r) => r.user_id === userId && r.kind === 'points').reduce((s, r) => s + Number(r.points), 0);
    const balance = await balanceOf(db, { kind: 'user_balance', ownerId: userId });
    const points = await balanceOf(db, { kind: 'user_points', ownerId: userId });
    if (balance !== WELCOME_BALANCE - spentBalance + backBalance) problems.push(`user ${userId}: balance ${balance}, explained ${WELCOME_BALANCE} - ${spentBalance} + ${backBalance}`);
    if (points !== WELCOME_POINTS - spentPoints + backPoints) problems.push(`user ${userId}: points ${points}, explained ${WELCOME_POINTS} - ${spentPoints} + ${backPoints}`);
  }
  const cards = await db.selectFrom('gift_cards').select(['id', 'number', 'face_value']).execute();
  for (const c of cards) {
    const spent = tenders.filter((t) => t.kind === 'gift_card' && t.gift_card_id === c.id).reduce((s, t) => s + Number(t.amount), 0);
    const back = refundParts.filter((r) => r.kind === 'gift_card' && r.gift_card_id === c.id).reduce((s, r) => s + Number(r.amount), 0);
    const balance = await balanceOf(db, { kind: 'gift_card', ownerId: c.id });
    if (balance !== Number(c.face_value) - spent + back) problems.push(`gift card ${c.number}: balance ${balance}, explained ${c.face_value} - ${spent} + ${back}`);
  }

  // 3. Every trade a channel took money for is our paid payment, or late money refunded at the channel.
  const lateRefunds = await db.selectFrom('refunds').select(['id', 'status', 'amount', 'refund_no']).where('source', '=', 'late_payment').execute();
  let lateMoney = 0;
  for (const p of payments) {
    if (p.channel === '' || Number(p.channel_amount) === 0) continue;
    const channel = CHANNELS.find((c) => c === p.channel);
    if (!channel) {
      problems.push(`payment ${p.id} has channel ${p.channel}, which no shopper chose`);
      continue;
    }
    const trade = await sandbox.trade(channel, p.payment_no);
    if (p.status === 'paid') {
      if (!trade?.paid) problems.push(`paid payment ${p.id} (${p.channel}): the channel took no money (${trade?.status ?? 'no trade'})`);
      else if (trade.amount !== Number(p.channel_amount)) problems.push(`paid payment ${p.id}: the channel took ${trade.amount}, the payment says ${p.channel_amount}`);
    } else if (trade?.paid) {
      lateMoney += 1;
      const refund = await db
        .selectFrom('refund_parts as rp')
        .innerJoin('refunds as r', 'r.id', 'rp.refund_id')
        .select(['r.status', 'rp.amount'])
        .where('rp.payment_id', '=', p.id)
        .where('r.source', '=', 'late_payment')
        .executeTakeFirst();
      if (!has(`late:${p.id}`)) problems.push(`${p.status} payment ${p.id} (${p.channel}): the channel took ${trade.amount} but no late:${p.id} was recorded`);
      if (refund?.status !== 'succeeded') problems.push(`${p.status} payment ${p.id}: late money ${trade.amount} not refunded (${refund?.status ?? 'no refund'})`);
      if (trade.refunded !== trade.amount) problems.push(`${p.status} payment ${p.id}: the channel refunded ${trade.refunded} of ${trade.amount}`);
    }
  }

  // 4. The ledger check.
  const report = await checkLedger(db);
  for (const d of report.discrepancies) problems.push(`ledger: ${JSON.stringify(d)}`);

  // 5. Orders: paid when their payments paid them, never paid twice; closed ones got their money back.
  const orderRows = await db.selectFrom('orders').select(['id', 'status', 'payable_amount']).execute();
  const paidByOrder = new Map<string, number>();
  for (const r of await db
    .selectFrom('payment_orders as po')
    .innerJoin('payments as p', 'p.id', 'po.payment_id')
    .select(['po.order_id', sql<number>`sum(po.amount)`.as('paid')])
    .where('p.status', '=', 'paid')
    .groupBy('po.order_id')
    .execute())
    paidByOrder.set(r.order_id, Number(r.paid));
  const refundedByOrder = new Map<string, number>();
  for (const r of await db.selectFrom('refunds').select(['order_id', sql<number>`sum(amount)`.as('refunded')]).where('status', '=', 'succeeded').where('source', '!=', 'late_payment').groupBy('order_id').execute())
    refundedByOrder.set(r.order_id, Number(r.refunded));
  for (const o of orderRows) {
    const paid = paidByOrder.get(o.id) ?? 0;
    const payable = Number(o.payable_amount);
    if (paid > payable) problems.push(`order ${o.id} was paid ${paid} of ${payable}: more than once`);
    if (paid === payable && o.status !== 'paid') {
      if ((o.status === 'closed' || o.status === 'cancelled') && (refundedByOrder.get(o.id) ?? 0) === paid) continue;
      problems.push(`order ${o.id} is ${o.status} though its payments paid all ${payable}`);
    }
    if (o.status === 'paid' && paid !== payable) problems.push(`order ${o.id} is paid but its paid payments cover ${paid} of ${payable}`);
  }

  // ---- the summary, shown with any problem --------------------------------------------------
  const outcomes: Record<string, number> = {};
  for (const r of plan.records) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const notifications = await db
    .selectFrom('payment_notifications')
    .select(['channel', 'outcome', 'status', sql<number>`count(*)`.as('n')])
    .groupBy(['channel', 'outcome', 'status'])
    .execute();
  const gaveUp = plan.records.filter((r) => r.outcome === 'gave_up').map((r) => r.detail ?? '');
  const summary = [
    `seed ${SEED}, ${tdb.dialect}: ${api.kills} kills (target ${targetKills}), ${api.starts} starts (ms ${api.startTimes.join('/')})`,
    `shoppers ${Math.round(shoppersMs / 1000)} s, load ${Math.round(loadMs / 1000)} s, settle ${Math.round(settleMs / 1000)} s; left ${JSON.stringify(left)}`,
    `payment attempts ${plan.records.length}: ${JSON.stringify(outcomes)}`,
    `payments ${payments.length}: paid ${count(payments, 'paid')}, closed ${count(payments, 'closed')}, failed ${count(payments, 'failed')}, late money ${lateMoney} (late refunds ${lateRefunds.length})`,
    `client: ${stats.requests} requests, ${stats.retries} retries ${JSON.stringify(stats.reasons)}, ${stats.gaveUp} given up ${JSON.stringify(gaveUp.slice(0, 3))}`,
    `notifications: ${notifications.map((n) => `${n.channel}/${n.status}/${n.outcome} ${Number(n.n)}`).join(', ')}`,
    `API log and this summary: ${logDir} (removed after a passing run unless CRASH_KEEP_LOG=1)`,
  ].join('\n');

  writeFileSync(path.join(logDir, 'summary.txt'), `${summary}\n${problems.join('\n')}\n`);
  expect({ summary, problems: problems.slice(0, 40) }).toEqual({ summary, problems: [] });
  // The run must have exercised what it claims to.
  expect({ summary, kills: api.kills >= 5 }).toEqual({ summary, kills: true });
  expect({ summary, enough: plan.records.length === PAYMENTS && payments.length >= PAYMENTS * 0.75 && count(payments, 'paid') >= 50 && count(payments, 'closed') >= 20 }).toEqual({ summary, enough: true });
  passed = true;
});
