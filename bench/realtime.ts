/**
 * Realtime fan-out: `npm run bench:realtime` (or `npx tsx bench/realtime.ts`).
 *
 * N WebSocket clients, all signed in as one user and subscribed to `user:{id}` (a user may hold
 * many sockets), receive one event; for every socket, the time from the event to the frame's
 * arrival. Per N, three kinds, one after the other:
 *
 *   1. one node, SQLite: the real API (server/main.ts, a process of its own, SQLite in a temp
 *      DATA_DIR, SANDBOX=on, SEED_DEMO=off, LOG_LEVEL=warn, a fixed TOKEN_SECRET); the sockets
 *      on it, the events produced on it through the HTTP API (an order placed for the user and
 *      cancelled: order.cancelled; placing is not pushed).
 *   2. two nodes, PostgreSQL: two API processes on one PostgreSQL database (a fresh schema,
 *      migrated by node A); the sockets on node B, the events produced on node A, so every
 *      frame crosses the bus (pg_notify at the writing transaction's commit, docs/realtime.md).
 *   3. the floor: a bare `ws` WebSocketServer with no application logic; the same N clients
 *      connect (no auth, no subscription), and the server sends one JSON frame of the size the
 *      app's frames had to all of them in one loop.
 *
 * Latency. The app: from the message's `created_at` in realtime_messages (stamped with
 * the event's time by the outbox's realtime writer, in the transaction that stores the message,
 * before its commit; whole milliseconds, so a figure can be up to 1 ms more than the truth) to
 * the frame's arrival in the client process; also from the moment the producing HTTP request
 * returned to the bench (the detail column). The floor: from the start of the server's send
 * loop to the arrival. Arrivals are stamped with process.hrtime (CLOCK_MONOTONIC, one clock
 * for every process on the machine); created_at is mapped onto it with an offset the bench
 * measures against Date.now() at each event.
 *
 * Memory: the server process's RSS (VmRSS of /proc/<pid>/status; node B for two nodes) before
 * the sockets connect and after all N are connected and subscribed, the difference divided by N.
 *
 * Clients: the sockets are spread over several client processes (bench/sockets.ts with
 * `--as-client`, started once and used for every kind and size), each within its open-file
 * limit and on a loopback source address of its own (127.0.0.11, .12, ...), so the ephemeral
 * ports of one address are not the limit. Each N: connect all (a bounded number of handshakes
 * in flight per process), 1 warm-up event, then the measured events; percentiles are over
 * every socket of every measured event.
 *
 * Open files: every process the bench starts runs with its soft open-file limit raised to the
 * hard one. A server process holds one file per socket, so an N above its limit (less 250 for
 * its own files: the database, the pool, requests in flight) is capped to what fits, and the
 * table says so; `--no-cap` tries the full N anyway (sockets then fail at accept, EMFILE, and
 * whatever else the process opens meanwhile fails too).
 *
 * Options: `--sizes 1000,5000,20000` (N), `--events 5` (measured events per N and kind),
 * `--kinds sqlite,postgres,floor`, `--client-procs 4` (more are started if the open-file limit
 * needs it), `--in-flight 32` (handshakes in flight per client process), `--timeout 60`
 * (seconds to wait for an event to reach every socket), `--no-cap`. DATABASE_URL: PostgreSQL
 * (default the local test database). Every process and schema it made is removed at the end,
 * also on failure or Ctrl-C. A report, never a pass/fail test. CPU per event (the detail
 * column): what the server process with the sockets and the client processes used from just
 * before the event was produced until every socket had it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiNode, apiEnv, pgUrl } from './api-node';
import { insertShop, insertUsers } from './shop';
import { ClientPool, clientProcsFor, dirs, dropSchemas, floor, freshSchema, load, measureApp, mono, parseOptions, runBench, runSizes, socketEnv, type Options, type Row } from './sockets';
import type { Db } from '../server/db';
import { issueToken } from '../server/infra/tokens';

const TOKEN_SECRET = 'bench-realtime-token-secret-0123456789abcdef';

function env(dir: string, name: string, databaseUrl?: string): Record<string, string> {
  return { ...apiEnv(dir, name, TOKEN_SECRET, databaseUrl), ...socketEnv() };
}

/** The shopper and one SKU, written straight into the database the API migrated. */
async function setUp(db: Db): Promise<{ token: string; topic: string; skuId: string }> {
  const userId = `u_bench_rt_${randomBytes(4).toString('hex')}`;
  await insertUsers(db, [userId], '压测');
  await insertShop(db, { merchantId: 'm_bench_rt', productId: 'p_bench_rt', skuId: 'sku_bench_rt', merchantName: '压测商户', title: '压测商品', price: 1000, stock: 1_000_000 });
  return { token: issueToken(TOKEN_SECRET, userId, 6 * 3600).token, topic: `user:${userId}`, skuId: 'sku_bench_rt' };
}

/**
 * Produces the next message on the topic: an order placed (not pushed: docs/realtime.md) and
 * then cancelled (order.cancelled); the time answered is when the cancel returned.
 */
function producer(node: ApiNode, token: string, skuId: string) {
  return async (): Promise<number> => {
    const parent = await node.post<{ children: { id: string }[] }>('/api/orders', token, {
      items: [{ skuId, quantity: 1 }],
      fulfilment: { type: 'pickup', contactName: '压测', contactPhone: '13800138000' },
    });
    await node.post(`/api/orders/${parent.children[0].id}/cancel`, token);
    return mono();
  };
}

async function oneNodeSqlite(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const node = await ApiNode.start(`sqlite-${n}`, dir, env(dir, `sqlite-${n}`));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, `data-sqlite-${n}`, 'shop.db') });
  try {
    const s = await setUp(db);
    return await measureApp('one node, SQLite', n, opt, pool, { socketsOn: [node], db, token: s.token, topic: s.topic, produce: producer(node, s.token, s.skuId) });
  } finally {
    await pool.closeAll().catch(() => undefined);
    await node.stop();
    await db.destroy();
  }
}

async function twoNodesPostgres(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const { schema, url } = await freshSchema('bench_rt');
  const nodes: ApiNode[] = [];
  const db = createDb({ dialect: 'postgres', databaseUrl: pgUrl(), sqlitePath: '' }, { pgSchema: schema, poolSize: 2 });
  try {
    // A first: it runs the migrations.
    const a = await ApiNode.start(`pg-a-${n}`, dir, env(dir, `pg-a-${n}`, url));
    nodes.push(a);
    const b = await ApiNode.start(`pg-b-${n}`, dir, env(dir, `pg-b-${n}`, url));
    nodes.push(b);
    const s = await setUp(db);
    return await measureApp('two nodes, PostgreSQL', n, opt, pool, { socketsOn: [b], db, token: s.token, topic: s.topic, produce: producer(a, s.token, s.skuId) });
  } finally {
    await pool.closeAll().catch(() => undefined);
    for (const node of nodes) await node.stop();
    await db.destroy();
    await dropSchemas();
  }
}

async function main(): Promise<void> {
  const opt = parseOptions(process.argv.slice(2), ['sqlite', 'postgres', 'floor']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-realtime-'));
  dirs.add(dir);
  // Client processes run with the soft open-file limit raised to the hard one, and keep a margin of it.
  const { procs, fileLimit } = clientProcsFor(Math.max(...opt.sizes), opt.clientProcs);
  process.stdout.write(
    `Realtime fan-out: sizes ${opt.sizes.join(', ')}; kinds ${opt.kinds.join(', ')}; ${procs} client processes; ${os.cpus().length} CPUs, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; open-file limit ${fileLimit} per process; Node ${process.version}; ${new Date().toISOString()}; load average ${load()}\n` +
      'Latency: the app from the message\'s created_at (realtime_messages) to the arrival; the floor from the start of its send loop.\n',
  );
  const pool = await ClientPool.start(procs);
  try {
    await runSizes(opt, pool, [
      ['sqlite', 'one node, SQLite', (n) => oneNodeSqlite(n, opt, pool, dir)],
      ['postgres', 'two nodes, PostgreSQL', (n) => twoNodesPostgres(n, opt, pool, dir)],
      ['floor', 'floor (bare ws)', (n) => floor(n, opt, pool)],
    ]);
  } finally {
    await pool.exit();
  }
  process.stdout.write(`\nDone ${new Date().toISOString()}; load average ${load()}\n`);
}

runBench(main);
