/**
 * Live rooms: `npm run bench:live` (or `npx tsx bench/live.ts`).
 *
 * N viewers in one live room: guest sockets (`{"op":"auth","guest":true}`, docs/realtime.md)
 * subscribed to `live:{sessionId}` while the session is on air; the host pins a product and
 * unpins it, alternately, through the real route (`POST /api/merchants/:id/live/sessions/:id/pin`,
 * pinLiveProduct); for every viewer, the time from the pin to the arrival of its `live.pinned`
 * frame (durable: stored in realtime_messages with the topic's next version, docs/live.md).
 * Per N, three kinds, one after the other:
 *
 *   1. one node, SQLite: the real API (server/main.ts, a process of its own, SQLite in a temp
 *      DATA_DIR); the viewers on it, the pins on it.
 *   2. two nodes, PostgreSQL: two API processes on one fresh schema (node A migrates it); the
 *      viewers split evenly between A and B (client processes alternate between them), the pins
 *      on A: half the viewers get the card from the pinning node, half through the bus
 *      (pg_notify at the pin's commit, then node B reads the message), each half reported.
 *   3. the floor: a bare `ws` server sending one frame of the app's frame size to all N.
 *
 * Set-up (untimed): the merchant, its product and SKU and the owner are written into the
 * database; the session is scheduled (one line) and started through the host's routes, and
 * read once on every node as a viewer's client does before it subscribes (a node pushes the
 * stats of the sessions it has seen on air).
 *
 * Latency: from the message's created_at (realtime_messages, stamped in the pin's transaction;
 * whole ms) to the arrival, and (detail column) from the pin request's answer (which reads the
 * host's view of the session after the commit, so the frame can arrive before it: negative).
 * RSS per viewer: the RSS of the node(s) holding the sockets after all N are connected and
 * subscribed, less before, over N. While the viewers are connected and before the pins, the
 * check of the viewer count: each node's `GET /api/live/sessions/:id` (`viewers`: its own
 * subscribers plus what the other nodes announced) and the `live.stats` frames the viewers of
 * each node received over 4.5 s (every node that knows the session pushes them to every viewer
 * every 2 s): both must equal the sockets connected, on every node. The stats pushes keep
 * running during the measured pins, as in a real room.
 *
 * Clients, open files, options and cleanup: as bench:realtime (bench/sockets.ts): `--sizes
 * 1000,5000,20000`, `--events 5` (measured pins per N and kind, after 1 warm-up), `--kinds
 * sqlite,postgres,floor`, `--client-procs 4`, `--in-flight 32`, `--timeout 60`, `--no-cap`;
 * DATABASE_URL for PostgreSQL. A report, never a pass/fail test.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiNode, apiEnv, pgUrl } from './api-node';
import { insertOwner, insertShop, insertUsers } from './shop';
import {
  ClientPool,
  clientProcsFor,
  dirs,
  dropSchemas,
  floor,
  freshSchema,
  load,
  measureApp,
  mono,
  parseOptions,
  runBench,
  runSizes,
  sleep,
  socketEnv,
  type AppTarget,
  type Connected,
  type Options,
  type Row,
} from './sockets';
import type { Db } from '../server/db';
import { issueToken } from '../server/infra/tokens';

const TOKEN_SECRET = 'bench-live-token-secret-0123456789abcdef';
const MERCHANT = 'm_bench_live';
const PRODUCT = 'p_bench_live';
const SKU = 'sku_bench_live';
const OWNER = 'u_bench_live_owner';

function env(dir: string, name: string, databaseUrl?: string): Record<string, string> {
  return { ...apiEnv(dir, name, TOKEN_SECRET, databaseUrl), ...socketEnv() };
}

/** The shop and its owner in the database, then a session with one line scheduled and started on `host`; read once on every node. */
async function liveSession(db: Db, host: ApiNode, nodes: ApiNode[]): Promise<{ token: string; sessionId: string }> {
  await insertShop(db, { merchantId: MERCHANT, productId: PRODUCT, skuId: SKU, merchantName: '直播压测商户', title: '直播压测商品', price: 19_900, stock: 1000 });
  await insertUsers(db, [OWNER], '主播');
  await insertOwner(db, MERCHANT, OWNER);
  const token = issueToken(TOKEN_SECRET, OWNER, 6 * 3600).token;
  const created = await host.post<{ id: string }>(`/api/merchants/${MERCHANT}/live/sessions`, token, {
    title: '直播压测',
    startsAt: Date.now(),
    playbackUrl: '/live/demo/index.m3u8',
    perShopperLimit: 1,
    lines: [{ skuId: SKU, price: 9_900, quota: 100 }],
  });
  await host.post(`/api/merchants/${MERCHANT}/live/sessions/${created.id}/actions`, token, { action: 'start' });
  for (const node of nodes) await viewers(node, created.id);
  return { token, sessionId: created.id };
}

/** A viewer's read of the session on `node`: its `viewers`. */
async function viewers(node: ApiNode, sessionId: string): Promise<number> {
  const res = await fetch(`${node.baseUrl}/api/live/sessions/${sessionId}`);
  if (!res.ok) throw new Error(`GET the session on ${node.name} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return ((await res.json()) as { viewers: number }).viewers;
}

/** The host's taps: pin the product, unpin, pin... on `node`; answers when the request returned. */
function pinner(node: ApiNode, token: string, sessionId: string): () => Promise<number> {
  let pinned = false;
  return async () => {
    pinned = !pinned;
    await node.post(`/api/merchants/${MERCHANT}/live/sessions/${sessionId}/pin`, token, { productId: pinned ? PRODUCT : null });
    return mono();
  };
}

/**
 * The viewer count while every viewer is connected: each node's answer to a viewer's read, and
 * the `live.stats` frames its viewers received over 4.5 s (after 3 s for the nodes' announcements,
 * every 1 s, and a stats tick, every 2 s). Written into the row's note; a count that is not the
 * number of sockets connected is marked.
 */
function viewerCheck(nodes: ApiNode[], sessionId: string, pool: ClientPool) {
  return async (row: Row, connected: Connected): Promise<void> => {
    await sleep(3000);
    await pool.stats();
    await sleep(4500);
    const seen = await pool.stats();
    const parts: string[] = [];
    let ok = true;
    for (const node of nodes) {
      const read = await viewers(node, sessionId);
      let frames = 0;
      let sockets = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const [p, s] of seen) {
        if (connected.urlOf.get(p) !== node.wsUrl) continue;
        sockets += connected.perProc.get(p) ?? 0;
        const stats = s['live.stats'];
        if (!stats) continue;
        frames += stats.frames;
        if (stats.minViewers !== null) min = Math.min(min, stats.minViewers);
        if (stats.maxViewers !== null) max = Math.max(max, stats.maxViewers);
      }
      const range = frames === 0 ? 'none' : min === max ? String(min) : `${min}-${max}`;
      ok &&= read === row.live && frames > 0 && min === row.live && max === row.live;
      parts.push(`${node.name}: GET ${read}, live.stats ${range} (${sockets > 0 ? (frames / sockets).toFixed(1) : 0} frames per viewer in 4.5 s)`);
    }
    row.note = [row.note, `viewer count${ok ? ` = ${row.live} on every node` : ` NOT ${row.live} everywhere`}: ${parts.join('; ')}`].filter(Boolean).join('; ');
    process.stderr.write(`    ${row.kind} N=${row.n}: ${row.note}\n`);
  };
}

function target(db: Db, socketsOn: ApiNode[], pinOn: ApiNode, s: { token: string; sessionId: string }, pool: ClientPool): AppTarget {
  return {
    socketsOn,
    db,
    token: null,
    topic: `live:${s.sessionId}`,
    produce: pinner(pinOn, s.token, s.sessionId),
    whileConnected: viewerCheck(socketsOn, s.sessionId, pool),
  };
}

async function oneNodeSqlite(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const node = await ApiNode.start(`sqlite-${n}`, dir, env(dir, `sqlite-${n}`));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, `data-sqlite-${n}`, 'shop.db') });
  try {
    const s = await liveSession(db, node, [node]);
    return await measureApp('one node, SQLite', n, opt, pool, target(db, [node], node, s, pool));
  } finally {
    await pool.closeAll().catch(() => undefined);
    await node.stop();
    await db.destroy();
  }
}

async function twoNodesPostgres(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const { schema, url } = await freshSchema('bench_live');
  const nodes: ApiNode[] = [];
  const db = createDb({ dialect: 'postgres', databaseUrl: pgUrl(), sqlitePath: '' }, { pgSchema: schema, poolSize: 2 });
  try {
    // A first: it runs the migrations.
    const a = await ApiNode.start(`A`, dir, env(dir, `pg-a-${n}`, url));
    nodes.push(a);
    const b = await ApiNode.start(`B`, dir, env(dir, `pg-b-${n}`, url));
    nodes.push(b);
    const s = await liveSession(db, a, nodes);
    return await measureApp('two nodes, PostgreSQL (viewers on A and B, pins on A)', n, opt, pool, target(db, [a, b], a, s, pool));
  } finally {
    await pool.closeAll().catch(() => undefined);
    for (const node of nodes) await node.stop();
    await db.destroy();
    await dropSchemas();
  }
}

async function main(): Promise<void> {
  const opt = parseOptions(process.argv.slice(2), ['sqlite', 'postgres', 'floor']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-live-'));
  dirs.add(dir);
  const { procs, fileLimit } = clientProcsFor(Math.max(...opt.sizes), opt.clientProcs);
  process.stdout.write(
    `Live rooms: sizes ${opt.sizes.join(', ')}; kinds ${opt.kinds.join(', ')}; ${procs} client processes; ${os.cpus().length} CPUs, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; open-file limit ${fileLimit} per process; Node ${process.version}; ${new Date().toISOString()}; load average ${load()}\n` +
      "Latency: the app from the pin's message created_at (realtime_messages) to the live.pinned frame's arrival at each viewer; the floor from the start of its send loop.\n",
  );
  const pool = await ClientPool.start(procs);
  try {
    await runSizes(
      opt,
      pool,
      [
        ['sqlite', 'one node, SQLite', (n) => oneNodeSqlite(n, opt, pool, dir)],
        ['postgres', 'two nodes, PostgreSQL', (n) => twoNodesPostgres(n, opt, pool, dir)],
        ['floor', 'floor (bare ws)', (n) => floor(n, opt, pool)],
      ],
      { socket: 'viewer', subscribed: 'viewers connected (guests) and subscribed' },
    );
  } finally {
    await pool.exit();
  }
  process.stdout.write(`\nDone ${new Date().toISOString()}; load average ${load()}\n`);
}

runBench(main);
