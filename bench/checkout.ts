/**
 * Checkout throughput: `npm run bench:checkout`.
 *
 * A full checkout = POST /api/orders, POST /api/payments (stored balance + points + the channel
 * for the remainder), the channel's signed notification POSTed to /notify/<channel>, and the
 * order reaching `paid` through the outbox's order consumer. A checkout counts only when its
 * order is paid (read from the database).
 *
 * The real app runs in a child process (this file with `--serve-app`), on SQLite in a temp data
 * dir and on PostgreSQL in a fresh schema, with SANDBOX=on (the channel sandbox in process, as
 * in development) and the scheduled jobs running as in server/main.ts; this process generates
 * the load with autocannon. The baseline is a hello-world route on a bare Fastify instance,
 * also in a child process, measured in the same run.
 *
 * Per setup and channel, on pre-created shoppers (users inserted directly, tokens issued with
 * the server's secret, the welcome grant of ¥200 balance + 5000 points posted before the run;
 * each checkout buys one ¥300 SKU: ¥50 in points, ¥200 balance, ¥50 through the channel):
 *   1. orders + payments: each connection loops createOrder -> createPayment;
 *   2. (untimed) every payment's channel notification is built and signed here, as the channel
 *      would sign it (sandbox: HMAC-SHA256; wechatpay: RSA-SHA256 over the body, resource
 *      encrypted with AES-256-GCM), so the load generator's signing is not counted;
 *   3. notifications: each connection POSTs pre-signed notifications; the phase ends when every
 *      order is paid (the outbox consumer runs alongside).
 * checkouts/s = checkouts paid / (time of 1 + time of 3); notifications/s = notifications
 * answered / time the notification requests took.
 *
 * A report, never a pass/fail test. Environment: BENCH_CHECKOUTS (per setup and channel,
 * default 2000), BENCH_CONNECTIONS (in flight, default 32), BENCH_CHANNELS (default
 * "sandbox,wechatpay"), BENCH_SETUPS (default "sqlite,postgres"), BENCH_PG_POOL (default 10),
 * BENCH_DURATION (seconds of the baseline run, default 5), BENCH_PROF=1 (the app child writes a
 * V8 CPU profile into ./prof), DATABASE_URL (PostgreSQL; default the local test database).
 */
import type { ChildProcess } from 'node:child_process';
import { createCipheriv, createPrivateKey, createSign, randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sql, type Kysely } from 'kysely';
import { DEVPAY_DEVELOPMENT_KEY, SIGNATURE_HEADER, signNotification } from '../server/channels/devpay/wire';
import { wechatpaySandboxKeys } from '../server/channels/wechatpay/sandbox-keys';
import { rfc3339Cst } from '../server/channels/wechatpay/wire';
import { createDb, migrateToLatest } from '../server/db';
import type { Database } from '../server/db/types';
import { checkLedger } from '../server/checks/ledger';
import { walletConfigOf } from '../server/modules/wallet/config';
import { lockAccounts } from '../server/modules/wallet/ledger';
import { ensureWelcome, welcomeAccounts } from '../server/modules/wallet/service';
import { loadConfig, rebaseOnListen } from '../server/infra/config';
import { startJobs } from '../server/infra/jobs';
import { JOBS } from '../server/compose';
import { issueToken } from '../server/infra/tokens';
import { seedIfEmpty } from '../server/seed';
import { PG_URL, withPostgres, withSqlite } from './databases';
import { autocannon, childCpuMs, forkServer, postgresProcesses } from './support';
import { transact } from '../server/db/transaction';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** A multiple of the connections: autocannon gives every connection the same whole number of requests. */
const CHECKOUTS = Math.ceil(Number(process.env.BENCH_CHECKOUTS ?? 2000) / CONNECTIONS) * CONNECTIONS;
const CHANNELS = (process.env.BENCH_CHANNELS ?? 'sandbox,wechatpay').split(',').map((s) => s.trim()).filter(Boolean) as BenchChannel[];
const SETUPS = (process.env.BENCH_SETUPS ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
const PG_POOL = Number(process.env.BENCH_PG_POOL ?? 10);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Math.ceil(200 / CONNECTIONS) * CONNECTIONS;
/** ¥300: ¥50 of points (5000, within the 50 % cap), ¥200 of balance, ¥50 through the channel. */
const PRICE = 30_000;

type BenchChannel = 'sandbox' | 'wechatpay';
type Db = Kysely<Database>;

interface ChildEnv {
  BENCH_DIALECT: 'sqlite' | 'postgres';
  BENCH_SQLITE_PATH: string;
  BENCH_PG_SCHEMA: string;
  DATA_DIR: string;
  TOKEN_SECRET: string;
}

// ---------------------------------------------------------------------------------------------
// Child processes: the app, and the hello-world baseline

async function serveHello(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  process.send?.({ url: `http://127.0.0.1:${address.port}` });
}

/**
 * BENCH_SQLSTATS=1 (PostgreSQL): round trips per statement text (each a query of the app's
 * pool; BEGIN and COMMIT included), printed when the app stops.
 */
function postgresStatementStats(): () => void {
  const pgClient = (createRequire(path.join(process.cwd(), 'package.json'))('pg') as { Client: { prototype: { query(...args: unknown[]): unknown } } }).Client;
  const counts = new Map<string, number>();
  const query = pgClient.prototype.query;
  pgClient.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : first && typeof first === 'object' && 'text' in first ? String((first as { text: unknown }).text) : '(other)';
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return query.apply(this, args);
  };
  return () => {
    let n = 0;
    for (const c of counts.values()) n += c;
    for (const [text, c] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 60)) process.stderr.write(`${String(c).padStart(8)}  ${text.replace(/\s+/g, ' ').slice(0, 220)}\n`);
    process.stderr.write(`${String(n).padStart(8)}  (all round trips)\n`);
  };
}

/** BENCH_SQLSTATS=1 (SQLite): total time per statement text, printed when the app stops. */
function sqliteStatementStats(): () => void {
  const SQLite = createRequire(path.join(process.cwd(), 'package.json'))('better-sqlite3') as { prototype: { prepare(text: string): Record<string, unknown> } };
  const stats = new Map<string, { n: number; ms: number }>();
  const prepare = SQLite.prototype.prepare;
  SQLite.prototype.prepare = function (this: unknown, text: string) {
    const stmt = prepare.call(this, text);
    for (const method of ['run', 'all', 'get']) {
      const original = stmt[method] as (...args: unknown[]) => unknown;
      stmt[method] = (...args: unknown[]) => {
        const t = performance.now();
        try {
          return original.apply(stmt, args);
        } finally {
          const s = stats.get(text) ?? { n: 0, ms: 0 };
          s.n += 1;
          s.ms += performance.now() - t;
          stats.set(text, s);
        }
      };
    }
    return stmt;
  };
  return () => {
    const top = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
    for (const [text, s] of top) process.stderr.write(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)} x ${(s.ms / s.n).toFixed(3)} ms  ${text.slice(0, 200)}\n`);
    let n = 0;
    let ms = 0;
    for (const s of stats.values()) {
      n += s.n;
      ms += s.ms;
    }
    process.stderr.write(`${ms.toFixed(0).padStart(7)} ms ${String(n).padStart(7)} x ${(ms / Math.max(1, n)).toFixed(3)} ms  (all statements)\n`);
  };
}

/** SQLite group commit: how many commits the app made and how many transactions they carried. */
const groupStats = {
  commits: 0,
  transactions: 0,
  add(n: number) {
    this.commits++;
    this.transactions += n;
  },
};

async function serveApp(): Promise<void> {
  const env = process.env as unknown as ChildEnv;
  const dialect = env.BENCH_DIALECT;
  const printStats = process.env.BENCH_SQLSTATS === '1' ? (dialect === 'postgres' ? postgresStatementStats() : sqliteStatementStats()) : null;
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: env.DATA_DIR,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SANDBOX: 'on',
    TOKEN_SECRET: env.TOKEN_SECRET,
    SQLITE_CHECKPOINT: process.env.SQLITE_CHECKPOINT,
    SQLITE_GROUP_COMMIT: process.env.SQLITE_GROUP_COMMIT,
  });
  const db =
    dialect === 'postgres'
      ? createDb({ dialect: 'postgres', databaseUrl: PG_URL, sqlitePath: '' }, { pgSchema: env.BENCH_PG_SCHEMA, poolSize: PG_POOL })
      : createDb(
          { dialect: 'sqlite', databaseUrl: null, sqlitePath: env.BENCH_SQLITE_PATH, sqliteCheckpoint: config.sqliteCheckpoint, sqliteGroupCommit: config.sqliteGroupCommit },
          { onGroupCommit: (n) => groupStats.add(n) },
        );
  const { buildApp } = await import('../server/app');
  // Warnings and errors only (LOG_LEVEL warn), as JSON lines on stdout: the parent reads them
  // for the cause of every 5xx answer and for transactions run again (appLog below).
  const app = await buildApp({ config, db, logger: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  rebaseOnListen(config, address.port);
  const jobs = startJobs({ db, config, log: app.log, core: app.core }, JOBS);
  process.on('message', (msg: unknown) => {
    if (msg === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    } else if (msg === 'stop') {
      void (async () => {
        await jobs.stop();
        await app.close();
        await db.destroy();
        printStats?.();
        if (groupStats.commits > 0) {
          process.stderr.write(`  group commit: ${groupStats.transactions} transactions and writes in ${groupStats.commits} commits (${(groupStats.transactions / groupStats.commits).toFixed(1)} per commit)\n`);
        }
        process.exit(0);
      })();
    }
  });
  process.send?.({ url: config.publicBaseUrl });
}

/**
 * What the app process logged (warnings and errors, pino JSON lines): the logged cause of each
 * failed request by request id, and how many transactions were run again after a deadlock or a
 * serialization failure (server/db/transaction.ts), which no answer shows.
 */
const appLog = {
  causes: new Map<string, string>(),
  retries: 0,
  other: [] as string[],
  read(line: string) {
    let entry: { level?: number; reqId?: string; msg?: string; err?: { type?: string; message?: string; code?: string }; sqlstate?: string; cause?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      process.stdout.write(`${line}\n`);
      return;
    }
    if (entry.sqlstate) {
      this.retries++;
      if (this.retries <= 3) process.stderr.write(`  app: ${entry.msg} (${entry.sqlstate}): ${entry.cause}\n`);
      return;
    }
    const cause = entry.err ? `${entry.err.type ?? 'Error'}${entry.err.code ? ` ${entry.err.code}` : ''}: ${entry.err.message ?? ''}` : (entry.msg ?? line);
    if (entry.reqId && (entry.level ?? 0) >= 50) this.causes.set(entry.reqId, cause);
    else if (this.other.length < 20) this.other.push(cause);
  },
};

function startChild(mode: '--serve-app' | '--serve-hello', env: Partial<ChildEnv> = {}): Promise<{ child: ChildProcess; url: string }> {
  const execArgv = [...process.execArgv];
  if (process.env.BENCH_PROF === '1' && mode === '--serve-app') execArgv.push('--cpu-prof', '--cpu-prof-dir=prof');
  return forkServer(__filename, [mode], { execArgv, env: { ...process.env, ...env }, onStdoutLine: mode === '--serve-app' ? (line) => appLog.read(line) : undefined });
}

/**
 * CPU time every PostgreSQL server process on this machine has used so far (ms, user +
 * system, from /proc; 0 where /proc is missing). Read around a phase, it is the database's
 * share of the two cores (the bench's own progress polls included, a few per 10 ms).
 */
function postgresCpuMs(): number {
  return postgresProcesses().reduce((sum, p) => sum + p.cpuMs, 0);
}

async function stopChild(child: ChildProcess, graceful: boolean): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (graceful) child.send('stop');
  else child.kill('SIGTERM');
  await exited;
}

// ---------------------------------------------------------------------------------------------
// Setup (untimed): products, shoppers, welcome grants

async function benchSkus(db: Db): Promise<string[]> {
  const products = await db.selectFrom('products').select('id').where('on_shelf', '=', 1).orderBy('position').limit(20).execute();
  const skuIds: string[] = [];
  for (const p of products) {
    const sku = await db.selectFrom('skus').select('id').where('product_id', '=', p.id).orderBy('id').executeTakeFirstOrThrow();
    skuIds.push(sku.id);
  }
  if (skuIds.length === 0) throw new Error('the demo shop has no products');
  // One price every tender split can pay the same way, and stock for every order in the run.
  await db.updateTable('skus').set({ price: PRICE, stock: 100_000_000 }).where('id', 'in', skuIds).execute();
  return skuIds;
}

interface Shopper {
  userId: string;
  token: string;
}

/** Mini-program shoppers (WeChat JSAPI needs the openid), each with the welcome grant posted. */
async function createShoppers(db: Db, count: number, tokenSecret: string, tag: string): Promise<Shopper[]> {
  const now = Date.now();
  const wallet = walletConfigOf(loadConfig({ NODE_ENV: 'development', DATA_DIR: os.tmpdir(), TOKEN_SECRET: tokenSecret }));
  const shoppers: Shopper[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => `u_bench_${tag}_${start + i}`);
    await transact(db, async (trx) => {
      await trx
        .insertInto('users')
        .values(batch.map((id) => ({ id, platform: 'weapp', openid: `o_${id}`, unionid: null, phone: null, nickname: '压测', avatar: null, created_at: now, updated_at: now })))
        .execute();
      // Many postings in one transaction: their accounts locked first (the ledger's lock order).
      await lockAccounts(trx, batch.flatMap((id) => Object.values(welcomeAccounts(id))), now);
      for (const id of batch) await ensureWelcome(trx, id, wallet, now);
    });
    for (const id of batch) shoppers.push({ userId: id, token: issueToken(tokenSecret, id, 6 * 3600).token });
  }
  return shoppers;
}

// ---------------------------------------------------------------------------------------------
// Notifications, built and signed as the channel would

interface OpenPayment {
  id: string;
  payment_no: string;
  channel_amount: number;
  app_id: string | null;
  merchant_no: string | null;
}

interface SignedNotification {
  path: string;
  headers: Record<string, string>;
  body: string;
}

function devpayNotification(p: OpenPayment, now: number): SignedNotification {
  const nonce = randomBytes(12).toString('hex');
  const body = JSON.stringify({ paymentNo: p.payment_no, tradeNo: `SBT${p.payment_no}`, amount: Number(p.channel_amount), status: 'SUCCESS', paidAt: now, nonce, timestamp: now });
  return { path: '/notify/sandbox', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(DEVPAY_DEVELOPMENT_KEY, now, nonce, body) }, body };
}

const wechatKeys = wechatpaySandboxKeys();
const wechatPlatformKey = createPrivateKey(wechatKeys.platformPrivateKey);

function wechatNotification(p: OpenPayment, now: number): SignedNotification {
  const total = Number(p.channel_amount);
  const resource = {
    appid: p.app_id,
    mchid: p.merchant_no,
    out_trade_no: p.payment_no,
    transaction_id: `4200${randomBytes(12).toString('hex')}`.slice(0, 28),
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    success_time: rfc3339Cst(now),
    attach: '',
    payer: { openid: 'o_bench' },
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
  };
  const aesNonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(wechatKeys.apiV3Key, 'utf8'), Buffer.from(aesNonce, 'utf8'));
  cipher.setAAD(Buffer.from('transaction', 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339Cst(now),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: aesNonce },
  });
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8').sign(wechatPlatformKey, 'base64');
  return {
    path: '/notify/wechatpay',
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': wechatKeys.publicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      'wechatpay-signature': signature,
    },
    body,
  };
}

// ---------------------------------------------------------------------------------------------
// One measured round: orders + payments, then notifications until every order is paid

interface Round {
  checkouts: number;
  paid: number;
  orderPaySeconds: number;
  notifySeconds: number;
  paidSeconds: number;
  orderPayP99: number;
  notifyP99: number;
  /** CPU time of the app process per checkout, both phases (the polling for paid orders runs here, on its own connection). */
  appCpuMsPerCheckout: number;
  /** The same, phase 2 only (notifications, relay and order consumer). */
  notifyCpuMsPerCheckout: number;
  /** PostgreSQL server processes' CPU per checkout over both phases (SQLite: ~0). */
  postgresCpuMsPerCheckout: number;
  failures: number;
}

async function paidCount(db: Db, userPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'paid')
    .where('user_id', 'like', `${userPrefix}%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function round(db: Db, app: ChildProcess, url: string, channel: BenchChannel, shoppers: Shopper[], skuIds: string[], tag: string): Promise<Round> {
  const n = shoppers.length;
  const connections = Math.min(CONNECTIONS, n);
  let next = 0;
  let failures = 0;
  const serverErrors: { what: string; status: number; body: string; requestId: string | null }[] = [];
  const retriesBefore = appLog.retries;
  /**
   * A failed answer is counted, and the first few are printed: a count alone says nothing. Every
   * 5xx is kept and printed after the round with the cause the app logged for its request.
   */
  const fail = (what: string, status: number, body: string) => {
    failures++;
    if (status >= 500) {
      let requestId: string | null = null;
      try {
        requestId = (JSON.parse(body) as { requestId?: string }).requestId ?? null;
      } catch {
        // not a problem+json body
      }
      serverErrors.push({ what, status, body, requestId });
    } else if (failures - serverErrors.length <= 3) {
      process.stderr.write(`  ${what} answered ${status}: ${body.slice(0, 300)}\n`);
    }
  };
  const fulfilment = { type: 'pickup', contactName: '压测', contactPhone: '13800138000' };

  // autocannon notices the end of an `amount` run only on its 1 s tick, so each phase ends at
  // its last answer, taken here.
  let last = 0;
  // 1. orders + payments.
  const cpu0 = await childCpuMs(app);
  const pg0 = postgresCpuMs();
  const t0 = performance.now();
  const op = await autocannon({
    url,
    connections,
    amount: 2 * n,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/orders',
        setupRequest: (req, ctx) => {
          const i = next++;
          const s = shoppers[i % n];
          ctx.shopper = s;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'idempotency-key': `bench-o-${tag}-${i}` },
            body: JSON.stringify({ items: [{ skuId: skuIds[i % skuIds.length], quantity: 1 }], fulfilment }),
          };
        },
        onResponse: (status, body, ctx) => {
          last = performance.now();
          if (status === 201) ctx.orderId = (JSON.parse(body) as { id: string }).id;
          else fail('POST /api/orders', status, body);
        },
      },
      {
        method: 'POST',
        path: '/api/payments',
        setupRequest: (req, ctx) => {
          const s = ctx.shopper as Shopper;
          const orderId = ctx.orderId as string | undefined;
          if (!orderId) return null;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'idempotency-key': `bench-p-${orderId}` },
            body: JSON.stringify({ orderId, tenders: { balance: true, points: true }, channel, scene: 'mini' }),
          };
        },
        onResponse: (status, body) => {
          last = performance.now();
          if (status !== 201) fail('POST /api/payments', status, body);
        },
      },
    ],
  });
  const orderPaySeconds = (last - t0) / 1000;
  const cpu1 = await childCpuMs(app);
  const pg1 = postgresCpuMs();

  // 2. (untimed) sign every open payment's notification.
  const open = await db
    .selectFrom('payments')
    .select(['id', 'payment_no', 'channel_amount', 'app_id', 'merchant_no'])
    .where('status', '=', 'paying')
    .where('channel', '=', channel)
    .where('user_id', 'like', `u_bench_${tag}_%`)
    .execute();
  if (open.length !== n) process.stderr.write(`  ${n - open.length} of ${n} payments were not open (paying) after the order and payment phase; ${failures} answers failed\n`);
  const now = Date.now();
  const notes = open.map((p) => (channel === 'wechatpay' ? wechatNotification(p, now) : devpayNotification(p, now)));

  // 3. notifications, until every order is paid.
  let k = 0;
  const cpu2 = await childCpuMs(app);
  const pg2 = postgresCpuMs();
  const t1 = performance.now();
  // The paid count is polled while the notifications run (autocannon returns only on its 1 s
  // tick, which would otherwise round this phase up to whole seconds).
  let paid = 0;
  let paidAt = 0;
  const deadline = t1 + 60_000;
  const watch = (async () => {
    paid = await paidCount(db, `u_bench_${tag}_`);
    while (paid < open.length && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      paid = await paidCount(db, `u_bench_${tag}_`);
    }
    paidAt = performance.now();
  })();
  const nr =
    notes.length === 0
      ? null
      : await autocannon({
          url,
          connections: Math.min(connections, notes.length),
          amount: notes.length,
          timeout: 30,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const note = notes[k++ % notes.length];
                return { ...req, path: note.path, headers: note.headers, body: note.body };
              },
              onResponse: (status, body) => {
                last = performance.now();
                if (status !== 200) fail('a notification', status, body);
              },
            },
          ],
        });
  const notifySeconds = nr ? (last - t1) / 1000 : 0;
  await watch;
  if (serverErrors.length > 0) {
    await new Promise((r) => setTimeout(r, 200)); // the app's last log lines
    process.stderr.write(`  ${serverErrors.length} answers were server errors (5xx):\n`);
    for (const e of serverErrors) {
      const cause = e.requestId ? (appLog.causes.get(e.requestId) ?? 'no cause logged') : 'no request id';
      process.stderr.write(`    ${e.what} answered ${e.status} (request ${e.requestId ?? '-'}): ${cause}\n`);
    }
  }
  if (appLog.retries > retriesBefore) process.stderr.write(`  ${appLog.retries - retriesBefore} transactions were run again after a deadlock or serialization failure (no answer failed for it)\n`);
  const paidSeconds = (paidAt - t1) / 1000;
  const cpu3 = await childCpuMs(app);
  const pg3 = postgresCpuMs();
  return {
    checkouts: n,
    paid,
    orderPaySeconds,
    notifySeconds,
    paidSeconds,
    orderPayP99: op.latency.p99,
    notifyP99: nr?.latency.p99 ?? 0,
    appCpuMsPerCheckout: (cpu1 - cpu0 + cpu3 - cpu2) / n,
    notifyCpuMsPerCheckout: (cpu3 - cpu2) / n,
    postgresCpuMsPerCheckout: (pg1 - pg0 + pg3 - pg2) / n,
    failures: failures + op.errors + op.timeouts + (nr ? nr.errors + nr.timeouts : 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Setups

interface Row {
  setup: string;
  scenario: string;
  rate: number;
  p99: string;
  detail: string;
}

async function baseline(): Promise<Row> {
  const { child, url } = await startChild('--serve-hello');
  try {
    await autocannon({ url: `${url}/hello`, connections: CONNECTIONS, duration: 1 });
    const r = await autocannon({ url: `${url}/hello`, connections: CONNECTIONS, duration: DURATION });
    process.stderr.write(`  baseline   hello world ${r.requests.average.toFixed(0)} req/s\n`);
    return { setup: 'baseline', scenario: 'hello world (bare Fastify)', rate: r.requests.average, p99: String(r.latency.p99), detail: `${r.requests.total} requests in ${DURATION} s` };
  } finally {
    await stopChild(child, false);
  }
}

const pgCpu = (setup: string, r: Round) => (setup === 'PostgreSQL' ? `, PostgreSQL CPU ${r.postgresCpuMsPerCheckout.toFixed(2)} ms/checkout` : '');

async function runSetup(setup: 'SQLite' | 'PostgreSQL', db: Db, env: ChildEnv): Promise<Row[]> {
  await migrateToLatest(db);
  await seedIfEmpty(db);
  const skuIds = await benchSkus(db);
  const rows: Row[] = [];
  const { child, url } = await startChild('--serve-app', env);
  try {
    for (const channel of CHANNELS) {
      // Warm-up (JIT, pools, caches), then the measured round on fresh shoppers.
      const warmTag = `warm${channel}`;
      await round(db, child, url, channel, await createShoppers(db, WARMUP, env.TOKEN_SECRET, warmTag), skuIds, warmTag);
      const shoppers = await createShoppers(db, CHECKOUTS, env.TOKEN_SECRET, `run${channel}`);
      // Planner statistics as autovacuum keeps them in production; the local server runs with
      // autovacuum off, and without statistics the paid-allocation join scans every payment.
      if (setup === 'PostgreSQL') await sql`analyze`.execute(db);
      const r = await round(db, child, url, channel, shoppers, skuIds, `run${channel}`);
      const checkoutRate = r.paid / (r.orderPaySeconds + r.paidSeconds);
      const notifyRate = r.paid / r.notifySeconds;
      process.stderr.write(
        `  ${setup.padEnd(10)} ${channel.padEnd(9)} ${checkoutRate.toFixed(0)} checkouts/s (${r.paid}/${r.checkouts} paid; orders+payments ${r.orderPaySeconds.toFixed(2)} s, notifications ${r.notifySeconds.toFixed(2)} s, all paid ${r.paidSeconds.toFixed(2)} s, app CPU ${r.appCpuMsPerCheckout.toFixed(2)} ms/checkout (notify phase ${r.notifyCpuMsPerCheckout.toFixed(2)})${pgCpu(setup, r)}, failures ${r.failures})\n`,
      );
      rows.push({
        setup,
        scenario: `full checkout, ${channel}`,
        rate: checkoutRate,
        p99: `${r.orderPayP99} / ${r.notifyP99}`,
        detail: `${r.paid}/${r.checkouts} paid; order+payment ${r.orderPaySeconds.toFixed(2)} s (${((2 * r.checkouts) / r.orderPaySeconds).toFixed(0)} req/s), notify-to-paid ${r.paidSeconds.toFixed(2)} s; app CPU ${r.appCpuMsPerCheckout.toFixed(2)} ms/checkout (notify phase ${r.notifyCpuMsPerCheckout.toFixed(2)})${pgCpu(setup, r)}; failures ${r.failures}`,
      });
      rows.push({ setup, scenario: `notifications, ${channel}`, rate: notifyRate, p99: String(r.notifyP99), detail: `${r.paid} in ${r.notifySeconds.toFixed(2)} s (order consumer running alongside)` });
    }
    const report = await checkLedger(db);
    process.stderr.write(`  ${setup.padEnd(10)} ledger check: ${report.transactions} transactions, ${report.discrepancies.length} discrepancies\n`);
    if (report.discrepancies.length > 0) rows.push({ setup, scenario: 'ledger check', rate: 0, p99: '-', detail: `${report.discrepancies.length} discrepancies: ${report.discrepancies[0].message}` });
  } finally {
    await stopChild(child, true);
  }
  return rows;
}

async function sqlite(tokenSecret: string): Promise<Row[]> {
  return withSqlite(({ db, dir, sqlitePath }) =>
    runSetup('SQLite', db, { BENCH_DIALECT: 'sqlite', BENCH_SQLITE_PATH: sqlitePath ?? '', BENCH_PG_SCHEMA: '', DATA_DIR: dir, TOKEN_SECRET: tokenSecret }),
  );
}

async function postgres(tokenSecret: string): Promise<Row[]> {
  return withPostgres(4, async ({ db, dir, pgSchema }) => {
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
    process.stderr.write(`  PostgreSQL ${version.rows[0]?.v ?? '?'}, app pool ${PG_POOL}\n`);
    return runSetup('PostgreSQL', db, { BENCH_DIALECT: 'postgres', BENCH_SQLITE_PATH: '', BENCH_PG_SCHEMA: pgSchema ?? '', DATA_DIR: dir, TOKEN_SECRET: tokenSecret });
  });
}

function table(rows: Row[], base: Row): string {
  const head = ['setup', 'scenario', 'per second', 'p99 ms', 'ratio to baseline', 'detail'];
  const body = rows.map((r) => [r.setup, r.scenario, r.rate.toFixed(0), r.p99, `${((r.rate / base.rate) * 100).toFixed(1)}%`, r.detail]);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  process.stderr.write(
    `Checkout throughput: ${CHECKOUTS} checkouts per setup and channel, ${CONNECTIONS} in flight, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  const tokenSecret = randomBytes(32).toString('base64url');
  const base = await baseline();
  const rows = [base];
  if (SETUPS.includes('sqlite')) rows.push(...(await sqlite(tokenSecret)));
  if (SETUPS.includes('postgres')) rows.push(...(await postgres(tokenSecret)));
  process.stdout.write(`\n${table(rows, base)}\n\np99 of a full checkout: order+payment requests / notification requests.\n`);
  // For bench/versus-floors.ts: the rows of this run, machine-readable.
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows.map(({ setup, scenario, rate, detail }) => ({ setup, scenario, rate, detail }))));
}

const mode = process.argv[2];
const entry = mode === '--serve-app' ? serveApp : mode === '--serve-hello' ? serveHello : main;
entry().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
