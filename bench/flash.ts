/**
 * Flash stock: `npm run bench:flash` (or `npx tsx bench/flash.ts`).
 *
 * BUYERS virtual buyers (default 10,000, bounded: INFLIGHT requests at once, default 200, on
 * loopback) rush one SKU of a live session with a quota of QUOTA (default 500) and a
 * per-shopper limit of 1, at the moment the host pins it. Each buyer places an order through
 * the real API (POST /api/orders with `liveSessionId`, pickup, one unit) and keeps trying as a
 * shopper would: after 429 LIVE_BUSY it waits the Retry-After (with jitter) and tries again;
 * 201 (bought) or 409 LIVE_SOLD_OUT ends it. Then the database must show exactly QUOTA orders of
 * the session, its line sold out (sold = quota), QUOTA buyers holding one unit each, and the
 * SKU's stock lowered by the quota once (when the line was added), not by the orders.
 *
 * Setups: SQLite, one API process (server/main.ts, SEED_DEMO=off); PostgreSQL, two API
 * processes on one fresh schema, buyers alternating between them (the sold-out set crosses the
 * bus). The merchant, the SKU, the buyers and their tokens are written straight into the
 * database (untimed); the session is scheduled, started and pinned through the host's routes.
 *
 * The floor, measured in the same run on the same database: the same number of guarded
 * decrements (`UPDATE live_lines SET sold = sold + 1 WHERE ... AND quota - sold >= 1`, the
 * statement the order path runs) issued straight to the database with the same number in
 * flight (PostgreSQL: a pool of INFLIGHT connections capped at 40; SQLite: one connection, as
 * the app has), no HTTP, no order, no application logic.
 *
 * Printed per setup: orders placed (must equal the quota), answers/s, the time until the last
 * unit sold, p50/p99 of every answer and of the successful orders, how the answers split
 * (201, sold out, busy, other), the share refused by admission control (429, and sold-out
 * answers the API gave from memory: `x-admission: refused`), and beside it the floor.
 * A report, never a pass/fail test, except that a broken invariant fails it.
 *
 * Environment: BENCH_FLASH_BUYERS, BENCH_FLASH_QUOTA, BENCH_FLASH_INFLIGHT,
 * BENCH_SETUPS (default "sqlite,postgres"), DATABASE_URL (PostgreSQL; default the local test
 * database).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { createDb, type Db } from '../server/db';
import { issueToken } from '../server/infra/tokens';
import { ApiNode, apiEnv, children, pgUrl } from './api-node';
import { insertOwner, insertShop, insertUsers } from './shop';

const BUYERS = Number(process.env.BENCH_FLASH_BUYERS ?? 10_000);
const QUOTA = Number(process.env.BENCH_FLASH_QUOTA ?? 500);
const INFLIGHT = Number(process.env.BENCH_FLASH_INFLIGHT ?? 200);
const SETUPS = (process.env.BENCH_SETUPS ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
const TOKEN_SECRET = 'bench-flash-token-secret-0123456789abcdef';
const MERCHANT = 'm_flash';
const PRODUCT = 'p_flash';
const SKU = 'sku_flash';
const OWNER = 'u_flash_owner';
/** Stock before the session: enough for every buyer; the quota is carved out of it. */
const STOCK = BUYERS + QUOTA;
const PRICE = 19_900;
const SESSION_PRICE = 9_900;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Setup (untimed)

async function setUp(db: Db): Promise<string[]> {
  await insertShop(db, { merchantId: MERCHANT, productId: PRODUCT, skuId: SKU, merchantName: '秒杀商户', title: '直播秒杀商品', price: PRICE, stock: STOCK });
  const ids = [OWNER, ...Array.from({ length: BUYERS }, (_, i) => `u_flash_${i}`)];
  await insertUsers(db, ids, '秒杀');
  await insertOwner(db, MERCHANT, OWNER);
  return ids.map((id) => issueToken(TOKEN_SECRET, id, 6 * 3600).token);
}

// ---------------------------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: INFLIGHT });

interface Answer {
  status: number;
  code: string | null;
  retryAfterS: number;
  fromMemory: boolean;
  body: unknown;
}

function call(base: string, method: string, url: string, token: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'idempotency-key': `flash-${randomBytes(8).toString('hex')}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          const status = res.statusCode ?? 0;
          resolve({
            status,
            code: status < 300 ? null : String((parsed as { code?: string } | null)?.code ?? status),
            retryAfterS: Number(res.headers['retry-after'] ?? 1),
            fromMemory: res.headers['x-admission'] === 'refused' && status === 409,
            body: parsed,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function must(base: string, method: string, url: string, token: string, body?: unknown): Promise<{ id?: string }> {
  const a = await call(base, method, url, token, body);
  if (a.status >= 300) throw new Error(`${method} ${url} answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
  return a.body as { id?: string };
}

// ---------------------------------------------------------------------------------------------
// The rush

interface Rush {
  orders: number;
  answers: number;
  wallMs: number;
  soldOutAtMs: number;
  latencies: number[];
  orderLatencies: number[];
  counts: Record<string, number>;
  fromMemory: number;
  busy: number;
  unexpected: string[];
}

async function rush(nodes: ApiNode[], tokens: string[], sessionId: string): Promise<Rush> {
  const owner = tokens[0];
  const buyers = tokens.slice(1);
  const r: Rush = { orders: 0, answers: 0, wallMs: 0, soldOutAtMs: 0, latencies: [], orderLatencies: [], counts: {}, fromMemory: 0, busy: 0, unexpected: [] };
  // The host's tap: the rush starts when the pin is answered.
  await must(nodes[0].baseUrl, 'POST', `/api/merchants/${MERCHANT}/live/sessions/${sessionId}/pin`, owner, { productId: PRODUCT });
  const t0 = performance.now();
  let next = 0;
  const body = { items: [{ skuId: SKU, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '秒杀', contactPhone: '13800138000' }, liveSessionId: sessionId };
  async function buyer(i: number): Promise<void> {
    const base = nodes[i % nodes.length].baseUrl;
    const first = performance.now();
    for (let attempt = 0; attempt < 200; attempt++) {
      const start = performance.now();
      let a: Answer;
      try {
        a = await call(base, 'POST', '/api/orders', buyers[i], body);
      } catch (err) {
        r.unexpected.push(String(err));
        return;
      }
      const now = performance.now();
      r.answers++;
      r.latencies.push(now - start);
      const key = a.status === 201 ? '201' : `${a.status} ${a.code}`;
      r.counts[key] = (r.counts[key] ?? 0) + 1;
      if (a.fromMemory) r.fromMemory++;
      if (a.status === 201) {
        r.orders++;
        r.orderLatencies.push(now - first);
        if (r.orders === QUOTA) r.soldOutAtMs = now - t0;
        return;
      }
      if (a.status === 429 && a.code === 'LIVE_BUSY') {
        r.busy++;
        await sleep(a.retryAfterS * 1000 * (0.5 + Math.random()));
        continue;
      }
      if (a.status === 409 && a.code === 'LIVE_SOLD_OUT') return;
      if (r.unexpected.length < 10) r.unexpected.push(`${key}: ${JSON.stringify(a.body).slice(0, 200)}`);
      return;
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(INFLIGHT, buyers.length) }, async () => {
      while (next < buyers.length) await buyer(next++);
    }),
  );
  r.wallMs = performance.now() - t0;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Invariants, read from the database

async function check(db: Db, sessionId: string): Promise<string[]> {
  const problems: string[] = [];
  const orders = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('live_session_id', '=', sessionId).executeTakeFirstOrThrow();
  const line = await db.selectFrom('live_lines').select(['quota', 'sold']).where('session_id', '=', sessionId).where('sku_id', '=', SKU).executeTakeFirstOrThrow();
  const held = await db
    .selectFrom('live_purchases')
    .select((eb) => [eb.fn.sum<number>('units').as('units'), eb.fn.max<number>('units').as('most'), eb.fn.countAll<number>().as('buyers')])
    .where('session_id', '=', sessionId)
    .where('units', '>', 0)
    .executeTakeFirstOrThrow();
  const sku = await db.selectFrom('skus').select('stock').where('id', '=', SKU).executeTakeFirstOrThrow();
  if (Number(orders.n) !== QUOTA) problems.push(`${orders.n} orders, expected ${QUOTA}`);
  if (Number(line.sold) !== QUOTA || Number(line.quota) !== QUOTA) problems.push(`line sold ${line.sold} of quota ${line.quota}, expected ${QUOTA} of ${QUOTA}`);
  if (Number(held.units) !== QUOTA || Number(held.buyers) !== QUOTA || Number(held.most) !== 1) problems.push(`buyers hold ${held.units} units over ${held.buyers} buyers (most ${held.most}), expected ${QUOTA} over ${QUOTA} (1 each)`);
  if (Number(sku.stock) !== STOCK - QUOTA) problems.push(`SKU stock ${sku.stock}, expected ${STOCK - QUOTA} (the quota carved out once)`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The floor: the guarded decrements alone

interface Floor {
  ms: number;
  sold: number;
  /** When the last unit went (ms from the first statement). */
  soldOutAtMs: number;
}

async function floorPostgres(schema: string): Promise<Floor> {
  const pool = new pg.Pool({ connectionString: pgUrl(), max: Math.min(INFLIGHT, 40), options: `-c search_path=${schema}` });
  try {
    await pool.query(`insert into live_lines (session_id, sku_id, product_id, price, quota, sold, paid, paid_amount, returned, position, created_at, updated_at) values ('floor', 'floor', 'floor', 1, $1, 0, 0, 0, 0, 0, 0, 0)`, [QUOTA]);
    let next = 0;
    let sold = 0;
    let soldOutAtMs = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(INFLIGHT, 40) }, async () => {
        while (next++ < BUYERS) {
          const res = await pool.query(`update live_lines set sold = sold + 1 where session_id = 'floor' and sku_id = 'floor' and quota - sold >= 1`);
          sold += res.rowCount ?? 0;
          if (res.rowCount && sold === QUOTA) soldOutAtMs = performance.now() - t0;
        }
      }),
    );
    return { ms: performance.now() - t0, sold, soldOutAtMs };
  } finally {
    await pool.end();
  }
}

async function floorSqlite(db: Db): Promise<Floor> {
  await sql`insert into live_lines (session_id, sku_id, product_id, price, quota, sold, paid, paid_amount, returned, position, created_at, updated_at) values ('floor', 'floor', 'floor', 1, ${QUOTA}, 0, 0, 0, 0, 0, 0, 0)`.execute(db);
  let sold = 0;
  let soldOutAtMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < BUYERS; i++) {
    const res = await sql`update live_lines set sold = sold + 1 where session_id = 'floor' and sku_id = 'floor' and quota - sold >= 1`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    sold += n;
    if (n > 0 && sold === QUOTA) soldOutAtMs = performance.now() - t0;
  }
  return { ms: performance.now() - t0, sold, soldOutAtMs };
}

// ---------------------------------------------------------------------------------------------
// Setups

interface Row {
  setup: string;
  rush: Rush | null;
  floor: Floor | null;
  problems: string[];
}

async function session(node: ApiNode, owner: string): Promise<string> {
  const created = await must(node.baseUrl, 'POST', `/api/merchants/${MERCHANT}/live/sessions`, owner, {
    title: '秒杀压测直播',
    startsAt: Date.now(),
    playbackUrl: '/live/demo/index.m3u8',
    perShopperLimit: 1,
    lines: [{ skuId: SKU, price: SESSION_PRICE, quota: QUOTA }],
  });
  const id = created.id!;
  await must(node.baseUrl, 'POST', `/api/merchants/${MERCHANT}/live/sessions/${id}/actions`, owner, { action: 'start' });
  return id;
}

async function sqliteSetup(dir: string): Promise<Row> {
  const node = await ApiNode.start('flash-sqlite', dir, apiEnv(dir, 'sqlite', TOKEN_SECRET));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, 'data-sqlite', 'shop.db') });
  try {
    const tokens = await setUp(db);
    const id = await session(node, tokens[0]);
    const r = await rush([node], tokens, id);
    const problems = await check(db, id);
    await node.stop();
    const floor = await floorSqlite(db);
    return { setup: 'SQLite, one node', rush: r, floor, problems };
  } finally {
    await node.stop();
    await db.destroy();
  }
}

async function postgresSetup(dir: string): Promise<Row> {
  const schema = `bench_flash_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  const url = `${pgUrl()}${pgUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const nodes: ApiNode[] = [];
  const db = createDb({ dialect: 'postgres', databaseUrl: pgUrl(), sqlitePath: '' }, { pgSchema: schema, poolSize: 2 });
  try {
    // A first: it runs the migrations.
    nodes.push(await ApiNode.start('flash-pg-a', dir, apiEnv(dir, 'pg-a', TOKEN_SECRET, url)));
    nodes.push(await ApiNode.start('flash-pg-b', dir, apiEnv(dir, 'pg-b', TOKEN_SECRET, url)));
    const tokens = await setUp(db);
    const id = await session(nodes[0], tokens[0]);
    // The second node learns of the session's line through its own reads: one warm-up view each.
    for (const n of nodes) await must(n.baseUrl, 'GET', `/api/live/sessions/${id}`, tokens[1]);
    const r = await rush(nodes, tokens, id);
    const problems = await check(db, id);
    for (const n of nodes) await n.stop();
    const floor = await floorPostgres(schema);
    return { setup: 'PostgreSQL, two nodes', rush: r, floor, problems };
  } finally {
    for (const n of nodes) await n.stop();
    await db.destroy();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function pct(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)}` : '-');

function table(rows: Row[]): string {
  const out = [
    `| setup | orders | answers/s | last unit sold after ms | p50 / p99 answer ms | p50 / p99 order ms (first try to 201) | answers | refused by admission control | floor: ${BUYERS} guarded decrements |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |',
  ];
  for (const row of rows) {
    const r = row.rush;
    if (!r) continue;
    const answersPerS = (r.answers / r.wallMs) * 1000;
    const split = Object.entries(r.counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
    const refused = ((r.busy + r.fromMemory) / Math.max(1, r.answers)) * 100;
    const floor = row.floor ? `${ms(row.floor.ms)} ms (${Math.round((BUYERS / row.floor.ms) * 1000)}/s; ${row.floor.sold} sold, the last after ${ms(row.floor.soldOutAtMs)} ms)` : '-';
    out.push(
      `| ${row.setup} | ${r.orders} | ${Math.round(answersPerS)} | ${ms(r.soldOutAtMs)} | ${ms(pct(r.latencies, 0.5))} / ${ms(pct(r.latencies, 0.99))} | ${ms(pct(r.orderLatencies, 0.5))} / ${ms(pct(r.orderLatencies, 0.99))} | ${split} | ${refused.toFixed(1)} % (${r.busy} busy, ${r.fromMemory} sold out from memory) | ${floor} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-flash-'));
  const rows: Row[] = [];
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`bench:flash: ${BUYERS} buyers, quota ${QUOTA}, ${INFLIGHT} in flight (load average ${load()})\n`);
  try {
    for (const setup of SETUPS) {
      const row = setup === 'postgres' ? await postgresSetup(dir) : await sqliteSetup(dir);
      rows.push(row);
      process.stdout.write(`  ${row.setup}: ${row.rush?.orders ?? 0} orders; ${row.problems.length === 0 ? 'invariants hold' : `BROKEN: ${row.problems.join('; ')}`}\n`);
      for (const u of row.rush?.unexpected ?? []) process.stdout.write(`    unexpected: ${u}\n`);
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
  process.stdout.write(`\n${table(rows)}\n\nDone ${new Date().toISOString()}; load average ${load()}\n`);
  if (rows.some((r) => r.problems.length > 0)) process.exitCode = 1;
}

void main();
