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
 * Clients: the sockets are spread over several client processes (this file with
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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { ApiNode, children, pgUrl, raisedFileLimit, track } from './api-node';
import type { Db } from '../server/db';
import { issueToken } from '../server/infra/tokens';

const mono = (): number => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The IPC between the bench and its client and floor-server processes

interface ConnectCmd {
  cmd: 'connect';
  url: string;
  count: number;
  inFlight: number;
  localAddress: string;
  /** The app: sign in and subscribe; absent for the floor (connected = live). */
  auth?: { token: string; topic: string };
}
type ClientCmd = ConnectCmd | { cmd: 'collect'; key: string } | { cmd: 'quiet'; on: boolean } | { cmd: 'close' } | { cmd: 'exit' };
type ClientMsg =
  | { type: 'started' }
  | { type: 'connected'; live: number; failed: number; errors: [string, number][]; ms: number }
  | { type: 'all'; key: string }
  | { type: 'arrivals'; key: string; times: number[]; bytes: number }
  | { type: 'closed' };
type FloorCmd = { cmd: 'send'; seq: number; bytes: number } | { cmd: 'exit' };
type FloorMsg = { url: string } | { type: 'sent'; sentAt: number; loopMs: number; clients: number } | { type: 'error'; message: string };

// ---------------------------------------------------------------------------------------------
// Client process: holds its share of the sockets, stamps every event frame's arrival

const schemas = new Set<string>();
const dirs = new Set<string>();

function runClient(): void {
  const live = new Set<WebSocket>();
  const lastPing = new Map<WebSocket, number>();
  const arrivals = new Map<string, number[]>();
  let frameBytes = 0;
  let quiet = false;
  let appMode = false;
  const reply = (msg: ClientMsg) => process.send?.(msg);

  function onEvent(t: number, text: string): void {
    let f: { op?: string; version?: number; seq?: number };
    try {
      f = JSON.parse(text) as typeof f;
    } catch {
      return;
    }
    if (f.op !== 'event') return;
    const key = String(f.version ?? f.seq);
    let list = arrivals.get(key);
    if (!list) arrivals.set(key, (list = []));
    list.push(t);
    frameBytes = Buffer.byteLength(text);
    if (list.length === live.size) reply({ type: 'all', key });
  }

  function openOne(cmd: ConnectCmd): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(cmd.url, { perMessageDeflate: false, localAddress: cmd.localAddress, handshakeTimeout: 60_000 });
      let settled = false;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) {
          ws.terminate();
          reject(err);
        } else {
          live.add(ws);
          lastPing.set(ws, Date.now());
          resolve();
        }
      };
      ws.on('open', () => {
        if (cmd.auth) ws.send(JSON.stringify({ op: 'auth', token: cmd.auth.token }));
        else done();
      });
      ws.on('message', (data: Buffer) => {
        const t = mono();
        const text = data.toString('utf8');
        if (settled) return onEvent(t, text);
        const f = JSON.parse(text) as { op: string; code?: string; message?: string };
        if (f.op === 'ready') ws.send(JSON.stringify({ op: 'sub', topic: cmd.auth!.topic }));
        else if (f.op === 'subscribed') done();
        else if (f.op === 'error') done(new Error(`${f.code}: ${f.message}`));
      });
      ws.on('error', (err) => done(err));
      ws.on('close', (code) => {
        live.delete(ws);
        lastPing.delete(ws);
        done(new Error(`closed with ${code} before it was live`));
      });
    });
  }

  async function connect(cmd: ConnectCmd): Promise<void> {
    appMode = cmd.auth !== undefined;
    const began = mono();
    let next = 0;
    let failed = 0;
    const errors = new Map<string, number>();
    const lane = async () => {
      while (next < cmd.count) {
        next += 1;
        try {
          await openOne(cmd);
        } catch (err) {
          failed += 1;
          const m = err instanceof Error ? err.message : String(err);
          errors.set(m, (errors.get(m) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(cmd.inFlight, cmd.count) }, lane));
    reply({ type: 'connected', live: live.size, failed, errors: [...errors], ms: mono() - began });
  }

  // The app closes a socket that sent nothing for 90 s: ping each one every 25 s, as the real
  // client does, but never while an event is being measured.
  setInterval(() => {
    if (quiet || !appMode) return;
    const now = Date.now();
    for (const ws of live) {
      if (now - (lastPing.get(ws) ?? 0) > 25_000 && ws.readyState === WebSocket.OPEN) {
        ws.send('{"op":"ping"}');
        lastPing.set(ws, now);
      }
    }
  }, 1000).unref();

  process.on('message', (raw: unknown) => {
    const cmd = raw as ClientCmd;
    if (cmd.cmd === 'connect') {
      void connect(cmd);
    } else if (cmd.cmd === 'collect') {
      reply({ type: 'arrivals', key: cmd.key, times: arrivals.get(cmd.key) ?? [], bytes: frameBytes });
      arrivals.delete(cmd.key);
    } else if (cmd.cmd === 'quiet') {
      quiet = cmd.on;
    } else if (cmd.cmd === 'close') {
      void (async () => {
        const all = [...live];
        const gone = all.map((ws) => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r()))));
        for (const ws of all) ws.terminate();
        await Promise.all(gone);
        live.clear();
        lastPing.clear();
        arrivals.clear();
        reply({ type: 'closed' });
      })();
    } else if (cmd.cmd === 'exit') {
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'started' });
}

// ---------------------------------------------------------------------------------------------
// Floor server process: a bare ws server, one frame to every client in one loop

function runFloorServer(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const reply = (msg: FloorMsg) => process.send?.(msg);
  wss.on('connection', (ws) => ws.on('error', () => undefined));
  wss.on('error', (err) => reply({ type: 'error', message: err.message }));
  wss.on('listening', () => {
    const address = wss.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    reply({ url: `ws://127.0.0.1:${address.port}` });
  });
  process.on('message', (raw: unknown) => {
    const cmd = raw as FloorCmd;
    if (cmd.cmd === 'send') {
      const frame = floorFrame(cmd.seq, cmd.bytes);
      const sentAt = mono();
      for (const ws of wss.clients) ws.send(frame);
      reply({ type: 'sent', sentAt, loopMs: mono() - sentAt, clients: wss.clients.size });
    } else if (cmd.cmd === 'exit') {
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** A JSON frame of exactly `bytes` bytes (at least its skeleton's) carrying the sequence number. */
function floorFrame(seq: number, bytes: number): string {
  const skeleton = JSON.stringify({ op: 'event', seq, pad: '' });
  return JSON.stringify({ op: 'event', seq, pad: 'x'.repeat(Math.max(0, bytes - skeleton.length)) });
}

// ---------------------------------------------------------------------------------------------
// The bench: processes it starts, and their cleanup

/** Synchronous last resort (process exit): SIGKILL whatever is still running, remove temp folders. */
function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

async function dropSchemas(): Promise<void> {
  if (schemas.size === 0) return;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: pgUrl() });
  try {
    await admin.connect();
    for (const schema of [...schemas]) {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      schemas.delete(schema);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}


/** This file in another role (`--as-client`, `--as-floor-server`), with an IPC channel to the bench. */
function forkRole(role: string): ChildProcess {
  const [cmd, args] = raisedFileLimit([process.execPath, ...process.execArgv, __filename, role]);
  return track(spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

let clockTicks = 0;
/** CPU time a process has used so far (ms, user + system, from /proc/<pid>/stat); 0 once it is gone. */
function cpuMs(pid: number): number {
  if (!clockTicks) clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return 0;
  }
}

/** VmRSS of a process in KB. */
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** The process's open-file limits (soft, hard) and how many files it has open now. */
function fileUse(pid: number): { limit: number; hard: number; open: number } {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const num = (v: string | undefined) => (v && v !== 'unlimited' ? Number(v) : Infinity);
  return { limit: num(m?.[1]), hard: num(m?.[2]), open: readdirSync(`/proc/${pid}/fd`).length };
}

/** wall (Date.now) = mono() + offset, measured at a tick of Date.now(), so to a few µs. */
function wallOffset(): number {
  const d0 = Date.now();
  let d: number;
  let m: number;
  do {
    m = mono();
    d = Date.now();
  } while (d === d0);
  return d - m;
}

// ---------------------------------------------------------------------------------------------
// The client processes, seen from the bench

class ClientPool {
  private readonly waiters = new Set<(msg: ClientMsg, from: ChildProcess) => void>();

  private constructor(readonly procs: ChildProcess[]) {
    for (const p of procs) p.on('message', (msg: unknown) => this.waiters.forEach((w) => w(msg as ClientMsg, p)));
  }

  static async start(count: number): Promise<ClientPool> {
    const procs = Array.from({ length: count }, () => forkRole('--as-client'));
    const pool = new ClientPool(procs);
    await pool.fromEach((m) => m.type === 'started', 60_000, 'client start');
    return pool;
  }

  /** Resolves with one matching message from every process (of `only`, default all). */
  private fromEach<T extends ClientMsg>(match: (m: ClientMsg) => boolean, timeoutMs: number, what: string, only: ChildProcess[] = this.procs): Promise<Map<ChildProcess, T>> {
    return new Promise((resolve, reject) => {
      const got = new Map<ChildProcess, T>();
      const done = () => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter = (msg: ClientMsg, from: ChildProcess) => {
        if (!only.includes(from) || got.has(from) || !match(msg)) return;
        got.set(from, msg as T);
        if (got.size === only.length) {
          done();
          resolve(got);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: ${got.size} of ${only.length} client processes answered within ${timeoutMs} ms`));
      }, timeoutMs);
      for (const p of only) if (p.exitCode !== null) return reject(new Error(`a client process exited (${p.exitCode})`));
      this.waiters.add(waiter);
    });
  }

  private send(p: ChildProcess, cmd: ClientCmd): void {
    p.send(cmd);
  }

  /** Spreads `total` sockets over the processes; answers how many went live and why others failed. */
  async connect(url: string, total: number, inFlight: number, auth?: ConnectCmd['auth']): Promise<{ live: number; errors: string[]; ms: number; perProc: Map<ChildProcess, number> }> {
    const got = this.fromEach<Extract<ClientMsg, { type: 'connected' }>>((m) => m.type === 'connected', 30 * 60_000, 'connect');
    this.procs.forEach((p, i) => {
      const count = Math.floor(total / this.procs.length) + (i < total % this.procs.length ? 1 : 0);
      this.send(p, { cmd: 'connect', url, count, inFlight, localAddress: `127.0.0.${11 + i}`, auth });
    });
    const answers = await got;
    const perProc = new Map([...answers].map(([p, m]) => [p, m.live]));
    const errors = new Map<string, number>();
    for (const m of answers.values()) for (const [message, count] of m.errors) errors.set(message, (errors.get(message) ?? 0) + count);
    return {
      live: [...answers.values()].reduce((n, m) => n + m.live, 0),
      errors: [...errors].map(([message, count]) => `${count} x ${message}`),
      ms: Math.max(...[...answers.values()].map((m) => m.ms)),
      perProc,
    };
  }

  /** Resolves when every process with live sockets has the frame `key` on all of them, or after timeoutMs (then: false). */
  waitAll(key: string, holders: ChildProcess[], timeoutMs: number): { done: Promise<boolean> } {
    return {
      done: this.fromEach((m) => m.type === 'all' && m.key === key, timeoutMs, `event ${key}`, holders).then(
        () => true,
        () => false,
      ),
    };
  }

  async collect(key: string): Promise<{ times: number[]; bytes: number }> {
    const got = this.fromEach<Extract<ClientMsg, { type: 'arrivals' }>>((m) => m.type === 'arrivals' && m.key === key, 60_000, 'collect');
    for (const p of this.procs) this.send(p, { cmd: 'collect', key });
    const answers = [...(await got).values()];
    return { times: answers.flatMap((a) => a.times), bytes: Math.max(...answers.map((a) => a.bytes)) };
  }

  /** CPU the client processes have used so far (ms). */
  cpuMs(): number {
    return this.procs.reduce((sum, p) => sum + cpuMs(p.pid!), 0);
  }

  quiet(on: boolean): void {
    for (const p of this.procs) this.send(p, { cmd: 'quiet', on });
  }

  async closeAll(): Promise<void> {
    const got = this.fromEach((m) => m.type === 'closed', 120_000, 'close');
    for (const p of this.procs) this.send(p, { cmd: 'close' });
    await got;
  }

  async exit(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            this.send(p, { cmd: 'exit' });
          }),
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring one kind at one N

interface Row {
  kind: string;
  n: number;
  /** Sockets live after connecting. */
  live: number;
  /** Per measured event: how many sockets got it. */
  received: number[];
  latencies: number[];
  fromRequest: number[];
  rssBeforeKb: number;
  rssAfterKb: number;
  connectMs: number;
  /** CPU used over the measured events (from just before the event is produced until every socket has it): the server with the sockets, the client processes. */
  cpu: { serverMs: number; clientsMs: number };
  note: string;
  /** Why fewer sockets than asked for were connected (the server's open-file limit). */
  capped?: string;
  failed?: string;
}

interface Options {
  sizes: number[];
  events: number;
  kinds: string[];
  clientProcs: number;
  inFlight: number;
  timeoutMs: number;
  /** Connect at most what fits a server process's open-file limit (default); --no-cap tries all N. */
  cap: boolean;
}

/** What the app runs of a kind: where sockets go, how an event is produced, where created_at is read. */
interface AppTarget {
  socketsOn: ApiNode;
  produceOn: ApiNode;
  db: Db;
  token: string;
  topic: string;
}

const TOKEN_SECRET = 'bench-realtime-token-secret-0123456789abcdef';
let frameBytes = 0;

function apiEnv(dir: string, name: string, databaseUrl?: string): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SANDBOX: 'on',
    SEED_DEMO: 'off',
    STATIC_DIR: path.join(dir, 'no-static'),
    DATA_DIR: path.join(dir, `data-${name}`),
    TOKEN_SECRET,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

/** The shopper and one SKU, written straight into the database the API migrated. */
async function setUp(db: Db): Promise<{ token: string; topic: string; skuId: string }> {
  const now = Date.now();
  const userId = `u_bench_rt_${randomBytes(4).toString('hex')}`;
  await db.insertInto('users').values({ id: userId, platform: 'h5', openid: userId, unionid: null, phone: null, nickname: '压测', avatar: null, created_at: now, updated_at: now, status_changed_at: null }).execute();
  await db.insertInto('merchants').values({ id: 'm_bench_rt', name: '压测商户', logo: '/images/logo.svg', created_at: now }).execute();
  await db.insertInto('categories').values({ id: 'c_bench_rt', name: '压测分类', icon: '/images/c.svg', sort: 0 }).execute();
  await db
    .insertInto('products')
    .values({
      id: 'p_bench_rt',
      merchant_id: 'm_bench_rt',
      category_id: 'c_bench_rt',
      title: '压测商品',
      subtitle: '',
      description: '',
      cover: '/images/p.svg',
      images: JSON.stringify(['/images/p.svg']),
      specs: JSON.stringify([{ name: '颜色', values: ['红色'] }]),
      on_shelf: 1,
      position: 1,
      price_from: 1000,
      original_price: null,
      sales: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db.insertInto('skus').values({ id: 'sku_bench_rt', product_id: 'p_bench_rt', spec_values: JSON.stringify(['红色']), price: 1000, original_price: null, stock: 1_000_000, sales: 0, created_at: now, updated_at: now }).execute();
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

async function createdAt(db: Db, topic: string, version: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.selectFrom('realtime_messages').select('created_at').where('topic', '=', topic).where('version', '=', version).executeTakeFirst();
    if (row) return Number(row.created_at);
    if (Date.now() > deadline) return null;
    await sleep(20);
  }
}

/** Waits until RSS stops moving (two reads 300 ms apart within 1 %), at most 3 s; answers the last read. */
async function settledRss(pid: number): Promise<number> {
  let last = rssKb(pid);
  for (let i = 0; i < 10; i++) {
    await sleep(300);
    const now = rssKb(pid);
    if (Math.abs(now - last) <= last * 0.01) return now;
    last = now;
  }
  return last;
}

/** Files a server process keeps for its own use besides the sockets (database, WAL, pool, requests in flight). */
const RESERVED_FILES = 250;

/** How many of the N sockets a server process can hold: all, or (capped) its open-file limit less RESERVED_FILES. */
function socketsThatFit(pid: number, n: number, opt: Options, row: Row): number {
  const { limit, hard, open } = fileUse(pid);
  if (n + RESERVED_FILES <= limit) return n;
  const why = `a server process may open ${limit} files (ulimit -n; hard limit ${hard})`;
  if (!opt.cap) {
    process.stderr.write(`  N=${n}: ${why} and holds ${open} of its own: not all sockets can fit (--no-cap: trying all of them)\n`);
    return n;
  }
  const fit = Math.max(0, limit - RESERVED_FILES);
  row.n = fit;
  row.capped = `capped from ${n} to ${fit}: ${why}, ${RESERVED_FILES} kept for its own files (it holds ${open} before the sockets)`;
  process.stderr.write(`  N=${n} ${row.capped}\n`);
  return fit;
}

function failedWith(row: Row, err: unknown): Row {
  row.failed = err instanceof Error ? err.message : String(err);
  process.stderr.write(`  ${row.kind}, N=${row.n} failed: ${row.failed}\n`);
  return row;
}

async function measureApp(kind: string, n: number, opt: Options, pool: ClientPool, target: AppTarget & { produce: () => Promise<number> }): Promise<Row> {
  const row: Row = { kind, n, live: 0, received: [], latencies: [], fromRequest: [], rssBeforeKb: 0, rssAfterKb: 0, connectMs: 0, cpu: { serverMs: 0, clientsMs: 0 }, note: '' };
  const server = target.socketsOn;
  // An event with nobody listening first: the relay, the sink and the bus run once before RSS is read.
  const version = 1;
  await target.produce();
  if ((await createdAt(target.db, target.topic, version, 30_000)) === null) throw new Error('the warm-up message was never stored');
  row.rssBeforeKb = await settledRss(server.pid);
  n = socketsThatFit(server.pid, n, opt, row);
  try {
    const connected = await pool.connect(server.wsUrl, n, opt.inFlight, { token: target.token, topic: target.topic });
    row.live = connected.live;
    row.connectMs = connected.ms;
    if (connected.errors.length > 0) row.note = `${n - connected.live} sockets failed: ${connected.errors.slice(0, 3).join('; ')}`;
    if (!server.running) throw new Error(`the API process (${server.name}) exited while the sockets connected:\n${server.logTail(15)}`);
    row.rssAfterKb = await settledRss(server.pid);
    if (connected.live === 0) return row;
    const holders = [...connected.perProc].filter(([, live]) => live > 0).map(([p]) => p);
    await appEvents(row, n, version, opt, pool, target, holders);
  } catch (err) {
    return failedWith(row, err);
  }
  return row;
}

async function appEvents(row: Row, n: number, version: number, opt: Options, pool: ClientPool, target: AppTarget & { produce: () => Promise<number> }, holders: ChildProcess[]): Promise<void> {
  const { kind } = row;
  const server = target.socketsOn;
  for (let i = 0; i <= opt.events; i++) {
    version += 1;
    const key = String(version);
    pool.quiet(true);
    const all = pool.waitAll(key, holders, opt.timeoutMs);
    const cpuBefore = { server: cpuMs(server.pid), clients: pool.cpuMs() };
    const returnedAt = await target.produce();
    const complete = await all.done;
    if (i > 0) {
      row.cpu.serverMs += cpuMs(server.pid) - cpuBefore.server;
      row.cpu.clientsMs += pool.cpuMs() - cpuBefore.clients;
    }
    const offset = wallOffset();
    const created = await createdAt(target.db, target.topic, version, 5000);
    const { times, bytes } = await pool.collect(key);
    pool.quiet(false);
    if (i === 0) {
      frameBytes = bytes || frameBytes;
      continue; // warm-up
    }
    if (created === null) throw new Error(`message ${key} not stored`);
    const createdMono = created - offset;
    row.received.push(times.length);
    for (const t of times) row.latencies.push(t - createdMono);
    for (const t of times) row.fromRequest.push(t - returnedAt);
    process.stderr.write(`    ${kind} N=${n} event ${i}: ${times.length}/${n}${complete ? '' : ' (timed out)'}, created_at -> arrival p50 ${fmt(pct(times.map((t) => t - createdMono), 0.5))} max ${fmt(Math.max(...times.map((t) => t - createdMono)))} ms\n`);
    if (!server.running) throw new Error(`the API process (${server.name}) exited:\n${server.logTail(15)}`);
    await sleep(300);
  }
}

async function oneNodeSqlite(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const node = await ApiNode.start(`sqlite-${n}`, dir, apiEnv(dir, `sqlite-${n}`));
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: path.join(dir, `data-sqlite-${n}`, 'shop.db') });
  try {
    const s = await setUp(db);
    return await measureApp('one node, SQLite', n, opt, pool, { socketsOn: node, produceOn: node, db, token: s.token, topic: s.topic, produce: producer(node, s.token, s.skuId) });
  } finally {
    await pool.closeAll().catch(() => undefined);
    await node.stop();
    await db.destroy();
  }
}

async function twoNodesPostgres(n: number, opt: Options, pool: ClientPool, dir: string): Promise<Row> {
  const { createDb } = await import('../server/db');
  const pg = (await import('pg')).default;
  const schema = `bench_rt_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
    schemas.add(schema);
  } finally {
    await admin.end();
  }
  const url = `${pgUrl()}${pgUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const nodes: ApiNode[] = [];
  const db = createDb({ dialect: 'postgres', databaseUrl: pgUrl(), sqlitePath: '' }, { pgSchema: schema, poolSize: 2 });
  try {
    // A first: it runs the migrations.
    const a = await ApiNode.start(`pg-a-${n}`, dir, apiEnv(dir, `pg-a-${n}`, url));
    nodes.push(a);
    const b = await ApiNode.start(`pg-b-${n}`, dir, apiEnv(dir, `pg-b-${n}`, url));
    nodes.push(b);
    const s = await setUp(db);
    return await measureApp('two nodes, PostgreSQL', n, opt, pool, { socketsOn: b, produceOn: a, db, token: s.token, topic: s.topic, produce: producer(a, s.token, s.skuId) });
  } finally {
    await pool.closeAll().catch(() => undefined);
    for (const node of nodes) await node.stop();
    await db.destroy();
    await dropSchemas();
  }
}

async function floor(n: number, opt: Options, pool: ClientPool): Promise<Row> {
  const row: Row = { kind: 'floor (bare ws)', n, live: 0, received: [], latencies: [], fromRequest: [], rssBeforeKb: 0, rssAfterKb: 0, connectMs: 0, cpu: { serverMs: 0, clientsMs: 0 }, note: '' };
  const child = forkRole('--as-floor-server');
  const messages: FloorMsg[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m: unknown) => {
    messages.push(m as FloorMsg);
    waiters.forEach((w) => w());
  });
  const next = <T extends FloorMsg>(match: (m: FloorMsg) => boolean, timeoutMs = 60_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const i = messages.findIndex(match);
        if (i < 0) return;
        const [m] = messages.splice(i, 1);
        waiters.delete(look);
        clearTimeout(timer);
        resolve(m as T);
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error('the floor server did not answer'));
      }, timeoutMs);
      waiters.add(look);
      look();
    });
  try {
    const { url } = await next<{ url: string }>((m) => 'url' in m);
    row.rssBeforeKb = await settledRss(child.pid!);
    n = socketsThatFit(child.pid!, n, opt, row);
    const connected = await pool.connect(url, n, opt.inFlight);
    row.live = connected.live;
    row.connectMs = connected.ms;
    if (connected.errors.length > 0) row.note = `${n - connected.live} sockets failed: ${connected.errors.slice(0, 3).join('; ')}`;
    row.rssAfterKb = await settledRss(child.pid!);
    const holders = [...connected.perProc].filter(([, live]) => live > 0).map(([p]) => p);
    const bytes = frameBytes || 180;
    const loops: number[] = [];
    for (let seq = 0; seq <= opt.events; seq++) {
      const key = String(seq);
      const all = pool.waitAll(key, holders, opt.timeoutMs);
      const cpuBefore = { server: cpuMs(child.pid!), clients: pool.cpuMs() };
      child.send({ cmd: 'send', seq, bytes } satisfies FloorCmd);
      const sent = await next<Extract<FloorMsg, { type: 'sent' }>>((m) => 'type' in m && m.type === 'sent');
      const complete = await all.done;
      if (seq > 0) {
        row.cpu.serverMs += cpuMs(child.pid!) - cpuBefore.server;
        row.cpu.clientsMs += pool.cpuMs() - cpuBefore.clients;
      }
      const { times } = await pool.collect(key);
      if (seq === 0) continue; // warm-up
      loops.push(sent.loopMs);
      row.received.push(times.length);
      for (const t of times) row.latencies.push(t - sent.sentAt);
      process.stderr.write(`    floor N=${n} send ${seq}: ${times.length}/${n}${complete ? '' : ' (timed out)'}, p50 ${fmt(pct(times.map((t) => t - sent.sentAt), 0.5))} max ${fmt(Math.max(...times.map((t) => t - sent.sentAt)))} ms; send loop ${fmt(sent.loopMs)} ms\n`);
      await sleep(300);
    }
    row.note = [row.note, `${bytes}-byte frames; the server's send loop ${fmt(pct(loops, 0.5))} ms (median)`].filter(Boolean).join('; ');
    const errors = messages.filter((m): m is Extract<FloorMsg, { type: 'error' }> => 'type' in m && m.type === 'error');
    if (errors.length > 0) row.note += `; server errors: ${errors.map((e) => e.message).join(', ')}`;
    return row;
  } catch (err) {
    return failedWith(row, err);
  } finally {
    await pool.closeAll().catch(() => undefined);
    if (child.exitCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ cmd: 'exit' } satisfies FloorCmd);
      await Promise.race([gone, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Figures and the table

function pct(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function printTable(n: number, rows: Row[], opt: Options): void {
  const out: string[] = [];
  out.push('', `N = ${n} (${opt.events} event${opt.events === 1 ? '' : 's'} per kind after 1 warm-up; load average ${load()})`);
  const capped = rows.find((r) => r.capped)?.capped;
  if (capped) out.push(`Sockets ${capped.replace(/ \(it holds.*\)$/, '')}.`);
  out.push('', '| node kind | received/N | p50 ms | p99 ms | max ms | RSS per connection KB | detail |', '| --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const minReceived = Math.min(...r.received);
    const received =
      r.received.length === 0 ? `-/${r.n}` : `${minReceived}/${r.n}${Math.max(...r.received) !== minReceived ? ` (up to ${Math.max(...r.received)})` : ''}`;
    const perConn = r.live > 0 && r.rssAfterKb > 0 ? ((r.rssAfterKb - r.rssBeforeKb) / r.live).toFixed(1) : '-';
    const detail = [
      r.connectMs > 0 ? `${r.live} connected${r.kind.startsWith('floor') ? '' : ' and subscribed'} in ${(r.connectMs / 1000).toFixed(1)} s` : '',
      r.rssAfterKb > 0 ? `RSS ${(r.rssBeforeKb / 1024).toFixed(0)} -> ${(r.rssAfterKb / 1024).toFixed(0)} MB` : '',
      r.fromRequest.length > 0 ? `from the request's return p50 ${fmt(pct(r.fromRequest, 0.5))}, max ${fmt(Math.max(...r.fromRequest))} ms` : '',
      r.received.length > 0 ? `CPU per event: server ${fmt(r.cpu.serverMs / r.received.length)} ms, clients ${fmt(r.cpu.clientsMs / r.received.length)} ms` : '',
      r.note,
      r.failed ? `failed: ${r.failed.split('\n')[0]}` : '',
    ].filter(Boolean);
    const max = r.latencies.length > 0 ? Math.max(...r.latencies) : NaN;
    out.push(`| ${r.kind} | ${received} | ${fmt(pct(r.latencies, 0.5))} | ${fmt(pct(r.latencies, 0.99))} | ${fmt(max)} | ${perConn} | ${detail.join('; ')} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function parseOptions(argv: string[]): Options {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const opt: Options = {
    sizes: list(get('sizes', '1000,5000,20000')).map(Number),
    events: Number(get('events', '5')),
    kinds: list(get('kinds', 'sqlite,postgres,floor')),
    clientProcs: Number(get('client-procs', '4')),
    inFlight: Number(get('in-flight', '32')),
    timeoutMs: Number(get('timeout', '60')) * 1000,
    cap: !argv.includes('--no-cap'),
  };
  if (opt.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes: whole numbers >= 1, comma-separated');
  for (const k of opt.kinds) if (!['sqlite', 'postgres', 'floor'].includes(k)) throw new Error(`--kinds: sqlite, postgres, floor (not ${k})`);
  return opt;
}

async function main(): Promise<void> {
  const opt = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-realtime-'));
  dirs.add(dir);
  // Client processes run with the soft open-file limit raised to the hard one, and keep a margin of it.
  const files = fileUse(process.pid);
  const clientLimit = Number.isFinite(files.hard) ? files.hard : files.limit;
  const procs = Math.max(opt.clientProcs, Math.ceil(Math.max(...opt.sizes) / Math.max(1, clientLimit - 200)));
  process.stdout.write(
    `Realtime fan-out: sizes ${opt.sizes.join(', ')}; kinds ${opt.kinds.join(', ')}; ${procs} client processes; ${os.cpus().length} CPUs, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; open-file limit ${clientLimit} per process; Node ${process.version}; ${new Date().toISOString()}; load average ${load()}\n` +
      'Latency: the app from the message\'s created_at (realtime_messages) to the arrival; the floor from the start of its send loop.\n',
  );
  const pool = await ClientPool.start(procs);
  try {
    for (const n of opt.sizes) {
      const rows: Row[] = [];
      const kinds: [string, string, () => Promise<Row>][] = [
        ['sqlite', 'one node, SQLite', () => oneNodeSqlite(n, opt, pool, dir)],
        ['postgres', 'two nodes, PostgreSQL', () => twoNodesPostgres(n, opt, pool, dir)],
        ['floor', 'floor (bare ws)', () => floor(n, opt, pool)],
      ];
      for (const [key, kind, run] of kinds) {
        if (!opt.kinds.includes(key)) continue;
        process.stderr.write(`  N=${n}: ${kind} (load average ${load()})\n`);
        try {
          rows.push(await run());
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          process.stderr.write(`  N=${n}, ${kind} failed: ${message}\n`);
          rows.push({ kind, n, live: 0, received: [], latencies: [], fromRequest: [], rssBeforeKb: 0, rssAfterKb: 0, connectMs: 0, cpu: { serverMs: 0, clientsMs: 0 }, note: '', failed: message });
        }
      }
      // The floor first in the table.
      rows.sort((a, b) => Number(b.kind.startsWith('floor')) - Number(a.kind.startsWith('floor')));
      printTable(n, rows, opt);
    }
  } finally {
    await pool.exit();
  }
  process.stdout.write(`\nDone ${new Date().toISOString()}; load average ${load()}\n`);
}

const mode = process.argv[2];
if (mode === '--as-client') runClient();
else if (mode === '--as-floor-server') runFloorServer();
else {
  process.on('exit', killAll);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping\n`);
    void dropSchemas()
      .catch(() => undefined)
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  main()
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      await dropSchemas().catch((err: unknown) => process.stderr.write(`could not drop ${[...schemas].join(', ')}: ${String(err)}\n`));
      killAll();
      process.exit();
    });
}
