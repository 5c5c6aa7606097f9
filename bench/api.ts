/**
 * API throughput: `npm run bench:api`.
 *
 * Starts the real app on SQLite (a temp data dir) and on PostgreSQL (a fresh schema), seeded
 * with the demo shop, and measures with autocannon, in this one process:
 *   - a hello-world route on a bare Fastify instance (the baseline of every ratio),
 *   - catalog reads: listProducts and getProduct,
 *   - order creations: POST /api/orders, each with a fresh Idempotency-Key (stock raised so
 *     every order succeeds), all for one hot SKU, then spread round-robin over 20 products.
 * Prints requests/s, p99 latency, the share of non-2xx answers and the ratio to the baseline.
 * A report, never a pass/fail test. Environment: BENCH_DURATION (seconds per run, default 5),
 * BENCH_CONNECTIONS (default 10), DATABASE_URL (PostgreSQL server; default the local test db).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../server/app';
import { migrateToLatest } from '../server/db';
import type { Database } from '../server/db/types';
import { loadConfig } from '../server/infra/config';
import { issueToken } from '../server/infra/tokens';
import { seedIfEmpty } from '../server/seed';
import { withPostgres, withSqlite } from './databases';

/** The part of autocannon's programmatic API used here (it ships no type declarations). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

const requireHere = createRequire(path.join(process.cwd(), 'package.json'));
const autocannon = requireHere('autocannon') as Autocannon;

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  setup: string;
  scenario: string;
  rps: number;
  p99: number;
  non2xx: number;
  total: number;
  errors: number;
}

async function measure(setup: string, scenario: string, opts: Omit<AutocannonOptions, 'connections' | 'duration'>): Promise<Row> {
  // A short warm-up (JIT, connection pools, SQLite page cache), then the measured run.
  await autocannon({ ...opts, connections: CONNECTIONS, duration: 1 });
  const r = await autocannon({ ...opts, connections: CONNECTIONS, duration: DURATION });
  const row = { setup, scenario, rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, total: r.requests.total, errors: r.errors + r.timeouts };
  process.stderr.write(`  ${setup.padEnd(10)} ${scenario.padEnd(28)} ${row.rps.toFixed(0).padStart(7)} req/s\n`);
  return row;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

async function baseline(): Promise<Row> {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  const url = await listen(app);
  try {
    return await measure('baseline', 'hello world (bare Fastify)', { url: `${url}/hello` });
  } finally {
    await app.close();
  }
}

async function appScenarios(setup: string, db: Kysely<Database>, dataDir: string): Promise<Row[]> {
  await migrateToLatest(db);
  await seedIfEmpty(db);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SANDBOX: 'on' });
  const app = await buildApp({ config, db, logger: false });
  const url = await listen(app);
  const rows: Row[] = [];
  try {
    const products = await db.selectFrom('products').select('id').where('on_shelf', '=', 1).orderBy('position').limit(20).execute();
    const product = products[0];
    if (!product) throw new Error('the demo shop has no products');
    // One SKU of each of 20 products: the first is the hot SKU, all 20 the spread scenario.
    const skuIds: string[] = [];
    for (const p of products) {
      const sku = await db.selectFrom('skus').select('id').where('product_id', '=', p.id).orderBy('id').executeTakeFirstOrThrow();
      skuIds.push(sku.id);
    }
    // Enough stock that every order in the run succeeds (benchmark setup only).
    await db.updateTable('skus').set({ stock: 100_000_000 }).where('id', 'in', skuIds).execute();
    // The shopper's account must exist: a token stands only for an existing, active account.
    const userId = `u_bench_${randomBytes(4).toString('hex')}`;
    const now = Date.now();
    await db.insertInto('users').values({ id: userId, platform: 'h5', openid: userId, unionid: null, phone: null, nickname: '压测', avatar: null, created_at: now, updated_at: now }).execute();
    const token = issueToken(config.tokenSecret, userId, 3600).token;

    rows.push(await measure(setup, 'listProducts (20 per page)', { url: `${url}/api/products?limit=20` }));
    rows.push(await measure(setup, 'getProduct', { url: `${url}/api/products/${product.id}` }));
    let n = 0;
    const prefix = randomBytes(4).toString('hex');
    const orderRequest = (pickSku: () => string): AutocannonRequest => ({
      method: 'POST',
      path: '/api/orders',
      setupRequest: (req) => ({
        ...req,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `bench-${prefix}-${++n}` },
        body: JSON.stringify({ items: [{ skuId: pickSku(), quantity: 1 }], fulfilment: { type: 'pickup', contactName: '压测', contactPhone: '13800138000' } }),
      }),
    });
    rows.push(await measure(setup, 'createOrder (1 hot SKU)', { url, requests: [orderRequest(() => skuIds[0])] }));
    let next = 0;
    rows.push(await measure(setup, `createOrder (${skuIds.length} SKUs)`, { url, requests: [orderRequest(() => skuIds[next++ % skuIds.length])] }));
  } finally {
    await app.close();
  }
  return rows;
}

async function sqlite(): Promise<Row[]> {
  return withSqlite(({ db, dir }) => appScenarios('SQLite', db, dir));
}

async function postgres(): Promise<Row[]> {
  return withPostgres(10, ({ db, dir }) => appScenarios('PostgreSQL', db, dir));
}

function table(rows: Row[], base: Row): string {
  const head = ['setup', 'scenario', 'req/s', 'p99 ms', 'ratio to baseline', 'non-2xx', 'errors'];
  const body = rows.map((r) => [
    r.setup,
    r.scenario,
    r.rps.toFixed(0),
    String(r.p99),
    `${((r.rps / base.rps) * 100).toFixed(1)}%`,
    r.total > 0 ? `${((r.non2xx / r.total) * 100).toFixed(1)}%` : '-',
    String(r.errors),
  ]);
  const lines = [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.stderr.write(`API throughput: ${DURATION}s per run, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}\n`);
  const base = await baseline();
  const rows = [base, ...(await sqlite()), ...(await postgres())];
  process.stdout.write(`\n${table(rows, base)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
